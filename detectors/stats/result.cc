#include "detectors/stats/result.h"

namespace driftd::detectors::stats {

const char* PValueMethodName(PValueMethod method) {
  switch (method) {
    case PValueMethod::kNone:
      return "none";
    case PValueMethod::kExact:
      return "exact";
    case PValueMethod::kAsymptotic:
      return "asymptotic";
    case PValueMethod::kInterpolated:
      return "interpolated";
    case PValueMethod::kPermutation:
      return "permutation";
  }
  return "none";
}

}  // namespace driftd::detectors::stats
