#include "collectors/csv_reader.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <unordered_set>

namespace driftd::collectors {

std::unique_ptr<CsvReader> CsvReader::Open(const std::string& path, std::string* error,
                                           const CsvOptions& options) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = path + ": " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<CsvReader> reader(new CsvReader(f, true, options));
  if (!reader->ReadHeader(error)) {
    *error = path + ": " + *error;
    return nullptr;
  }
  return reader;
}

std::unique_ptr<CsvReader> CsvReader::FromStream(std::FILE* file, std::string* error,
                                                 const CsvOptions& options) {
  std::unique_ptr<CsvReader> reader(new CsvReader(file, false, options));
  if (!reader->ReadHeader(error)) return nullptr;
  return reader;
}

std::unique_ptr<CsvReader> CsvReader::FromMemory(const char* data, std::size_t size, bool has_header,
                                                 std::string* error, const CsvOptions& options) {
  std::unique_ptr<CsvReader> reader(new CsvReader(nullptr, false, options));
  reader->buf_ = data;
  reader->in_memory_ = true;
  reader->end_ = size;
  reader->eof_ = true;
  if (has_header && !reader->ReadHeader(error)) return nullptr;
  return reader;
}

CsvReader::CsvReader(std::FILE* file, bool owned, const CsvOptions& options)
    : file_(file), owned_(owned), options_(options) {
  if (options_.block_bytes < 16) options_.block_bytes = 16;
  // No block buffer in memory (FromMemory passes no file).
  if (file_ != nullptr) buffer_.resize(options_.block_bytes + kPadding);
  buf_ = buffer_.data();
}

CsvReader::~CsvReader() {
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

bool CsvReader::Refill(std::size_t keep_from) {
  if (eof_ || in_memory_) return false;
  // Keep the partial record at the front, then fill the rest; grow the
  // buffer when the partial record already fills it.
  const std::size_t kept = end_ - keep_from;
  if (keep_from > 0) std::memmove(buffer_.data(), buffer_.data() + keep_from, kept);
  pos_ -= keep_from;
  consumed_ += keep_from;
  end_ = kept;
  // The last kPadding bytes are never filled: FieldLength reads words.
  if (buffer_.size() - kPadding - end_ < options_.block_bytes / 2) {
    buffer_.resize((buffer_.size() - kPadding) * 2 + kPadding);
    buf_ = buffer_.data();
  }
  const std::size_t n =
      std::fread(buffer_.data() + end_, 1, buffer_.size() - kPadding - end_, file_);
  end_ += n;
  if (n == 0) {
    if (std::ferror(file_)) failed_ = true;
    eof_ = true;
    return false;
  }
  return true;
}

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Offset of the first delimiter or LF in [p, end), or end - p. Eight bytes
// at a time (the buffer has kPadding readable bytes past its end): profiles
// of `driftd report` put the byte loop among the largest costs.
inline std::size_t FieldLength(const char* p, const char* end, char delim) {
  const std::uint64_t d = kOnes * static_cast<unsigned char>(delim);
  const std::uint64_t n = kOnes * static_cast<unsigned char>('\n');
  const char* q = p;
  while (q < end) {
    std::uint64_t w;
    std::memcpy(&w, q, sizeof w);
    const std::uint64_t x = w ^ d;
    const std::uint64_t y = w ^ n;
    // Exact for the lowest matching byte (borrows only run upward).
    const std::uint64_t hit = ((x - kOnes) & ~x & kHighs) | ((y - kOnes) & ~y & kHighs);
    if (hit != 0) {
      const char* at = q + (std::countr_zero(hit) >> 3);
      return static_cast<std::size_t>((at < end ? at : end) - p);
    }
    q += 8;
  }
  return static_cast<std::size_t>(end - p);
}

}  // namespace

int CsvReader::ParseRecord(std::vector<std::string_view>* fields, std::string* error) {
  // Views go straight into *fields; fields taken from unescaped_ are fixed
  // up at the end (the scratch string may reallocate while it grows). A
  // record cut by the end of the buffer is parsed again after Refill.
  fields->clear();
  unescaped_.clear();
  escaped_fields_.clear();
  record_lines_ = 0;
  const char delim = options_.delimiter;
  const char* buf = buf_;
  std::size_t p = pos_;
  while (true) {
    if (p >= end_) {
      if (!eof_) return 0;
      // End of input right after a delimiter: one last empty field.
      fields->emplace_back(buf + p, 0);
      record_end_ = p;
      return 1;
    }
    if (buf[p] == '"') {
      ++quoted_fields_;
      const std::size_t start = p + 1;
      std::size_t q = start;
      bool escaped = false;
      std::size_t scratch_start = unescaped_.size();
      while (true) {
        const void* hit = std::memchr(buf + q, '"', end_ - q);
        if (hit == nullptr) {
          if (!eof_) return 0;
          *error = "line " + std::to_string(line_) + ": unterminated quoted field";
          return -1;
        }
        const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - buf);
        if (at + 1 >= end_ && !eof_) return 0;  // cannot tell "" from " yet
        if (at + 1 < end_ && buf[at + 1] == '"') {
          if (!escaped) {
            escaped = true;
            unescaped_.append(buf + start, at + 1 - start);
          } else {
            unescaped_.append(buf + q, at + 1 - q);
          }
          q = at + 2;
          continue;
        }
        if (escaped) unescaped_.append(buf + q, at - q);
        for (std::size_t i = start; i < at; ++i) record_lines_ += buf[i] == '\n';
        if (escaped) {
          escaped_fields_.push_back(
              {fields->size(), scratch_start, unescaped_.size() - scratch_start});
          fields->emplace_back();
        } else {
          fields->emplace_back(buf + start, at - start);
        }
        p = at + 1;
        break;
      }
      if (p >= end_) {
        if (!eof_) return 0;
        record_end_ = p;
        break;
      }
      if (buf[p] == delim) {
        ++p;
        continue;
      }
      if (buf[p] == '\n' || (buf[p] == '\r' && p + 1 < end_ && buf[p + 1] == '\n')) {
        record_end_ = p + (buf[p] == '\r' ? 2 : 1);
        ++record_lines_;
        break;
      }
      if (buf[p] == '\r' && p + 1 >= end_ && !eof_) return 0;
      *error = "line " + std::to_string(line_ + record_lines_) +
               ": unexpected character after a closing quote";
      return -1;
    }
    // Unquoted field: up to the delimiter or the end of the line.
    const std::size_t q = p + FieldLength(buf + p, buf + end_, delim);
    if (q >= end_ && !eof_) return 0;
    std::size_t len = q - p;
    if (q < end_ && buf[q] == '\n' && len > 0 && buf[q - 1] == '\r') --len;
    if (q >= end_ && len > 0 && buf[q - 1] == '\r') --len;
    fields->emplace_back(buf + p, len);
    if (q >= end_) {
      record_end_ = q;
      break;
    }
    if (buf[q] == '\n') {
      record_end_ = q + 1;
      ++record_lines_;
      break;
    }
    p = q + 1;
  }
  for (const Escaped& e : escaped_fields_)
    (*fields)[e.field] = std::string_view(unescaped_.data() + e.offset, e.length);
  return 1;
}

CsvReader::Status CsvReader::Next(std::vector<std::string_view>* fields, std::string* error) {
  fields->clear();
  if (failed_) {
    *error = "read error";
    return Status::kError;
  }
  while (true) {
    if (pos_ >= end_ && !Refill(pos_)) {
      if (failed_) {
        *error = "read error";
        return Status::kError;
      }
      return Status::kEnd;
    }
    // Blank lines (LF or CRLF) are skipped.
    if (buf_[pos_] == '\n' || (buf_[pos_] == '\r' && pos_ + 1 < end_ && buf_[pos_ + 1] == '\n')) {
      pos_ += buf_[pos_] == '\r' ? 2 : 1;
      ++line_;
      ++blank_lines_;
      continue;
    }
    const int r = ParseRecord(fields, error);
    if (r < 0) {
      fields->clear();
      failed_ = true;
      return Status::kError;
    }
    if (r == 0) {
      fields->clear();
      if (end_ - pos_ >= options_.max_record_bytes) {
        *error = "line " + std::to_string(line_) + ": record longer than " +
                 std::to_string(options_.max_record_bytes) + " bytes";
        failed_ = true;
        return Status::kError;
      }
      if (!Refill(pos_) && failed_) {
        *error = "read error";
        return Status::kError;
      }
      continue;
    }
    if (in_memory_ && record_end_ - pos_ > options_.max_record_bytes) {
      *error = "line " + std::to_string(line_) + ": record longer than " +
               std::to_string(options_.max_record_bytes) + " bytes";
      fields->clear();
      failed_ = true;
      return Status::kError;
    }
    record_line_ = line_;
    line_ += record_lines_;
    pos_ = record_end_;
    return Status::kRecord;
  }
}

bool CsvReader::ReadHeader(std::string* error) {
  if ((in_memory_ || Refill(0)) && end_ >= 3 && std::memcmp(buf_, "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  std::vector<std::string_view> fields;
  const Status s = Next(&fields, error);
  if (s == Status::kError) return false;
  if (s == Status::kEnd) {
    *error = "empty file (expected a header line)";
    return false;
  }
  header_.clear();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    // pandas' name for an unnamed column (e.g. a written index).
    header_.push_back(fields[i].empty() ? "Unnamed: " + std::to_string(i) : std::string(fields[i]));
  }
  std::unordered_set<std::string_view> seen;
  for (const std::string& name : header_) {
    if (!seen.insert(name).second) {
      *error = "line " + std::to_string(record_line_) + ": header repeats column \"" + name + "\"";
      return false;
    }
  }
  return true;
}

}  // namespace driftd::collectors
