// The bytes of one `driftd report` input file, and the 64-byte scan the
// quote-free CSV reader (report_csv.h) runs over them.
//
// Contract:
//  - FileBytes::Open maps the file read-only (a regular, non-empty file) or
//    reads it into memory (a pipe, a special file, an empty file). Either
//    way data()[size(), size() + kScanPadding) is readable (zero bytes), so
//    a scan may load whole 64-byte blocks up to the end. Null with *error
//    set ("<path>: cannot open: ..." / "<path>: read error: ...").
//  - Release(begin, end) is a hint: the whole pages of a mapping inside the
//    range leave this process's resident memory (they come back from the
//    page cache on the next touch). The bytes stay valid. Thread-safe for
//    distinct ranges.
//  - ScanBlock: bit i set when byte i of the 64 at p is a comma or a line
//    feed (*separators) or a double quote (*quotes). Reads p[0, 64).
//  - CutLines: [begin, size()) cut into about `pieces` ranges of whole lines
//    (each but the last ends just after a line feed), in order, covering it
//    all.
#ifndef DRIFTD_DAEMON_REPORT_FILES_H_
#define DRIFTD_DAEMON_REPORT_FILES_H_

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace driftd::report {

// Readable bytes FileBytes guarantees past the end of a file (ScanCsvRange
// reads 64-byte blocks).
inline constexpr std::size_t kScanPadding = 64;

// The bytes of one input file: mapped read-only with zero bytes after the
// end (the CSV scans read up to kScanPadding bytes past a range), or read
// into memory when the file cannot be mapped (a pipe, a special file). One
// mapping, no copy: reading block by block copied every byte once more.
class FileBytes {
 public:
  // Null with *error set when the file cannot be opened or read.
  static std::unique_ptr<FileBytes> Open(const std::string& path, std::string* error);

  ~FileBytes();
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  const char* data() const { return data_; }
  std::size_t size() const { return size_; }

  // Done with [begin, end) for now: a mapping drops the whole pages inside
  // it from this process (they stay in the page cache and come back on the
  // next touch), so resident memory does not grow by the file's size.
  void Release(std::size_t begin, std::size_t end) const;

 private:
  FileBytes() = default;

  // The file's pages plus one of zeros, mapped (false: read it instead).
  bool Map(int fd, std::size_t size);
  bool ReadAll(int fd);

  void* map_ = nullptr;
  std::size_t map_bytes_ = 0;
  std::string copy_;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// Bit i set when byte i of the 64 at p is a comma or a line feed
// (*separators) or a double quote (*quotes).
inline void ScanBlock(const char* p, std::uint64_t* separators, std::uint64_t* quotes) {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8('"');
  std::uint64_t sep = 0, quo = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i hits = _mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf));
    const auto s16 = static_cast<unsigned>(_mm_movemask_epi8(hits));
    const auto q16 = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)));
    sep |= std::uint64_t{s16} << (16 * k);
    quo |= std::uint64_t{q16} << (16 * k);
  }
  *separators = sep;
  *quotes = quo;
#else
  std::uint64_t sep = 0, quo = 0;
  for (int i = 0; i < 64; ++i) {
    sep |= std::uint64_t{p[i] == ',' || p[i] == '\n'} << i;
    quo |= std::uint64_t{p[i] == '"'} << i;
  }
  *separators = sep;
  *quotes = quo;
#endif
}

// Cuts [begin, size) into about `pieces` ranges of whole lines.
[[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> CutLines(const FileBytes& bytes,
                                                                        std::size_t begin, std::size_t pieces);

}  // namespace driftd::report

#endif  // DRIFTD_DAEMON_REPORT_FILES_H_
