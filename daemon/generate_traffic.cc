#include "daemon/generate_traffic.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace driftd {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;

// Demo model's logistic intercept; with the weights below the mean score is
// about 0.29 before a shift.
constexpr double kDemoIntercept = -1.0;
// Latency: lognormal around a 20 ms median.
constexpr double kLatencyLogMedian = 2.995732273553991;  // ln(20)
constexpr double kLatencyLogSigma = 0.45;

void AppendDigits(int value, int width, std::string* out) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(buf, width);
}

// Shortest representation that reads back to the same double.
void AppendNumber(double value, std::string* out) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, result.ptr);
}

void AppendUnsigned(std::uint64_t value, std::string* out) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, result.ptr);
}

double Round(double value, double scale) {
  // Dividing by the integer scale (not multiplying by 1/scale) keeps values
  // like 12.34 exact to the shortest representation.
  return scale > 0 ? std::round(value * scale) / scale : value;
}

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::vector<double> RunningSums(const std::vector<double>& weights) {
  std::vector<double> sums;
  double total = 0.0;
  for (double w : weights) sums.push_back(total += w);
  return sums;
}

}  // namespace

void AppendRfc3339Millis(Timestamp t, std::string* out) {
  const auto ms = std::chrono::floor<milliseconds>(t);
  const auto day = std::chrono::floor<days>(ms);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss time(ms - day);
  AppendDigits(static_cast<int>(date.year()), 4, out);
  out->push_back('-');
  AppendDigits(static_cast<int>(static_cast<unsigned>(date.month())), 2, out);
  out->push_back('-');
  AppendDigits(static_cast<int>(static_cast<unsigned>(date.day())), 2, out);
  out->push_back('T');
  AppendDigits(static_cast<int>(time.hours().count()), 2, out);
  out->push_back(':');
  AppendDigits(static_cast<int>(time.minutes().count()), 2, out);
  out->push_back(':');
  AppendDigits(static_cast<int>(time.seconds().count()), 2, out);
  out->push_back('.');
  AppendDigits(static_cast<int>(time.subseconds().count()), 3, out);
  out->push_back('Z');
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 0xf]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

TrafficGenerator::TrafficGenerator(const TrafficOptions& options)
    : options_(options),
      model_json_(Quoted(options.model)),
      version_json_(Quoted(options.model_version)),
      random_(options.seed),
      model_event_pending_(options.model_event) {
  if (!options_.benchmark_shape) {
    // Weights are per standard deviation of each feature's z.
    numeric_.push_back({Quoted("amount") + ':', true, 3.5, 1.0, 0.0, HUGE_VAL, 100, 0.9});
    numeric_.push_back({Quoted("age") + ':', false, 41, 12, 18, 95, 1, 0.4});
    numeric_.push_back({Quoted("tenure_days") + ':', true, 5.5, 1.1, 0.0, HUGE_VAL, 1, 0.3});
    numeric_.push_back({Quoted("score_external") + ':', false, 0.5, 0.15, 0, 1, 1000, 0.8});
    AddCategorical("country", {"DE", "FR", "US", "GB", "ES", "IT", "NL", "PL"},
                   {0.25, 0.15, 0.2, 0.12, 0.1, 0.08, 0.06, 0.04});
    AddCategorical("device", {"ios", "android", "web"}, {0.4, 0.35, 0.25});
    intercept_ = kDemoIntercept;
    return;
  }
  // Scale the weights so that the score's spread does not grow with the
  // number of features.
  const double weight = options_.numeric > 0 ? 1.5 / std::sqrt(options_.numeric) : 0.0;
  for (int i = 0; i < options_.numeric; ++i) {
    numeric_.push_back({Quoted("num_" + std::to_string(i)) + ':', false, 10.0 * (i % 5),
                        1.0 + i % 3, -HUGE_VAL, HUGE_VAL, 10000, weight});
  }
  for (int j = 0; j < options_.categorical; ++j) {
    const int count = 3 + j % 6;
    std::vector<std::string> values;
    std::vector<double> weights;
    for (int k = 0; k < count; ++k) {
      values.push_back("c" + std::to_string(k));
      weights.push_back(1.0 / (k + 1));
    }
    AddCategorical("cat_" + std::to_string(j), std::move(values), std::move(weights));
  }
}

void TrafficGenerator::AddCategorical(std::string name, std::vector<std::string> values,
                                      std::vector<double> weights) {
  CategoricalFeature feature;
  feature.key = Quoted(name) + ':';
  const double last = static_cast<double>(values.size() - 1);
  std::vector<double> shifted;
  for (std::size_t k = 0; k < values.size(); ++k) {
    const double position = last > 0 ? k / last : 0.0;  // 0 .. 1
    feature.values.push_back(Quoted(values[k]));
    shifted.push_back(weights[k] * std::exp(2.0 * options_.shift_magnitude * position));
    // Later categories raise the score, so the skew raises it too.
    feature.effect.push_back(0.8 * (position - 0.5));
  }
  feature.cumulative = RunningSums(weights);
  feature.shifted_cumulative = RunningSums(shifted);
  categorical_.push_back(std::move(feature));
}

std::vector<std::string> TrafficGenerator::FeatureNames() const {
  std::vector<std::string> names;
  // Keys are '"name":' with no escapes (the names are ours).
  for (const auto& f : numeric_) names.push_back(f.key.substr(1, f.key.size() - 3));
  for (const auto& f : categorical_) names.push_back(f.key.substr(1, f.key.size() - 3));
  return names;
}

std::optional<Timestamp> TrafficGenerator::PeekTime() const {
  if (model_event_pending_) return options_.start;
  const bool predictions_left = options_.events == 0 || next_prediction_ < options_.events;
  const Timestamp prediction_ts =
      options_.start + options_.interval * static_cast<Duration::rep>(next_prediction_);
  if (!labels_.empty() && (!predictions_left || labels_.front().ts <= prediction_ts)) {
    return labels_.front().ts;
  }
  if (predictions_left) return prediction_ts;
  return std::nullopt;
}

bool TrafficGenerator::Next(std::string* line) {
  if (model_event_pending_) {
    model_event_pending_ = false;
    AppendModelEvent(line);
    return true;
  }
  const bool predictions_left = options_.events == 0 || next_prediction_ < options_.events;
  const Timestamp prediction_ts =
      options_.start + options_.interval * static_cast<Duration::rep>(next_prediction_);
  if (!labels_.empty() && (!predictions_left || labels_.front().ts <= prediction_ts)) {
    AppendLabel(labels_.front(), line);
    labels_.pop_front();
    return true;
  }
  if (!predictions_left) return false;
  AppendPrediction(line);
  return true;
}

void TrafficGenerator::AppendModelEvent(std::string* line) const {
  line->append(R"({"kind":"model","model":)");
  line->append(model_json_);
  line->append(R"(,"model_version":)");
  line->append(version_json_);
  line->append(R"(,"ts":")");
  AppendRfc3339Millis(options_.start, line);
  line->append(R"(","trained_at":")");
  AppendRfc3339Millis(options_.start - days(7), line);
  line->append(R"(","deployed_at":")");
  AppendRfc3339Millis(options_.start - days(1), line);
  line->append(R"(","dependencies":{"feature_schema":")");
  if (options_.benchmark_shape) {
    line->append("num");
    AppendUnsigned(options_.numeric, line);
    line->append("-cat");
    AppendUnsigned(options_.categorical, line);
  } else {
    line->append("demo-1");
  }
  line->append(R"(","runtime":"example-1.0"}})");
  line->push_back('\n');
}

void TrafficGenerator::AppendPrediction(std::string* line) {
  const std::uint64_t n = next_prediction_++;
  const Timestamp ts = options_.start + options_.interval * static_cast<Duration::rep>(n);
  const bool shifted = options_.shift_at.has_value() && n >= *options_.shift_at;
  const double offset = shifted ? options_.shift_magnitude : 0.0;

  line->append(R"({"kind":"prediction","model":)");
  line->append(model_json_);
  line->append(R"(,"model_version":)");
  line->append(version_json_);
  line->append(R"(,"id":)");
  // Model names are JSON-quoted already; splice the number before the quote.
  line->append(model_json_, 0, model_json_.size() - 1);
  line->push_back('-');
  AppendUnsigned(options_.id_offset + n, line);
  line->append(R"(","ts":")");
  AppendRfc3339Millis(ts, line);
  line->append(R"(","features":{)");

  double logit = intercept_;
  bool first = true;
  for (const NumericFeature& f : numeric_) {
    const double z = random_.Normal() + offset;
    const double y = f.mu + f.sigma * z;
    double x = f.lognormal ? std::exp(y) : y;
    x = Round(std::min(std::max(x, f.lo), f.hi), f.scale);
    logit += f.weight * z;
    if (!first) line->push_back(',');
    first = false;
    line->append(f.key);
    AppendNumber(x, line);
  }
  for (const CategoricalFeature& f : categorical_) {
    const std::size_t k = random_.Categorical(shifted ? f.shifted_cumulative : f.cumulative);
    logit += f.effect[k];
    if (!first) line->push_back(',');
    first = false;
    line->append(f.key);
    line->append(f.values[k]);
  }
  const double score = 1.0 / (1.0 + std::exp(-logit));
  const double latency = std::exp(kLatencyLogMedian + kLatencyLogSigma * random_.Normal());
  // Both draws happen for every prediction so that the share changes only
  // which predictions get labels, never the features of later ones.
  const bool labelled = random_.Bernoulli(options_.label_share);
  const bool label = random_.Bernoulli(score);

  line->append(R"(},"prediction":)");
  AppendNumber(Round(score, 1e6), line);
  line->append(R"(,"latency_ms":)");
  AppendNumber(Round(latency, 100), line);
  line->append("}\n");
  if (labelled) labels_.push_back({ts + options_.label_delay, n, label});
}

void TrafficGenerator::AppendLabel(const PendingLabel& label, std::string* line) const {
  line->append(R"({"kind":"label","model":)");
  line->append(model_json_);
  line->append(R"(,"id":)");
  line->append(model_json_, 0, model_json_.size() - 1);
  line->push_back('-');
  AppendUnsigned(options_.id_offset + label.index, line);
  line->append(R"(","ts":")");
  AppendRfc3339Millis(label.ts, line);
  line->append(R"(","label":)");
  line->push_back(label.label ? '1' : '0');
  line->append("}\n");
}

}  // namespace driftd
