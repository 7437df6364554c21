#include "detectors/event.h"

namespace driftd {

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kPrediction: return "prediction";
    case EventKind::kInput: return "input";
    case EventKind::kLabel: return "label";
    case EventKind::kModel: return "model";
  }
  return "unknown";
}

}  // namespace driftd
