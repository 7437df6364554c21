// ReadTable (driftd report / baseline inputs): numbers, categories, missing
// values and line endings, each against an independent oracle.
#include "daemon/report_input.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace driftd {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "report_input_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

Table Read(const std::string& path, const TableOptions& options = {}) {
  std::string error;
  std::optional<Table> t = ReadTable(path, options, &error);
  EXPECT_TRUE(t.has_value()) << error;
  return t ? std::move(*t) : Table{};
}

double FromChars(const std::string& s) {
  double x = 0;
  const char* b = s.data() + (s[0] == '+' ? 1 : 0);
  const auto r = std::from_chars(b, s.data() + s.size(), x);
  EXPECT_EQ(r.ec, std::errc()) << s;
  return x;
}

// Oracle: std::from_chars (correctly rounded) on each spelling. The reader
// takes a fast path for plain decimals; it must give the same bits.
TEST(ReportInput, NumbersAreTheBitsFromCharsGives) {
  std::vector<std::string> texts = {"0",
                                    "-0",
                                    "5.",
                                    ".5",
                                    "-.5",
                                    "00012",
                                    "+7.25",
                                    "0.1",
                                    "0.3",
                                    "-2.208",
                                    "1e5",
                                    "-1.5E-3",
                                    "123456789012345678",
                                    "9007199254740993",
                                    "9007199254740992",
                                    "0.0000000000000000000001",
                                    "0.00000000000000000000001",
                                    "12345678901234567890.5",
                                    "3.141592653589793238"};
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  for (int i = 0; i < 2000; ++i) {
    char buf[64];
    const int digits = 1 + i % 17;
    std::snprintf(buf, sizeof buf, "%.*f", digits, u(rng));
    texts.push_back(buf);
  }
  std::string csv = "x\n";
  for (const std::string& t : texts) csv += t + "\n";
  const Table table = Read(WriteFile("numbers.csv", csv));
  ASSERT_EQ(table.columns.size(), 1u);
  const TableColumn& c = table.columns[0];
  ASSERT_EQ(c.type, config::FeatureType::kNumeric);
  const auto sample = c.numeric.sample();
  ASSERT_EQ(sample.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const double want = FromChars(texts[i]);
    EXPECT_EQ(std::signbit(sample[i]), std::signbit(want)) << texts[i];
    EXPECT_EQ(sample[i], want) << texts[i];
  }
}

TEST(ReportInput, MissingNanInfAndNonNumericAreCounted) {
  const std::string csv =
      "x,y\n"
      "1,NA\n"
      " 2 ,N/A\n"
      "nan,null\n"
      "inf,NULL\n"
      "-Infinity,None\n"
      ",\n"
      "1e999,3\n";
  TableOptions options;
  options.forced["y"] = config::FeatureType::kNumeric;
  const Table t = Read(WriteFile("skips.csv", csv), options);
  const TableColumn& x = *t.Find("x");
  EXPECT_EQ(x.type, config::FeatureType::kNumeric);
  EXPECT_EQ(x.numeric.count(), 2u);  // 1 and " 2 " (trimmed)
  EXPECT_EQ(x.nan, 1u);
  EXPECT_EQ(x.inf, 3u);  // inf, -Infinity, 1e999 (out of range)
  EXPECT_EQ(x.missing, 1u);
  const TableColumn& y = *t.Find("y");
  EXPECT_EQ(y.missing, 6u);
  EXPECT_EQ(y.numeric.count(), 1u);
}

TEST(ReportInput, ForcedNumericColumnCountsTextAsNonNumeric) {
  TableOptions options;
  options.forced["x"] = config::FeatureType::kNumeric;
  const Table t = Read(WriteFile("forced.csv", "x\n1\nabc\n2\n"), options);
  EXPECT_EQ(t.columns[0].non_numeric, 1u);
  EXPECT_EQ(t.columns[0].numeric.count(), 2u);
}

// Oracle: CategoricalCounts fed one value at a time, the cap included.
TEST(ReportInput, CategoriesMatchCountsAddedOneByOne) {
  std::mt19937_64 rng(11);
  std::string csv = "c\n";
  detectors::CategoricalCounts oracle(50);
  for (int i = 0; i < 5000; ++i) {
    // A skewed mix of short and long names, more than the cap of 50.
    const std::size_t k = rng() % 80;
    const std::string v = (k % 3 == 0 ? "category-with-a-long-name-" : "c") + std::to_string(k * k);
    csv += v + "\n";
    oracle.Add(v);
  }
  TableOptions options;
  options.max_categories = 50;
  const Table t = Read(WriteFile("cats.csv", csv), options);
  const TableColumn& c = t.columns[0];
  ASSERT_EQ(c.type, config::FeatureType::kCategorical);
  EXPECT_EQ(c.counts, oracle);
  EXPECT_EQ(c.counts.overflow(), oracle.overflow());
  EXPECT_GT(oracle.overflow(), 0u);
}

// A column that turns categorical in its third chunk: earlier numbers become
// categories chunk by chunk, in first-seen order.
TEST(ReportInput, ColumnTurningCategoricalKeepsChunkCounts) {
  const std::string csv = "v\n1\n2\n1\n3\n2.5\nx\n1\n";
  TableOptions options;
  options.chunk_rows = 2;
  const Table t = Read(WriteFile("turn.csv", csv), options);
  const TableColumn& c = t.columns[0];
  ASSERT_EQ(c.type, config::FeatureType::kCategorical);
  ASSERT_EQ(c.chunk_counts.size(), 4u);
  using Entries = std::vector<std::pair<std::string, std::uint64_t>>;
  EXPECT_EQ(c.chunk_counts[0].entries(), (Entries{{"1", 1}, {"2", 1}}));
  EXPECT_EQ(c.chunk_counts[1].entries(), (Entries{{"1", 1}, {"3", 1}}));
  EXPECT_EQ(c.chunk_counts[2].entries(), (Entries{{"2.5", 1}, {"x", 1}}));
  EXPECT_EQ(c.chunk_counts[3].entries(), (Entries{{"1", 1}}));
  EXPECT_EQ(c.counts.entries(), (Entries{{"1", 3}, {"2", 1}, {"3", 1}, {"2.5", 1}, {"x", 1}}));
}

// Line endings and a missing final line break give the same table.
TEST(ReportInput, CrlfAndNoTrailingNewlineReadTheSame) {
  const Table lf = Read(WriteFile("lf.csv", "a,b\n1,x\n2.5,y\n-3,x\n"));
  const Table crlf = Read(WriteFile("crlf.csv", "a,b\r\n1,x\r\n2.5,y\r\n-3,x"));
  ASSERT_EQ(lf.rows, 3u);
  ASSERT_EQ(crlf.rows, 3u);
  for (const char* name : {"a", "b"}) {
    const TableColumn& l = *lf.Find(name);
    const TableColumn& c = *crlf.Find(name);
    EXPECT_EQ(l.type, c.type) << name;
    EXPECT_EQ(l.numeric, c.numeric) << name;
    EXPECT_EQ(l.counts, c.counts) << name;
  }
  EXPECT_EQ(lf.Find("b")->counts.count("x"), 2u);
}

TEST(ReportInput, QuotedFieldsWithCommasAndNewlinesAreOneCategory) {
  const Table t = Read(WriteFile("quoted.csv", "c,n\n\"a,b\",1\n\"two\nlines\",2\n\"a,b\",3\n"));
  EXPECT_EQ(t.rows, 3u);
  EXPECT_EQ(t.Find("c")->counts.count("a,b"), 2u);
  EXPECT_EQ(t.Find("c")->counts.count("two\nlines"), 1u);
  EXPECT_EQ(t.Find("n")->numeric.count(), 3u);
}

TEST(ReportInput, RaggedRowsAreSkippedWithTheirLines) {
  const Table t = Read(WriteFile("ragged.csv", "a,b\n1,2\n3\n4,5,6\n7,8\n"));
  EXPECT_EQ(t.rows, 2u);
  EXPECT_EQ(t.ragged_rows, 2u);
  EXPECT_EQ(t.ragged_lines, (std::vector<std::uint64_t>{3, 4}));
}

TEST(ReportInput, EmptyFileIsAnError) {
  std::string error;
  EXPECT_FALSE(ReadTable(WriteFile("empty.csv", ""), {}, &error).has_value());
  EXPECT_NE(error.find("empty file"), std::string::npos) << error;
}

}  // namespace
}  // namespace driftd
