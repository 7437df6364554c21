#include "daemon/report_files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace driftd::report {

std::unique_ptr<FileBytes> FileBytes::Open(const std::string& path, std::string* error) {
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

FileBytes::~FileBytes() {
  if (map_ != nullptr) ::munmap(map_, map_bytes_);
}

void FileBytes::Release(std::size_t begin, std::size_t end) const {
  if (map_ == nullptr) return;
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t first = (begin + page - 1) / page * page;
  const std::size_t last = end / page * page;
  if (first < last) ::madvise(static_cast<char*>(map_) + first, last - first, MADV_DONTNEED);
}

// Reserves the file's pages plus one of anonymous zeros, then maps the
// file over the front: the bytes past the end up to the next page are the
// kernel's zeros and the page after is ours, so all are readable.
bool FileBytes::Map(int fd, std::size_t size) {
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

bool FileBytes::ReadAll(int fd) {
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

}  // namespace driftd::report
