#!/usr/bin/env bash
# Sets everything up and runs every test: first the sanitizer build
# (AddressSanitizer + UndefinedBehaviorSanitizer), then the regular build.
# The last line printed is ctest's summary of the regular run.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_root=${DRIFTD_BUILD_ROOT:-$repo/build}
jobs=${DRIFTD_JOBS:-$(nproc)}

"$repo/scripts/setup.sh"

configure_and_build() {
  local dir=$1; shift
  cmake -S "$repo" -B "$dir" -G Ninja -DDRIFTD_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

# Sanitizers: every test but the slow soak-style ones runs instrumented.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
configure_and_build "$build_root/asan" -DCMAKE_BUILD_TYPE=Debug -DDRIFTD_SANITIZE=ON
echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --test-dir "$build_root/asan" --output-on-failure -j "$jobs" -LE 'slow|nosan'

# Benchmarks are built here so that the smoke tests (ctest -L bench-smoke)
# check every one of them starts; they are never run for figures.
configure_and_build "$build_root/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDRIFTD_BUILD_BENCH=ON
echo "== tests"
log="$build_root/release/ctest.log"
status=0
ctest --test-dir "$build_root/release" --output-on-failure -j "$jobs" 2>&1 | tee "$log" || status=$?
# ctest ends with per-label times; repeat its summary so it is the last line.
summary=$(grep -E '^[0-9]+% tests passed' "$log" | tail -n 1)
if [[ -z "$summary" ]]; then
  echo "no ctest summary: ctest failed to run"
  exit 1
fi
echo "$summary"
exit "$status"
