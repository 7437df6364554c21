#include "daemon/pipeline.h"

#include <utility>

namespace driftd {

// At most one warning per interval about rejected messages; every one is
// counted regardless, and logged at debug level.
constexpr Duration kRejectLogInterval = std::chrono::seconds(10);

Pipeline::Pipeline(std::shared_ptr<const config::Config> config, PipelineProbe& probe,
                   const Clock& clock, Logger& log)
    : config_(std::move(config)),
      decoder_(std::make_unique<collectors::Decoder>(*config_)),
      probe_(probe),
      clock_(clock),
      log_(log) {
  BuildModels({});
  Publish();
}

void Pipeline::BuildModels(const std::vector<ModelState>& previous) {
  models_.clear();
  models_.reserve(config_->models.size());
  for (const auto& model : config_->models) {
    ModelState state{ModelStatus{}, &probe_.ForModel(model.name)};
    state.status.name = model.name;
    for (const auto& old : previous) {
      if (old.status.name == model.name) state.status = old.status;
    }
    models_.push_back(std::move(state));
  }
}

Pipeline::ModelState* Pipeline::FindModel(const std::string& name) {
  // Linear: a deployment watches few models, and the names are short.
  for (auto& m : models_) {
    if (m.status.name == name) return &m;
  }
  return nullptr;
}

void Pipeline::Reconfigure(std::shared_ptr<const config::Config> config) {
  std::vector<ModelState> previous = std::move(models_);
  config_ = std::move(config);
  decoder_ = std::make_unique<collectors::Decoder>(*config_);
  BuildModels(previous);
  Publish();
}

void Pipeline::Handle(const collectors::SourceMessage& message) {
  ++messages_;
  const Timestamp now = clock_.Now();
  if (auto error = decoder_->Decode(message, now, &event_)) {
    NoteRejected(*error, message);
    return;
  }
  ModelState* model = FindModel(event_.model);
  if (model == nullptr) {
    // The decoder checks models against the same config; this is a guard.
    NoteRejected({collectors::RejectReason::kUnknownModel, event_.model}, message);
    return;
  }
  auto& status = model->status;
  ++status.events[static_cast<int>(event_.kind)];
  if (!status.last_event || event_.ts > *status.last_event) status.last_event = event_.ts;
  if (!event_.model_version.empty() && event_.model_version != status.version) {
    status.version = event_.model_version;
  }
  model->probe->CountEvent(event_.kind, event_.ts);
}

void Pipeline::NoteRejected(const collectors::DecodeError& error,
                            const collectors::SourceMessage& message) {
  ++rejected_[static_cast<int>(error.reason)];
  probe_.CountRejected(error.reason);
  const std::string offset = std::to_string(message.offset);
  const char* reason = collectors::RejectReasonName(error.reason);
  if (log_.Enabled(config::LogLevel::kDebug)) {
    log_.Debug("event rejected", {{"reason", reason}, {"detail", error.detail}, {"offset", offset}});
    return;
  }
  const Timestamp now = clock_.Now();
  if (now - last_reject_log_ < kRejectLogInterval) return;
  last_reject_log_ = now;
  log_.Warn("event rejected (further rejections this interval are only counted)",
            {{"reason", reason}, {"detail", error.detail}, {"offset", offset}});
}

void Pipeline::Publish() {
  auto status = std::make_shared<PipelineStatus>();
  status->taken_at = clock_.Now();
  status->messages = messages_;
  status->rejected = rejected_;
  status->models.reserve(models_.size());
  for (const auto& m : models_) status->models.push_back(m.status);
  std::lock_guard lock(status_mu_);
  status_ = std::move(status);
}

std::shared_ptr<const PipelineStatus> Pipeline::Status() const {
  std::lock_guard lock(status_mu_);
  return status_;
}

}  // namespace driftd
