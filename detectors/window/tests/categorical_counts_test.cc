#include "detectors/window/categorical_counts.h"

#include <gtest/gtest.h>

#include <string>

namespace driftd::detectors {
namespace {

TEST(CategoricalCountsTest, CountsCategoriesAndMissing) {
  CategoricalCounts c;
  for (const char* v : {"DE", "FR", "DE", "US", "DE"}) c.Add(v);
  c.AddMissing();
  EXPECT_EQ(c.count("DE"), 3u);
  EXPECT_EQ(c.count("FR"), 1u);
  EXPECT_EQ(c.count("XX"), 0u);
  EXPECT_EQ(c.distinct(), 3u);
  EXPECT_EQ(c.total(), 5u);
  EXPECT_EQ(c.missing_count(), 1u);
  EXPECT_EQ(c.entries()[0].first, "DE");  // first-seen order
  EXPECT_EQ(c.entries()[2].first, "US");
}

TEST(CategoricalCountsTest, CapSendsNewCategoriesToOverflow) {
  CategoricalCounts c(2);
  for (const char* v : {"a", "b", "c", "a", "d", "c"}) c.Add(v);
  EXPECT_EQ(c.distinct(), 2u);
  EXPECT_EQ(c.count("a"), 2u);
  EXPECT_EQ(c.count("c"), 0u);
  EXPECT_EQ(c.overflow(), 3u);
  EXPECT_EQ(c.total(), 6u);
}

TEST(CategoricalCountsTest, MergeAddsAndRespectsTheCap) {
  CategoricalCounts a(3), b(3);
  for (const char* v : {"x", "y"}) a.Add(v);
  for (const char* v : {"y", "z", "w", "w"}) b.Add(v);
  b.AddMissing();
  a.Merge(b);
  EXPECT_EQ(a.count("y"), 2u);
  EXPECT_EQ(a.count("z"), 1u);
  EXPECT_EQ(a.count("w"), 0u);  // no room left: the fourth category
  EXPECT_EQ(a.overflow(), 2u);
  EXPECT_EQ(a.total(), 6u);
  EXPECT_EQ(a.missing_count(), 1u);
  CategoricalCounts c(3);
  c.Add("q");
  c.Merge(a);  // a's overflow carries over
  EXPECT_EQ(c.total(), 7u);
  EXPECT_EQ(c.overflow(), 2u + 1u);  // z did not fit next to q, x, y
}

TEST(CategoricalCountsTest, MemoryIsBoundedByTheCap) {
  CategoricalCounts c(100);
  for (int i = 0; i < 100000; ++i) c.Add("category-with-a-long-name-" + std::to_string(i));
  EXPECT_EQ(c.distinct(), 100u);
  EXPECT_LT(c.MemoryBytes(), 100u * 256u);
}

TEST(CategoricalCountsTest, RoundTripsAndRejectsBadInput) {
  CategoricalCounts c(5);
  for (const char* v : {"a", "", "b", "a", "c", "d", "e", "f"}) c.Add(v);
  c.AddMissing();
  std::string bytes;
  c.AppendTo(&bytes);
  std::string_view in = bytes;
  auto p = CategoricalCounts::Parse(&in);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(in.empty());
  EXPECT_TRUE(*p == c);
  EXPECT_EQ(p->count("a"), 2u);
  p->Add("a");  // the index was rebuilt
  EXPECT_EQ(p->count("a"), 3u);
  std::string_view cut(bytes.data(), bytes.size() - 1);
  EXPECT_FALSE(CategoricalCounts::Parse(&cut).has_value());
  std::string bad = bytes;
  bad[8] ^= 1;  // overflow no longer consistent with total
  std::string_view bad_in = bad;
  EXPECT_FALSE(CategoricalCounts::Parse(&bad_in).has_value());
}

TEST(CategoricalCountsTest, ManyCategoriesBeyondTheLinearScanStayCountedInOrder) {
  CategoricalCounts c(100);
  // Past kLinearUpTo distinct values the counts build a hash index; counts,
  // order and the encoding must not change across that switch.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i) c.Add("v" + std::to_string(i), static_cast<std::uint64_t>(i + 1));
  }
  ASSERT_EQ(c.distinct(), 40u);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(c.count("v" + std::to_string(i)), 3u * static_cast<std::uint64_t>(i + 1));
    EXPECT_EQ(c.entries()[static_cast<std::size_t>(i)].first, "v" + std::to_string(i));
  }
  EXPECT_EQ(c.count("absent"), 0u);
  std::string bytes;
  c.AppendTo(&bytes);
  std::string_view in = bytes;
  auto back = CategoricalCounts::Parse(&in);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == c);
  EXPECT_EQ(back->count("v39"), 120u);
}

TEST(CategoricalCountsTest, LongNamesSharingTheirFirstBytesStayApart) {
  // The scan compares a tag of size and first 7 bytes; longer names that
  // agree there must still be told apart.
  CategoricalCounts c;
  const std::vector<std::string> names = {"category_a1", "category_a2", "category_b1", "categor", "category_a1x"};
  for (std::size_t round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < names.size(); ++i) c.Add(names[i], i + 1);
  }
  ASSERT_EQ(c.distinct(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(c.count(names[i]), 3 * (i + 1)) << names[i];
    EXPECT_EQ(c.entries()[i].first, names[i]);
  }
  EXPECT_EQ(c.count("category_a3"), 0u);
  EXPECT_EQ(c.count("categor_"), 0u);
}

TEST(CategoricalCountsTest, FewCategoriesCarryNoHashIndex) {
  CategoricalCounts empty;
  EXPECT_EQ(empty.MemoryBytes(), sizeof(CategoricalCounts));
  CategoricalCounts few;
  for (int i = 0; i < 8; ++i) few.Add("c" + std::to_string(i));
  // Entries and their 8-byte scan tags only: no index buckets or nodes.
  EXPECT_EQ(few.MemoryBytes(), sizeof(CategoricalCounts) + 8 * (sizeof(few.entries()[0]) + sizeof(std::uint64_t)));
}

}  // namespace
}  // namespace driftd::detectors
