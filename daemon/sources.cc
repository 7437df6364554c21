#include "daemon/sources.h"

#include <sys/stat.h>

#include "collectors/file_source.h"
#include "collectors/kafka_source.h"

namespace driftd {
namespace {

using collectors::StreamPositions;

class OpenedFile : public OpenedSource {
 public:
  OpenedFile(std::unique_ptr<collectors::FileSource> file, std::string path)
      : file_(std::move(file)), path_(std::move(path)) {}

  collectors::PollResult Poll(collectors::MessageHandler& handler, std::size_t max_messages,
                              Duration timeout) override {
    return file_->Poll(handler, max_messages, timeout);
  }
  bool Connected() const override { return file_->Connected(); }
  std::string Describe() const override { return file_->Describe(); }

  StreamPositions Positions() const override {
    return {{path_, -1, static_cast<std::int64_t>(file_->position())}};
  }
  std::optional<std::string> Restore(const StreamPositions& positions) override {
    for (const auto& p : positions) {
      if (p.partition != -1 || p.topic != path_) continue;
      if (path_ == "-") return std::string("standard input cannot resume at a saved position");
      // A file shorter than the saved position was replaced or truncated:
      // its lines are new ones, read from the start.
      struct stat st {};
      if (::stat(path_.c_str(), &st) != 0 || p.next_offset > st.st_size) {
        return "file " + path_ + " is shorter than the saved position " +
               std::to_string(p.next_offset) + "; reading it from the start";
      }
      std::string error;
      if (!file_->SeekTo(static_cast<std::uint64_t>(p.next_offset), &error)) return error;
      return std::nullopt;
    }
    return std::nullopt;  // another file (the config changed): read it from its start
  }
  std::optional<std::string> Commit(const StreamPositions&, bool) override { return std::nullopt; }
  void SetRevokeHandler(std::function<void()>) override {}
  void Close() override {}

 private:
  std::unique_ptr<collectors::FileSource> file_;
  const std::string path_;
};

// Forwards the consumer's reports to the metrics and the log.
class KafkaReports : public collectors::KafkaObserver {
 public:
  KafkaReports(KafkaProbe& probe, Logger& log) : probe_(probe), log_(log) {}
  void CountMessages(std::string_view topic, std::uint64_t count) override {
    probe_.CountKafkaMessages(topic, count);
  }
  void CountRedelivered(std::uint64_t count) override { probe_.CountKafkaRedelivered(count); }
  void SetConsumerLag(std::string_view topic, std::int32_t partition, std::int64_t lag) override {
    probe_.SetKafkaConsumerLag(topic, partition, lag);
  }
  void Log(bool warning, std::string_view message) override {
    if (warning) log_.Warn(message);
    else log_.Info(message);
  }

 private:
  KafkaProbe& probe_;
  Logger& log_;
};

class OpenedKafka : public OpenedSource {
 public:
  OpenedKafka(KafkaProbe& probe, Logger& log) : reports_(probe, log) {}
  bool Open(const config::SourceConfig& config, std::string* error) {
    kafka_ = collectors::KafkaSource::Open(config, reports_, error);
    return kafka_ != nullptr;
  }

  collectors::PollResult Poll(collectors::MessageHandler& handler, std::size_t max_messages,
                              Duration timeout) override {
    return kafka_->Poll(handler, max_messages, timeout);
  }
  bool Connected() const override { return kafka_->Connected(); }
  std::string Describe() const override { return kafka_->Describe(); }

  StreamPositions Positions() const override { return kafka_->Positions(); }
  std::optional<std::string> Restore(const StreamPositions& positions) override {
    kafka_->RestorePositions(positions);
    return std::nullopt;
  }
  std::optional<std::string> Commit(const StreamPositions& positions, bool synchronous) override {
    return kafka_->Commit(positions, synchronous);
  }
  void SetRevokeHandler(std::function<void()> handler) override {
    kafka_->SetRevokeHandler(std::move(handler));
  }
  void Close() override { kafka_->Close(); }

 private:
  KafkaReports reports_;  // outlives kafka_, which reports to it until closed
  std::unique_ptr<collectors::KafkaSource> kafka_;
};

}  // namespace

std::unique_ptr<OpenedSource> OpenSource(const config::Config& config, KafkaProbe& probe,
                                         Logger& log, std::string* error) {
  switch (config.source.type) {
    case config::SourceType::kFile: {
      auto file = collectors::FileSource::Open(config.source, config.daemon.max_event_bytes, error);
      if (!file) return nullptr;
      return std::make_unique<OpenedFile>(std::move(file), config.source.path);
    }
    case config::SourceType::kKafka: {
      auto kafka = std::make_unique<OpenedKafka>(probe, log);
      if (!kafka->Open(config.source, error)) return nullptr;
      return kafka;
    }
  }
  *error = "unknown source type";
  return nullptr;
}

}  // namespace driftd
