#include "detectors/window/chunker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace driftd::detectors {
namespace {

using std::chrono::seconds;

const std::vector<FeatureSpec> kOneNumeric = {FeatureSpec{FeatureKind::kNumeric, nullptr}};

std::vector<double> Sorted(const Chunk& c) {
  const auto s = c.summaries.numeric(0).SortedSample();
  return {s.begin(), s.end()};
}

TEST(ChunkerTest, ValidateNeedsExactlyOneCut) {
  EXPECT_TRUE(ValidateChunkerOptions(ChunkerOptions{}).has_value());
  ChunkerOptions both;
  both.rows_per_chunk = 3;
  both.span = seconds(1);
  EXPECT_TRUE(ValidateChunkerOptions(both).has_value());
}

TEST(ChunkerTest, ByCount) {
  ChunkerOptions o;
  o.rows_per_chunk = 3;
  ASSERT_FALSE(ValidateChunkerOptions(o).has_value());
  Chunker c(o, kOneNumeric);
  std::vector<Chunk> out;
  for (int i = 0; i < 7; ++i) {
    auto done = c.Add(Timestamp{seconds(10 - i)}, std::vector<Value>{Value{static_cast<double>(i)}});
    if (done) out.push_back(std::move(*done));
  }
  if (auto last = c.Finish()) out.push_back(std::move(*last));
  EXPECT_FALSE(c.Finish().has_value());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].index, 0);
  EXPECT_EQ(Sorted(out[0]), (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(out[0].min_ts, Timestamp{seconds(8)});
  EXPECT_EQ(out[0].max_ts, Timestamp{seconds(10)});
  EXPECT_EQ(Sorted(out[1]), (std::vector<double>{3, 4, 5}));
  EXPECT_EQ(out[2].rows, 1u);
  EXPECT_EQ(out[2].index, 2);
}

TEST(ChunkerTest, ByTimeSkipsEmptySpansAndKeepsOutOfOrderRows) {
  ChunkerOptions o;
  o.span = seconds(10);
  Chunker c(o, kOneNumeric);
  std::vector<Chunk> out;
  for (int t : {1, 5, 12, 13, 35, 8}) {
    auto done = c.Add(Timestamp{seconds(t)}, std::vector<Value>{Value{static_cast<double>(t)}});
    if (done) out.push_back(std::move(*done));
  }
  if (auto last = c.Finish()) out.push_back(std::move(*last));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].index, 0);
  EXPECT_EQ(Sorted(out[0]), (std::vector<double>{1, 5}));
  EXPECT_EQ(out[1].index, 1);
  EXPECT_EQ(Sorted(out[1]), (std::vector<double>{12, 13}));
  EXPECT_EQ(out[2].index, 3);  // no chunk for the empty [20, 30)
  EXPECT_EQ(Sorted(out[2]), (std::vector<double>{8, 35}));
  EXPECT_EQ(out[2].out_of_order, 1u);
  EXPECT_EQ(out[2].min_ts, Timestamp{seconds(8)});
}

}  // namespace
}  // namespace driftd::detectors
