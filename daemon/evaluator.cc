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
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Evaluator::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    pending_.reset();
  }
  stopping_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

namespace {

EvaluationRound RoundOf(const WindowsSnapshot& snapshot) {
  EvaluationRound round;
  round.config = snapshot.config;
  round.taken_at = snapshot.taken_at;
  round.first = snapshot.models;
  return round;
}

}  // namespace

void Evaluator::Submit(EvaluationRound round) {
  {
    std::lock_guard lock(mu_);
    if (pending_) ++skipped_;
    pending_ = std::move(round);
  }
  cv_.notify_one();
}

void Evaluator::Submit(std::shared_ptr<const WindowsSnapshot> snapshot) { Submit(RoundOf(*snapshot)); }

void Evaluator::Loop() {
  for (;;) {
    std::optional<EvaluationRound> round;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || pending_.has_value(); });
      if (stop_) return;
      round = std::move(pending_);
      pending_.reset();
    }
    if (!Evaluate(std::move(*round))) {
      std::lock_guard lock(mu_);
      ++skipped_;
    }
  }
}

void Evaluator::Evaluate(const WindowsSnapshot& snapshot) { Evaluate(RoundOf(snapshot)); }

bool Evaluator::Evaluate(EvaluationRound round) {
  std::lock_guard evaluating(evaluate_mu_);
  // Durations are measured on the monotonic clock: they are costs, not
  // event or wall times.
  const auto round_start = std::chrono::steady_clock::now();
  auto status = std::make_shared<DriftStatus>();
  status->last_evaluation = round.taken_at;
  std::vector<ModelEvaluation> evaluations;
  std::vector<std::string> names;
  const auto& configs = round.config->models;
  std::vector<ModelWindowSnapshot> slice = std::move(round.first);
  std::size_t in_slice = 0;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    if (in_slice == slice.size()) {
      if (!round.more) break;
      slice = round.more(i, stopping_);
      in_slice = 0;
      if (slice.empty()) {
        log_.Debug("drift evaluation round abandoned", {{"models_judged", std::to_string(i)}});
        return false;
      }
    }
    // Moved out, so this model's merged windows are freed once judged.
    const ModelWindowSnapshot model = std::move(slice[in_slice++]);
    const auto model_start = std::chrono::steady_clock::now();
    Judgement judgement = JudgeModel(configs[i], model);
    judgement.drift.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - model_start).count();
    names.push_back(judgement.drift.model);
    status->models.push_back(std::move(judgement.drift));
    evaluations.push_back(std::move(judgement.evaluation));
  }
  // Published only for a complete round, so the metrics never mix rounds.
  for (const ModelDrift& drift : status->models) probe_.ModelEvaluated(drift);
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
  return true;
}

std::shared_ptr<const DriftStatus> Evaluator::Status() const {
  std::lock_guard lock(status_mu_);
  return status_;
}

}  // namespace driftd
