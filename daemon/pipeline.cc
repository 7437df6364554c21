#include "daemon/pipeline.h"

#include <cstdint>
#include <utility>

#include "daemon/baseline.h"

namespace driftd {

// At most one warning per interval about rejected messages; every one is
// counted regardless, and logged at debug level.
constexpr Duration kRejectLogInterval = std::chrono::seconds(10);

Pipeline::Pipeline(std::shared_ptr<const config::Config> config, PipelineProbe& probe,
                   const Clock& clock, Logger& log, BaselineLoader baseline_loader)
    : config_(std::move(config)),
      decoder_(std::make_unique<collectors::Decoder>(*config_)),
      probe_(probe),
      clock_(clock),
      log_(log),
      baseline_loader_(baseline_loader ? std::move(baseline_loader) : BaselineLoader(LoadBaseline)) {
  BuildModels({});
  Publish();
}

BaselineReference Pipeline::LoadBaselineOf(const config::ModelConfig& model) {
  if (model.reference.type != config::ReferenceType::kBaseline) return {};
  BaselineReference baseline = baseline_loader_(model);
  if (!baseline.summaries) {
    // The model stays configured and is reported as not judged.
    log_.Error("baseline profile unusable; the model's drift is not judged",
               {{"model", model.name}, {"path", model.reference.path}, {"error", baseline.error}});
  }
  return baseline;
}

void Pipeline::BuildModels(std::vector<ModelState> previous) {
  models_.clear();
  models_.reserve(config_->models.size());
  for (const auto& model : config_->models) {
    ModelState state{ModelStatus{}, &probe_.ForModel(model.name), &model, nullptr, {}, nullptr};
    state.status.name = model.name;
    BaselineReference baseline = LoadBaselineOf(model);
    for (auto& old : previous) {
      if (old.status.name != model.name) continue;
      state.status = old.status;
      state.deployed_version = old.deployed_version;
      state.monitors = MakeModelMonitors(model, clock_.Now(), old.monitors.get());
      if (old.windows && ModelWindows::SameWindowSettings(*old.config, model)) {
        state.windows = std::move(old.windows);
        state.windows->SetBaseline(std::move(baseline));
      } else {
        log_.Info("model window settings changed; its windows start empty", {{"model", model.name}});
      }
    }
    if (!state.windows) {
      state.windows = std::make_unique<ModelWindows>(model, std::move(baseline));
      if (!state.windows->ok()) {
        log_.Error("model has no drift windows", {{"model", model.name},
                                                  {"error", state.windows->Status().error}});
      }
    }
    if (!state.monitors) state.monitors = MakeModelMonitors(model, clock_.Now(), nullptr);
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
  // The old config stays alive until the previous states are compared.
  std::shared_ptr<const config::Config> old_config = std::move(config_);
  config_ = std::move(config);
  decoder_ = std::make_unique<collectors::Decoder>(*config_);
  BuildModels(std::move(previous));
  Publish();
}

std::shared_ptr<const WindowsSnapshot> Pipeline::SnapshotWindows() const {
  auto snapshot = std::make_shared<WindowsSnapshot>();
  snapshot->config = config_;
  snapshot->taken_at = clock_.Now();
  snapshot->models = SnapshotModels(config_, 0, SIZE_MAX, snapshot->taken_at);
  return snapshot;
}

std::vector<ModelWindowSnapshot> Pipeline::SnapshotModels(const std::shared_ptr<const config::Config>& config,
                                                          std::size_t first, std::size_t budget_bytes,
                                                          Timestamp taken_at) const {
  std::vector<ModelWindowSnapshot> out;
  if (config != config_) return out;
  std::size_t bytes = 0;
  for (std::size_t i = first; i < models_.size() && (out.empty() || bytes < budget_bytes); ++i) {
    out.push_back(models_[i].windows->Snapshot(models_[i].status.name, taken_at));
    const ModelWindowSnapshot& m = out.back();
    if (m.current) bytes += m.current->MemoryBytes();
    if (m.reference) bytes += m.reference->MemoryBytes();
  }
  return out;
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
  if (event_.kind == EventKind::kModel && !event_.model_version.empty()) {
    // A model event announcing another version than the one known (from
    // the last model event, else from predictions) is a deploy. The first
    // version learned is not: nothing was deployed over.
    const std::string& known = model->deployed_version.empty() ? status.version : model->deployed_version;
    if (!known.empty() && known != event_.model_version) model->windows->OnDeploy();
    model->deployed_version = event_.model_version;
  }
  if (!event_.model_version.empty() && event_.model_version != status.version) {
    status.version = event_.model_version;
  }
  model->windows->Add(event_);
  model->monitors->Observe(event_);
  model->probe->CountEvent(event_.kind, event_.ts);
}

std::vector<MonitorRound> Pipeline::EvaluateMonitors() {
  const Timestamp now = clock_.Now();
  std::vector<MonitorRound> rounds;
  rounds.reserve(models_.size());
  for (auto& m : models_) rounds.push_back(driftd::EvaluateMonitors(*m.monitors, now));
  return rounds;
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
  for (const auto& m : models_) {
    status->models.push_back(m.status);
    status->models.back().windows = m.windows->Status();
  }
  std::lock_guard lock(status_mu_);
  status_ = std::move(status);
}

std::shared_ptr<const PipelineStatus> Pipeline::Status() const {
  std::lock_guard lock(status_mu_);
  return status_;
}

}  // namespace driftd
