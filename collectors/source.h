// The interface every event source implements (file now, Kafka later), and the
// raw message it delivers. Sources know nothing of JSON or models.
#ifndef DRIFTD_COLLECTORS_SOURCE_H_
#define DRIFTD_COLLECTORS_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "detectors/time.h"

namespace driftd::collectors {

// One message as read from the source. Views are valid only during Handle().
struct SourceMessage {
  std::string_view payload;  // may be cut short when size exceeds the source's limit
  std::size_t size = 0;      // the message's full size in bytes
  // Readable bytes right after payload, owned by the source (any content).
  // With at least 64 (simdjson's SIMDJSON_PADDING) the decoder parses the
  // payload in place instead of copying it. 0 when unknown.
  std::size_t padding = 0;
  std::string_view topic;    // Kafka topic; empty for files
  std::int32_t partition = -1;
  std::int64_t offset = -1;  // Kafka offset, or byte offset of the line in a file
  std::optional<Timestamp> timestamp;  // broker timestamp, when there is one
};

// Receives messages on the ingest thread.
class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  virtual void Handle(const SourceMessage& message) = 0;
};

enum class PollStatus {
  kOk,     // delivered zero or more messages; call again
  kEnd,    // the source is exhausted (a file read to its end without follow)
  kFatal,  // unrecoverable; error says why; the daemon exits non-zero
};

struct PollResult {
  PollStatus status = PollStatus::kOk;
  std::size_t delivered = 0;
  std::string error;
};

// Thread-safety: Poll() is called from one thread only (the ingest thread);
// Connected() and Describe() may be called from any thread.
class Source {
 public:
  virtual ~Source() = default;
  // Delivers up to max_messages to handler, waiting at most timeout for the
  // first one when none is available.
  [[nodiscard]] virtual PollResult Poll(MessageHandler& handler, std::size_t max_messages,
                                        Duration timeout) = 0;
  // True while the source can deliver (file open; Kafka brokers reachable).
  virtual bool Connected() const = 0;
  // A one-line description for logs and /api/v1/status.
  virtual std::string Describe() const = 0;
};

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_SOURCE_H_
