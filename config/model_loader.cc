#include "config/model_loader.h"

#include <array>
#include <string_view>

#include "config/alerts_loader.h"
#include "config/checks.h"
#include "config/drift_window_loader.h"

namespace driftd::config {
namespace {

using Kind = TomlValue::Kind;

constexpr std::array<EnumName<FeatureType>, 2> kFeatureTypes = {{
    {"numeric", FeatureType::kNumeric},
    {"categorical", FeatureType::kCategorical},
}};
constexpr std::array<EnumName<ReferenceType>, 3> kReferenceTypes = {{
    {"baseline", ReferenceType::kBaseline},
    {"first", ReferenceType::kFirst},
    {"rolling", ReferenceType::kRolling},
}};
constexpr std::array<EnumName<PredictionType>, 3> kPredictionTypes = {{
    {"score", PredictionType::kScore},
    {"class", PredictionType::kClass},
    {"regression", PredictionType::kRegression},
}};
constexpr std::array<EnumName<std::string_view>, 7> kMetrics = {{
    {"accuracy", "accuracy"},
    {"precision", "precision"},
    {"recall", "recall"},
    {"auc", "auc"},
    {"logloss", "logloss"},
    {"mae", "mae"},
    {"rmse", "rmse"},
}};

constexpr std::string_view kNameRule = "must match [A-Za-z_][A-Za-z0-9_.-]*";

// Reads `test` and checks that it suits values of the given kind.
void ReadTest(TableReader& r, bool categorical, std::string* test) {
  const TomlEntry* entry = r.Find("test");
  if (entry == nullptr) return;
  std::string value;
  if (!r.ReadString("test", &value)) return;
  if (!IsKnownTest(value)) {
    r.ErrorAt(*entry, "unknown test \"" + value + "\" (expected one of " + KnownTestList() + ")");
  } else if (categorical && IsNumericOnlyTest(value)) {
    r.ErrorAt(*entry, "test \"" + value + "\" needs numeric values; categorical data can use " +
                          "chisquare, ztest, linf, tvd, g_test, fisher_exact, tvd_perm, psi, kl, jensenshannon, "
                          "hellinger");
  } else if (!categorical && IsCategoricalOnlyTest(value)) {
    r.ErrorAt(*entry, "test \"" + value + "\" needs categorical values; numeric data can use " +
                          "ks, wasserstein, cramervonmises, anderson, t_test, mannw, energy_distance, psi, kl, "
                          "jensenshannon, hellinger");
  } else {
    *test = value;
  }
}

void ReadThreshold(TableReader& r, const std::string& test, std::optional<double>* threshold) {
  if (!r.ReadNumber("threshold", threshold)) return;
  const TomlEntry& entry = *r.Find("threshold");
  if (**threshold <= 0) {
    r.ErrorAt(entry, "must be greater than 0");
  } else if (IsPValueTest(test) && **threshold >= 1) {
    r.ErrorAt(entry, "test \"" + test + "\" compares a p-value: threshold must be below 1");
  }
}

// Reads min and max and checks min <= max; reports them as misplaced when
// `allowed` is false.
void ReadRange(TableReader& r, bool allowed, std::string_view why_not, std::optional<double>* min,
               std::optional<double>* max) {
  for (std::string_view key : {"min", "max"}) {
    const TomlEntry* entry = r.Find(key);
    if (entry != nullptr && !allowed) r.ErrorAt(*entry, std::string(why_not));
  }
  if (!allowed) return;
  r.ReadNumber("min", min);
  r.ReadNumber("max", max);
  if (*min && *max && **min > **max) {
    r.ErrorAt(*r.Find("max"), "must not be less than min (" + FormatNumber(**min) + ")");
  }
}

void ReadFeature(TableReader& r, FeatureConfig* feature) {
  r.ReadEnum<FeatureType>("type", kFeatureTypes, &feature->type);
  const bool categorical = feature->type == FeatureType::kCategorical;
  ReadTest(r, categorical, &feature->test);
  ReadThreshold(r, feature->test, &feature->threshold);
  ReadRange(r, !categorical, "only valid for numeric features", &feature->min, &feature->max);
  if (r.ReadNumber("max_missing", &feature->max_missing) &&
      (*feature->max_missing < 0 || *feature->max_missing > 1)) {
    r.ErrorAt(*r.Find("max_missing"), "must be a share between 0 and 1");
  }
  const TomlEntry* finite = r.Find("finite");
  if (finite != nullptr && categorical) {
    r.ErrorAt(*finite, "only valid for numeric features");
  } else {
    r.ReadBool("finite", &feature->finite);
  }
  const TomlEntry* values = r.Find("values");
  if (values != nullptr && !categorical) {
    r.ErrorAt(*values, "only valid for categorical features (set type = \"categorical\")");
  } else {
    r.ReadStringList("values", &feature->values);
  }
}

void ReadFeatures(const TomlValue& table, const std::string& path, Diagnostics* diagnostics,
                  std::vector<FeatureConfig>* out) {
  for (const TomlEntry& entry : table.entries) {
    const std::string feature_path = JoinKeyPath(path, entry.key);
    if (!IsValidName(entry.key)) {
      diagnostics->Add(entry.key_position, feature_path,
                       "feature name " + std::string(kNameRule));
    }
    if (!entry.value.is_table()) {
      diagnostics->Add(entry.value.position, feature_path,
                       "expected a table like { type = \"numeric\", test = \"ks\" }, got " +
                           std::string(KindName(entry.value.kind)));
      continue;
    }
    FeatureConfig feature;
    feature.name = entry.key;
    TableReader r(entry.value, feature_path, diagnostics);
    ReadFeature(r, &feature);
    r.ReportUnknownKeys();
    out->push_back(std::move(feature));
  }
}

void ReadReference(TableReader& r, const std::string& base_dir, ReferenceConfig* reference) {
  const TomlEntry* type = r.Find("type");
  if (type == nullptr) {
    r.ErrorOnTable("type is required (\"baseline\", \"first\" or \"rolling\")");
  } else if (!r.ReadEnum<ReferenceType>("type", kReferenceTypes, &reference->type)) {
    return;
  }
  struct Owned {
    std::string_view key;
    ReferenceType type;
    std::string_view type_name;
  };
  static constexpr std::array<Owned, 4> kOwners = {{
      {"path", ReferenceType::kBaseline, "baseline"},
      {"events", ReferenceType::kFirst, "first"},
      {"window", ReferenceType::kRolling, "rolling"},
      {"lag", ReferenceType::kRolling, "rolling"},
  }};
  for (const Owned& owned : kOwners) {
    const TomlEntry* entry = r.Find(owned.key);
    if (entry != nullptr && type != nullptr && reference->type != owned.type) {
      r.ErrorAt(*entry, "only valid for reference type \"" + std::string(owned.type_name) + "\"");
    }
  }
  if (type == nullptr) return;
  switch (reference->type) {
    case ReferenceType::kBaseline:
      if (r.Find("path") == nullptr) {
        r.ErrorOnTable("path is required for reference type \"baseline\"");
      } else if (r.ReadString("path", &reference->path)) {
        reference->path = ResolvePath(base_dir, reference->path);
      }
      break;
    case ReferenceType::kFirst: {
      std::int64_t events = 0;
      if (r.ReadInteger("events", 1, &events)) reference->events = static_cast<std::uint64_t>(events);
      break;
    }
    case ReferenceType::kRolling:
      r.ReadDuration("window", DurationRule::kPositive, &reference->window);
      r.ReadDuration("lag", DurationRule::kNonNegative, &reference->lag);
      break;
  }
}

void ReadPrediction(TableReader& r, PredictionConfig* prediction) {
  r.ReadEnum<PredictionType>("type", kPredictionTypes, &prediction->type);
  const bool categorical = prediction->type == PredictionType::kClass;
  ReadTest(r, categorical, &prediction->test);
  ReadThreshold(r, prediction->test, &prediction->threshold);
  ReadRange(r, !categorical, "only valid for score and regression predictions", &prediction->min,
            &prediction->max);
  const TomlEntry* min_variance = r.Find("min_variance");
  if (min_variance != nullptr && categorical) {
    r.ErrorAt(*min_variance, "only valid for score and regression predictions");
  } else {
    r.ReadNumber("min_variance", NumberRange::AtLeast(0), &prediction->min_variance);
  }
  std::uint64_t min_distinct = 0;
  if (r.ReadUnsigned("min_distinct", 1, &min_distinct)) prediction->min_distinct = min_distinct;
}

void ReadQuality(TableReader& r, QualityConfig* quality) {
  std::string_view metric = quality->metric;
  if (r.ReadEnum<std::string_view>("metric", kMetrics, &metric)) quality->metric = metric;
  ReadRange(r, true, "", &quality->min, &quality->max);
  // Classification metrics are shares; error metrics are non-negative.
  const bool share = metric == "accuracy" || metric == "precision" || metric == "recall" ||
                     metric == "auc";
  for (auto [key, value] : {std::pair{"min", quality->min}, std::pair{"max", quality->max}}) {
    if (!value) continue;
    if (share && (*value < 0 || *value > 1)) {
      r.ErrorAt(*r.Find(key), std::string(metric) + " lies between 0 and 1");
    } else if (!share && *value < 0) {
      r.ErrorAt(*r.Find(key), std::string(metric) + " is never negative");
    }
  }
  r.ReadDuration("label_timeout", DurationRule::kPositive, &quality->label_timeout);
  r.ReadUnsigned("max_pending", 1, &quality->max_pending);
  if (r.ReadNumber("max_drop", NumberRange::AtLeast(0), &quality->max_drop) && share &&
      *quality->max_drop > 1) {
    r.ErrorAt(*r.Find("max_drop"), "must be at most 1: " + std::string(metric) +
                                       " lies between 0 and 1");
  }
  // Only these metrics turn a score into a class before comparing it.
  const TomlEntry* decision_threshold = r.Find("decision_threshold");
  if (decision_threshold != nullptr && metric != "accuracy" && metric != "precision" &&
      metric != "recall") {
    r.ErrorAt(*decision_threshold,
              "only used by the metrics accuracy, precision and recall, not " +
                  std::string(metric));
  } else {
    r.ReadNumber("decision_threshold", NumberRange::Between(0, 1), &quality->decision_threshold);
  }
}

void ReadLatency(TableReader& r, LatencyConfig* latency) {
  const std::array<std::pair<std::string_view, std::optional<Duration>*>, 3> quantiles = {{
      {"p50_max", &latency->p50_max},
      {"p90_max", &latency->p90_max},
      {"p99_max", &latency->p99_max},
  }};
  for (const auto& [key, out] : quantiles) r.ReadDuration(key, DurationRule::kPositive, out);
  // A higher quantile cannot have a lower limit than a lower one.
  for (std::size_t i = 0; i < quantiles.size(); ++i) {
    for (std::size_t j = i + 1; j < quantiles.size(); ++j) {
      const auto& low = *quantiles[i].second;
      const auto& high = *quantiles[j].second;
      if (low && high && *high < *low) {
        r.ErrorAt(*r.Find(quantiles[j].first),
                  "must not be less than " + std::string(quantiles[i].first));
      }
    }
  }
  r.ReadNumber("max_ratio", NumberRange::AtLeast(1), &latency->max_ratio);
  r.ReadNumber("min_throughput", NumberRange::Above(0), &latency->min_throughput);
  r.ReadNumber("min_throughput_ratio", NumberRange::AboveUpTo(0, 1),
               &latency->min_throughput_ratio);
}

void ReadFields(TableReader& r, FieldMap* fields) {
  const std::array<std::pair<std::string_view, std::string*>, 8> pointers = {{
      {"kind", &fields->kind},
      {"model_version", &fields->model_version},
      {"id", &fields->id},
      {"ts", &fields->ts},
      {"features", &fields->features},
      {"prediction", &fields->prediction},
      {"latency_ms", &fields->latency_ms},
      {"label", &fields->label},
  }};
  for (const auto& [key, out] : pointers) {
    std::string pointer;
    if (!r.ReadString(key, &pointer, /*allow_empty=*/true)) continue;
    if (IsJsonPointer(pointer)) {
      *out = pointer;
    } else {
      r.ErrorAt(*r.Find(key), "\"" + pointer +
                                  "\" is not a JSON Pointer (expected \"\" or a path starting "
                                  "with \"/\", with ~ only as ~0 or ~1)");
    }
  }
}

void ReadTrainedAt(TableReader& r, std::optional<std::string>* trained_at) {
  const TomlEntry* entry = r.Find("trained_at");
  if (entry == nullptr) return;
  const TomlValue& value = entry->value;
  if (value.kind == Kind::kOffsetDateTime ||
      (value.kind == Kind::kString && IsRfc3339DateTime(value.text))) {
    *trained_at = value.text;
  } else if (value.kind == Kind::kString || value.kind == Kind::kLocalDateTime ||
             value.kind == Kind::kDate) {
    r.ErrorAt(*entry, "\"" + value.text +
                          "\" is not an RFC 3339 date-time with a time zone, e.g. "
                          "\"2026-11-20T00:00:00Z\"");
  } else {
    r.ErrorAt(*entry, "expected an RFC 3339 date-time string like \"2026-11-20T00:00:00Z\", got " +
                          std::string(KindName(value.kind)));
  }
}

// Runs `read` over the sub-table `key` of `r` when present, then flags its
// unknown keys; returns whether the table was there.
template <typename Read>
bool WithTable(TableReader& r, std::string_view key, Read read) {
  const TomlValue* table = r.ReadTable(key);
  if (table == nullptr) return false;
  TableReader sub(*table, r.PathOf(key), r.diagnostics());
  read(sub);
  sub.ReportUnknownKeys();
  return true;
}

void ReadModel(TableReader& r, const std::string& base_dir, const AlertsConfig& alerts,
               ModelConfig* model) {
  const bool window_ok = r.ReadDuration("window", DurationRule::kPositive, &model->window) ||
                         r.Find("window") == nullptr;
  WithTable(r, "reference",
            [&](TableReader& sub) { ReadReference(sub, base_dir, &model->reference); });
  std::int64_t min_samples = 0;
  if (r.ReadInteger("min_samples", 1, &min_samples)) {
    model->min_samples = static_cast<std::uint64_t>(min_samples);
  }
  r.ReadDuration("max_model_age", DurationRule::kPositive, &model->max_model_age);
  r.ReadDuration("max_silence", DurationRule::kPositive, &model->max_silence);
  ReadTrainedAt(r, &model->trained_at);
  if (const TomlValue* features = r.ReadTable("features")) {
    ReadFeatures(*features, r.PathOf("features"), r.diagnostics(), &model->features);
  }
  PredictionConfig prediction;
  if (WithTable(r, "prediction", [&](TableReader& sub) { ReadPrediction(sub, &prediction); })) {
    model->prediction = prediction;
  }
  QualityConfig quality;
  if (WithTable(r, "quality", [&](TableReader& sub) { ReadQuality(sub, &quality); })) {
    model->quality = quality;
  }
  LatencyConfig latency;
  if (WithTable(r, "latency", [&](TableReader& sub) { ReadLatency(sub, &latency); })) {
    model->latency = latency;
  }
  WithTable(r, "fields", [&](TableReader& sub) { ReadFields(sub, &model->fields); });
  r.ReadNumber("max_invariant_violation_share", NumberRange::Between(0, 1),
               &model->max_invariant_violation_share);
  WithTable(r, "drift",
            [&](TableReader& sub) { ReadDrift(sub, model->reference, &model->drift); });
  const std::optional<Duration> window =
      window_ok ? std::optional<Duration>(model->window) : std::nullopt;
  bool panes_given = false;
  WithTable(r, "windows", [&](TableReader& sub) {
    panes_given = sub.Find("panes") != nullptr;
    ReadWindows(sub, window, &model->windows);
  });
  // With the default pane count, a very short window is the one to fix.
  const TomlEntry* window_entry = r.Find("window");
  if (window && window_entry != nullptr && !panes_given) {
    const std::string problem = PaneLengthProblem(*window, model->windows.panes);
    if (!problem.empty()) r.ErrorAt(*window_entry, problem);
  }
  if (const TomlValue* overrides = r.ReadTable("alerts")) {
    ReadAlertRules(*overrides, r.PathOf("alerts"), alerts, r.diagnostics(), &model->alerts);
  }
}

}  // namespace

void ReadModels(const TomlValue& models, const std::string& base_dir, const AlertsConfig& alerts,
                Diagnostics* diagnostics, std::vector<ModelConfig>* out) {
  for (const TomlEntry& entry : models.entries) {
    const std::string path = JoinKeyPath("models", entry.key);
    if (!IsValidName(entry.key)) {
      diagnostics->Add(entry.key_position, path, "model name " + std::string(kNameRule));
    }
    if (!entry.value.is_table()) {
      diagnostics->Add(entry.value.position, path,
                       "expected a table [models." + entry.key + "], got " +
                           std::string(KindName(entry.value.kind)));
      continue;
    }
    ModelConfig model;
    model.name = entry.key;
    TableReader r(entry.value, path, diagnostics);
    ReadModel(r, base_dir, alerts, &model);
    r.ReportUnknownKeys();
    out->push_back(std::move(model));
  }
}

}  // namespace driftd::config
