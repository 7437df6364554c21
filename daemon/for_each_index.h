// ForEachIndex: the small work pool of `driftd report` (reading file ranges,
// evaluating columns).
#ifndef DRIFTD_DAEMON_FOR_EACH_INDEX_H_
#define DRIFTD_DAEMON_FOR_EACH_INDEX_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace driftd {

// Runs fn(0) .. fn(n - 1) on up to `threads` threads (the caller's among
// them), each index once, picked in order as threads come free. Falls back
// to fewer threads (at least the caller) when one cannot be started. fn must
// be safe to call concurrently for different indices.
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

}  // namespace driftd

#endif  // DRIFTD_DAEMON_FOR_EACH_INDEX_H_
