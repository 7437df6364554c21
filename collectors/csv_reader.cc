#include "collectors/csv_reader.h"

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

CsvReader::CsvReader(std::FILE* file, bool owned, const CsvOptions& options)
    : file_(file), owned_(owned), options_(options) {
  if (options_.block_bytes < 16) options_.block_bytes = 16;
  buffer_.resize(options_.block_bytes);
}

CsvReader::~CsvReader() {
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

bool CsvReader::Refill(std::size_t keep_from) {
  if (eof_) return false;
  // Keep the partial record at the front, then fill the rest; grow the
  // buffer when the partial record already fills it.
  const std::size_t kept = end_ - keep_from;
  if (keep_from > 0) std::memmove(buffer_.data(), buffer_.data() + keep_from, kept);
  pos_ -= keep_from;
  end_ = kept;
  if (buffer_.size() - end_ < options_.block_bytes / 2) buffer_.resize(buffer_.size() * 2);
  const std::size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
  end_ += n;
  if (n == 0) {
    if (std::ferror(file_)) failed_ = true;
    eof_ = true;
    return false;
  }
  return true;
}

int CsvReader::ParseRecord(std::string* error) {
  spans_.clear();
  unescaped_.clear();
  record_lines_ = 0;
  const char delim = options_.delimiter;
  const char* buf = buffer_.data();
  std::size_t p = pos_;
  while (true) {
    if (p >= end_) {
      if (!eof_) return 0;
      // End of input right after a delimiter: one last empty field.
      spans_.push_back({p, 0, false});
      record_end_ = p;
      return 1;
    }
    if (buf[p] == '"') {
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
          spans_.push_back({scratch_start, unescaped_.size() - scratch_start, true});
        } else {
          spans_.push_back({start, at - start, false});
        }
        p = at + 1;
        break;
      }
      if (p >= end_) {
        if (!eof_) return 0;
        record_end_ = p;
        return 1;
      }
      if (buf[p] == delim) {
        ++p;
        continue;
      }
      if (buf[p] == '\n' || (buf[p] == '\r' && p + 1 < end_ && buf[p + 1] == '\n')) {
        record_end_ = p + (buf[p] == '\r' ? 2 : 1);
        ++record_lines_;
        return 1;
      }
      if (buf[p] == '\r' && p + 1 >= end_ && !eof_) return 0;
      *error = "line " + std::to_string(line_ + record_lines_) +
               ": unexpected character after a closing quote";
      return -1;
    }
    // Unquoted field: up to the delimiter or the end of the line.
    std::size_t q = p;
    while (q < end_ && buf[q] != delim && buf[q] != '\n') ++q;
    if (q >= end_ && !eof_) return 0;
    std::size_t len = q - p;
    if (q < end_ && buf[q] == '\n' && len > 0 && buf[q - 1] == '\r') --len;
    if (q >= end_ && len > 0 && buf[q - 1] == '\r') --len;
    spans_.push_back({p, len, false});
    if (q >= end_) {
      record_end_ = q;
      return 1;
    }
    if (buf[q] == '\n') {
      record_end_ = q + 1;
      ++record_lines_;
      return 1;
    }
    p = q + 1;
  }
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
    if (buffer_[pos_] == '\n' || (buffer_[pos_] == '\r' && pos_ + 1 < end_ && buffer_[pos_ + 1] == '\n')) {
      pos_ += buffer_[pos_] == '\r' ? 2 : 1;
      ++line_;
      ++blank_lines_;
      continue;
    }
    const int r = ParseRecord(error);
    if (r < 0) {
      failed_ = true;
      return Status::kError;
    }
    if (r == 0) {
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
    record_line_ = line_;
    line_ += record_lines_;
    for (const Span& s : spans_) {
      fields->emplace_back(s.unescaped ? unescaped_.data() + s.offset : buffer_.data() + s.offset,
                           s.length);
    }
    pos_ = record_end_;
    return Status::kRecord;
  }
}

bool CsvReader::ReadHeader(std::string* error) {
  if (Refill(0) && end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
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
