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

// Every record after the header, with its line, then the blank-line count.
void ReadRecords(CsvReader& reader, Parsed* out) {
  std::vector<std::string_view> fields;
  while (reader.Next(&fields, &out->error) == CsvReader::Status::kRecord) {
    out->records.emplace_back(fields.begin(), fields.end());
    out->lines.push_back(reader.record_line());
  }
  out->blank_lines = reader.blank_lines();
}

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
    ReadRecords(*reader, &out);
  }
  std::fclose(f);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

// The same through FromMemory (the text copied with CsvReader::kPadding
// bytes after it), header first when has_header.
Parsed ParseMemory(const std::string& text, bool has_header, std::uint64_t* quoted = nullptr,
                   std::size_t* body = nullptr) {
  Parsed out;
  const std::string padded = text + std::string(CsvReader::kPadding, 'x');
  auto reader = CsvReader::FromMemory(padded.data(), text.size(), has_header, &out.error);
  if (reader) {
    if (has_header) out.records.push_back(reader->header());
    if (body != nullptr) *body = reader->offset();
    ReadRecords(*reader, &out);
    if (quoted != nullptr) *quoted = reader->quoted_fields();
  }
  return out;
}

// Oracle: the stream reader (block by block) on the same texts.
TEST(CsvReader, MemoryGivesTheStreamRecords) {
  const std::vector<std::string> texts = {
      "a,b\n1,2\n3,4\n",
      "a,b\r\n1,2\r\n3,4",
      "name,text\nx,\"a,b\"\ny,\"say \"\"hi\"\"\"\nz,\"two\nlines\"\nw,\"\"\n",
      "a,b,c\n,,\n1,,3\n1,2,",
      "a\n1\n\n\r\n2\n",
      "\xEF\xBB\xBFx,y\n1,2\n",
      "a,b\n1\n1,2,3\n",
      "a,b\n1,\"unterminated\n",
      "a,b\n1,\"x\"y\n",
      "a,a\n",
      ",\n1,2\n"};
  for (const std::string& text : texts) {
    const Parsed stream = ParseText(text, 16);
    const Parsed memory = ParseMemory(text, true);
    EXPECT_EQ(memory.records, stream.records) << text;
    EXPECT_EQ(memory.lines, stream.lines) << text;
    EXPECT_EQ(memory.blank_lines, stream.blank_lines) << text;
    EXPECT_EQ(memory.error, stream.error) << text;
  }
}

// A range read without its header: the records after the header, lines
// counted from the range's start; offset() is where the body starts.
TEST(CsvReader, MemoryRangeWithoutHeader) {
  const std::string text = "h1,h2\r\nx,\"q\"\n\ny,2\n";
  std::size_t body = 0;
  std::uint64_t quoted = 0;
  const Parsed whole = ParseMemory(text, true, &quoted, &body);
  EXPECT_EQ(body, 7u);  // "h1,h2\r\n"
  EXPECT_EQ(quoted, 1u);
  const Parsed range = ParseMemory(text.substr(body), false);
  EXPECT_EQ(range.records, (Rows{{"x", "q"}, {"y", "2"}}));
  EXPECT_EQ(range.records, Rows(whole.records.begin() + 1, whole.records.end()));
  EXPECT_EQ(range.lines, (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(whole.lines, (std::vector<std::uint64_t>{2, 4}));
}

TEST(CsvReader, MemoryRecordLongerThanTheLimitIsAnError) {
  const std::string text = "a\nshort\n" + std::string(100, 'x') + "\n";
  const std::string padded = text + std::string(CsvReader::kPadding, '\0');
  std::string error;
  CsvOptions options;
  options.max_record_bytes = 64;
  auto reader = CsvReader::FromMemory(padded.data(), text.size(), true, &error, options);
  ASSERT_NE(reader, nullptr) << error;
  std::vector<std::string_view> fields;
  EXPECT_EQ(reader->Next(&fields, &error), CsvReader::Status::kRecord);
  EXPECT_EQ(reader->Next(&fields, &error), CsvReader::Status::kError);
  EXPECT_NE(error.find("line 3: record longer than 64 bytes"), std::string::npos) << error;
}

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

// The unquoted-field scan reads eight bytes at a time: fields of every
// length 0..24 (so delimiters fall at every offset of a word), split by a
// naive loop as the oracle, through blocks that cut words too.
TEST(CsvReader, FieldsOfEveryLengthSplitLikeANaiveScan) {
  std::string text = "a,b,c\n";
  Rows expected{{"a", "b", "c"}};
  for (std::size_t len = 0; len <= 24; ++len) {
    std::vector<std::string> row;
    for (int k = 0; k < 3; ++k) row.push_back(std::string(len + k, static_cast<char>('d' + k)));
    text += row[0] + "," + row[1] + "," + row[2] + (len % 2 == 0 ? "\n" : "\r\n");
    expected.push_back(row);
  }
  // Oracle: split the text naively, line by line then at commas.
  Rows naive;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields;
    std::size_t f = 0;
    while (true) {
      const std::size_t comma = line.find(',', f);
      fields.push_back(line.substr(f, comma == std::string::npos ? std::string::npos : comma - f));
      if (comma == std::string::npos) break;
      f = comma + 1;
    }
    naive.push_back(fields);
    start = nl + 1;
  }
  ASSERT_EQ(naive, expected);
  for (std::size_t block : {16u, 17u, 21u, 29u, 1u << 20}) {
    const Parsed p = ParseText(text, block);
    EXPECT_EQ(p.error, "") << block;
    EXPECT_EQ(p.records, expected) << block;
  }
}

TEST(CsvReader, NoTrailingNewlineAfterALongLastField) {
  const std::string last(37, 'z');
  for (std::size_t block : {16u, 23u, 1u << 20}) {
    const Parsed p = ParseText("a,b\n1,2\n3," + last, block);
    EXPECT_EQ(p.error, "") << block;
    EXPECT_EQ(p.records, (Rows{{"a", "b"}, {"1", "2"}, {"3", last}})) << block;
  }
}

TEST(CsvReader, OtherDelimiterAndBytesAboveAscii) {
  std::FILE* f = std::tmpfile();
  // Tab-separated; UTF-8 text and commas inside fields are plain bytes.
  const std::string text = "stadt\tx\nK\xC3\xB6ln,Nord\t1\n\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\t2\n";
  std::fwrite(text.data(), 1, text.size(), f);
  std::rewind(f);
  CsvOptions options;
  options.delimiter = '\t';
  std::string error;
  auto reader = CsvReader::FromStream(f, &error, options);
  ASSERT_NE(reader, nullptr) << error;
  Rows records{reader->header()};
  std::vector<std::string_view> fields;
  while (reader->Next(&fields, &error) == CsvReader::Status::kRecord) records.emplace_back(fields.begin(), fields.end());
  EXPECT_EQ(error, "");
  EXPECT_EQ(records, (Rows{{"stadt", "x"}, {"K\xC3\xB6ln,Nord", "1"}, {"\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", "2"}}));
  std::fclose(f);
}

// Several escaped fields in one record: their text lives in one scratch
// string that grows while the record is parsed; every view must still
// point at its own field.
TEST(CsvReader, SeveralEscapedFieldsInOneRecord) {
  std::string header = "f0";
  std::string record;
  std::vector<std::string> expected;
  for (int k = 0; k < 8; ++k) {
    if (k > 0) {
      header += ",f" + std::to_string(k);
      record += ",";
    }
    const std::string body(40 * (k + 1), static_cast<char>('a' + k));
    if (k % 3 == 2) {
      record += body;  // unquoted between the escaped ones
      expected.push_back(body);
    } else {
      record += "\"" + body + "\"\"q\"\"\"";
      expected.push_back(body + "\"q\"");
    }
  }
  const Parsed p = ParseText(header + "\n" + record + "\n");
  ASSERT_EQ(p.error, "");
  ASSERT_EQ(p.records.size(), 2u);
  EXPECT_EQ(p.records[1], expected);
}

}  // namespace
}  // namespace driftd::collectors
