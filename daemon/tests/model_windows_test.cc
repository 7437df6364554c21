#include "daemon/model_windows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "daemon/tests/eval_test_util.h"

namespace driftd {
namespace {

using eval_testing::BasicModel;
using eval_testing::ConfigOf;
using eval_testing::PipelineFixture;
using eval_testing::Prediction;

TEST(PipelineWindowsTest, CountsEventsPerWindow) {
  PipelineFixture f(ConfigOf({BasicModel(5)}));
  for (int i = 0; i < 8; ++i) f.Feed(Prediction(i, R"("x": 1.5, "c": "a")"));
  const WindowStatus& w = f.Model("m").windows;
  EXPECT_EQ(w.error, "");
  EXPECT_EQ(w.current_events, 8u);
  EXPECT_EQ(w.reference_type, "first");
  EXPECT_EQ(w.reference_events, 5u);  // frozen at its target
  EXPECT_EQ(w.reference_target, 5u);
  EXPECT_TRUE(w.reference_ready);
}

TEST(PipelineWindowsTest, LateEventsAreCountedNotApplied) {
  // Allowed lateness 5 minutes (WindowConfig's default).
  PipelineFixture f(ConfigOf({BasicModel(100)}));
  f.Feed(Prediction(3600, R"("x": 1, "c": "a")"));
  f.Feed(Prediction(3600 - 4 * 60, R"("x": 1, "c": "a")"));   // within lateness
  f.Feed(Prediction(3600 - 10 * 60, R"("x": 1, "c": "a")"));  // beyond it
  const WindowStatus& w = f.Model("m").windows;
  EXPECT_EQ(w.current_events, 2u);
  EXPECT_EQ(w.late_events, 1u);
  EXPECT_EQ(w.reference_events, 2u);  // the late event reaches no window
}

TEST(PipelineWindowsTest, FirstReferenceStartsOverOnDeploy) {
  PipelineFixture f(ConfigOf({BasicModel(3)}));
  f.Feed(R"({"kind": "model", "model": "m", "model_version": "v1", "ts": 1800000000})");
  for (int i = 0; i < 4; ++i) f.Feed(Prediction(i, R"("x": 1, "c": "a")"));
  EXPECT_TRUE(f.Model("m").windows.reference_ready);
  // The same version again is no deploy.
  f.Feed(R"({"kind": "model", "model": "m", "model_version": "v1", "ts": 1800000005})");
  EXPECT_TRUE(f.Model("m").windows.reference_ready);

  f.Feed(R"({"kind": "model", "model": "m", "model_version": "v2", "ts": 1800000006})");
  EXPECT_EQ(f.Model("m").windows.reference_events, 0u);
  EXPECT_FALSE(f.Model("m").windows.reference_ready);
  EXPECT_EQ(f.Model("m").windows.current_events, 4u);  // the current window keeps its events
  f.Feed(Prediction(7, R"("x": 1, "c": "a")"));
  EXPECT_EQ(f.Model("m").windows.reference_events, 1u);
}

TEST(PipelineWindowsTest, RollingReferenceTrailsByTheLag) {
  config::ModelConfig m = BasicModel();
  m.window = std::chrono::minutes(10);
  m.windows.panes = 10;
  m.reference.type = config::ReferenceType::kRolling;
  m.reference.window = std::chrono::minutes(10);
  m.reference.lag = std::chrono::minutes(10);
  PipelineFixture f(ConfigOf({m}));
  // One event per minute at minutes 0..9, then one at minute 20.5.
  for (int i = 0; i < 10; ++i) f.Feed(Prediction(60.0 * i, R"("x": 1, "c": "a")"));
  f.Feed(Prediction(60.0 * 20.5, R"("x": 1, "c": "a")"));
  // reference.h: the reference spans 10 minutes and ends within one pane
  // width (here under 5 s) of watermark - lag = minute 10.5, so it holds
  // the events of minutes 1..9 and neither minute 0 nor 20.5.
  const WindowStatus& w = f.Model("m").windows;
  EXPECT_EQ(w.reference_type, "rolling");
  EXPECT_EQ(w.reference_events, 9u);
  EXPECT_TRUE(w.reference_ready);
  EXPECT_EQ(w.current_events, 1u);  // minute 20.5 only: the window is 10 minutes
}

TEST(PipelineWindowsTest, CountsMissingWrongTypeAndIgnoresUnknownFeatures) {
  PipelineFixture f(ConfigOf({BasicModel()}));
  f.Feed(Prediction(0, R"("x": "high", "c": "a", "other": 3)"));
  f.Feed(Prediction(1, R"("x": null, "c": "a")"));
  f.Feed(Prediction(2, R"("c": "b")"));
  f.Feed(Prediction(3, R"("x": 2, "c": 7)"));  // a number is a category name
  const WindowStatus& w = f.Model("m").windows;
  ASSERT_EQ(w.column_names, (std::vector<std::string>{"x", "c"}));
  EXPECT_EQ(w.columns[0], (ColumnCounters{2, 0, 1}));
  EXPECT_EQ(w.columns[1], (ColumnCounters{0, 0, 0}));
  EXPECT_EQ(w.current_events, 4u);

  auto snapshot = f.pipeline().SnapshotWindows();
  ASSERT_EQ(snapshot->models.size(), 1u);
  const auto& current = *snapshot->models[0].current;
  EXPECT_EQ(current.numeric(0).count(), 1u);
  EXPECT_EQ(current.numeric(0).non_numeric_count(), 1u);
  EXPECT_EQ(current.categorical(1).count("7"), 1u);
}

TEST(ModelWindowsTest, NonFiniteValuesAreCountedNotSummarized) {
  // JSON cannot carry NaN; other decoders can, so the windows guard anyway.
  ModelWindows w(BasicModel(), {});
  Event e;
  e.model = "m";
  e.ts = Timestamp(std::chrono::seconds(eval_testing::kT0));
  e.features = {{"x", std::numeric_limits<double>::quiet_NaN()}, {"c", std::string("a")}};
  w.Add(e);
  e.features[0].value = std::numeric_limits<double>::infinity();
  w.Add(e);
  e.features[0].value = 4.0;
  w.Add(e);
  EXPECT_EQ(w.counters(0).non_finite, 2u);
  const auto snap = w.Snapshot("m", e.ts);
  EXPECT_EQ(snap.current->numeric(0).count(), 1u);
  EXPECT_EQ(snap.current->numeric(0).max(), 4.0);
}

TEST(ModelWindowsTest, FeatureOrderChangesResolveToTheSameColumns) {
  ModelWindows a(BasicModel(), {});
  ModelWindows b(BasicModel(), {});
  Event e;
  e.ts = Timestamp(std::chrono::seconds(eval_testing::kT0));
  for (int i = 0; i < 6; ++i) {
    const std::string category = i % 2 ? "p" : "q";
    e.features = {{"x", double(i)}, {"c", category}};
    a.Add(e);
    // b sees alternating orders and an unknown feature, defeating its cache.
    if (i % 2) {
      e.features = {{"c", category}, {"zz", 1.0}, {"x", double(i)}};
    }
    b.Add(e);
  }
  const auto sa = a.Snapshot("m", e.ts);
  const auto sb = b.Snapshot("m", e.ts);
  EXPECT_TRUE(*sa.current == *sb.current);
  EXPECT_EQ(b.counters(0), ColumnCounters{});
}

TEST(ModelWindowsTest, PredictionColumnFromScoreOrClass) {
  config::ModelConfig m = BasicModel();
  m.prediction = config::PredictionConfig{};
  m.prediction->type = config::PredictionType::kScore;
  ModelWindows w(m, {});
  ASSERT_EQ(w.columns().size(), 3u);
  EXPECT_EQ(w.columns()[2].name, "prediction");
  EXPECT_TRUE(w.columns()[2].is_prediction);
  Event e;
  e.ts = Timestamp(std::chrono::seconds(eval_testing::kT0));
  e.features = {{"x", 1.0}, {"c", std::string("a")}};
  e.prediction = Value(std::string("fraud"));
  e.score = 0.75;  // {"label": "fraud", "score": 0.75}
  w.Add(e);
  e.kind = EventKind::kInput;  // no prediction, and none expected
  e.prediction.reset();
  e.score.reset();
  w.Add(e);
  EXPECT_EQ(w.counters(2).missing, 0u);
  const auto snap = w.Snapshot("m", e.ts);
  EXPECT_EQ(snap.current->numeric(2).count(), 1u);
  EXPECT_EQ(snap.current->numeric(2).max(), 0.75);

  m.prediction->type = config::PredictionType::kClass;
  ModelWindows c(m, {});
  e.kind = EventKind::kPrediction;
  e.prediction = Value(std::string("fraud"));
  c.Add(e);
  EXPECT_EQ(c.Snapshot("m", e.ts).current->categorical(2).count("fraud"), 1u);
}

TEST(PipelineWindowsTest, ReconfigureKeepsWindowsWhenTheirSettingsStay) {
  config::ModelConfig m = BasicModel(3);
  PipelineFixture f(ConfigOf({m}));
  for (int i = 0; i < 4; ++i) f.Feed(Prediction(i, R"("x": 1, "c": "a")"));

  // Thresholds, tests and min_samples do not shape the windows.
  m.features[0].threshold = 0.2;
  m.features[0].test = "ks";
  m.min_samples = 50;
  f.pipeline().Reconfigure(ConfigOf({m}));
  EXPECT_EQ(f.Model("m").windows.current_events, 4u);
  EXPECT_EQ(f.Model("m").windows.reference_events, 3u);

  // A new window length does: the windows restart, the counters stay.
  m.window = std::chrono::hours(2);
  f.pipeline().Reconfigure(ConfigOf({m}));
  EXPECT_EQ(f.Model("m").windows.current_events, 0u);
  EXPECT_EQ(f.Model("m").windows.reference_events, 0u);
  EXPECT_EQ(f.Model("m").events[static_cast<int>(EventKind::kPrediction)], 4u);
}

TEST(ModelWindowsTest, SameWindowSettingsComparesShapeOnly) {
  const config::ModelConfig a = BasicModel();
  config::ModelConfig b = a;
  b.drift.drift_share = 0.9;
  b.features[1].values = {"a"};
  EXPECT_TRUE(ModelWindows::SameWindowSettings(a, b));
  b.features[1].type = config::FeatureType::kNumeric;
  EXPECT_FALSE(ModelWindows::SameWindowSettings(a, b));
  b = a;
  b.features.push_back(eval_testing::Numeric("y"));
  EXPECT_FALSE(ModelWindows::SameWindowSettings(a, b));
  b = a;
  b.reference.events = 6;
  EXPECT_FALSE(ModelWindows::SameWindowSettings(a, b));
  b = a;
  b.windows.allowed_lateness = std::chrono::minutes(1);
  EXPECT_FALSE(ModelWindows::SameWindowSettings(a, b));
}

TEST(ModelWindowsTest, InvalidWindowOptionsAreReportedNotFatal) {
  config::ModelConfig m = BasicModel();
  m.window = std::chrono::nanoseconds(1000);
  m.windows.panes = 7;  // 1000 ns is no multiple of 7 panes
  PipelineFixture f(ConfigOf({m}));
  f.Feed(Prediction(0, R"("x": 1, "c": "a")"));
  const ModelStatus& s = f.Model("m");
  EXPECT_NE(s.windows.error, "");
  EXPECT_EQ(s.windows.current_events, 0u);
  EXPECT_EQ(s.events[static_cast<int>(EventKind::kPrediction)], 1u);
  auto snapshot = f.pipeline().SnapshotWindows();
  EXPECT_EQ(snapshot->models[0].current, nullptr);
}

TEST(PipelineWindowsTest, BaselineErrorsLeaveTheModelUnjudged) {
  config::ModelConfig m = BasicModel();
  m.reference.type = config::ReferenceType::kBaseline;
  m.reference.path = "/nonexistent/m.profile.json";
  PipelineFixture f(ConfigOf({m}));  // the real loader
  f.Feed(Prediction(0, R"("x": 1, "c": "a")"));
  const WindowStatus& w = f.Model("m").windows;
  EXPECT_EQ(w.reference_type, "baseline");
  EXPECT_FALSE(w.reference_ready);
  EXPECT_NE(w.reference_error.find("/nonexistent/m.profile.json"), std::string::npos);
  EXPECT_EQ(w.current_events, 1u);
  auto snapshot = f.pipeline().SnapshotWindows();
  EXPECT_EQ(snapshot->models[0].reference, nullptr);
  EXPECT_NE(snapshot->models[0].not_ready_reason, "");
}

TEST(PipelineWindowsTest, BaselineFromTheLoaderIsTheReference) {
  config::ModelConfig m = BasicModel();
  m.reference.type = config::ReferenceType::kBaseline;
  m.reference.path = "m.profile.json";
  int loads = 0;
  auto loader = [&loads](const config::ModelConfig& model) {
    ++loads;
    ModelWindows shape(model, {});
    std::vector<detectors::FeatureSpec> specs;
    for (const auto& c : shape.columns()) specs.push_back({c.kind, nullptr});
    auto set = std::make_shared<detectors::SummarySet>(specs, detectors::SummaryOptions{});
    set->AddRow(std::vector<Value>{3.0, std::string("z")});
    return BaselineReference{set, 1, "", nullptr};
  };
  PipelineFixture f(ConfigOf({m}), loader);
  EXPECT_TRUE(f.Model("m").windows.reference_ready);
  EXPECT_EQ(f.Model("m").windows.reference_events, 1u);
  auto snapshot = f.pipeline().SnapshotWindows();
  ASSERT_NE(snapshot->models[0].reference, nullptr);
  EXPECT_EQ(snapshot->models[0].reference->categorical(1).count("z"), 1u);
  f.pipeline().Reconfigure(ConfigOf({m}));
  EXPECT_EQ(loads, 2);  // re-read on reload
}

TEST(ModelWindowsTest, EncodingRoundTrips) {
  for (auto type : {config::ReferenceType::kFirst, config::ReferenceType::kRolling}) {
    config::ModelConfig m = BasicModel(4);
    m.reference.type = type;
    m.reference.window = std::chrono::minutes(30);
    m.reference.lag = std::chrono::minutes(10);
    ModelWindows w(m, {});
    Event e;
    for (int i = 0; i < 50; ++i) {
      e.ts = Timestamp(std::chrono::seconds(eval_testing::kT0 + 60 * i));
      e.features = {{"x", double(i % 7)}, {"c", std::string(i % 3 ? "a" : "b")}};
      if (i == 10) e.features[0].value = std::string("bad");
      w.Add(e);
    }
    std::string bytes;
    w.AppendTo(&bytes);
    std::string_view in = bytes;
    auto parsed = ModelWindows::Parse(&in, m, {});
    ASSERT_TRUE(parsed.has_value());
    EXPECT_TRUE(in.empty());
    const auto a = w.Snapshot("m", e.ts);
    const auto b = parsed->Snapshot("m", e.ts);
    EXPECT_TRUE(*a.current == *b.current);
    ASSERT_EQ(a.reference != nullptr, b.reference != nullptr);
    if (a.reference) {
      EXPECT_TRUE(*a.reference == *b.reference);
    }
    EXPECT_EQ(a.status.columns, b.status.columns);
    EXPECT_EQ(a.status.reference_events, b.status.reference_events);

    // State from other settings is refused, and so are truncated bytes.
    config::ModelConfig other = m;
    other.features.pop_back();
    std::string_view again = bytes;
    EXPECT_FALSE(ModelWindows::Parse(&again, other, {}).has_value());
    std::string_view cut = std::string_view(bytes).substr(0, bytes.size() / 2);
    EXPECT_FALSE(ModelWindows::Parse(&cut, m, {}).has_value());
  }
}

}  // namespace
}  // namespace driftd

namespace driftd {
namespace {

TEST(PipelineWindowsTest, CheckpointRestoresWindowsThatFitTheConfig) {
  using eval_testing::BasicModel;
  using eval_testing::ConfigOf;
  using eval_testing::PipelineFixture;
  using eval_testing::Prediction;
  PipelineFixture a(ConfigOf({BasicModel(3)}));
  for (int i = 0; i < 6; ++i) a.Feed(Prediction(i, R"("x": 1, "c": "a")"));
  a.Feed(Prediction(7, R"("x": "bad", "c": "a")"));
  std::string state;
  a.pipeline().SerializeState(&state);

  PipelineFixture b(ConfigOf({BasicModel(3)}));
  std::string error;
  ASSERT_TRUE(b.pipeline().RestoreState(state, &error)) << error;
  EXPECT_EQ(b.Model("m").windows.current_events, 7u);
  EXPECT_EQ(b.Model("m").windows.reference_events, 3u);
  EXPECT_EQ(b.Model("m").windows.columns[0].wrong_type, 1u);

  // Under another window length the saved windows are dropped, the
  // counters kept.
  config::ModelConfig longer = BasicModel(3);
  longer.window = std::chrono::hours(3);
  PipelineFixture c(ConfigOf({longer}));
  ASSERT_TRUE(c.pipeline().RestoreState(state, &error)) << error;
  EXPECT_EQ(c.Model("m").windows.current_events, 0u);
  EXPECT_EQ(c.Model("m").events[static_cast<int>(EventKind::kPrediction)], 7u);
}

TEST(ModelWindowsTest, RollingReferenceByHandOffContinuesAcrossACheckpoint) {
  // lag (10 min) >= window (10 min): the reference is fed with the panes the
  // current window evicts (model_windows.h). One event per 30 s for 40 min.
  config::ModelConfig m = BasicModel();
  m.window = std::chrono::minutes(10);
  m.windows.panes = 10;
  m.reference.type = config::ReferenceType::kRolling;
  m.reference.window = std::chrono::minutes(10);
  m.reference.lag = std::chrono::minutes(10);
  ModelWindows w(m, {});
  Event e;
  auto feed = [&e](ModelWindows& into, int from, int to) {
    for (int i = from; i < to; ++i) {
      e.ts = Timestamp(std::chrono::seconds(eval_testing::kT0 + 30 * i));
      e.features = {{"x", double(i)}, {"c", std::string("a")}};
      into.Add(e);
    }
  };
  feed(w, 0, 50);
  std::string bytes;
  w.AppendTo(&bytes);
  std::string_view in = bytes;
  auto restored = ModelWindows::Parse(&in, m, {});
  ASSERT_TRUE(restored.has_value());
  feed(w, 50, 80);
  feed(*restored, 50, 80);
  // Watermark at event 79 (39.5 min after kT0, a whole minute): the current
  // window holds events 60..79, the reference the 10 minutes before it
  // (20 events, 40..59), each event once.
  const auto a = w.Snapshot("m", e.ts);
  const auto b = restored->Snapshot("m", e.ts);
  EXPECT_EQ(a.status.current_events, 20u);
  EXPECT_EQ(a.status.reference_events, 20u);
  ASSERT_NE(a.reference, nullptr);
  ASSERT_NE(b.reference, nullptr);
  const auto sample = a.reference->numeric(0).SortedSample();
  ASSERT_EQ(sample.size(), 20u);
  EXPECT_EQ(sample.front(), 40.0);
  EXPECT_EQ(sample.back(), 59.0);
  EXPECT_TRUE(*a.reference == *b.reference);
  EXPECT_TRUE(*a.current == *b.current);
  std::string again_a, again_b;
  w.AppendTo(&again_a);
  restored->AppendTo(&again_b);
  EXPECT_EQ(again_a, again_b);  // deterministic encoding
}

TEST(ModelWindowsTest, SnapshotOfAnOlderEncodingVersionIsRefused) {
  config::ModelConfig m = BasicModel(4);
  ModelWindows w(m, {});
  std::string bytes;
  w.AppendTo(&bytes);
  ASSERT_FALSE(bytes.empty());
  bytes[0] = 1;  // version 1: before coarse, handed-off rolling references
  std::string_view in = bytes;
  EXPECT_FALSE(ModelWindows::Parse(&in, m, {}).has_value());
}

}  // namespace
}  // namespace driftd
