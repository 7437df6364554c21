#include "collectors/kafka_stats.h"

#include <simdjson.h>

#include <charconv>

namespace driftd::collectors {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::int64_t IntField(const object& obj, std::string_view key, std::int64_t fallback) {
  std::int64_t value = 0;
  if (obj[key].get_int64().get(value) == simdjson::SUCCESS) return value;
  return fallback;
}

}  // namespace

std::optional<KafkaStats> ParseKafkaStats(std::string_view json) {
  // The document is small (a few KiB per partition) and arrives every
  // statistics interval, so a fresh parser per call costs little.
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  object top;
  if (root.get_object().get(top) != simdjson::SUCCESS) return std::nullopt;

  KafkaStats stats;
  object brokers;
  if (top["brokers"].get_object().get(brokers) == simdjson::SUCCESS) {
    for (auto [name, value] : brokers) {
      object broker;
      if (value.get_object().get(broker) != simdjson::SUCCESS) continue;
      std::string_view source, state;
      // "logical" brokers (GroupCoordinator) alias a real connection.
      if (broker["source"].get_string().get(source) == simdjson::SUCCESS && source == "logical") {
        continue;
      }
      if (broker["state"].get_string().get(state) == simdjson::SUCCESS && state == "UP") {
        stats.broker_up = true;
      }
    }
  }
  object topics;
  if (top["topics"].get_object().get(topics) != simdjson::SUCCESS) return stats;
  for (auto [topic_name, topic_value] : topics) {
    object partitions;
    if (topic_value["partitions"].get_object().get(partitions) != simdjson::SUCCESS) continue;
    for (auto [key, value] : partitions) {
      object p;
      if (value.get_object().get(p) != simdjson::SUCCESS) continue;
      std::int32_t partition = -1;
      const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), partition);
      if (ec != std::errc() || end != key.data() + key.size() || partition < 0) continue;
      stats.partitions.push_back({std::string(topic_name), partition, IntField(p, "hi_offset", -1),
                                  IntField(p, "consumer_lag", -1)});
    }
  }
  return stats;
}

}  // namespace driftd::collectors
