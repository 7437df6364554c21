#include "daemon/report_input.h"

#include <boost/json.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "collectors/csv_reader.h"

namespace driftd {
namespace {

constexpr std::size_t kRaggedLinesKept = 5;
// Readable bytes FileBytes guarantees past the end of a file (ScanCsvRange
// reads 64-byte blocks).
constexpr std::size_t kScanPadding = 64;

// Missing-value spellings (NaN is handled by the caller: numeric columns
// count it as NaN, categorical ones as missing).
bool IsMissingText(std::string_view s) {
  // Every spelling but the empty one starts with N or n: one test for most fields.
  if (!s.empty() && s[0] != 'N' && s[0] != 'n') return false;
  switch (s.size()) {
    case 0: return true;
    case 2: return s == "NA";
    case 3: return s == "N/A";
    case 4: return s == "null" || s == "NULL" || s == "None";
    default: return false;
  }
}

bool IsNanText(std::string_view s) { return s.size() == 3 && (s == "nan" || s == "NaN"); }

// Short keys compare inline: a memcmp call per field was a tenth of the
// census profile (categories of one or two characters).
bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return std::memcmp(a.data(), b.data(), a.size()) == 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Plain decimals ("-12.3456"): when the digits form an integer m < 2^53 and
// there are at most 22 of them after the point, m / 10^k is one correctly
// rounded division of two exact doubles (Clinger's fast path), so the result
// is bit-identical to from_chars'. Anything else (exponents, long mantissas,
// nan/inf spellings, junk) returns false and goes to from_chars.
bool ParsePlainDecimal(std::string_view s, double* out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  std::uint64_t m = 0;
  int digits = 0;
  int fraction = -1;  // digits after the point; -1: no point
  for (; p < end; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d < 10) {
      if (++digits > 19) return false;
      m = m * 10 + d;
      if (fraction >= 0) ++fraction;
    } else if (*p == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || m > (std::uint64_t{1} << 53) || fraction > 22) return false;
  double x = static_cast<double>(m);
  if (fraction > 0) x /= kPow10[fraction];
  *out = negative ? -x : x;
  return true;
}

// A whole-field number (s already trimmed), or std::nullopt. NaN and
// infinities parse (from_chars accepts "nan", "inf", "infinity" in any case).
std::optional<double> ParseNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double x = 0;
  if (ParsePlainDecimal(s, &x)) return x;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec == std::errc::result_out_of_range) {
    // Beyond double range: an infinity of the right sign, counted as such.
    return s.front() == '-' ? -std::numeric_limits<double>::infinity()
                            : std::numeric_limits<double>::infinity();
  }
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return x;
}

std::string ShortestText(double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

// Counts of one categorical column within the current chunk, in first-seen
// order, capped at max_categories distinct values like CategoricalCounts.
// An open-addressing table with a cheap hash of the bytes: hashing and
// looking up every field through std::unordered_map was a quarter of the
// census profile. FlushTo() hands the counts to an empty CategoricalCounts
// in first-seen order, which gives exactly the entries, counts and overflow
// that adding the values one by one would have given.
class CategoryTally {
 public:
  explicit CategoryTally(std::size_t max_categories) : max_categories_(max_categories) {}

  // `n` occurrences of key (Absorb: another tally's entries, in its order).
  // `padded`: 8 bytes from key.data() are readable (a CSV field in a
  // FileBytes), so a short key is packed with one load. The common case (a
  // short key found at its first slot) is inline; the table is kept at most
  // a quarter full so that it mostly is.
  void Add(std::string_view key, std::uint64_t n = 1, bool padded = false) {
    if (padded && key.size() <= kMaxPacked && !slots_.empty()) {
      const std::uint64_t packed = PackPadded(key);
      const std::uint32_t slot = slots_[static_cast<std::size_t>(Mix(packed)) & (slots_.size() - 1)];
      if (slot != 0 && hot_[slot - 1].packed == packed) {
        hot_[slot - 1].count += n;
        return;
      }
    }
    AddSlow(key, n, padded);
  }

  // Adds every entry of `other` in its first-seen order: the same as adding
  // other's values one by one after this tally's, provided other never
  // overflowed (its overflow lumps values that may fit here).
  // REQUIRES: other.overflow() == 0.
  void Absorb(const CategoryTally& other) {
    for (std::size_t k = 0; k < other.entries_.size(); ++k) Add(other.entries_[k].key, other.hot_[k].count);
  }
  std::uint64_t overflow() const { return overflow_; }

  // REQUIRES: out is empty and has the same cap. Resets this tally.
  void FlushTo(detectors::CategoricalCounts* out) {
    for (std::size_t k = 0; k < entries_.size(); ++k) out->Add(entries_[k].key, hot_[k].count);
    // The table is full, so the example is none of its keys: overflow.
    if (overflow_ > 0) out->Add(overflow_example_, overflow_);
    entries_.clear();
    hot_.clear();
    slots_.clear();
    overflow_ = 0;
    overflow_example_.clear();
  }

 private:
  struct Entry {
    std::string key;
    std::uint64_t hash;
  };
  // Parallel to entries_: what every lookup reads, 16 bytes apart.
  struct Hot {
    std::uint64_t packed;  // Pack(key) for short keys, else 0
    std::uint64_t count;
  };

  // Keys of up to 7 bytes (census codes, "DE", "yes") are compared as one
  // word: the bytes, then 1 + the length in the top byte (never 0).
  static constexpr std::size_t kMaxPacked = 7;

  static std::uint64_t Pack(std::string_view s) {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < s.size(); ++i) w |= std::uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
    return w | (std::uint64_t{s.size() + 1} << 56);
  }

  static std::uint64_t PackPadded(std::string_view s) {
    if constexpr (std::endian::native != std::endian::little) {
      return Pack(s);
    } else {
      std::uint64_t w;
      std::memcpy(&w, s.data(), sizeof w);
      return (w & ((std::uint64_t{1} << (8 * s.size())) - 1)) | (std::uint64_t{s.size() + 1} << 56);
    }
  }

  static std::uint64_t Mix(std::uint64_t w) {
    w = (w ^ (w >> 31)) * 0x9E3779B97F4A7C15ULL;
    return w ^ (w >> 29);
  }

  static std::uint64_t Hash(std::string_view s) {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
      h ^= h >> 29;
    }
    std::uint64_t w = 0;
    for (; i < s.size(); ++i) w = (w << 8) | static_cast<unsigned char>(s[i]);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 32);
  }

  [[gnu::noinline]] void AddSlow(std::string_view key, std::uint64_t n, bool padded) {
    if (slots_.empty()) slots_.assign(16, 0);
    const bool short_key = key.size() <= kMaxPacked;
    const std::uint64_t packed = !short_key ? 0 : padded ? PackPadded(key) : Pack(key);
    const std::uint64_t h = short_key ? Mix(packed) : Hash(key);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      const std::uint32_t slot = slots_[i];
      if (slot == 0) break;
      Hot& e = hot_[slot - 1];
      if (short_key ? e.packed == packed
                    : (e.packed == 0 && entries_[slot - 1].hash == h && SameBytes(entries_[slot - 1].key, key))) {
        e.count += n;
        return;
      }
    }
    if (entries_.size() >= max_categories_) {
      if (overflow_ == 0) overflow_example_ = std::string(key);
      overflow_ += n;
      return;
    }
    entries_.push_back(Entry{std::string(key), h});
    hot_.push_back(Hot{packed, n});
    if (4 * entries_.size() > slots_.size()) {
      Rehash(slots_.size() * 2);
    } else {
      Place(entries_.size() - 1);
    }
  }

  void Place(std::size_t index) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(entries_[index].hash) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<std::uint32_t>(index + 1);
  }

  void Rehash(std::size_t size) {
    slots_.assign(size, 0);
    for (std::size_t k = 0; k < entries_.size(); ++k) Place(k);
  }

  std::size_t max_categories_;
  std::vector<Entry> entries_;
  std::vector<Hot> hot_;
  std::vector<std::uint32_t> slots_;  // 1 + index into entries_; 0 free
  std::uint64_t overflow_ = 0;
  std::string overflow_example_;
};

class TableBuilder {
 public:
  TableBuilder(const TableOptions& options, Table* table) : options_(options), table_(table) {
    table_->chunk_rows = options.chunk_rows;
  }

  // Column index, created on first use; -1 when filtered out.
  int Column(std::string_view name) {
    const auto it = index_.find(std::string(name));
    if (it != index_.end()) return it->second;
    if (!options_.only.empty() && options_.only.count(std::string(name)) == 0) {
      index_.emplace(std::string(name), -1);
      return -1;
    }
    TableColumn c;
    c.name = std::string(name);
    c.numeric = detectors::NumericSummary(
        detectors::NumericSummaryOptions{std::numeric_limits<std::size_t>::max(), 200, 0});
    c.counts = detectors::CategoricalCounts(options_.max_categories);
    if (const auto f = options_.forced.find(c.name); f != options_.forced.end()) {
      c.forced = true;
      c.type = f->second;
    }
    // A column first seen mid-stream: earlier rows lacked it.
    c.missing = table_->rows;
    for (std::size_t k = 0; k < chunks_; ++k) {
      c.chunk_starts.push_back(0);
      c.chunk_counts.emplace_back(options_.max_categories);
    }
    table_->columns.push_back(std::move(c));
    tallies_.emplace_back(options_.max_categories);
    values_.emplace_back();
    later_values_.emplace_back();
    converted_.push_back(false);
    seen_.push_back(false);
    const int idx = static_cast<int>(table_->columns.size() - 1);
    index_.emplace(std::string(name), idx);
    return idx;
  }

  // `all_present`: the caller adds a value (or missing) for every column of
  // the row (CSV), so EndRow need not look for absent ones.
  void BeginRow(bool all_present) {
    if (chunks_ == 0 || (options_.chunk_rows > 0 && table_->rows % options_.chunk_rows == 0)) BeginChunk();
    all_present_ = all_present;
    if (!all_present) std::fill(seen_.begin(), seen_.end(), false);
  }

  // `padded`: 8 bytes from text.data() are readable (CategoryTally::Add).
  void AddText(int col, std::string_view text, bool padded = false) {
    if (col < 0) return;
    const auto i = static_cast<std::size_t>(col);
    if (!all_present_) seen_[i] = true;
    TableColumn& c = table_->columns[i];
    // A category that needs no trimming and is no missing or NaN spelling
    // (those are empty or start with N or n): straight to the tally.
    if (c.type == config::FeatureType::kCategorical && !text.empty() && text.front() != 'N' &&
        text.front() != 'n' && !IsBlank(text.front()) && !IsBlank(text.back())) {
      tallies_[i].Add(text, 1, padded);
      return;
    }
    if (!text.empty() && (IsBlank(text.front()) || IsBlank(text.back()))) text = Trim(text);
    if (IsMissingText(text)) {
      ++c.missing;
      return;
    }
    if (c.type == config::FeatureType::kNumeric) {
      if (const auto x = ParseNumber(text)) {
        AddNumberTo(i, *x);
        return;
      }
      if (c.forced) {
        ++c.non_numeric;
        return;
      }
      ToCategorical(i);
    }
    if (IsNanText(text)) {
      ++c.missing;
      return;
    }
    tallies_[i].Add(text, 1, padded);
  }

  // `nrows` whole CSV rows (row-major fields, one per entry of `cols`, as
  // padded views: AddText), column by column; the same table as adding
  // them row by row.
  void AddRows(const std::vector<int>& cols, const std::string_view* fields, std::size_t nrows) {
    const std::size_t ncols = cols.size();
    std::size_t r = 0;
    while (r < nrows) {
      BeginRow(true);  // a new chunk when one is due
      std::size_t run = nrows - r;
      if (options_.chunk_rows > 0) {
        run = std::min<std::size_t>(run, options_.chunk_rows - table_->rows % options_.chunk_rows);
      }
      for (std::size_t i = 0; i < ncols; ++i) {
        if (cols[i] >= 0) AddColumn(static_cast<std::size_t>(cols[i]), fields + r * ncols + i, ncols, run);
      }
      table_->rows += run;
      r += run;
    }
  }

  // Capacity for `rows` more numbers in every numeric column.
  void ReserveNumbers(std::size_t rows) {
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (table_->columns[i].type == config::FeatureType::kNumeric) values_[i].reserve(values_[i].size() + rows);
    }
  }

  void AddNumber(int col, double x) {
    if (col < 0) return;
    const auto i = static_cast<std::size_t>(col);
    if (!all_present_) seen_[i] = true;
    TableColumn& c = table_->columns[i];
    if (c.type == config::FeatureType::kNumeric) {
      AddNumberTo(i, x);
    } else {
      tallies_[i].Add(ShortestText(x));
    }
  }

  void AddMissing(int col) {
    if (col < 0) return;
    if (!all_present_) seen_[static_cast<std::size_t>(col)] = true;
    ++table_->columns[static_cast<std::size_t>(col)].missing;
  }

  void EndRow() {
    if (!all_present_) {
      for (std::size_t i = 0; i < seen_.size(); ++i) {
        if (!seen_[i]) ++table_->columns[i].missing;
      }
    }
    ++table_->rows;
  }

  // Whether Absorb(later) gives exactly the table one reader would have
  // built over both row ranges: every column has the same type in both, and
  // `later` turned none categorical over earlier numbers (one reader would
  // have tallied their text, not their shortest form) and overflowed no
  // tally. Unchunked tables only.
  bool CanAbsorb(const TableBuilder& later) const {
    if (chunks_ > 1 || later.chunks_ > 1 || later.table_->columns.size() != table_->columns.size()) return false;
    for (std::size_t i = 0; i < table_->columns.size(); ++i) {
      if (table_->columns[i].type != later.table_->columns[i].type || later.converted_[i] ||
          later.tallies_[i].overflow() > 0) {
        return false;
      }
    }
    return true;
  }

  // Appends the rows `later` read (the next range of the same file, whose
  // line 1 is line `first_line` of the file). REQUIRES: CanAbsorb(later).
  void Absorb(TableBuilder& later, std::uint64_t first_line) {
    if (later.chunks_ > 0 && chunks_ == 0) BeginChunk();
    for (std::size_t i = 0; i < table_->columns.size(); ++i) {
      TableColumn& c = table_->columns[i];
      const TableColumn& l = later.table_->columns[i];
      c.missing += l.missing;
      c.nan += l.nan;
      c.inf += l.inf;
      c.non_numeric += l.non_numeric;
      if (!later.values_[i].empty()) later_values_[i].push_back(std::move(later.values_[i]));
      tallies_[i].Absorb(later.tallies_[i]);
    }
    table_->rows += later.table_->rows;
    table_->ragged_rows += later.table_->ragged_rows;
    for (const std::uint64_t line : later.table_->ragged_lines) {
      if (table_->ragged_lines.size() < kRaggedLinesKept) table_->ragged_lines.push_back(first_line - 1 + line);
    }
  }

  // The table's final form: FinishCategories(), then FinishNumbers(i) for
  // every column (those may run on different threads at once).
  void Finish() {
    FinishCategories();
    for (std::size_t i = 0; i < table_->columns.size(); ++i) FinishNumbers(i);
  }

  void FinishCategories() {
    FlushTallies();
    for (TableColumn& c : table_->columns) {
      if (c.type == config::FeatureType::kCategorical) {
        for (const auto& chunk : c.chunk_counts) c.counts.Merge(chunk);
      }
    }
  }

  // Column i's numbers into its summary, in row order (the summary adding
  // each value as it was read would give), then frees them.
  void FinishNumbers(std::size_t i) {
    TableColumn& c = table_->columns[i];
    if (c.type == config::FeatureType::kNumeric) {
      for (const double x : values_[i]) c.numeric.Add(x);
      for (const std::vector<double>& more : later_values_[i]) {
        for (const double x : more) c.numeric.Add(x);
      }
    }
    std::vector<double>().swap(values_[i]);
    later_values_[i].clear();
  }

  std::size_t num_columns() const { return table_->columns.size(); }

 private:
  static bool IsBlank(char ch) { return ch == ' ' || ch == '\t'; }

  // n fields of column i, `stride` apart, padded (AddRows).
  void AddColumn(std::size_t i, const std::string_view* fields, std::size_t stride, std::size_t n) {
    TableColumn& c = table_->columns[i];
    CategoryTally& tally = tallies_[i];
    for (std::size_t k = 0; k < n; ++k) {
      const std::string_view text = fields[k * stride];
      // As in AddText, inline for a category that needs no more checks and
      // a plain decimal.
      double x;
      if (c.type == config::FeatureType::kCategorical) {
        if (!text.empty() && text.front() != 'N' && text.front() != 'n' && !IsBlank(text.front()) &&
            !IsBlank(text.back())) {
          tally.Add(text, 1, true);
          continue;
        }
      } else if (ParsePlainDecimal(text, &x)) {  // finite; no blanks, sign '+' or spelling to check
        values_[i].push_back(x);
        continue;
      }
      AddText(static_cast<int>(i), text, true);
    }
  }

  void BeginChunk() {
    FlushTallies();
    ++chunks_;
    for (std::size_t i = 0; i < table_->columns.size(); ++i) {
      table_->columns[i].chunk_starts.push_back(values_[i].size());
      table_->columns[i].chunk_counts.emplace_back(options_.max_categories);
    }
  }

  void AddNumberTo(std::size_t i, double x) {
    if (std::isnan(x)) {
      ++table_->columns[i].nan;
    } else if (std::isinf(x)) {
      ++table_->columns[i].inf;
    } else {
      values_[i].push_back(x);
    }
  }

  // The current chunk's tallies into its CategoricalCounts.
  void FlushTallies() {
    if (chunks_ == 0) return;
    for (std::size_t i = 0; i < tallies_.size(); ++i) {
      if (table_->columns[i].type == config::FeatureType::kCategorical) {
        tallies_[i].FlushTo(&table_->columns[i].chunk_counts.back());
      }
    }
  }

  // Earlier numbers become categories, chunk by chunk (the current chunk's
  // through its tally, so first-seen order holds); the sample is freed.
  void ToCategorical(std::size_t i) {
    TableColumn& c = table_->columns[i];
    c.type = config::FeatureType::kCategorical;
    const std::vector<double>& sample = values_[i];
    converted_[i] = !sample.empty() || c.nan > 0 || c.inf > 0;
    for (std::size_t k = 0; k < c.chunk_starts.size(); ++k) {
      const std::size_t end = k + 1 < c.chunk_starts.size() ? c.chunk_starts[k + 1] : sample.size();
      const bool current = k + 1 == c.chunk_starts.size();
      for (std::size_t j = c.chunk_starts[k]; j < end; ++j) {
        if (current) {
          tallies_[i].Add(ShortestText(sample[j]));
        } else {
          c.chunk_counts[k].Add(ShortestText(sample[j]));
        }
      }
    }
    c.missing += c.nan;
    c.nan = 0;
    c.inf = 0;
    std::vector<double>().swap(values_[i]);
  }

  const TableOptions& options_;
  Table* table_;
  std::unordered_map<std::string, int> index_;
  std::vector<CategoryTally> tallies_;  // parallel to table_->columns
  // Finite numbers of numeric columns in row order; into the summaries at
  // Finish() (ranges read apart are joined first, see Absorb).
  std::vector<std::vector<double>> values_;
  std::vector<std::vector<std::vector<double>>> later_values_;  // Absorb()ed, in order
  // Turned categorical over numbers already read (CanAbsorb).
  std::vector<bool> converted_;
  std::vector<bool> seen_;
  bool all_present_ = false;
  std::size_t chunks_ = 0;
};

// The bytes of one input file: mapped read-only with zero bytes after the
// end (the CSV scans read up to kScanPadding bytes past a range), or read
// into memory when the file cannot be mapped (a pipe, a special file). One
// mapping, no copy: reading block by block copied every byte once more.
class FileBytes {
 public:
  // Null with *error set when the file cannot be opened or read.
  static std::unique_ptr<FileBytes> Open(const std::string& path, std::string* error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *error = path + ": cannot open: " + std::strerror(errno);
      return nullptr;
    }
    std::unique_ptr<FileBytes> f(new FileBytes);
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        f->Map(fd, static_cast<std::size_t>(st.st_size))) {
      ::close(fd);
      return f;
    }
    const bool ok = f->ReadAll(fd);
    const int read_errno = errno;
    ::close(fd);
    if (!ok) {
      *error = path + ": read error: " + std::strerror(read_errno);
      return nullptr;
    }
    return f;
  }

  ~FileBytes() {
    if (map_ != nullptr) ::munmap(map_, map_bytes_);
  }
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  const char* data() const { return data_; }
  std::size_t size() const { return size_; }

  // Done with [begin, end) for now: a mapping drops the whole pages inside
  // it from this process (they stay in the page cache and come back on the
  // next touch), so resident memory does not grow by the file's size.
  void Release(std::size_t begin, std::size_t end) const {
    if (map_ == nullptr) return;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t first = (begin + page - 1) / page * page;
    const std::size_t last = end / page * page;
    if (first < last) ::madvise(static_cast<char*>(map_) + first, last - first, MADV_DONTNEED);
  }

 private:
  FileBytes() = default;

  // Reserves the file's pages plus one of anonymous zeros, then maps the
  // file over the front: the bytes past the end up to the next page are the
  // kernel's zeros and the page after is ours, so all are readable.
  bool Map(int fd, std::size_t size) {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t bytes = (size + page - 1) / page * page + page;
    void* area = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) return false;
    if (::mmap(area, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
      ::munmap(area, bytes);
      return false;
    }
    map_ = area;
    map_bytes_ = bytes;
    data_ = static_cast<const char*>(area);
    size_ = size;
    return true;
  }

  bool ReadAll(int fd) {
    char block[1 << 16];
    while (true) {
      const ssize_t n = ::read(fd, block, sizeof block);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (n == 0) break;
      copy_.append(block, static_cast<std::size_t>(n));
    }
    size_ = copy_.size();
    copy_.append(kScanPadding, '\0');
    data_ = copy_.data();
    return true;
  }

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

// The records of [data, data + n) (whole lines, after the header; kScanPadding
// readable bytes past the end) into `builder`, when the range has no double
// quote at all: fields are found 64 bytes at a time from a bit mask of
// separators, and handed over as views (padded, CategoryTally::Add).
// The same records, fields, blank lines, CR handling and line numbers as
// CsvReader gives. False, with nothing to keep, on a double quote or a
// record longer than max_record_bytes: the caller reads the range with
// CsvReader instead.
bool ScanCsvRange(const char* data, std::size_t n, const std::vector<int>& cols, std::size_t max_record_bytes,
                  TableBuilder* builder, Table* table) {
  // Rows are handed over kBatchRows at a time, column by column: one
  // column's loop keeps its tally and parse branches warm, where a row at a
  // time switched column (and tally) on every field.
  constexpr std::size_t kBatchRows = 128;
  const std::size_t ncols = cols.size();
  std::vector<std::string_view> batch(kBatchRows * ncols);  // row-major
  std::size_t rows = 0;            // complete rows in batch
  std::string_view* fields = batch.data();
  std::size_t f = 0;             // fields of the current record so far
  std::size_t start = 0;         // of the current field
  std::size_t record_start = 0;  // of the current record
  std::uint64_t line = 1;
  bool reserved = false;
  const auto end_record = [&](std::size_t end, bool at_line_feed) {
    if (at_line_feed && f == 1 && (end == record_start || (end == record_start + 1 && data[record_start] == '\r'))) {
      return true;  // a blank line (LF or CRLF)
    }
    if (end - record_start >= max_record_bytes) return false;
    if (f <= ncols) {
      std::string_view& last = fields[f - 1];
      if (!last.empty() && last.back() == '\r') last.remove_suffix(1);
    }
    if (f != ncols) {
      ++table->ragged_rows;
      if (table->ragged_lines.size() < kRaggedLinesKept) table->ragged_lines.push_back(line);
      return true;
    }
    if (++rows == kBatchRows) {
      if (!reserved) {
        // Room for the numbers of the whole range at the first batch's
        // bytes per row (untouched room costs no page): growing by doubling
        // copied and faulted in every value about twice.
        const std::size_t per_row = std::max<std::size_t>(1, (end + 1) / kBatchRows);
        builder->ReserveNumbers(n / per_row + n / per_row / 8 + kBatchRows);
        reserved = true;
      }
      builder->AddRows(cols, batch.data(), rows);
      rows = 0;
    }
    fields = batch.data() + rows * ncols;
    return true;
  };
  for (std::size_t block = 0; block < n; block += 64) {
    std::uint64_t sep, quotes;
    ScanBlock(data + block, &sep, &quotes);
    if (n - block < 64) {
      const std::uint64_t keep = (std::uint64_t{1} << (n - block)) - 1;
      sep &= keep;
      quotes &= keep;
    }
    if (quotes != 0) return false;
    while (sep != 0) {
      const std::size_t pos = block + static_cast<std::size_t>(std::countr_zero(sep));
      sep &= sep - 1;
      if (f < ncols) fields[f] = std::string_view(data + start, pos - start);
      ++f;
      start = pos + 1;
      if (data[pos] == '\n') {
        if (!end_record(pos, true)) return false;
        f = 0;
        record_start = start;
        ++line;
      }
    }
  }
  // A last record without a line break (or ending in a delimiter: one last
  // empty field).
  if (start < n || f > 0) {
    if (f < ncols) fields[f] = std::string_view(data + start, n - start);
    ++f;
    if (!end_record(n, false)) return false;
  }
  builder->AddRows(cols, batch.data(), rows);
  return true;
}

// Reads the CSV records in [begin, end) of `bytes` (whole lines, after the
// header) into `builder`, whose columns follow the header (`cols`).
// `quoted` receives how many quoted fields the range had.
bool ReadCsvRange(const FileBytes& bytes, std::size_t begin, std::size_t end, const std::vector<int>& cols,
                  TableBuilder* builder, Table* table, std::uint64_t* quoted, std::string* error) {
  auto reader = collectors::CsvReader::FromMemory(bytes.data() + begin, end - begin, false, error);
  if (!reader) return false;
  std::vector<std::string_view> fields;
  bool ok = true;
  while (true) {
    const auto status = reader->Next(&fields, error);
    if (status == collectors::CsvReader::Status::kEnd) break;
    if (status == collectors::CsvReader::Status::kError) {
      ok = false;
      break;
    }
    if (fields.size() != cols.size()) {
      ++table->ragged_rows;
      if (table->ragged_lines.size() < kRaggedLinesKept) table->ragged_lines.push_back(reader->record_line());
      continue;
    }
    builder->BeginRow(true);
    for (std::size_t i = 0; i < cols.size(); ++i) builder->AddText(cols[i], fields[i]);
    builder->EndRow();
  }
  *quoted = reader->quoted_fields();
  return ok;
}

// The event's prediction as column "prediction" (driftd baseline): a number
// or a class label, or {"label", "score"} (the score for a numeric column,
// the label for a categorical one).
void AddPrediction(const boost::json::object& event, const TableOptions& options, TableBuilder* builder) {
  const auto* p = event.if_contains("prediction");
  if (p == nullptr) return;
  const auto forced = options.forced.find(kPredictionColumnName);
  const bool numeric = forced == options.forced.end() || forced->second == config::FeatureType::kNumeric;
  const boost::json::value* x = p;
  if (p->is_object()) x = p->get_object().if_contains(numeric ? "score" : "label");
  const int col = builder->Column(kPredictionColumnName);
  if (x == nullptr) builder->AddMissing(col);
  else if (x->is_double()) builder->AddNumber(col, x->get_double());
  else if (x->is_int64()) builder->AddNumber(col, static_cast<double>(x->get_int64()));
  else if (x->is_uint64()) builder->AddNumber(col, static_cast<double>(x->get_uint64()));
  else if (x->is_bool()) builder->AddNumber(col, x->get_bool() ? 1.0 : 0.0);
  else if (x->is_string()) builder->AddText(col, x->get_string());
  else builder->AddMissing(col);
}

bool ReadJsonl(const std::string& path, const TableOptions& options, TableBuilder* builder, Table* table,
               std::string* error, std::FILE* f) {
  namespace json = boost::json;
  char* line = nullptr;
  std::size_t cap = 0;
  ssize_t len;
  json::parser parser;
  while ((len = ::getline(&line, &cap, f)) >= 0) {
    std::string_view text(line, static_cast<std::size_t>(len));
    if (Trim(text).empty() || Trim(text) == "\n" || Trim(text) == "\r\n") continue;
    boost::system::error_code ec;
    parser.reset();
    parser.write(text.data(), text.size(), ec);
    if (ec) {
      ++table->rejected_events;
      continue;
    }
    const json::value v = parser.release();
    if (!v.is_object()) {
      ++table->rejected_events;
      continue;
    }
    const json::object& o = v.get_object();
    if (const auto* kind = o.if_contains("kind")) {
      if (!kind->is_string() || (kind->get_string() != "prediction" && kind->get_string() != "input")) continue;
    }
    if (!options.model.empty()) {
      const auto* model = o.if_contains("model");
      if (model != nullptr && (!model->is_string() || model->get_string() != options.model)) continue;
    }
    const auto* features = o.if_contains("features");
    if (features == nullptr || !features->is_object()) {
      ++table->rejected_events;
      continue;
    }
    builder->BeginRow(false);
    for (const auto& kv : features->get_object()) {
      const int col = builder->Column(kv.key());
      const json::value& x = kv.value();
      if (x.is_double()) builder->AddNumber(col, x.get_double());
      else if (x.is_int64()) builder->AddNumber(col, static_cast<double>(x.get_int64()));
      else if (x.is_uint64()) builder->AddNumber(col, static_cast<double>(x.get_uint64()));
      else if (x.is_bool()) builder->AddNumber(col, x.get_bool() ? 1.0 : 0.0);
      else if (x.is_string()) builder->AddText(col, x.get_string());
      else builder->AddMissing(col);
    }
    if (options.prediction_column) AddPrediction(o, options, builder);
    builder->EndRow();
  }
  std::free(line);
  if (std::ferror(f)) {
    *error = path + ": read error";
    return false;
  }
  return true;
}

}  // namespace

std::size_t Table::num_chunks() const {
  if (chunk_rows == 0) return rows > 0 ? 1 : 0;
  return static_cast<std::size_t>((rows + chunk_rows - 1) / chunk_rows);
}

std::uint64_t Table::ChunkRows(std::size_t chunk) const {
  if (chunk_rows == 0) return rows;
  const std::uint64_t start = static_cast<std::uint64_t>(chunk) * chunk_rows;
  return std::min<std::uint64_t>(chunk_rows, rows - start);
}

const TableColumn* Table::Find(const std::string& name) const {
  for (const TableColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TableColumn* Table::Find(const std::string& name) {
  for (TableColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

namespace {

// One range of a CSV file read on its own (ReadTables).
struct CsvPart {
  std::size_t begin = 0, end = 0;
  Table table;
  std::unique_ptr<TableBuilder> builder;
  std::uint64_t quoted = 0;
  bool ok = false;
  std::string error;
};

struct Input {
  std::string path;
  std::unique_ptr<FileBytes> bytes;
  bool jsonl = false;
  std::size_t body = 0;     // CSV: where the first record starts
  std::vector<int> cols;    // CSV: column index of each header field
  std::vector<std::unique_ptr<CsvPart>> parts;
  std::optional<Table> table;
  std::string error;
};

// Runs fn(0) .. fn(n - 1) on up to `threads` threads (the caller's among
// them), each index once, picked in order as threads come free. Falls back
// to fewer threads when one cannot be started.
template <typename Fn>
void ForEachIndex(std::size_t n, std::size_t threads, Fn fn) {
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < std::min(threads, n); ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;
    }
  }
  work();
  for (std::thread& t : pool) t.join();
}

// Opens the file and, for a CSV, reads its header: builds the table's
// columns (input->table) and sets body and cols. False with error set.
bool OpenInput(const TableOptions& options, Input* in) {
  in->bytes = FileBytes::Open(in->path, &in->error);
  if (!in->bytes) return false;
  if (in->bytes->size() == 0) {
    in->error = in->path + ": empty file (expected a header line or JSONL events)";
    return false;
  }
  const auto ends_with = [&](std::string_view suffix) {
    return in->path.size() >= suffix.size() &&
           in->path.compare(in->path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  in->jsonl = ends_with(".jsonl") || ends_with(".ndjson") || in->bytes->data()[0] == '{';
  if (in->jsonl) return true;
  auto reader = collectors::CsvReader::FromMemory(in->bytes->data(), in->bytes->size(), true, &in->error);
  if (!reader) {
    in->error = in->path + ": " + in->error;
    return false;
  }
  in->body = reader->offset();
  in->table.emplace();
  in->table->path = in->path;
  TableBuilder names(options, &*in->table);
  for (const std::string& name : reader->header()) in->cols.push_back(names.Column(name));
  return true;
}

// Cuts [begin, size) into about `pieces` ranges of whole lines.
std::vector<std::pair<std::size_t, std::size_t>> CutLines(const FileBytes& bytes, std::size_t begin,
                                                          std::size_t pieces) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const std::size_t size = bytes.size();
  std::size_t start = begin;
  for (std::size_t k = 1; k < pieces && start < size; ++k) {
    const std::size_t nominal = begin + (size - begin) / pieces * k;
    if (nominal <= start) continue;
    const void* lf = std::memchr(bytes.data() + nominal - 1, '\n', size - (nominal - 1));
    if (lf == nullptr) break;
    const auto cut = static_cast<std::size_t>(static_cast<const char*>(lf) - bytes.data()) + 1;
    if (cut >= size) break;
    out.emplace_back(start, cut);
    start = cut;
  }
  out.emplace_back(start, size);
  return out;
}

// Reads one range: the quote-free scan, else (nothing of the scan kept)
// CsvReader.
void ReadPart(const Input& in, const TableOptions& options, CsvPart* part) {
  const auto start = [&] {
    part->table = Table{};
    part->table.path = in.path;
    part->builder = std::make_unique<TableBuilder>(options, &part->table);
    for (const TableColumn& c : in.table->columns) part->builder->Column(c.name);
  };
  start();
  if (ScanCsvRange(in.bytes->data() + part->begin, part->end - part->begin, in.cols,
                   collectors::CsvOptions{}.max_record_bytes, part->builder.get(), &part->table)) {
    part->ok = true;
    in.bytes->Release(part->begin, part->end);
    return;
  }
  start();
  part->ok = ReadCsvRange(*in.bytes, part->begin, part->end, in.cols, part->builder.get(), &part->table,
                          &part->quoted, &part->error);
  in.bytes->Release(part->begin, part->end);
}

// Joins a CSV file's parts into the first (numbers still apart: see
// FinishNumbers), or reads the file again in one
// range when they cannot be joined exactly (a quoted field where a cut may
// have fallen, a type that differs between ranges, an error whose line
// number is only known from the start).
void FinishCsv(const TableOptions& options, Input* in) {
  bool joinable = !in->parts.empty();
  for (std::size_t p = 0; p < in->parts.size() && joinable; ++p) {
    const CsvPart& part = *in->parts[p];
    joinable = part.ok && (in->parts.size() == 1 || part.quoted == 0) &&
               (p == 0 || in->parts[0]->builder->CanAbsorb(*part.builder));
  }
  if (!joinable) {
    in->parts.clear();
    auto part = std::make_unique<CsvPart>();
    part->begin = in->body;
    part->end = in->bytes->size();
    ReadPart(*in, options, part.get());
    in->parts.push_back(std::move(part));
  }
  CsvPart& first = *in->parts[0];
  if (!first.ok) {
    in->error = in->path + ": " + first.error;
    in->table.reset();
    return;
  }
  // Line 1 of a range is the file's line 1 + the line breaks before it
  // (counted only when a line number is kept).
  const auto lines_before = [&](const CsvPart& part) {
    return part.table.ragged_rows == 0
               ? std::uint64_t{0}
               : static_cast<std::uint64_t>(std::count(in->bytes->data(), in->bytes->data() + part.begin, '\n'));
  };
  const std::uint64_t first_offset = lines_before(first);
  for (std::uint64_t& line : first.table.ragged_lines) line += first_offset;
  for (std::size_t p = 1; p < in->parts.size(); ++p) {
    CsvPart& part = *in->parts[p];
    first.builder->Absorb(*part.builder, 1 + lines_before(part));
    part.builder.reset();
  }
  first.builder->FinishCategories();
}

}  // namespace

std::vector<std::optional<Table>> ReadTables(const std::vector<std::string>& paths, const TableOptions& options,
                                             std::size_t threads, std::vector<std::string>* errors) {
  std::vector<Input> inputs(paths.size());
  std::size_t csv_bytes = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    inputs[i].path = paths[i];
    if (!OpenInput(options, &inputs[i])) {
      inputs[i].bytes.reset();
      continue;
    }
    if (!inputs[i].jsonl) csv_bytes += inputs[i].bytes->size() - inputs[i].body;
  }
  // Tasks: every JSONL file whole; every CSV file in ranges of about a
  // quarter of a thread's share (threads pick them up as they come free),
  // in one range when chunked (chunks count rows from the file's start).
  const bool split = threads > 1 && options.chunk_rows == 0;
  // At most kMaxPartBytes: a range's pages stay resident until it is read.
  constexpr std::size_t kMaxPartBytes = std::size_t{16} << 20;
  const std::size_t piece =
      std::max<std::size_t>(options.min_part_bytes, std::min(kMaxPartBytes, csv_bytes / (threads * 4 + 1) + 1));
  std::vector<std::pair<std::size_t, std::size_t>> tasks;  // (input, part), part ~0: JSONL
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Input& in = inputs[i];
    if (!in.bytes) continue;
    if (in.jsonl) {
      tasks.emplace_back(i, ~std::size_t{0});
      continue;
    }
    const std::size_t body = in.bytes->size() - in.body;
    const std::size_t pieces = split ? std::max<std::size_t>(1, (body + piece / 2) / piece) : 1;
    for (const auto& [begin, end] : CutLines(*in.bytes, in.body, pieces)) {
      auto part = std::make_unique<CsvPart>();
      part->begin = begin;
      part->end = end;
      tasks.emplace_back(i, in.parts.size());
      in.parts.push_back(std::move(part));
    }
  }
  ForEachIndex(tasks.size(), threads, [&](std::size_t t) {
    Input& in = inputs[tasks[t].first];
    if (tasks[t].second != ~std::size_t{0}) {
      ReadPart(in, options, in.parts[tasks[t].second].get());
      return;
    }
    Table table;
    table.path = in.path;
    TableBuilder builder(options, &table);
    std::FILE* f = ::fmemopen(const_cast<char*>(in.bytes->data()), in.bytes->size(), "rb");
    bool ok = f != nullptr && ReadJsonl(in.path, options, &builder, &table, &in.error, f);
    if (f == nullptr) in.error = in.path + ": " + std::strerror(errno);
    if (f != nullptr) std::fclose(f);
    if (ok && table.rows == 0) {
      in.error = in.path + ": no prediction or input events with features";
      ok = false;
    }
    if (ok) {
      builder.Finish();
      in.table = std::move(table);
    }
  });
  // Joining a file's ranges (categories: cheap), then every numeric
  // column's values into its summary, one column per task.
  std::vector<std::pair<std::size_t, std::size_t>> columns;  // (input, column)
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].bytes || inputs[i].jsonl) continue;
    FinishCsv(options, &inputs[i]);
    if (!inputs[i].table) continue;
    for (std::size_t c = 0; c < inputs[i].parts[0]->builder->num_columns(); ++c) columns.emplace_back(i, c);
  }
  ForEachIndex(columns.size(), threads, [&](std::size_t k) {
    inputs[columns[k].first].parts[0]->builder->FinishNumbers(columns[k].second);
  });
  for (Input& in : inputs) {
    if (in.bytes && !in.jsonl && in.table) {
      in.table = std::move(in.parts[0]->table);
      in.parts.clear();
    }
  }
  std::vector<std::optional<Table>> out(inputs.size());
  errors->assign(inputs.size(), "");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    out[i] = std::move(inputs[i].table);
    if (!out[i]) (*errors)[i] = inputs[i].error;
  }
  return out;
}

std::optional<Table> ReadTable(const std::string& path, const TableOptions& options, std::string* error) {
  std::vector<std::string> errors;
  std::vector<std::optional<Table>> tables = ReadTables({path}, options, 1, &errors);
  if (!tables[0]) *error = errors[0];
  return std::move(tables[0]);
}

}  // namespace driftd
