// The evaluator: judges window snapshots off the ingest thread and publishes
// the verdicts to the metrics, the status API and subscribed listeners.
//
// Flow (DESIGN.md section 3): every evaluation interval a timer posts a task
// to the ingest thread, which starts an EvaluationRound with the first slice
// of merged windows (Pipeline::SnapshotModels) and Submit()s it here. A
// dedicated thread then runs JudgeModel (daemon/drift_judge.h) per model, so
// neither ingestion nor the HTTP io_context waits on statistics. A judged
// model's merged windows are released at once; when the slice is used up the
// round fetches the next one from the ingest thread. So a deployment whose
// merged windows exceed one slice holds one slice at a time, not a second
// copy of every model's data (with everything in one slice it is the same as
// one snapshot of all models). A round whose config was replaced meanwhile,
// or that cannot fetch because the daemon stops, is abandoned: nothing is
// published and it counts as skipped.
// At most one round waits: a newer one replaces a waiting one (counted as
// skipped), so a slow evaluation never queues up work.
//
// Per evaluation round: each model's ModelDrift goes to the probe, the round's
// duration to ObserveEvaluationDuration, each ModelEvaluation to every
// listener (on the evaluator thread, in subscription order), and the status
// snapshot is replaced.
#ifndef DRIFTD_DAEMON_EVALUATOR_H_
#define DRIFTD_DAEMON_EVALUATOR_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "daemon/evaluation_probe.h"
#include "daemon/log.h"
#include "daemon/pipeline.h"
#include "detectors/finding.h"

namespace driftd {

// What /api/v1/status shows of drift: the last round's results.
struct DriftStatus {
  std::optional<Timestamp> last_evaluation;  // snapshot time of the last round
  double last_duration_seconds = 0.0;
  std::uint64_t evaluations = 0;  // rounds completed
  std::uint64_t skipped = 0;      // snapshots replaced before they were evaluated
  std::vector<ModelDrift> models;  // in config order
};

// Merged windows a round takes from the ingest thread at a time (at least
// one model's): bounds the memory evaluation adds on top of the windows, with
// few round trips (a round trip can wait for one poll of the source).
constexpr std::size_t kEvaluationSliceBytes = std::size_t{16} << 20;

// One evaluation round: models[i] of `config` is judged on the snapshot
// first[i] for i < first.size(), and the rest on what `more` returns.
struct EvaluationRound {
  std::shared_ptr<const config::Config> config;
  Timestamp taken_at{};
  std::vector<ModelWindowSnapshot> first;
  // Snapshots of models index, index + 1, ... (at least one), or an empty
  // vector when the round cannot go on. It may wait for another thread but
  // must return soon once `stop` is true. Empty function: `first` is all.
  std::function<std::vector<ModelWindowSnapshot>(std::size_t index, const std::atomic<bool>& stop)> more;
};

// Thread-safety: AddListener() before Start(); every other method may be
// called from any thread. Listeners run on the evaluator thread (or the
// thread calling Evaluate()) and must not block for long.
class Evaluator {
 public:
  using Listener = std::function<void(const ModelEvaluation&)>;

  // probe and log must outlive the evaluator.
  Evaluator(EvaluationProbe& probe, Logger& log);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  void AddListener(Listener listener);
  // Starts the evaluator thread. Stop() (or the destructor) ends it; a
  // waiting snapshot is dropped.
  void Start();
  void Stop();

  // Hands a round to the evaluator thread (see the file comment).
  void Submit(EvaluationRound round);
  // A round made of one snapshot of every model.
  void Submit(std::shared_ptr<const WindowsSnapshot> snapshot);
  // Evaluates on the calling thread: what the evaluator thread runs. False
  // when the round was abandoned.
  bool Evaluate(EvaluationRound round);
  void Evaluate(const WindowsSnapshot& snapshot);

  std::shared_ptr<const DriftStatus> Status() const;

 private:
  void Loop();

  EvaluationProbe& probe_;
  Logger& log_;
  std::vector<Listener> listeners_;
  std::thread thread_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                         // guarded by mu_
  std::optional<EvaluationRound> pending_;    // guarded by mu_
  std::uint64_t skipped_ = 0;                 // guarded by mu_
  std::atomic<bool> stopping_{false};         // tells a round's fetch to give up

  // Only the evaluating thread touches these between rounds.
  std::mutex evaluate_mu_;  // serializes Evaluate() calls
  std::uint64_t evaluations_ = 0;

  mutable std::mutex status_mu_;
  std::shared_ptr<const DriftStatus> status_;  // guarded by status_mu_
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_EVALUATOR_H_
