// driftd's configuration: the TOML file of docs/configuration.md as a plain,
// validated, immutable value. Load it with LoadConfigFile (config/loader.h);
// every default below is the documented one.
#ifndef DRIFTD_CONFIG_CONFIG_H_
#define DRIFTD_CONFIG_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace driftd::config {

using Duration = std::chrono::nanoseconds;
using namespace std::chrono_literals;

enum class LogLevel { kDebug, kInfo, kWarn, kError };

struct DaemonConfig {
  std::string state_dir = "/var/lib/driftd";
  Duration evaluation_interval = 15s;
  Duration shutdown_timeout = 10s;  // SIGTERM: stop intake, flush, exit within this
  LogLevel log_level = LogLevel::kInfo;
  std::uint64_t max_event_bytes = 1 << 20;  // larger events are rejected as too_large
};

struct HttpConfig {
  std::string listen = "127.0.0.1:7461";  // host:port; port 0 picks a free port
  Duration request_timeout = 10s;          // whole request must arrive within this
  Duration idle_timeout = 60s;             // keep-alive connections idle longer are closed
  std::uint64_t max_request_bytes = 64 * 1024;  // header + body; larger gets 413
  std::size_t max_connections = 256;
};

enum class SourceType { kFile, kKafka };

struct SourceConfig {
  SourceType type = SourceType::kFile;
  // File source.
  std::string path = "-";  // "-" reads standard input
  bool follow = false;     // keep reading as the file grows (tail -f)
  Duration poll_interval = 200ms;
  // Kafka source.
  std::string brokers = "127.0.0.1:9092";
  std::string group_id = "driftd";
  std::vector<std::string> topics;
  std::map<std::string, std::string> librdkafka;  // verbatim pass-through
  // Both: events from these topics (or, for files, every event) belong to the
  // model named here when they carry no "model" field. topic -> model.
  std::map<std::string, std::string> topic_models;
};

enum class SinkType { kAlertmanager, kWebhook, kLog };

struct SinkConfig {
  SinkType type = SinkType::kLog;
  std::string name;  // defaults to the type, made unique with an index
  std::string url;
  Duration timeout = 10s;
};

enum class FeatureType { kNumeric, kCategorical };

struct FeatureConfig {
  std::string name;
  FeatureType type = FeatureType::kNumeric;
  std::string test = "auto";  // see docs/detectors.md for the names
  std::optional<double> threshold;  // nullopt: the test's default
  std::optional<double> min;        // invariant: numeric range
  std::optional<double> max;
  std::optional<double> max_missing;  // invariant: share of null/absent values
  std::vector<std::string> values;    // invariant: allowed categories (empty: any)
};

enum class ReferenceType { kBaseline, kFirst, kRolling };

struct ReferenceConfig {
  ReferenceType type = ReferenceType::kFirst;
  std::string path;                // baseline: profile file (relative to the config file)
  std::uint64_t events = 10000;    // first: the first N events after start or deploy
  Duration window = 24h * 7;       // rolling: length of the reference window
  Duration lag = 24h;              // rolling: how far it trails the current window
};

enum class PredictionType { kScore, kClass, kRegression };

struct PredictionConfig {
  PredictionType type = PredictionType::kScore;
  std::string test = "auto";
  std::optional<double> threshold;
  std::optional<double> min;
  std::optional<double> max;
};

struct QualityConfig {
  std::string metric = "accuracy";  // accuracy|precision|recall|auc|logloss|mae|rmse
  std::optional<double> min;        // floor for higher-is-better metrics
  std::optional<double> max;        // ceiling for lower-is-better metrics
  Duration label_timeout = 48h;
};

struct LatencyConfig {
  std::optional<Duration> p50_max;
  std::optional<Duration> p90_max;
  std::optional<Duration> p99_max;
};

// JSON Pointers (RFC 6901) locating each field in a model's events; the
// defaults match the event contract of DESIGN.md section 4.
struct FieldMap {
  std::string kind = "/kind";
  std::string model_version = "/model_version";
  std::string id = "/id";
  std::string ts = "/ts";
  std::string features = "/features";
  std::string prediction = "/prediction";
  std::string latency_ms = "/latency_ms";
  std::string label = "/label";
};

struct ModelConfig {
  std::string name;
  Duration window = 1h;
  ReferenceConfig reference;
  std::uint64_t min_samples = 200;
  std::optional<Duration> max_model_age;
  std::optional<Duration> max_silence;
  std::optional<std::string> trained_at;  // RFC 3339, when no model event says so
  std::vector<FeatureConfig> features;    // in file order
  std::optional<PredictionConfig> prediction;
  std::optional<QualityConfig> quality;
  std::optional<LatencyConfig> latency;
  FieldMap fields;

  const FeatureConfig* FindFeature(std::string_view feature) const;
};

struct Config {
  std::string path;  // the file it was loaded from
  DaemonConfig daemon;
  HttpConfig http;
  SourceConfig source;
  std::vector<SinkConfig> sinks;
  std::vector<ModelConfig> models;  // in file order

  const ModelConfig* FindModel(std::string_view model) const;
};

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_CONFIG_H_
