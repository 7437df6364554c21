// Pipeline::SerializeState / RestoreState: the pipeline's part of a
// checkpoint snapshot (daemon/checkpoint_format.h carries it as opaque bytes).
//
// Layout (daemon/checkpoint_codec.h encoding):
//   u32 kPipelineStateVersion
//   u64 messages
//   u64 n, then n u64 rejected counts, by RejectReason
//   u64 m, then m models in config order:
//     bytes name, bytes version, bytes deployed_version
//     u64 k, then k u64 event counts, by EventKind
//     bool has_last_event, i64 last_event (ns since the epoch)
//     bytes windows: the model's window state (ModelWindows::AppendTo)
// Counts of reasons and kinds are written so that a later build with more
// of them can read an older snapshot.
#include <algorithm>

#include "daemon/checkpoint_codec.h"
#include "daemon/pipeline.h"

namespace driftd {
namespace {

constexpr std::uint32_t kPipelineStateVersion = 1;

struct SavedModel {
  std::string name;
  std::string version;
  std::string deployed_version;
  std::vector<std::uint64_t> events;
  std::optional<Timestamp> last_event;
  std::string_view windows;
};

}  // namespace

void Pipeline::SerializeState(std::string* out) const {
  out->clear();
  ByteWriter w(out);
  w.U32(kPipelineStateVersion);
  w.U64(messages_);
  w.U64(rejected_.size());
  for (std::uint64_t n : rejected_) w.U64(n);
  w.U64(models_.size());
  for (const auto& m : models_) {
    w.Bytes(m.status.name);
    w.Bytes(m.status.version);
    w.Bytes(m.deployed_version);
    w.U64(m.status.events.size());
    for (std::uint64_t n : m.status.events) w.U64(n);
    w.Bool(m.status.last_event.has_value());
    w.I64(m.status.last_event ? m.status.last_event->time_since_epoch().count() : 0);
    std::string windows;
    m.windows->AppendTo(&windows);
    w.Bytes(windows);
  }
}

bool Pipeline::RestoreState(std::string_view state, std::string* error) {
  ByteReader r(state);
  const std::uint32_t version = r.U32();
  if (r.ok() && version != kPipelineStateVersion) {
    *error = "unsupported pipeline state version " + std::to_string(version);
    return false;
  }
  const std::uint64_t messages = r.U64();
  std::array<std::uint64_t, collectors::kRejectReasonCount> rejected{};
  const std::uint64_t reasons = r.Count(8);
  for (std::uint64_t i = 0; i < reasons; ++i) {
    const std::uint64_t n = r.U64();
    if (i < rejected.size()) rejected[i] = n;
  }
  std::vector<SavedModel> saved(r.Count(8 * 4 + 8 + 1 + 8));
  for (auto& m : saved) {
    m.name = r.String();
    m.version = r.String();
    m.deployed_version = r.String();
    const std::uint64_t kinds = r.Count(8);
    m.events.resize(kinds);
    for (auto& n : m.events) n = r.U64();
    const bool has_last = r.Bool();
    const std::int64_t last = r.I64();
    if (has_last) m.last_event = Timestamp(Duration(last));
    m.windows = r.Bytes();
  }
  if (!r.ok() || !r.at_end()) {
    *error = "malformed pipeline state";
    return false;
  }
  // Everything parsed: now apply. Models no longer configured are dropped.
  messages_ = messages;
  rejected_ = rejected;
  for (auto& model : models_) {
    auto it = std::find_if(saved.begin(), saved.end(),
                           [&](const SavedModel& s) { return s.name == model.status.name; });
    if (it == saved.end()) continue;
    model.status.version = it->version;
    model.deployed_version = it->deployed_version;
    model.status.events.fill(0);
    for (std::size_t k = 0; k < std::min(it->events.size(), model.status.events.size()); ++k) {
      model.status.events[k] = it->events[k];
    }
    model.status.last_event = it->last_event;
    if (it->windows.empty()) continue;
    // Windows saved under other window settings (or damaged) are dropped:
    // the model's windows start empty, as after a reload that changed them.
    std::string_view in = it->windows;
    std::optional<ModelWindows> windows =
        ModelWindows::Parse(&in, *model.config, model.windows->baseline());
    if (windows && in.empty()) {
      *model.windows = std::move(*windows);
    } else {
      log_.Warn("checkpointed windows do not fit the model's window settings; they start empty",
                {{"model", model.status.name}});
    }
  }
  Publish();
  return true;
}

}  // namespace driftd
