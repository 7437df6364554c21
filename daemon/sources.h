// Opens the event source a configuration names, with what the checkpointer
// needs of it (positions, commits) and, for Kafka, the rebalance hook.
#ifndef DRIFTD_DAEMON_SOURCES_H_
#define DRIFTD_DAEMON_SOURCES_H_

#include <functional>
#include <memory>
#include <string>

#include "collectors/source.h"
#include "config/config.h"
#include "daemon/checkpointer.h"
#include "daemon/log.h"
#include "daemon/probes.h"

namespace driftd {

// A source the daemon polls (collectors::Source, forwarded) and checkpoints
// (PositionedSource). File: one position, the byte offset of the next line,
// keyed by the file's path; commits do nothing. Kafka: a position per
// partition; commits store and commit offsets (collectors/kafka_source.h).
//
// Thread-safety: as collectors::Source and PositionedSource; SetRevokeHandler
// before polling starts; Close after it ended.
class OpenedSource : public collectors::Source, public PositionedSource {
 public:
  // Kafka: runs on the polling thread before partitions are revoked, unless
  // the assignment was lost. Others: never runs.
  virtual void SetRevokeHandler(std::function<void()> handler) = 0;
  // Kafka: leaves the consumer group. Call after the final checkpoint.
  virtual void Close() = 0;
};

// Returns the source, or nullptr with *error set. probe and log must outlive it.
std::unique_ptr<OpenedSource> OpenSource(const config::Config& config, KafkaProbe& probe,
                                         Logger& log, std::string* error);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_SOURCES_H_
