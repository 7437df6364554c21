// The ingest thread: polls the source and feeds the pipeline. It alone owns
// the pipeline's mutable state; other threads talk to it through the mailbox
// methods below.
#ifndef DRIFTD_DAEMON_INGEST_H_
#define DRIFTD_DAEMON_INGEST_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "collectors/source.h"
#include "config/config.h"
#include "daemon/log.h"
#include "daemon/pipeline.h"

namespace driftd {

// Thread-safety: all public methods may be called from any thread.
class IngestWorker {
 public:
  // Called once, on the ingest thread, when it ends: exit code 0 after a
  // requested stop, 1 after a fatal source error (with its message).
  using ExitCallback = std::function<void(int exit_code, const std::string& error)>;

  // source, pipeline and log must outlive the worker.
  IngestWorker(collectors::Source& source, Pipeline& pipeline, Logger& log);
  ~IngestWorker();
  IngestWorker(const IngestWorker&) = delete;
  IngestWorker& operator=(const IngestWorker&) = delete;

  void Start(ExitCallback on_exit);
  // Hands a new config to the ingest thread, applied between batches;
  // `applied` then runs on the ingest thread, after the pipeline's status
  // shows the new config. A config submitted before the previous one was
  // applied replaces it (both callbacks run).
  void SubmitConfig(std::shared_ptr<const config::Config> config, std::function<void()> applied);
  // Runs task on the ingest thread between batches, with the pipeline it
  // owns: how timers (evaluation, checkpoints) reach the ingest-owned state.
  // Tasks run in order; tasks pending at stop run before ExitCallback.
  void Post(std::function<void(Pipeline&)> task);
  // Stops intake after the current batch; ExitCallback follows.
  void RequestStop();
  void Join();

  // True once the source reported its end (a file read without follow).
  bool source_finished() const { return source_finished_.load(); }
  bool running() const { return running_.load(); }

 private:
  void Loop(ExitCallback on_exit);
  void RunMailbox();

  collectors::Source& source_;
  Pipeline& pipeline_;
  Logger& log_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  std::atomic<bool> source_finished_{false};
  std::mutex mailbox_mu_;
  std::shared_ptr<const config::Config> pending_config_;  // guarded by mailbox_mu_
  std::vector<std::function<void()>> pending_applied_;    // guarded by mailbox_mu_
  std::vector<std::function<void(Pipeline&)>> tasks_;     // guarded by mailbox_mu_
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_INGEST_H_
