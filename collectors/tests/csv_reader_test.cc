// CsvReader: RFC 4180 parsing, line endings, block boundaries and errors.
#include "collectors/csv_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace driftd::collectors {
namespace {

// Parses `text` through a tmpfile with the given block size; returns the
// records (header first) or the error.
struct Parsed {
  std::vector<std::vector<std::string>> records;
  std::string error;
  std::uint64_t blank_lines = 0;
  std::vector<std::uint64_t> lines;
};

Parsed ParseText(const std::string& text, std::size_t block = 1 << 20) {
  Parsed out;
  std::FILE* f = std::tmpfile();
  std::fwrite(text.data(), 1, text.size(), f);
  std::rewind(f);
  CsvOptions options;
  options.block_bytes = block;
  auto reader = CsvReader::FromStream(f, &out.error, options);
  if (reader) {
    out.records.push_back(reader->header());
    std::vector<std::string_view> fields;
    while (true) {
      const auto s = reader->Next(&fields, &out.error);
      if (s != CsvReader::Status::kRecord) break;
      out.records.emplace_back(fields.begin(), fields.end());
      out.lines.push_back(reader->record_line());
    }
    out.blank_lines = reader->blank_lines();
  }
  std::fclose(f);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, SimpleRecords) {
  const Parsed p = ParseText("a,b\n1,2\n3,4\n");
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.records, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
}

TEST(CsvReader, CrlfAndNoFinalNewline) {
  const Parsed p = ParseText("a,b\r\n1,2\r\n3,4");
  EXPECT_EQ(p.records, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
}

TEST(CsvReader, QuotedFieldsWithDelimitersQuotesAndNewlines) {
  const Parsed p = ParseText("name,text\nx,\"a,b\"\ny,\"say \"\"hi\"\"\"\nz,\"two\nlines\"\nw,\"\"\n");
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.records, (Rows{{"name", "text"}, {"x", "a,b"}, {"y", "say \"hi\""}, {"z", "two\nlines"}, {"w", ""}}));
  // The record after the two-line field starts on line 6.
  EXPECT_EQ(p.lines, (std::vector<std::uint64_t>{2, 3, 4, 6}));
}

TEST(CsvReader, EmptyFieldsAndTrailingDelimiter) {
  const Parsed p = ParseText("a,b,c\n,,\n1,,3\n");
  EXPECT_EQ(p.records, (Rows{{"a", "b", "c"}, {"", "", ""}, {"1", "", "3"}}));
}

TEST(CsvReader, BlankLinesAreSkippedAndCounted) {
  const Parsed p = ParseText("a\n1\n\n\r\n2\n");
  EXPECT_EQ(p.records, (Rows{{"a"}, {"1"}, {"2"}}));
  EXPECT_EQ(p.blank_lines, 2u);
  EXPECT_EQ(p.lines, (std::vector<std::uint64_t>{2, 5}));
}

TEST(CsvReader, ByteOrderMarkIsStripped) {
  const Parsed p = ParseText("\xEF\xBB\xBFx,y\n1,2\n");
  EXPECT_EQ(p.records, (Rows{{"x", "y"}, {"1", "2"}}));
}

TEST(CsvReader, RaggedRowsAreReturnedAsIs) {
  const Parsed p = ParseText("a,b\n1\n1,2,3\n");
  EXPECT_EQ(p.records, (Rows{{"a", "b"}, {"1"}, {"1", "2", "3"}}));
}

TEST(CsvReader, TinyBlocksGiveTheSameRecords) {
  const std::string text = "col1,col2\r\n\"q,\"\"x\"\"\",22\r\nabc,\"multi\r\nline\"\r\n4,5";
  const Parsed big = ParseText(text);
  ASSERT_EQ(big.error, "");
  for (std::size_t block : {16u, 17u, 19u, 23u}) {
    const Parsed small = ParseText(text, block);
    EXPECT_EQ(small.error, "") << block;
    EXPECT_EQ(small.records, big.records) << block;
  }
  EXPECT_EQ(big.records[1], (std::vector<std::string>{"q,\"x\"", "22"}));
  EXPECT_EQ(big.records[2], (std::vector<std::string>{"abc", "multi\r\nline"}));
}

TEST(CsvReader, EmptyFileIsAnError) {
  const Parsed p = ParseText("");
  EXPECT_TRUE(p.records.empty());
  EXPECT_NE(p.error.find("empty file"), std::string::npos);
}

TEST(CsvReader, HeaderWithRepeatedNameIsAnError) {
  EXPECT_NE(ParseText("a,b,a\n").error.find("repeats column \"a\""), std::string::npos);
}

TEST(CsvReader, EmptyHeaderNamesGetPandasNames) {
  const Parsed p = ParseText(",a,\n0,1,2\n");
  EXPECT_EQ(p.records, (Rows{{"Unnamed: 0", "a", "Unnamed: 2"}, {"0", "1", "2"}}));
}

TEST(CsvReader, UnterminatedQuoteIsAnError) {
  const Parsed p = ParseText("a,b\n1,\"open\n2,3\n");
  EXPECT_NE(p.error.find("line 2: unterminated quoted field"), std::string::npos) << p.error;
}

TEST(CsvReader, GarbageAfterClosingQuoteIsAnError) {
  const Parsed p = ParseText("a,b\n1,2\n\"x\"y,3\n");
  EXPECT_EQ(p.records.size(), 2u);
  EXPECT_NE(p.error.find("line 3: unexpected character after a closing quote"), std::string::npos)
      << p.error;
}

TEST(CsvReader, MissingFileIsAnError) {
  std::string error;
  EXPECT_EQ(CsvReader::Open("/nonexistent/driftd.csv", &error), nullptr);
  EXPECT_NE(error.find("/nonexistent/driftd.csv"), std::string::npos);
}

TEST(CsvReader, OverlongRecordIsAnError) {
  CsvOptions options;
  options.block_bytes = 16;
  options.max_record_bytes = 64;
  std::FILE* f = std::tmpfile();
  const std::string text = "a\n" + std::string(200, 'x') + "\n";
  std::fwrite(text.data(), 1, text.size(), f);
  std::rewind(f);
  std::string error;
  auto reader = CsvReader::FromStream(f, &error, options);
  ASSERT_NE(reader, nullptr) << error;
  std::vector<std::string_view> fields;
  EXPECT_EQ(reader->Next(&fields, &error), CsvReader::Status::kError);
  EXPECT_NE(error.find("longer than 64 bytes"), std::string::npos) << error;
  std::fclose(f);
}

}  // namespace
}  // namespace driftd::collectors
