#include "config/loader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include "config/alerts_loader.h"
#include "config/checks.h"
#include "config/duration.h"
#include "config/model_loader.h"
#include "config/sink_loader.h"
#include "config/table_reader.h"
#include "config/toml_tree.h"

namespace driftd::config {
namespace {

using Kind = TomlValue::Kind;

constexpr std::array<EnumName<LogLevel>, 4> kLogLevels = {{
    {"debug", LogLevel::kDebug},
    {"info", LogLevel::kInfo},
    {"warn", LogLevel::kWarn},
    {"error", LogLevel::kError},
}};
constexpr std::array<EnumName<SourceType>, 2> kSourceTypes = {{
    {"kafka", SourceType::kKafka},
    {"file", SourceType::kFile},
}};
void ReadDaemon(TableReader& r, DaemonConfig* daemon) {
  r.ReadString("state_dir", &daemon->state_dir);
  r.ReadDuration("evaluation_interval", DurationRule::kPositive, &daemon->evaluation_interval);
  r.ReadDuration("shutdown_timeout", DurationRule::kPositive, &daemon->shutdown_timeout);
  r.ReadEnum<LogLevel>("log_level", kLogLevels, &daemon->log_level);
  r.ReadSize("max_event_bytes", &daemon->max_event_bytes);
  r.ReadDuration("checkpoint_interval", DurationRule::kPositive, &daemon->checkpoint_interval);
  r.ReadUnsigned("checkpoints_kept", 1, &daemon->checkpoints_kept);
}

void ReadHttp(TableReader& r, HttpConfig* http) {
  std::string listen;
  if (r.ReadString("listen", &listen)) {
    std::string why;
    if (IsValidListenAddress(listen, &why)) {
      http->listen = listen;
    } else {
      r.ErrorAt(*r.Find("listen"), "invalid address \"" + listen + "\": " + why);
    }
  }
  r.ReadDuration("request_timeout", DurationRule::kPositive, &http->request_timeout);
  r.ReadDuration("idle_timeout", DurationRule::kPositive, &http->idle_timeout);
  r.ReadSize("max_request_bytes", &http->max_request_bytes);
  std::int64_t max_connections = 0;
  if (r.ReadInteger("max_connections", 1, &max_connections)) {
    http->max_connections = static_cast<std::size_t>(max_connections);
  }
}

// Flattens [source.librdkafka] into "a.b.c" -> text. Dotted TOML keys
// (security.protocol = "SSL") parse as nested tables, so nesting is undone here.
void FlattenLibrdkafka(const TomlValue& table, const std::string& prefix, const std::string& path,
                       Diagnostics* diagnostics, std::map<std::string, std::string>* out) {
  for (const TomlEntry& entry : table.entries) {
    const std::string name = prefix.empty() ? entry.key : prefix + "." + entry.key;
    const std::string entry_path = JoinKeyPath(path, entry.key);
    const TomlValue& value = entry.value;
    switch (value.kind) {
      case Kind::kTable:
        FlattenLibrdkafka(value, name, entry_path, diagnostics, out);
        continue;
      case Kind::kString:
        (*out)[name] = value.text;
        break;
      case Kind::kInteger:
        (*out)[name] = std::to_string(value.integer);
        break;
      case Kind::kBoolean:
        (*out)[name] = value.boolean ? "true" : "false";
        break;
      default:
        diagnostics->Add(value.position, entry_path,
                         "expected a string, integer or boolean librdkafka property, got " +
                             std::string(KindName(value.kind)));
        continue;
    }
    // driftd sets these itself from [source]; a second spelling would be
    // silently overridden, so it is refused.
    if (name == "bootstrap.servers" || name == "metadata.broker.list") {
      diagnostics->Add(entry.key_position, entry_path, "set source.brokers instead");
    } else if (name == "group.id") {
      diagnostics->Add(entry.key_position, entry_path, "set source.group_id instead");
    } else if (name == "session.timeout.ms") {
      diagnostics->Add(entry.key_position, entry_path, "set source.session_timeout instead");
    } else if (name == "statistics.interval.ms") {
      diagnostics->Add(entry.key_position, entry_path, "set source.statistics_interval instead");
    } else if (name == "enable.auto.commit" || name == "enable.auto.offset.store") {
      // The Kafka source refuses these when it opens; check-config says so first.
      diagnostics->Add(entry.key_position, entry_path,
                       "cannot be set: driftd commits offsets itself, after each checkpoint");
    } else if (name == "partition.assignment.strategy" &&
               (*out)[name].find("cooperative") != std::string::npos) {
      diagnostics->Add(value.position, entry_path,
                       "cooperative assignors are not supported with librdkafka 2.0.2; use "
                       "range or roundrobin");
    }
  }
}

void ReadTopicModels(TableReader& r, const std::set<std::string, std::less<>>& model_names,
                     const SourceConfig& source, std::map<std::string, std::string>* out) {
  const TomlValue* table = r.ReadTable("topic_models");
  if (table == nullptr) return;
  const std::string path = r.PathOf("topic_models");
  Diagnostics* diagnostics = r.diagnostics();
  for (const TomlEntry& entry : table->entries) {
    const std::string entry_path = JoinKeyPath(path, entry.key);
    if (entry.value.kind != Kind::kString) {
      diagnostics->Add(entry.value.position, entry_path,
                       "expected a model name string, got " +
                           std::string(KindName(entry.value.kind)));
      continue;
    }
    if (!model_names.contains(entry.value.text)) {
      diagnostics->Add(entry.value.position, entry_path,
                       "no model \"" + entry.value.text + "\" is configured");
      continue;
    }
    if (source.type == SourceType::kKafka &&
        std::find(source.topics.begin(), source.topics.end(), entry.key) == source.topics.end()) {
      diagnostics->Add(entry.key_position, entry_path, "topic is not listed in source.topics");
      continue;
    }
    (*out)[entry.key] = entry.value.text;
  }
}

// Reads a duration that is handed to librdkafka as a `property` in whole
// milliseconds, within that property's range [low, high].
void ReadKafkaMilliseconds(TableReader& r, std::string_view key, std::string_view property,
                           Duration low, Duration high, Duration* out) {
  Duration value{};
  if (!r.ReadDuration(key, DurationRule::kPositive, &value)) return;
  const TomlEntry& entry = *r.Find(key);
  if (value < low || value > high) {
    r.ErrorAt(entry, "must be between " + FormatDuration(low) + " and " + FormatDuration(high) +
                         " (the range of librdkafka's " + std::string(property) + "), got " +
                         FormatDuration(value));
  } else if (value % std::chrono::milliseconds(1) != Duration::zero()) {
    r.ErrorAt(entry, "must be a whole number of milliseconds, got " + FormatDuration(value));
  } else {
    *out = value;
  }
}

void ReadSource(TableReader& r, const std::set<std::string, std::less<>>& model_names,
                SourceConfig* source) {
  r.ReadEnum<SourceType>("type", kSourceTypes, &source->type);
  r.ReadString("path", &source->path);
  r.ReadBool("follow", &source->follow);
  r.ReadDuration("poll_interval", DurationRule::kPositive, &source->poll_interval);
  r.ReadString("brokers", &source->brokers);
  r.ReadString("group_id", &source->group_id);
  r.ReadStringList("topics", &source->topics);
  if (const TomlValue* librdkafka = r.ReadTable("librdkafka")) {
    FlattenLibrdkafka(*librdkafka, "", r.PathOf("librdkafka"), r.diagnostics(),
                      &source->librdkafka);
  }
  ReadTopicModels(r, model_names, *source, &source->topic_models);
  // Kafka tuning; accepted for a file source too, so that switching the type
  // for a test run needs no other edit.
  ReadKafkaMilliseconds(r, "statistics_interval", "statistics.interval.ms", std::chrono::seconds(1),
                        std::chrono::hours(24), &source->statistics_interval);
  ReadKafkaMilliseconds(r, "session_timeout", "session.timeout.ms", std::chrono::milliseconds(1),
                        std::chrono::hours(1), &source->session_timeout);
  const TomlEntry* topics = r.Find("topics");
  if (source->type == SourceType::kKafka && topics == nullptr) {
    r.diagnostics()->Add(r.table().position, r.PathOf("topics"),
                         "a kafka source needs at least one topic");
  } else if (source->type == SourceType::kKafka && topics->value.kind == Kind::kArray &&
             topics->value.items.empty()) {
    r.ErrorAt(*topics, "a kafka source needs at least one topic");
  }
}

// Reads a section table of the root, if present, and flags its unknown keys.
template <typename Read>
void Section(TableReader& root, std::string_view key, Read read) {
  const TomlValue* table = root.ReadTable(key);
  if (table == nullptr) return;
  TableReader r(*table, std::string(key), root.diagnostics());
  read(r);
  r.ReportUnknownKeys();
}

LoadResult Validate(std::string_view text, std::string_view source_name,
                    const std::string& base_dir) {
  LoadResult result;
  TomlParseResult parsed = ParseToml(text, source_name);
  if (parsed.error) {
    result.errors.push_back(std::move(*parsed.error));
    return result;
  }
  auto config = std::make_shared<Config>();
  config->path = std::string(source_name);
  Diagnostics diagnostics{std::string(source_name)};
  TableReader root(*parsed.root, "", &diagnostics);

  // [alerts] first: per-model alert overrides start from its rules.
  Section(root, "alerts", [&](TableReader& r) { ReadAlerts(r, &config->alerts); });
  std::set<std::string, std::less<>> model_names;
  const TomlValue* models = root.ReadTable("models");
  if (models != nullptr) {
    for (const TomlEntry& entry : models->entries) model_names.insert(entry.key);
    ReadModels(*models, base_dir, config->alerts, &diagnostics, &config->models);
  }
  if (model_names.empty()) {
    const TomlEntry* entry = root.Find("models");
    diagnostics.Add(entry ? entry->key_position : SourcePosition{1, 1}, "models",
                    "at least one model is required, e.g. [models.fraud]");
  }
  Section(root, "daemon", [&](TableReader& r) { ReadDaemon(r, &config->daemon); });
  Section(root, "http", [&](TableReader& r) { ReadHttp(r, &config->http); });
  Section(root, "source", [&](TableReader& r) { ReadSource(r, model_names, &config->source); });
  ReadSinks(root, base_dir, &config->sinks);
  root.ReportUnknownKeys();

  result.errors = diagnostics.TakeSorted();
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace

LoadResult ParseConfig(std::string_view toml_text, std::string_view source_name) {
  const std::string base_dir =
      std::filesystem::path(std::string(source_name)).parent_path().string();
  return Validate(toml_text, source_name, base_dir);
}

LoadResult LoadConfigFile(const std::string& path) {
  LoadResult result;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    result.errors.push_back(ConfigError{path, 0, 0, "", "cannot read config file: is a directory"});
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int saved_errno = errno;
    result.errors.push_back(ConfigError{
        path, 0, 0, "", "cannot read config file: " + std::string(std::strerror(saved_errno))});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    result.errors.push_back(ConfigError{path, 0, 0, "", "cannot read config file: read error"});
    return result;
  }
  // Relative baseline paths follow the file, wherever driftd was started.
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  const std::string base_dir = ec ? std::filesystem::path(path).parent_path().string()
                                  : absolute.parent_path().lexically_normal().string();
  return Validate(text.str(), path, base_dir);
}

std::string ConfigSummary(const Config& config) {
  std::string out = std::to_string(config.models.size()) +
                    (config.models.size() == 1 ? " model (" : " models (");
  for (std::size_t i = 0; i < config.models.size(); ++i) {
    out += (i == 0 ? "" : ", ") + config.models[i].name;
  }
  out += "), ";
  if (config.source.type == SourceType::kKafka) {
    out += "kafka source (" + std::to_string(config.source.topics.size()) +
           (config.source.topics.size() == 1 ? " topic)" : " topics)");
  } else {
    out += "file source (" + (config.source.path == "-" ? std::string("stdin") : config.source.path) +
           ")";
  }
  out += ", " + std::to_string(config.sinks.size()) + (config.sinks.size() == 1 ? " sink" : " sinks");
  out += ", http " + config.http.listen;
  return out;
}

}  // namespace driftd::config
