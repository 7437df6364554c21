#include "collectors/kafka_source.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "collectors/kafka_stats.h"

namespace driftd::collectors {

struct KafkaSource::Handle {
  rd_kafka_t* rk = nullptr;
};

// librdkafka calls plain C functions; the source is the handle's opaque.
struct KafkaCallbacks {
  static KafkaSource* Of(rd_kafka_t* rk) { return static_cast<KafkaSource*>(rd_kafka_opaque(rk)); }

  static void Rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* partitions, void*) {
    Of(rk)->OnRebalance(err, partitions);
  }
  static void Error(rd_kafka_t* rk, int err, const char* reason, void*) {
    Of(rk)->OnError(err, reason);
  }
  static int Statistics(rd_kafka_t* rk, char* json, size_t length, void*) {
    Of(rk)->OnStatistics(std::string_view(json, length));
    return 0;  // librdkafka frees the document
  }
  static void Committed(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets, void*) {
    Of(rk)->OnCommitted(err, offsets);
  }
  // May run on librdkafka's threads: the observer's Log is thread-safe.
  static void Log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
    if (level > 4) return;  // warnings and worse only; librdkafka is chatty below that
    auto* source = static_cast<KafkaSource*>(rd_kafka_opaque(rk));
    source->observer_.Log(true, std::string("librdkafka ") + facility + ": " + message);
  }
};

namespace {

std::string JoinTopics(const std::vector<std::string>& topics) {
  std::string out;
  for (const auto& t : topics) out += (out.empty() ? "" : ",") + t;
  return out;
}

// Settings the exactly-once contract depends on: not to be overridden.
constexpr const char* kReservedKeys[] = {"enable.auto.commit", "enable.auto.offset.store",
                                         "bootstrap.servers", "metadata.broker.list", "group.id"};

// The prefetch queue: librdkafka 2.0.2 stops fetching while the local queue
// is over either limit and is slow to resume once it drains, so with its
// 64 MB default a daemon catching up idled half the time (220k events/s with
// its ingest thread half busy); 1M messages / 128 MB keeps it fed (about
// 400k events/s, bench/README.md). The queue fills only while the consumer
// lags.
constexpr std::pair<const char*, const char*> kThroughputDefaults[] = {
    {"fetch.min.bytes", "65536"},
    {"fetch.wait.max.ms", "100"},
    {"fetch.message.max.bytes", "4194304"},
    {"queued.min.messages", "1000000"},
    {"queued.max.messages.kbytes", "131072"},
};

long long Millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

KafkaSource::KafkaSource(const config::SourceConfig& config, KafkaObserver& observer)
    : observer_(observer),
      description_("kafka brokers=" + config.brokers + " group=" + config.group_id +
                   " topics=" + JoinTopics(config.topics)),
      handle_(std::make_unique<Handle>()) {}

std::unique_ptr<KafkaSource> KafkaSource::Open(const config::SourceConfig& config,
                                               KafkaObserver& observer, std::string* error) {
  if (config.topics.empty()) {
    *error = "source.topics is empty: name at least one topic";
    return nullptr;
  }
  for (const char* key : kReservedKeys) {
    if (config.librdkafka.count(key)) {
      *error = std::string("source.librdkafka.") + key +
               " cannot be set: driftd manages it (offsets follow checkpoints)";
      return nullptr;
    }
  }
  std::unique_ptr<KafkaSource> source(new KafkaSource(config, observer));
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  auto set = [&](const std::string& key, const std::string& value, const std::string& origin) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) ==
        RD_KAFKA_CONF_OK) {
      return true;
    }
    *error = origin + ": " + errstr;
    return false;
  };
  bool ok = true;
  for (const auto& [key, value] : config.librdkafka) {
    ok = ok && set(key, value, "source.librdkafka." + key);
  }
  if (!config.librdkafka.count("auto.offset.reset")) {
    ok = ok && set("auto.offset.reset", "earliest", "auto.offset.reset");
  }
  // Throughput defaults (each overridable in source.librdkafka): fewer,
  // larger fetches cost the broker and the consumer's threads less CPU per
  // message when both share the machine; a fetch still returns after at most
  // fetch.wait.max.ms when less than fetch.min.bytes is waiting.
  for (const auto& [key, value] : kThroughputDefaults) {
    if (!config.librdkafka.count(key)) ok = ok && set(key, value, key);
  }
  if (!config.librdkafka.count("partition.assignment.strategy")) {
    ok = ok && set("partition.assignment.strategy", "range", "partition.assignment.strategy");
  }
  ok = ok && set("bootstrap.servers", config.brokers, "source.brokers") &&
       set("group.id", config.group_id, "source.group_id") &&
       set("session.timeout.ms", std::to_string(Millis(config.session_timeout)),
           "source.session_timeout") &&
       set("statistics.interval.ms", std::to_string(Millis(config.statistics_interval)),
           "source.statistics_interval") &&
       set("enable.auto.commit", "false", "enable.auto.commit") &&
       set("enable.auto.offset.store", "false", "enable.auto.offset.store") &&
       set("enable.partition.eof", "false", "enable.partition.eof");
  if (ok) {
    char strategy[256];
    size_t size = sizeof strategy;
    if (rd_kafka_conf_get(conf, "partition.assignment.strategy", strategy, &size) ==
            RD_KAFKA_CONF_OK &&
        std::string_view(strategy).find("cooperative") != std::string_view::npos) {
      *error = "source.librdkafka.partition.assignment.strategy: cooperative assignors are not "
               "supported with librdkafka 2.0.2 (close-path bugs); use range or roundrobin";
      ok = false;
    }
  }
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return nullptr;
  }
  rd_kafka_conf_set_opaque(conf, source.get());
  rd_kafka_conf_set_rebalance_cb(conf, &KafkaCallbacks::Rebalance);
  rd_kafka_conf_set_error_cb(conf, &KafkaCallbacks::Error);
  rd_kafka_conf_set_stats_cb(conf, &KafkaCallbacks::Statistics);
  rd_kafka_conf_set_offset_commit_cb(conf, &KafkaCallbacks::Committed);
  rd_kafka_conf_set_log_cb(conf, &KafkaCallbacks::Log);

  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);  // not taken over on failure
    *error = std::string("cannot create the Kafka consumer: ") + errstr;
    return nullptr;
  }
  source->handle_->rk = rk;
  // Error, statistics and commit callbacks are then served by
  // rd_kafka_consumer_poll(), on the ingest thread.
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics =
      rd_kafka_topic_partition_list_new(static_cast<int>(config.topics.size()));
  for (const auto& t : config.topics) {
    rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    *error = std::string("cannot subscribe: ") + rd_kafka_err2str(err);
    return nullptr;  // the destructor closes the consumer
  }
  return source;
}

KafkaSource::~KafkaSource() { Close(); }

void KafkaSource::Close() {
  if (closed_ || handle_->rk == nullptr) return;
  closed_ = true;
  revoke_handler_ = nullptr;
  // Runs the rebalance callback (revoke) a last time; closed_ keeps it from
  // checkpointing: the owner took its final checkpoint before.
  rd_kafka_consumer_close(handle_->rk);
  rd_kafka_destroy(handle_->rk);
  handle_->rk = nullptr;
  connected_ = false;
}

PollResult KafkaSource::Poll(MessageHandler& handler, std::size_t max_messages,
                             Duration timeout) {
  PollResult result;
  if (closed_) {
    result.status = PollStatus::kEnd;
    return result;
  }
  // Messages handed on per topic in this call, reported once at the end.
  std::vector<std::pair<const char*, std::uint64_t>> counts;
  std::uint64_t redelivered = 0;
  const char* last_topic = nullptr;
  std::int32_t last_partition = -1;
  std::int64_t* last_position = nullptr;

  int wait_ms = static_cast<int>(std::max<long long>(0, Millis(timeout)));
  while (result.delivered < max_messages && fatal_error_.empty()) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(handle_->rk, wait_ms);
    if (m == nullptr) break;
    wait_ms = 0;  // the first message waited; take only what is queued now
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
        char reason[512];
        rd_kafka_fatal_error(handle_->rk, reason, sizeof reason);
        fatal_error_ = std::string("kafka fatal error: ") + reason;
      } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        observer_.Log(true, std::string("kafka consumer error: ") + rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    const char* topic = rd_kafka_topic_name(m->rkt);
    if (topic != last_topic || m->partition != last_partition) {
      auto [it, inserted] = positions_.try_emplace({topic, m->partition}, -1);
      last_position = &it->second;
      last_topic = topic;
      last_partition = m->partition;
    }
    if (m->offset < *last_position) {
      ++redelivered;  // applied before: its effect is in the restored state
      rd_kafka_message_destroy(m);
      continue;
    }
    SourceMessage message;
    message.payload = std::string_view(static_cast<const char*>(m->payload),
                                       m->payload ? m->len : 0);
    message.size = m->len;
    message.topic = topic;
    message.partition = m->partition;
    message.offset = m->offset;
    rd_kafka_timestamp_type_t type;
    const std::int64_t ms = rd_kafka_message_timestamp(m, &type);
    if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ms >= 0) {
      message.timestamp = Timestamp(std::chrono::milliseconds(ms));
    }
    handler.Handle(message);
    *last_position = m->offset + 1;
    ++result.delivered;
    if (counts.empty() || counts.back().first != topic) {
      auto it = std::find_if(counts.begin(), counts.end(),
                             [topic](const auto& c) { return c.first == topic; });
      if (it == counts.end()) counts.emplace_back(topic, 0);
      else std::iter_swap(it, counts.end() - 1);
    }
    ++counts.back().second;
    rd_kafka_message_destroy(m);
  }
  if (result.delivered > 0) connected_ = true;
  for (const auto& [topic, n] : counts) observer_.CountMessages(topic, n);
  if (redelivered > 0) observer_.CountRedelivered(redelivered);
  if (!fatal_error_.empty()) {
    result.status = PollStatus::kFatal;
    result.error = fatal_error_;
  }
  return result;
}

void KafkaSource::OnRebalance(int err, void* list) {
  auto* partitions = static_cast<rd_kafka_topic_partition_list_t*>(list);
  rd_kafka_t* rk = handle_->rk;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    std::string names;
    for (int i = 0; i < partitions->cnt; ++i) {
      auto& p = partitions->elems[i];
      auto it = positions_.find({p.topic, p.partition});
      // Known partitions resume where the state ends; the others at the
      // group's committed offset (RD_KAFKA_OFFSET_INVALID), else
      // auto.offset.reset.
      p.offset = (it != positions_.end() && it->second >= 0) ? it->second : RD_KAFKA_OFFSET_INVALID;
      assigned_.insert({p.topic, p.partition});
      names += std::string(names.empty() ? "" : ",") + p.topic + "/" +
               std::to_string(p.partition) + "@" +
               (p.offset >= 0 ? std::to_string(p.offset) : std::string("committed"));
    }
    const rd_kafka_resp_err_t assign_err = rd_kafka_assign(rk, partitions);
    if (assign_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      observer_.Log(true, std::string("kafka assign failed: ") + rd_kafka_err2str(assign_err));
    }
    connected_ = true;
    observer_.Log(false, "kafka partitions assigned: " + names);
    return;
  }
  // Revocation (or an error, which librdkafka asks to handle as one).
  const bool lost = rd_kafka_assignment_lost(rk) != 0;
  if (lost) {
    observer_.Log(true, "kafka assignment lost; not committing its offsets");
  } else if (!closed_ && revoke_handler_) {
    revoke_handler_();  // checkpoint + Commit, while the partitions are still ours
  }
  rd_kafka_assign(rk, nullptr);
  assigned_.clear();
  if (!closed_) {
    observer_.Log(false, std::string("kafka partitions revoked") + (lost ? " (lost)" : ""));
  }
}

void KafkaSource::OnError(int err, const char* reason) {
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    char text[512];
    rd_kafka_fatal_error(handle_->rk, text, sizeof text);
    fatal_error_ = std::string("kafka fatal error: ") + text;
    return;
  }
  if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) connected_ = false;
  // Transport errors repeat on every reconnect attempt; the log callback
  // already reports them.
  if (code == RD_KAFKA_RESP_ERR__TRANSPORT) return;
  observer_.Log(true, std::string("kafka error: ") + rd_kafka_err2name(code) + ": " + reason);
}

void KafkaSource::OnStatistics(std::string_view json) {
  const auto stats = ParseKafkaStats(json);
  if (!stats) return;
  connected_ = stats->broker_up;
  for (const auto& p : stats->partitions) {
    const std::pair<std::string, std::int32_t> key{p.topic, p.partition};
    if (!assigned_.count(key)) continue;
    std::int64_t lag = p.consumer_lag;
    auto it = positions_.find(key);
    // Prefer the lag behind what the state has applied over librdkafka's
    // own, which counts from the committed offset (one checkpoint behind).
    if (p.hi_offset >= 0 && it != positions_.end() && it->second >= 0) {
      lag = std::max<std::int64_t>(0, p.hi_offset - it->second);
    }
    if (lag >= 0) observer_.SetConsumerLag(p.topic, p.partition, lag);
  }
}

void KafkaSource::OnCommitted(int err, void*) {
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  observer_.Log(true, std::string("kafka offset commit failed: ") + rd_kafka_err2str(code));
}

bool KafkaSource::Connected() const { return connected_.load(); }

std::string KafkaSource::Describe() const { return description_; }

StreamPositions KafkaSource::Positions() const {
  StreamPositions out;
  out.reserve(positions_.size());
  for (const auto& [key, next] : positions_) {
    if (next >= 0) out.push_back({key.first, key.second, next});
  }
  return out;
}

void KafkaSource::RestorePositions(const StreamPositions& positions) {
  for (const auto& p : positions) {
    if (p.partition >= 0 && p.next_offset >= 0) positions_[{p.topic, p.partition}] = p.next_offset;
  }
}

std::optional<std::string> KafkaSource::Commit(const StreamPositions& positions, bool synchronous) {
  if (closed_) return "the consumer is closed";
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(
      static_cast<int>(positions.size()));
  for (const auto& p : positions) {
    if (assigned_.count({p.topic, p.partition})) {
      rd_kafka_topic_partition_list_add(list, p.topic.c_str(), p.partition)->offset = p.next_offset;
    }
  }
  std::optional<std::string> error;
  if (list->cnt > 0) {
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(handle_->rk, list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      error = std::string("storing offsets failed: ") + rd_kafka_err2str(err);
    } else {
      // Commits exactly what was stored: the checkpoint's offsets.
      err = rd_kafka_commit(handle_->rk, nullptr, synchronous ? 0 : 1);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        error = std::string("offset commit failed: ") + rd_kafka_err2str(err);
      }
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return error;
}

void KafkaSource::SetRevokeHandler(std::function<void()> handler) {
  revoke_handler_ = std::move(handler);
}

}  // namespace driftd::collectors
