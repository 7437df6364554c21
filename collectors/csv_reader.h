// CsvReader: a streaming RFC 4180 reader for offline inputs (driftd report,
// driftd baseline). It reads the file in blocks and hands out one record at
// a time, so memory is one block plus the longest record, whatever the file
// size.
//
// Accepted: a header line, then records; fields separated by the delimiter;
// fields optionally quoted with '"', a quote inside a quoted field written
// "" (it may also hold delimiters and line breaks); lines ending in LF or
// CRLF; a UTF-8 byte-order mark before the header; a missing final line
// break. Blank lines are skipped and counted.
// Errors (Next() returns kError with a message "line N: ..."): an
// unterminated quoted field, a character other than the delimiter or a line
// break after a closing quote, a record longer than max_record_bytes, a read
// failure. Open() fails on a missing or unreadable file, an empty file (no
// header), and a header repeating a column name. An empty column name is
// replaced by pandas' "Unnamed: <0-based index>".
// A record whose field count differs from the header's is returned as is:
// the caller decides (driftd report counts and skips it).
// Speed: unquoted fields (the common case) are found eight bytes at a time
// and handed out as views into the block, with no copy or allocation per
// record once the field vector has grown; only quoted fields with ""
// escapes are copied (into one scratch string per record).
//
// In memory (FromMemory): the records of a byte range the caller keeps
// alive, with no copy and no block reads; a range can start after a header
// read elsewhere (has_header false), so a file can be cut at line breaks
// and its pieces read on several threads. quoted_fields() tells the caller
// whether such a cut could have fallen inside a quoted field.
//
// Thread-safety: none; one owner. Not copyable (owns the FILE).
#ifndef DRIFTD_COLLECTORS_CSV_READER_H_
#define DRIFTD_COLLECTORS_CSV_READER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace driftd::collectors {

struct CsvOptions {
  char delimiter = ',';
  std::size_t block_bytes = 1 << 20;
  std::size_t max_record_bytes = 64 << 20;
};

class CsvReader {
 public:
  enum class Status { kRecord, kEnd, kError };

  // Opens `path` and reads the header. On failure returns null and sets *error.
  [[nodiscard]] static std::unique_ptr<CsvReader> Open(const std::string& path, std::string* error,
                                                       const CsvOptions& options = {});
  // Same over an already open stream (not closed by the reader); `name`
  // prefixes nothing but is kept for messages by callers.
  [[nodiscard]] static std::unique_ptr<CsvReader> FromStream(std::FILE* file, std::string* error,
                                                             const CsvOptions& options = {});
  // Over [data, data + size), which must stay valid and have kPadding
  // readable bytes past its end (word-at-a-time scans). Reads the header
  // first when has_header; otherwise header() is empty and every line is a
  // record. Line numbers count from 1 at `data`. A record longer than
  // max_record_bytes is an error, as in a stream.
  [[nodiscard]] static std::unique_ptr<CsvReader> FromMemory(const char* data, std::size_t size, bool has_header,
                                                             std::string* error, const CsvOptions& options = {});
  // Readable bytes FromMemory needs past the end of its range.
  static constexpr std::size_t kPadding = 8;
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  const std::vector<std::string>& header() const { return header_; }

  // The next record. On kRecord, *fields holds views valid until the next
  // call. On kError, *error says what and where; the reader is then done.
  [[nodiscard]] Status Next(std::vector<std::string_view>* fields, std::string* error);

  // Offset (from the start of the input) where the next record starts.
  std::size_t offset() const { return consumed_ + pos_; }
  // Quoted fields read so far (header included).
  std::uint64_t quoted_fields() const { return quoted_fields_; }

  // 1-based line number where the last returned record started.
  std::uint64_t record_line() const { return record_line_; }
  std::uint64_t blank_lines() const { return blank_lines_; }

 private:
  CsvReader(std::FILE* file, bool owned, const CsvOptions& options);
  // Reads more input after compacting; false at end of file.
  bool Refill(std::size_t keep_from);
  // Parses one record at pos_ into *fields. Returns 1 done, 0 need more
  // input, -1 error.
  int ParseRecord(std::vector<std::string_view>* fields, std::string* error);

  bool ReadHeader(std::string* error);

  std::FILE* file_;
  bool owned_;
  CsvOptions options_;
  std::string buffer_;
  // The bytes parsed: buffer_'s, or the caller's in memory.
  const char* buf_ = nullptr;
  bool in_memory_ = false;
  std::size_t consumed_ = 0;  // input bytes dropped from the front of buffer_
  std::uint64_t quoted_fields_ = 0;
  std::size_t pos_ = 0;  // start of the unparsed input
  std::size_t end_ = 0;  // end of the valid bytes
  bool eof_ = false;
  bool failed_ = false;
  std::uint64_t line_ = 1;  // line at pos_
  std::uint64_t record_line_ = 0;
  std::uint64_t blank_lines_ = 0;
  std::vector<std::string> header_;
  // Parse scratch: quoted fields with "" escapes, unescaped into one string.
  struct Escaped {
    std::size_t field;
    std::size_t offset;
    std::size_t length;
  };
  std::vector<Escaped> escaped_fields_;
  std::string unescaped_;
  std::size_t record_end_ = 0;
  std::uint64_t record_lines_ = 0;
};

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_CSV_READER_H_
