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
  Duration checkpoint_interval = 30s;  // state snapshot period (and on revoke, on shutdown)
  std::uint32_t checkpoints_kept = 2;  // good snapshots kept; older ones are removed
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
  // Kafka source tuning.
  Duration statistics_interval = 5s;  // librdkafka statistics: consumer lag metrics
  Duration session_timeout = 30s;     // broker session timeout of the consumer group
};

enum class SinkType { kAlertmanager, kWebhook, kLog };

struct SinkConfig {
  SinkType type = SinkType::kLog;
  std::string name;  // defaults to the type, made unique with an index
  std::string url;
  Duration timeout = 10s;                 // per delivery attempt
  std::string bearer_token_file;          // Authorization: Bearer <file contents>
  std::string basic_auth_user;            // with basic_auth_password_file
  std::string basic_auth_password_file;
  std::string ca_file;                    // PEM bundle; empty: the system CA store
  bool tls_insecure_skip_verify = false;  // never in production
  Duration initial_backoff = 1s;          // retries: exponential with full jitter
  Duration max_backoff = 60s;
  std::map<std::string, std::string> headers;  // extra request headers
};

// One alert rule's settings (DESIGN.md section 9), by alertname; a model may
// override any of them.
struct AlertRuleConfig {
  bool enabled = true;
  Duration for_duration = 0s;           // condition must hold this long before firing ("for")
  std::string severity;                 // empty: the rule's default (warning; info for DependencyChanged)
  Duration clear_after = 0s;            // condition must be clear this long before resolving
  double hysteresis = 0.1;              // relative margin back across the threshold to clear
  std::optional<std::uint64_t> min_samples;  // nullopt: the model's min_samples
  std::string runbook_url;              // templates: {alertname} {model} {feature} {item}
  std::string dashboard_url;
};

struct AlertsConfig {
  Duration resend_interval = 1min;             // firing alerts are re-sent this often
  std::map<std::string, std::string> labels;   // static labels added to every alert
  std::string runbook_url;                     // default template for every rule
  std::string dashboard_url;
  std::map<std::string, AlertRuleConfig> rules;  // alertname -> settings
  std::uint64_t outbox_max_entries = 10000;      // beyond: oldest dropped, counted, logged
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
  bool finite = true;                 // invariant: NaN/Infinity are violations
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
  std::optional<double> min;  // M5: predictions outside [min, max] are violations
  std::optional<double> max;
  std::optional<double> min_variance;          // M5: collapsed distribution below this
  std::optional<std::uint64_t> min_distinct;   // M5: or fewer distinct values than this
};

struct QualityConfig {
  std::string metric = "accuracy";  // accuracy|precision|recall|auc|logloss|mae|rmse
  std::optional<double> min;        // floor for higher-is-better metrics
  std::optional<double> max;        // ceiling for lower-is-better metrics
  Duration label_timeout = 48h;
  std::uint64_t max_pending = 1000000;  // predictions awaiting labels; oldest evicted beyond
  std::optional<double> max_drop;       // vs the reference period (absolute, in metric units)
  double decision_threshold = 0.5;      // score -> class for accuracy/precision/recall
};

struct LatencyConfig {
  std::optional<Duration> p50_max;
  std::optional<Duration> p90_max;
  std::optional<Duration> p99_max;
  std::optional<double> max_ratio;       // p99 vs the reference period's p99 (e.g. 1.5)
  std::optional<double> min_throughput;  // events per second over the window
  std::optional<double> min_throughput_ratio;  // vs the reference period (e.g. 0.5)
};

enum class DriftPreset { kAuto, kEvidently, kNannyml };
enum class Correction { kNone, kBonferroni, kBenjaminiHochberg };

// How a model's drift verdicts are reached (docs/detectors.md).
struct DriftConfig {
  DriftPreset preset = DriftPreset::kAuto;
  Correction correction = Correction::kBenjaminiHochberg;  // across a model's p-value tests
  double drift_share = 0.5;     // dataset drift when this share of features drifted
  double min_effect_size = 0.1; // p-value tests also need normalised Wasserstein / JS above this
  bool calibrate = false;       // thresholds from reference chunks: mean + k * std
  double calibration_k = 3.0;
  std::uint64_t calibration_chunk = 1000;  // rows per reference chunk
};

// Window and summary sizes (docs/detectors.md states memory and error bounds).
struct WindowConfig {
  std::uint32_t panes = 60;           // current window split into this many panes
  Duration allowed_lateness = 5min;   // older events are counted as late, not applied
  std::uint64_t exact_up_to = 10000;  // exact sorted sample up to this many values
  std::uint32_t sketch_k = 200;       // KLL accuracy parameter beyond it
  std::uint64_t max_categories = 1000;  // distinct categories kept; the rest counted as unseen
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
  DriftConfig drift;
  WindowConfig windows;
  double max_invariant_violation_share = 0.01;  // M2: per rule and window
  std::map<std::string, AlertRuleConfig> alerts;  // overrides of [alerts.rules] for this model

  const FeatureConfig* FindFeature(std::string_view feature) const;
};

struct Config {
  std::string path;  // the file it was loaded from
  DaemonConfig daemon;
  HttpConfig http;
  SourceConfig source;
  std::vector<SinkConfig> sinks;
  AlertsConfig alerts;
  std::vector<ModelConfig> models;  // in file order

  const ModelConfig* FindModel(std::string_view model) const;
};

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_CONFIG_H_
