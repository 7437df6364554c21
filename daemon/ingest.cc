#include "daemon/ingest.h"

#include <utility>

namespace driftd {

// Messages handed to the pipeline per poll, and the longest a poll waits for
// the first one, which bounds how late a stop request or a new config is seen.
constexpr std::size_t kBatchSize = 4096;
constexpr Duration kPollTimeout = std::chrono::milliseconds(100);
// How often the pipeline's status snapshot is refreshed.
constexpr Duration kPublishInterval = std::chrono::milliseconds(200);

IngestWorker::IngestWorker(collectors::Source& source, Pipeline& pipeline, Logger& log)
    : source_(source), pipeline_(pipeline), log_(log) {}

IngestWorker::~IngestWorker() {
  RequestStop();
  Join();
}

void IngestWorker::Start(ExitCallback on_exit) {
  running_ = true;
  thread_ = std::thread([this, cb = std::move(on_exit)]() mutable { Loop(std::move(cb)); });
}

void IngestWorker::SubmitConfig(std::shared_ptr<const config::Config> config,
                                std::function<void()> applied) {
  std::lock_guard lock(mailbox_mu_);
  pending_config_ = std::move(config);
  pending_applied_.push_back(std::move(applied));
}

void IngestWorker::Post(std::function<void(Pipeline&)> task) {
  std::lock_guard lock(mailbox_mu_);
  tasks_.push_back(std::move(task));
}

void IngestWorker::RequestStop() { stop_ = true; }

void IngestWorker::RunMailbox() {
  std::shared_ptr<const config::Config> config;
  std::vector<std::function<void()>> applied;
  std::vector<std::function<void(Pipeline&)>> tasks;
  {
    std::lock_guard lock(mailbox_mu_);
    config = std::move(pending_config_);
    applied.swap(pending_applied_);
    tasks.swap(tasks_);
  }
  if (config) pipeline_.Reconfigure(std::move(config));  // publishes
  for (auto& callback : applied) callback();
  for (auto& task : tasks) task(pipeline_);
}

void IngestWorker::Join() {
  if (thread_.joinable()) thread_.join();
}

void IngestWorker::Loop(ExitCallback on_exit) {
  int exit_code = 0;
  std::string error;
  auto last_publish = std::chrono::steady_clock::now();
  while (!stop_.load()) {
    RunMailbox();

    if (source_finished_.load()) {
      // Nothing more will come; keep serving until asked to stop.
      std::this_thread::sleep_for(kPollTimeout);
      continue;
    }
    collectors::PollResult result = source_.Poll(pipeline_, kBatchSize, kPollTimeout);
    if (result.status == collectors::PollStatus::kFatal) {
      exit_code = 1;
      error = result.error;
      break;
    }
    if (result.status == collectors::PollStatus::kEnd) {
      source_finished_ = true;
      pipeline_.Publish();
      log_.Info("source finished", {{"source", source_.Describe()}});
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_publish >= kPublishInterval) {
      pipeline_.Publish();
      last_publish = now;
    }
  }
  RunMailbox();
  pipeline_.Publish();
  running_ = false;
  on_exit(exit_code, error);
}

}  // namespace driftd
