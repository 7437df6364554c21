#include "daemon/evaluator.h"

#include <chrono>
#include <string>
#include <utility>

#include "daemon/drift_judge.h"

namespace driftd {

Evaluator::Evaluator(EvaluationProbe& probe, Logger& log)
    : probe_(probe), log_(log), status_(std::make_shared<DriftStatus>()) {}

Evaluator::~Evaluator() { Stop(); }

void Evaluator::AddListener(Listener listener) { listeners_.push_back(std::move(listener)); }

void Evaluator::Start() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void Evaluator::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    pending_.reset();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Evaluator::Submit(std::shared_ptr<const WindowsSnapshot> snapshot) {
  {
    std::lock_guard lock(mu_);
    if (pending_) ++skipped_;
    pending_ = std::move(snapshot);
  }
  cv_.notify_one();
}

void Evaluator::Loop() {
  for (;;) {
    std::shared_ptr<const WindowsSnapshot> snapshot;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || pending_ != nullptr; });
      if (stop_) return;
      snapshot = std::move(pending_);
    }
    Evaluate(*snapshot);
  }
}

void Evaluator::Evaluate(const WindowsSnapshot& snapshot) {
  std::lock_guard evaluating(evaluate_mu_);
  // Durations are measured on the monotonic clock: they are costs, not
  // event or wall times.
  const auto round_start = std::chrono::steady_clock::now();
  auto status = std::make_shared<DriftStatus>();
  status->last_evaluation = snapshot.taken_at;
  std::vector<ModelEvaluation> evaluations;
  std::vector<std::string> names;
  const auto& configs = snapshot.config->models;
  for (std::size_t i = 0; i < snapshot.models.size() && i < configs.size(); ++i) {
    const auto model_start = std::chrono::steady_clock::now();
    Judgement judgement = JudgeModel(configs[i], snapshot.models[i]);
    judgement.drift.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - model_start).count();
    probe_.ModelEvaluated(judgement.drift);
    names.push_back(judgement.drift.model);
    status->models.push_back(std::move(judgement.drift));
    evaluations.push_back(std::move(judgement.evaluation));
  }
  probe_.RetainDriftModels(names);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - round_start).count();
  probe_.ObserveEvaluationDuration(seconds);
  status->last_duration_seconds = seconds;
  status->evaluations = ++evaluations_;
  {
    std::lock_guard lock(mu_);
    status->skipped = skipped_;
  }
  if (log_.Enabled(config::LogLevel::kDebug)) {
    log_.Debug("drift evaluated", {{"models", std::to_string(names.size())},
                                   {"seconds", std::to_string(seconds)}});
  }
  {
    std::lock_guard lock(status_mu_);
    status_ = std::move(status);
  }
  for (const auto& evaluation : evaluations) {
    for (const auto& listener : listeners_) listener(evaluation);
  }
}

std::shared_ptr<const DriftStatus> Evaluator::Status() const {
  std::lock_guard lock(status_mu_);
  return status_;
}

}  // namespace driftd
