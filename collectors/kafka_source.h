// A Source consuming Kafka topics through librdkafka's high-level consumer
// (a consumer group), built for exactly-once application of events to state
// although Kafka delivers at least once.
#ifndef DRIFTD_COLLECTORS_KAFKA_SOURCE_H_
#define DRIFTD_COLLECTORS_KAFKA_SOURCE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "collectors/source.h"
#include "collectors/stream_position.h"
#include "config/config.h"

namespace driftd::collectors {

// What the consumer reports: metrics and log lines. Called on the polling
// thread, except Log(), which librdkafka may call from its own threads.
class KafkaObserver {
 public:
  virtual ~KafkaObserver() = default;
  // driftd_kafka_messages_total{topic} += count (messages handed on).
  virtual void CountMessages(std::string_view topic, std::uint64_t count) = 0;
  // Messages below the position of their partition (redelivered after a
  // rebalance or restart), skipped.
  virtual void CountRedelivered(std::uint64_t count) = 0;
  // driftd_kafka_consumer_lag{topic,partition}: high watermark minus the
  // next offset to apply, from librdkafka's statistics.
  virtual void SetConsumerLag(std::string_view topic, std::int32_t partition,
                              std::int64_t lag) = 0;
  // warning == false: informational (assignments, commits).
  virtual void Log(bool warning, std::string_view message) = 0;
};

// How it consumes:
//  - librdkafka is configured with source.librdkafka verbatim first, then
//    bootstrap.servers, group.id, session.timeout.ms and
//    statistics.interval.ms from the config, and enable.auto.commit=false,
//    enable.auto.offset.store=false. auto.offset.reset defaults to earliest
//    and partition.assignment.strategy to range; fetch.min.bytes to 65536,
//    fetch.wait.max.ms to 100, fetch.message.max.bytes to 4 MiB,
//    queued.min.messages to 1000000 and queued.max.messages.kbytes to 131072
//    (throughput: fewer, larger fetches, and a prefetch queue deep enough
//    that the consumer never waits for it). A pass-through that sets
//    enable.auto.commit, enable.auto.offset.store, or a cooperative assignor
//    (librdkafka 2.0.2's cooperative-sticky has close-path bugs, issues 4381
//    and 4528) is refused by Open().
//  - Poll() calls rd_kafka_consumer_poll() in a loop (never the batch APIs,
//    unsafe during rebalances in 2.0.2): it waits up to timeout for the
//    first message, then takes what is queued, up to max_messages.
//  - Positions: per partition, the offset of the next message to apply. A
//    message below its partition's position (a redelivery) is skipped and
//    counted; any other message, valid event or not, is handed on and moves
//    the position past it.
//  - Rebalances (eager protocol): on assignment every partition with a known
//    position starts there (offsets in the list passed to assign()); others
//    start at the group's committed offset, else auto.offset.reset. Before
//    partitions are revoked, the revoke handler runs (it checkpoints and
//    calls Commit), unless librdkafka reports the assignment lost; positions
//    of revoked partitions are kept, so that state and position stay paired.
//  - Offsets reach Kafka only through Commit(): after the checkpointer made
//    a snapshot with these positions durable, never ahead of one.
//  - Connected() is false until the consumer reaches a broker, false after
//    "all brokers down", true again once a broker is up (statistics) or a
//    message arrives. A fatal librdkafka error makes Poll() return kFatal.
//
// Thread-safety: Poll, Positions, RestorePositions, Commit, Close and
// SetRevokeHandler are called by one thread at a time (the ingest thread, or
// after it ended, the owner). Connected and Describe may be called from any
// thread.
class KafkaSource : public Source {
 public:
  // Creates the consumer and subscribes to config.topics. Returns nullptr
  // and sets *error on a bad setting. observer must outlive the source.
  static std::unique_ptr<KafkaSource> Open(const config::SourceConfig& config,
                                           KafkaObserver& observer, std::string* error);
  ~KafkaSource() override;
  KafkaSource(const KafkaSource&) = delete;
  KafkaSource& operator=(const KafkaSource&) = delete;

  [[nodiscard]] PollResult Poll(MessageHandler& handler, std::size_t max_messages,
                                Duration timeout) override;
  bool Connected() const override;
  std::string Describe() const override;

  // Every partition's next offset to apply, sorted by (topic, partition).
  StreamPositions Positions() const;
  // Before the first Poll(): positions of a restored snapshot (entries
  // with partition < 0 are ignored).
  void RestorePositions(const StreamPositions& positions);
  // Stores and commits these positions for the partitions currently
  // assigned (others are skipped: storing fails for them, and their new
  // owner commits). synchronous: waits for the broker's answer; else the
  // answer is logged when it arrives. Returns an error message on failure.
  [[nodiscard]] std::optional<std::string> Commit(const StreamPositions& positions,
                                                  bool synchronous);
  // Runs inside Poll() before an assignment is revoked, unless it was lost.
  void SetRevokeHandler(std::function<void()> handler);
  // Leaves the group (no revoke handler call, no commit) and frees the
  // consumer. Idempotent; the destructor calls it.
  void Close();

 private:
  struct Handle;  // librdkafka's handles stay out of this header
  KafkaSource(const config::SourceConfig& config, KafkaObserver& observer);
  void OnRebalance(int err, void* partitions);
  void OnError(int err, const char* reason);
  void OnStatistics(std::string_view json);
  void OnCommitted(int err, void* offsets);
  friend struct KafkaCallbacks;

  KafkaObserver& observer_;
  const std::string description_;
  std::unique_ptr<Handle> handle_;
  std::atomic<bool> connected_{false};
  std::function<void()> revoke_handler_;
  bool closed_ = false;
  std::string fatal_error_;  // set by the error callback; Poll returns kFatal
  // (topic, partition) -> next offset to apply.
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> positions_;
  std::set<std::pair<std::string, std::int32_t>> assigned_;
};

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_KAFKA_SOURCE_H_
