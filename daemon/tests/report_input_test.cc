// ReadTable (driftd report / baseline inputs): numbers, categories, missing
// values and line endings, each against an independent oracle; then the
// parts it is built from (FileBytes, ScanBlock, CutLines, CategoryTally).
#include "daemon/report_input.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/category_tally.h"
#include "daemon/report_files.h"

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

// Every part of two tables that a report reads, compared field by field.
void ExpectSameTable(const Table& a, const Table& b, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.ragged_rows, b.ragged_rows);
  EXPECT_EQ(a.ragged_lines, b.ragged_lines);
  EXPECT_EQ(a.chunk_rows, b.chunk_rows);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (std::size_t i = 0; i < a.columns.size(); ++i) {
    const TableColumn& x = a.columns[i];
    const TableColumn& y = b.columns[i];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.forced, y.forced);
    EXPECT_EQ(x.numeric, y.numeric);
    const auto xs = x.numeric.sample();
    const auto ys = y.numeric.sample();
    EXPECT_TRUE(std::equal(xs.begin(), xs.end(), ys.begin(), ys.end()));  // row order, bit for bit
    EXPECT_EQ(x.numeric.mean(), y.numeric.mean());
    EXPECT_EQ(x.numeric.variance(), y.numeric.variance());
    EXPECT_EQ(x.chunk_starts, y.chunk_starts);
    ASSERT_EQ(x.chunk_counts.size(), y.chunk_counts.size());
    for (std::size_t k = 0; k < x.chunk_counts.size(); ++k) {
      EXPECT_EQ(x.chunk_counts[k].entries(), y.chunk_counts[k].entries());
      EXPECT_EQ(x.chunk_counts[k].overflow(), y.chunk_counts[k].overflow());
    }
    EXPECT_EQ(x.counts.entries(), y.counts.entries());  // first-seen order
    EXPECT_EQ(x.counts.overflow(), y.counts.overflow());
    EXPECT_EQ(x.missing, y.missing);
    EXPECT_EQ(x.nan, y.nan);
    EXPECT_EQ(x.inf, y.inf);
    EXPECT_EQ(x.non_numeric, y.non_numeric);
  }
}

// A table as CSV lines: plain, and with every field quoted (which CsvReader
// reads; the plain file takes the quote-free scan and, on several threads,
// is cut into ranges).
struct TwoSpellings {
  std::string plain, quoted;
  void Line(const std::vector<std::string>& fields, const char* end = "\n") {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      plain += (i ? "," : "") + fields[i];
      quoted += (i ? ",\"" : "\"") + fields[i] + "\"";
    }
    plain += end;
    quoted += end;
  }
  void Raw(const std::string& text) {
    plain += text;
    quoted += text;
  }
};

// Random rows: numbers (some NaN, inf, missing, padded with blanks),
// categories of one to forty bytes, a column that turns categorical at row
// `turn` (none when 0), blank lines, CRLF lines and ragged rows.
TwoSpellings RandomTable(std::uint64_t seed, int rows, int turn) {
  std::mt19937_64 rng(seed);
  TwoSpellings t;
  t.Line({"num", "cat", "code", "turns", "skipped"});
  for (int r = 0; r < rows; ++r) {
    const std::uint64_t k = rng();
    std::string num = std::to_string(static_cast<double>(k % 100000) / 100.0);
    if (k % 97 == 0) num = "nan";
    if (k % 89 == 0) num = "-inf";
    if (k % 83 == 0) num = "";
    if (k % 79 == 0) num = " " + num + " ";
    std::string cat = k % 7 == 0 ? "a-rather-long-category-name-" + std::to_string(k % 5) : std::to_string(k % 13);
    if (k % 71 == 0) cat = "NA";
    const std::string code = std::string(1, static_cast<char>('A' + k % 26)) + std::to_string(k % 3);
    const std::string turns = turn > 0 && r >= turn ? "x" + std::to_string(k % 4) : std::to_string(k % 50) + ".50";
    if (k % 61 == 0) {
      t.Line({num, cat});  // ragged
    } else if (k % 67 == 0) {
      t.Raw(k % 2 ? "\n" : "\r\n");  // blank
    } else {
      t.Line({num, cat, code, turns, "s"}, k % 5 == 0 ? "\r\n" : "\n");
    }
  }
  return t;
}

std::optional<Table> ReadParallel(const std::string& path, TableOptions options, std::size_t threads) {
  options.min_part_bytes = 64;  // cut even a small file into many ranges
  std::vector<std::string> errors;
  std::vector<std::optional<Table>> tables = ReadTables({path, path}, options, threads, &errors);
  EXPECT_TRUE(tables[0].has_value()) << errors[0];
  EXPECT_TRUE(tables[1].has_value()) << errors[1];
  if (tables[0] && tables[1]) ExpectSameTable(*tables[0], *tables[1], "the same file twice");
  return std::move(tables[0]);
}

// Oracle: CsvReader's reading of the same table with every field quoted.
// Cases: ranges that join (categories forced, no cap reached); a column
// turning categorical early (every later range converts numbers) or in the
// last range (types differ); a category cap overflowing in every range.
TEST(ReportInput, RangesReadOnThreadsGiveTheOneReaderTable) {
  struct Case {
    int turn;
    bool force_cat;
    std::size_t max_categories;
  };
  for (const Case& c : {Case{0, true, 1000}, Case{150, false, 1000}, Case{2900, true, 1000}, Case{0, true, 40}}) {
    const TwoSpellings t = RandomTable(3 + static_cast<std::uint64_t>(c.turn), 3000, c.turn);
    const std::string name = "ranges" + std::to_string(c.turn) + "_" + std::to_string(c.max_categories);
    const std::string plain = WriteFile(name + ".csv", t.plain);
    const std::string quoted = WriteFile(name + "_quoted.csv", t.quoted);
    TableOptions options;
    options.forced["code"] = config::FeatureType::kCategorical;
    if (c.force_cat) options.forced["cat"] = config::FeatureType::kCategorical;
    options.only = {"num", "cat", "code", "turns"};
    options.max_categories = c.max_categories;  // "code" has 78 values
    const Table oracle = Read(quoted, options);
    ASSERT_EQ(oracle.Find("turns")->type,
              c.turn > 0 ? config::FeatureType::kCategorical : config::FeatureType::kNumeric);
    ASSERT_EQ(oracle.Find("num")->type, config::FeatureType::kNumeric);
    ASSERT_GT(oracle.Find("num")->nan, 0u);
    ASSERT_GT(oracle.ragged_rows, 0u);
    ASSERT_EQ(oracle.Find("code")->counts.overflow() > 0, c.max_categories < 78);
    ExpectSameTable(Read(plain, options), oracle, name + " one thread");
    for (const std::size_t threads : {2u, 3u, 8u}) {
      const std::optional<Table> parallel = ReadParallel(plain, options, threads);
      if (parallel) ExpectSameTable(*parallel, oracle, name + " threads " + std::to_string(threads));
    }
    options.chunk_rows = 700;
    const Table chunked_oracle = Read(quoted, options);
    const std::optional<Table> chunked = ReadParallel(plain, options, 3);
    if (chunked) ExpectSameTable(*chunked, chunked_oracle, name + " chunked");
  }
}

// A quoted field with a line break mid-file: ranges cannot be cut safely,
// and the file is read again from the start, line numbers included.
// Oracle: the same file read on one thread.
TEST(ReportInput, QuotedLineBreakMidFileStillGivesTheOneReaderTable) {
  TwoSpellings t = RandomTable(5, 1500, 0);
  t.Raw("1.5,\"two\nlines\",Q1,2.50,s\n");
  const TwoSpellings rest = RandomTable(6, 1500, 0);
  t.Raw(rest.plain.substr(rest.plain.find('\n') + 1));
  TableOptions options;
  const std::string path = WriteFile("quoted_mid.csv", t.plain);
  const Table oracle = Read(path, options);
  ASSERT_EQ(oracle.Find("cat")->counts.count("two\nlines"), 1u);
  const std::optional<Table> parallel = ReadParallel(path, options, 4);
  if (parallel) ExpectSameTable(*parallel, oracle, "quoted mid-file");
}

TEST(ReportInput, ReadTablesReportsEachFilesError) {
  const std::string good = WriteFile("good.csv", "a\n1\n");
  std::vector<std::string> errors;
  const auto tables = ReadTables({good, testing::TempDir() + "no_such_file.csv", WriteFile("empty2.csv", "")},
                                 TableOptions{}, 2, &errors);
  ASSERT_EQ(tables.size(), 3u);
  EXPECT_TRUE(tables[0].has_value());
  EXPECT_FALSE(tables[1].has_value());
  EXPECT_NE(errors[1].find("cannot open"), std::string::npos) << errors[1];
  EXPECT_FALSE(tables[2].has_value());
  EXPECT_NE(errors[2].find("empty file"), std::string::npos) << errors[2];
}

TEST(ReportInput, EmptyFileIsAnError) {
  std::string error;
  EXPECT_FALSE(ReadTable(WriteFile("empty.csv", ""), {}, &error).has_value());
  EXPECT_NE(error.find("empty file"), std::string::npos) << error;
}

// The parts ReadTables is built from, each against its own oracle.

// Oracle: a byte-by-byte comparison of each of the 64 bytes.
TEST(ReportFiles, ScanBlockMarksSeparatorsAndQuotes) {
  std::mt19937_64 rng(21);
  const std::string alphabet = ",\n\"ab1.\r ";
  for (int round = 0; round < 200; ++round) {
    char block[64];
    for (char& ch : block) ch = alphabet[rng() % alphabet.size()];
    std::uint64_t separators = 0, quotes = 0;
    report::ScanBlock(block, &separators, &quotes);
    for (int i = 0; i < 64; ++i) {
      EXPECT_EQ((separators >> i) & 1, block[i] == ',' || block[i] == '\n' ? 1u : 0u) << round << " " << i;
      EXPECT_EQ((quotes >> i) & 1, block[i] == '"' ? 1u : 0u) << round << " " << i;
    }
  }
}

// Oracle: the file's text as written; kScanPadding zero bytes past the end
// whether the file is mapped (a regular file) or read (a pipe).
TEST(ReportFiles, BytesAreTheFileThenZeroPadding) {
  const std::string text = "a,b\n1,x\n2,y";
  std::string error;
  const auto mapped = report::FileBytes::Open(WriteFile("bytes.csv", text), &error);
  ASSERT_NE(mapped, nullptr) << error;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  const auto piped = report::FileBytes::Open("/proc/self/fd/" + std::to_string(fds[0]), &error);
  ::close(fds[0]);
  ASSERT_NE(piped, nullptr) << error;
  for (const auto* bytes : {mapped.get(), piped.get()}) {
    ASSERT_EQ(bytes->size(), text.size());
    EXPECT_EQ(std::string(bytes->data(), bytes->size()), text);
    for (std::size_t i = 0; i < report::kScanPadding; ++i) EXPECT_EQ(bytes->data()[text.size() + i], '\0') << i;
  }
  EXPECT_EQ(report::FileBytes::Open(testing::TempDir() + "no_such_file.csv", &error), nullptr);
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
}

// Oracle: the definition of a cut into whole lines: the ranges follow each
// other from `begin` to the end, each but the last ends just after a line
// feed, and there are at most `pieces` of them.
TEST(ReportFiles, CutLinesGivesConsecutiveRangesOfWholeLines) {
  std::mt19937_64 rng(22);
  std::string text = "h1,h2\n";
  for (int i = 0; i < 500; ++i) text += std::string(1 + rng() % 40, 'x') + "," + std::to_string(i) + "\n";
  text += "last,line";  // no final line break
  std::string error;
  const auto bytes = report::FileBytes::Open(WriteFile("cut.csv", text), &error);
  ASSERT_NE(bytes, nullptr) << error;
  const std::size_t body = text.find('\n') + 1;
  for (const std::size_t pieces : {1u, 2u, 3u, 7u, 64u, 5000u}) {
    const auto ranges = report::CutLines(*bytes, body, pieces);
    ASSERT_FALSE(ranges.empty());
    EXPECT_LE(ranges.size(), pieces);
    EXPECT_EQ(ranges.front().first, body);
    EXPECT_EQ(ranges.back().second, text.size());
    for (std::size_t k = 0; k < ranges.size(); ++k) {
      EXPECT_LT(ranges[k].first, ranges[k].second) << pieces << " " << k;
      if (k + 1 < ranges.size()) {
        EXPECT_EQ(ranges[k].second, ranges[k + 1].first) << pieces << " " << k;
        EXPECT_EQ(text[ranges[k].second - 1], '\n') << pieces << " " << k;
      }
    }
    if (pieces > 1) {
      EXPECT_GT(ranges.size(), 1u) << pieces;
    }
  }
}

// Oracle: CategoricalCounts fed every value one at a time, in order. Keys
// short and long, padded and not; one tally absorbing another's entries.
TEST(CategoryTally, FlushAndAbsorbMatchCountsAddedOneByOne) {
  std::mt19937_64 rng(23);
  std::vector<std::string> values;
  for (int i = 0; i < 4000; ++i) {
    const std::size_t k = rng() % 60;
    values.push_back(k % 4 == 0 ? "a-category-name-longer-than-sixteen-" + std::to_string(k) : std::to_string(k));
  }
  // Padded views: the bytes sit in a buffer with 8 readable bytes after
  // each key (as a CSV field in a FileBytes).
  std::string buffer;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (const std::string& v : values) {
    spans.emplace_back(buffer.size(), v.size());
    buffer += v + "########";
  }
  for (const std::size_t cap : {std::size_t{100}, std::size_t{30}}) {
    detectors::CategoricalCounts oracle(cap);
    for (const std::string& v : values) oracle.Add(v);
    report::CategoryTally whole(cap);
    for (std::size_t i = 0; i < values.size(); ++i) {
      whole.Add(std::string_view(buffer.data() + spans[i].first, spans[i].second), 1, i % 2 == 0);
    }
    EXPECT_EQ(whole.overflow(), oracle.overflow()) << cap;
    detectors::CategoricalCounts flushed(cap);
    whole.FlushTo(&flushed);
    EXPECT_EQ(flushed, oracle) << cap;
    // Two halves joined: the later one within the cap (Absorb's contract).
    ASSERT_EQ(oracle.overflow() > 0, cap < 60) << cap;  // 60 distinct values
    if (oracle.overflow() > 0) continue;
    report::CategoryTally first(cap), later(cap);
    for (std::size_t i = 0; i < values.size(); ++i) (i < values.size() / 2 ? first : later).Add(values[i]);
    ASSERT_EQ(later.overflow(), 0u);
    first.Absorb(later);
    detectors::CategoricalCounts joined(cap);
    first.FlushTo(&joined);
    EXPECT_EQ(joined, oracle) << cap;
  }
}

}  // namespace
}  // namespace driftd
