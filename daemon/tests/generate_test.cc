#include "daemon/generate.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <numbers>
#include <regex>
#include <set>
#include <sstream>

#include "fake_clock.h"

namespace driftd {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using namespace std::chrono_literals;

struct Output {
  int code;
  std::string out;
  std::string err;
};

Output Generate(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = GenerateCommand(args, out, err);
  return {code, out.str(), err.str()};
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Parses every line; a line that is not a JSON object fails the test.
std::vector<json::object> Events(const std::string& text) {
  std::vector<json::object> events;
  for (const std::string& line : Lines(text)) {
    boost::system::error_code ec;
    json::value value = json::parse(line, ec);
    EXPECT_FALSE(ec) << line;
    EXPECT_TRUE(value.is_object()) << line;
    if (!ec && value.is_object()) events.push_back(value.as_object());
  }
  return events;
}

std::vector<json::object> OfKind(const std::vector<json::object>& events, std::string_view kind) {
  std::vector<json::object> out;
  for (const auto& e : events) {
    if (e.at("kind").as_string() == kind) out.push_back(e);
  }
  return out;
}

// The events of one kind in `driftd generate ARGS`.
std::vector<json::object> Generated(const std::vector<std::string>& args, std::string_view kind) {
  return OfKind(Events(Generate(args).out), kind);
}

Timestamp Ts(const json::object& event) {
  const auto ts = ParseRfc3339(std::string(event.at("ts").as_string()));
  EXPECT_TRUE(ts.has_value()) << event;
  return ts.value_or(Timestamp{});
}

double Mean(const std::vector<double>& xs) {
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / xs.size();
}

double StandardNormalCdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }
double StandardNormalPdf(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi);
}

// --- Determinism -------------------------------------------------------------

TEST(GenerateTest, SameSeedGivesIdenticalBytes) {
  const Output a = Generate({"--events", "3000", "--seed", "7", "--shift-at", "1000"});
  const Output b = Generate({"--events", "3000", "--seed", "7", "--shift-at", "1000"});
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_FALSE(a.out.empty());
  EXPECT_EQ(a.out, b.out);
}

TEST(GenerateTest, DifferentSeedGivesDifferentTraffic) {
  const Output a = Generate({"--events", "100", "--seed", "1"});
  const Output b = Generate({"--events", "100", "--seed", "2"});
  ASSERT_EQ(a.code, 0);
  ASSERT_EQ(b.code, 0);
  const auto pa = OfKind(Events(a.out), "prediction");
  const auto pb = OfKind(Events(b.out), "prediction");
  ASSERT_EQ(pa.size(), pb.size());
  int same_features = 0;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    same_features += pa[i].at("features") == pb[i].at("features");
  }
  EXPECT_EQ(same_features, 0);
}

TEST(GenerateTest, PrefixBeforeShiftMatchesUnshiftedTraffic) {
  // The shift adds an offset to the same draws, so events before shift-at are
  // unchanged byte for byte (labels off: their order interleaves).
  const auto plain = Lines(Generate({"--events", "500", "--labels", "0"}).out);
  const auto shifted =
      Lines(Generate({"--events", "500", "--labels", "0", "--shift-at", "200"}).out);
  ASSERT_EQ(plain.size(), 501u);
  ASSERT_EQ(shifted.size(), 501u);
  for (int i = 0; i < 201; ++i) EXPECT_EQ(plain[i], shifted[i]) << i;  // model event + 200
  for (int i = 201; i < 501; ++i) EXPECT_NE(plain[i], shifted[i]) << i;
}

// --- The event contract --------------------------------------------------------

TEST(GenerateTest, CountsKindsAndUniqueIds) {
  const Output o = Generate({"--events", "1000"});
  ASSERT_EQ(o.code, 0) << o.err;
  const auto events = Events(o.out);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().at("kind"), "model");
  EXPECT_EQ(OfKind(events, "model").size(), 1u);
  const auto predictions = OfKind(events, "prediction");
  const auto labels = OfKind(events, "label");
  EXPECT_EQ(predictions.size(), 1000u);
  EXPECT_EQ(events.size(), 1 + predictions.size() + labels.size());
  std::set<std::string> ids;
  for (const auto& p : predictions) ids.insert(std::string(p.at("id").as_string()));
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_TRUE(ids.count("demo-0"));
  EXPECT_TRUE(ids.count("demo-999"));
  for (const auto& l : labels) EXPECT_TRUE(ids.count(std::string(l.at("id").as_string())));
}

TEST(GenerateTest, EveryEventFollowsTheContract) {
  const Output o = Generate({"--events", "2000", "--shift-at", "1000"});
  ASSERT_EQ(o.code, 0);
  // DESIGN.md section 4: RFC 3339 with milliseconds and Z.
  const std::regex ts_format(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  const std::set<std::string> countries = {"DE", "FR", "US", "GB", "ES", "IT", "NL", "PL"};
  const std::set<std::string> devices = {"ios", "android", "web"};
  for (const json::object& e : Events(o.out)) {
    ASSERT_TRUE(e.at("ts").is_string());
    EXPECT_TRUE(std::regex_match(std::string(e.at("ts").as_string()), ts_format)) << e;
    EXPECT_EQ(e.at("model"), "demo");
    const auto& kind = e.at("kind").as_string();
    if (kind == "prediction") {
      EXPECT_EQ(e.size(), 8u) << e;
      EXPECT_EQ(e.at("model_version"), "v1");
      const json::object& f = e.at("features").as_object();
      EXPECT_EQ(f.size(), 6u);
      for (const char* name : {"amount", "age", "tenure_days", "score_external"}) {
        ASSERT_TRUE(f.contains(name) && f.at(name).is_number()) << name << " in " << e;
      }
      EXPECT_GE(f.at("amount").to_number<double>(), 0);
      EXPECT_GE(f.at("age").to_number<double>(), 18);
      EXPECT_LE(f.at("age").to_number<double>(), 95);
      EXPECT_GE(f.at("score_external").to_number<double>(), 0);
      EXPECT_LE(f.at("score_external").to_number<double>(), 1);
      EXPECT_TRUE(countries.count(std::string(f.at("country").as_string())));
      EXPECT_TRUE(devices.count(std::string(f.at("device").as_string())));
      const double score = e.at("prediction").to_number<double>();
      EXPECT_GE(score, 0);
      EXPECT_LE(score, 1);
      EXPECT_GT(e.at("latency_ms").to_number<double>(), 0);
    } else if (kind == "label") {
      EXPECT_EQ(e.size(), 5u) << e;
      ASSERT_TRUE(e.at("id").is_string());
      ASSERT_TRUE(e.at("label").is_int64());
      EXPECT_TRUE(e.at("label").as_int64() == 0 || e.at("label").as_int64() == 1);
    } else {
      ASSERT_EQ(kind, "model");
      EXPECT_EQ(e.at("model_version"), "v1");
      EXPECT_EQ(e.at("trained_at"), "2025-12-25T00:00:00.000Z");  // start - 7 days
      EXPECT_EQ(e.at("deployed_at"), "2025-12-31T00:00:00.000Z");  // start - 1 day
      EXPECT_TRUE(e.at("dependencies").is_object());
    }
  }
}

TEST(GenerateTest, PredictionTimesFollowStartAndIntervalInOrder) {
  const Output o = Generate({"--events", "300", "--start", "2026-03-01T12:00:00.250Z", "--interval",
                        "1.5s", "--label-delay", "4s"});
  ASSERT_EQ(o.code, 0) << o.err;
  const auto events = Events(o.out);
  const Timestamp start = Timestamp(seconds(1772366400)) + milliseconds(250);  // date -d
  EXPECT_EQ(Ts(events.front()), start);  // the model event
  const auto predictions = OfKind(events, "prediction");
  for (std::size_t n = 0; n < predictions.size(); ++n) {
    EXPECT_EQ(Ts(predictions[n]), start + milliseconds(1500) * n) << n;
  }
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_LE(Ts(events[i - 1]), Ts(events[i])) << i;
}

TEST(GenerateTest, ModelEventCanBeTurnedOff) {
  const auto events = Events(Generate({"--events", "10", "--no-model-event"}).out);
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(OfKind(events, "model").empty());
  EXPECT_EQ(events.front().at("kind"), "prediction");
}

TEST(GenerateTest, ModelNameAndIdOffset) {
  const auto events =
      Events(Generate({"--events", "3", "--model", "fr\"aud", "--id-offset", "500"}).out);
  const auto predictions = OfKind(events, "prediction");
  ASSERT_EQ(predictions.size(), 3u);
  EXPECT_EQ(predictions[0].at("model"), "fr\"aud");
  EXPECT_EQ(predictions[0].at("id"), "fr\"aud-500");
  EXPECT_EQ(predictions[2].at("id"), "fr\"aud-502");
}

TEST(GenerateTest, BenchmarkShapeNamesFeatures) {
  const auto predictions =
      Generated({"--events", "5", "--numeric", "16", "--categorical", "4"}, "prediction");
  ASSERT_EQ(predictions.size(), 5u);
  const json::object& f = predictions[0].at("features").as_object();
  EXPECT_EQ(f.size(), 20u);
  EXPECT_TRUE(f.at("num_0").is_number());
  EXPECT_TRUE(f.at("num_15").is_number());
  EXPECT_TRUE(f.at("cat_0").is_string());
  EXPECT_TRUE(f.at("cat_3").is_string());
  const auto wide = Generated({"--events", "2", "--features", "50,10"}, "prediction");
  ASSERT_EQ(wide.size(), 2u);
  EXPECT_EQ(wide[0].at("features").as_object().size(), 60u);
}

// --- Shift -------------------------------------------------------------------

std::vector<double> FeatureValues(const std::vector<json::object>& predictions, const char* name,
                                  std::size_t from, std::size_t to) {
  std::vector<double> xs;
  for (std::size_t i = from; i < to; ++i) {
    xs.push_back(predictions[i].at("features").at(name).to_number<double>());
  }
  return xs;
}

TEST(GenerateTest, ShiftMovesUnclippedNormalMeansByMagnitudeSd) {
  // num_1 is normal with sd 2 (header); a 0.5 sd shift moves its mean by
  // 1.0, and num_0's (sd 1) by 0.5. Standard error of each difference:
  // sd * sqrt(2 / 10000) <= 0.03, so 0.12 is four of them.
  const auto p = Generated({"--events", "20000", "--numeric", "2", "--shift-at", "10000",
                            "--shift-magnitude", "0.5", "--labels", "0"},
                           "prediction");
  ASSERT_EQ(p.size(), 20000u);
  EXPECT_NEAR(Mean(FeatureValues(p, "num_0", 0, 10000)), 0.0, 0.06);
  EXPECT_NEAR(Mean(FeatureValues(p, "num_1", 0, 10000)), 10.0, 0.12);
  EXPECT_NEAR(Mean(FeatureValues(p, "num_0", 10000, 20000)) -
                  Mean(FeatureValues(p, "num_0", 0, 10000)),
              0.5, 0.06);
  EXPECT_NEAR(Mean(FeatureValues(p, "num_1", 10000, 20000)) -
                  Mean(FeatureValues(p, "num_1", 0, 10000)),
              1.0, 0.12);
}

TEST(GenerateTest, ShiftMovesDemoAgeByAboutOneSd) {
  // age ~ normal(41, 12) clipped below at 18; the mean of max(X, a) is
  // mu + sigma * (pdf(alpha) + alpha * cdf(alpha)), alpha = (a - mu) / sigma
  // (censored normal). Upper clip at 95 is beyond 3.5 sd either way.
  const auto p =
      Generated({"--events", "20000", "--shift-at", "10000", "--labels", "0"}, "prediction");
  const auto censored_mean = [](double mu, double sigma, double a) {
    const double alpha = (a - mu) / sigma;
    return mu + sigma * (StandardNormalPdf(alpha) + alpha * StandardNormalCdf(alpha));
  };
  const double before = Mean(FeatureValues(p, "age", 0, 10000));
  const double after = Mean(FeatureValues(p, "age", 10000, 20000));
  // Standard error of each mean 12 / sqrt(10000) = 0.12.
  EXPECT_NEAR(before, censored_mean(41, 12, 18), 0.5);
  EXPECT_NEAR(after, censored_mean(53, 12, 18), 0.5);
  EXPECT_NEAR(after - before, 12.0, 0.8);
}

TEST(GenerateTest, ShiftSkewsCategoriesTowardsLaterValues) {
  // device weights 0.4, 0.35, 0.25; after the shift weight k of K is
  // multiplied by exp(2 * magnitude * k / (K - 1)) (header).
  const auto p =
      Generated({"--events", "20000", "--shift-at", "10000", "--labels", "0"}, "prediction");
  const double w[3] = {0.4, 0.35 * std::exp(1.0), 0.25 * std::exp(2.0)};
  const double expected_web_after = w[2] / (w[0] + w[1] + w[2]);
  int web_before = 0, web_after = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const bool web = p[i].at("features").at("device") == "web";
    (i < 10000 ? web_before : web_after) += web;
  }
  // Binomial standard error at n = 10000 is below 0.005; allow four.
  EXPECT_NEAR(web_before / 10000.0, 0.25, 0.02);
  EXPECT_NEAR(web_after / 10000.0, expected_web_after, 0.02);
}

TEST(GenerateTest, ShiftRaisesPredictionScores) {
  const auto p =
      Generated({"--events", "4000", "--shift-at", "2000", "--labels", "0"}, "prediction");
  std::vector<double> before, after;
  for (std::size_t i = 0; i < p.size(); ++i) {
    (i < 2000 ? before : after).push_back(p[i].at("prediction").to_number<double>());
  }
  EXPECT_GT(Mean(after), Mean(before) + 0.1);
}

// --- Labels ------------------------------------------------------------------

TEST(GenerateTest, LabelsFollowDelayShareAndScore) {
  const Output o = Generate({"--events", "10000", "--labels", "0.3", "--label-delay", "7s"});
  ASSERT_EQ(o.code, 0);
  const auto events = Events(o.out);
  std::map<std::string, json::object> predictions;
  for (const auto& p : OfKind(events, "prediction")) {
    predictions[std::string(p.at("id").as_string())] = p;
  }
  const auto labels = OfKind(events, "label");
  // Binomial(10000, 0.3): standard error 46; allow four.
  EXPECT_NEAR(static_cast<double>(labels.size()), 3000.0, 184.0);
  std::set<std::string> labelled;
  double label_sum = 0, score_sum = 0;
  for (const auto& l : labels) {
    const std::string id(l.at("id").as_string());
    EXPECT_TRUE(labelled.insert(id).second) << "two labels for " << id;
    ASSERT_TRUE(predictions.count(id)) << id;
    EXPECT_EQ(Ts(l), Ts(predictions[id]) + seconds(7));
    label_sum += l.at("label").as_int64();
    score_sum += predictions[id].at("prediction").to_number<double>();
  }
  // Labels are Bernoulli(score): their mean matches the mean score within
  // four standard errors (sd of a 0/1 variable <= 0.5).
  const double n = static_cast<double>(labels.size());
  EXPECT_NEAR(label_sum / n, score_sum / n, 4 * 0.5 / std::sqrt(n));
}

TEST(GenerateTest, LabelShareZeroAndOne) {
  EXPECT_TRUE(Generated({"--events", "200", "--labels", "0"}, "label").empty());
  EXPECT_EQ(Generated({"--events", "200", "--labels", "1"}, "label").size(), 200u);
}

TEST(GenerateTest, LabelShareDoesNotChangePredictions) {
  const auto none = Generated({"--events", "300", "--labels", "0"}, "prediction");
  const auto all = Generated({"--events", "300", "--labels", "1"}, "prediction");
  ASSERT_EQ(none.size(), all.size());
  for (std::size_t i = 0; i < none.size(); ++i) EXPECT_EQ(none[i], all[i]) << i;
}

// --- Command line --------------------------------------------------------------

TEST(GenerateTest, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"--events", "-1"},        {"--events"},
      {"--bogus", "1"},          {"--labels", "1.5"},
      {"--start", "yesterday"},  {"--start", "2026-02-30T00:00:00Z"},
      {"--interval", "10"},      {"--label-delay", "-1s"},
      {"--rate", "-5"},          {"--numeric", "0", "--categorical", "0"},
      {"--features", "16"},      {"positional"},
      {"--rate", "5", "--interval", "0s"},
  };
  for (const auto& args : cases) {
    const Output o = Generate(args);
    EXPECT_EQ(o.code, 2) << args[0];
    EXPECT_TRUE(o.out.empty()) << args[0];
    EXPECT_NE(o.err.find(args[0]), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("Usage: driftd generate"), std::string::npos) << o.err;
  }
}

TEST(GenerateTest, UnknownFlagIsNamedAsSuch) {
  EXPECT_NE(Generate({"--bogus"}).err.find("unknown flag --bogus"), std::string::npos);
  EXPECT_NE(Generate({"--bogus=1"}).err.find("unknown flag --bogus"), std::string::npos);
  EXPECT_NE(Generate({"--events"}).err.find("--events: missing value"), std::string::npos);
}

TEST(GenerateTest, HelpPrintsUsageAndExitsZero) {
  const Output o = Generate({"--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("--shift-at"), std::string::npos);
  EXPECT_TRUE(o.err.empty());
}

TEST(GenerateTest, FlagEqualsValueForm) {
  EXPECT_EQ(Generate({"--events=50", "--seed=3"}).out,
            Generate({"--events", "50", "--seed", "3"}).out);
}

TEST(ParseRfc3339Test, KnownInstants) {
  // Expected epoch seconds from `date -u -d TIME +%s`.
  struct Case {
    const char* text;
    std::int64_t seconds;
    std::int64_t nanos;
  };
  const Case cases[] = {
      {"2026-01-01T00:00:00Z", 1767225600, 0},
      {"1970-01-01T00:00:00Z", 0, 0},
      {"2024-02-29T23:59:59.5Z", 1709251199, 500000000},
      {"2026-11-27T01:02:03.456Z", 1795741323, 456000000},
      {"2026-01-01T02:00:00+02:00", 1767225600, 0},
      {"2025-12-31T19:30:00-04:30", 1767225600, 0},
      {"2026-01-01t00:00:00.000000001z", 1767225600, 1},
  };
  for (const Case& c : cases) {
    const auto t = ParseRfc3339(c.text);
    ASSERT_TRUE(t.has_value()) << c.text;
    EXPECT_EQ(*t, Timestamp(seconds(c.seconds)) + Duration(c.nanos)) << c.text;
  }
  for (const char* bad : {"", "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z",
                          "2026-01-01T24:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zx",
                          "2026-01-01T00:00:00+0200"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(AppendRfc3339MillisTest, FormatsWithMillisecondsAndZ) {
  std::string s;
  AppendRfc3339Millis(Timestamp(seconds(1795741323)) + Duration(456789000), &s);
  EXPECT_EQ(s, "2026-11-27T01:02:03.456Z");
  s.clear();
  AppendRfc3339Millis(Timestamp(seconds(1709251199)), &s);
  EXPECT_EQ(s, "2024-02-29T23:59:59.000Z");
}

// --- Pacing --------------------------------------------------------------------

// Advances the fake clock to each requested time and records it.
class FakeSleeper : public Sleeper {
 public:
  explicit FakeSleeper(testing::FakeClock* clock) : clock_(clock) {}
  void SleepUntil(Timestamp wall_time) override {
    targets.push_back(wall_time);
    if (wall_time > clock_->Now()) clock_->Set(wall_time);
  }
  std::vector<Timestamp> targets;

 private:
  testing::FakeClock* clock_;
};

TEST(RunGenerateTest, RatePacesInWallTimeAndStartNowStampsTheClock) {
  GenerateOptions options;
  ASSERT_FALSE(ParseGenerateArgs({"--rate", "10", "--events", "5", "--start", "now", "--labels",
                                  "0", "--no-model-event"},
                                 &options));
  const Timestamp t0 = Timestamp(seconds(1800000000)) + milliseconds(42) + Duration(7);
  testing::FakeClock clock(t0);
  FakeSleeper sleeper(&clock);
  std::ostringstream out, err;
  ASSERT_EQ(RunGenerate(options, out, err, clock, sleeper), 0);
  // 10 events per second: one every 100 ms of wall time, stamped with the
  // clock (to the millisecond) at which each is due.
  ASSERT_EQ(sleeper.targets.size(), 5u);
  const auto events = Events(out.str());
  ASSERT_EQ(events.size(), 5u);
  for (int k = 0; k < 5; ++k) {
    EXPECT_EQ(sleeper.targets[k], t0 + milliseconds(100) * k) << k;
    EXPECT_EQ(Ts(events[k]), Timestamp(seconds(1800000000)) + milliseconds(42 + 100 * k)) << k;
  }
}

TEST(RunGenerateTest, ExplicitIntervalWithRateReplaysFaster) {
  // 1 s of event time per event, written at 100 events per second: 10 ms of
  // wall time per event; a 2 s label delay is written 20 ms after its prediction.
  GenerateOptions options;
  ASSERT_FALSE(ParseGenerateArgs({"--rate", "100", "--interval", "1s", "--events", "3",
                                  "--labels", "1", "--label-delay", "2s", "--no-model-event"},
                                 &options));
  testing::FakeClock clock;
  const Timestamp t0 = clock.Now();
  FakeSleeper sleeper(&clock);
  std::ostringstream out, err;
  ASSERT_EQ(RunGenerate(options, out, err, clock, sleeper), 0);
  const std::vector<Duration> expected = {0ms, 10ms, 20ms, 20ms, 30ms, 40ms};  // p p p+l l l
  ASSERT_EQ(sleeper.targets.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(sleeper.targets[i] - t0, expected[i]) << i;
  }
}

TEST(RunGenerateTest, UnpacedNeverSleeps) {
  GenerateOptions options;
  ASSERT_FALSE(ParseGenerateArgs({"--events", "100"}, &options));
  testing::FakeClock clock;
  FakeSleeper sleeper(&clock);
  std::ostringstream out, err;
  ASSERT_EQ(RunGenerate(options, out, err, clock, sleeper), 0);
  EXPECT_TRUE(sleeper.targets.empty());
  EXPECT_EQ(Lines(out.str()).size(), 1 + 100 + OfKind(Events(out.str()), "label").size());
}

TEST(RunGenerateTest, WriteFailureExitsOne) {
  GenerateOptions options;
  testing::FakeClock clock;
  FakeSleeper sleeper(&clock);
  std::ostringstream out, err;
  out.setstate(std::ios::badbit);
  EXPECT_EQ(RunGenerate(options, out, err, clock, sleeper), 1);
  EXPECT_NE(err.str().find("error writing"), std::string::npos);
}

}  // namespace
}  // namespace driftd
