#!/usr/bin/env bash
# Decode + window update throughput: replays a file of 20-feature events
# (16 numeric, 4 categorical) through replay_bench on one core, RUNS times
# per mode, and prints the median events per second of each mode.
#
#   bench/scripts/replay.sh BUILD_DIR [EVENTS] [RUNS]
#
# Wall-clock rate and the rate per CPU-second of the replaying thread (the
# latter is steadier when other work shares the core).
# BUILD_DIR holds driftd and bench/replay_bench (-DDRIFTD_BUILD_BENCH=ON).
# The file goes to ${BENCH_WORK:-/tmp/driftd-bench} and is reused.
# MODES (default "read decode windows pipeline") and CPU (default 1, the core
# taskset pins to) may be set in the environment. BASELINE_BENCH, the path of
# another replay_bench (e.g. a copy built before a change), makes each run
# replay with it and with BUILD_DIR's in turn (interleaved, same file) and
# prints both medians and their ratio.
set -euo pipefail
build="$1"
events="${2:-1000000}"
runs="${3:-5}"
work="${BENCH_WORK:-/tmp/driftd-bench}"
modes="${MODES:-read decode windows pipeline}"
cpu="${CPU:-1}"
mkdir -p "${work}"
file="${work}/replay_${events}.jsonl"
if [[ ! -s "${file}" ]]; then
  "${build}/daemon/driftd" generate --model bench --numeric 16 --categorical 4 \
    --events "${events}" --labels 0 --no-model-event > "${file}.tmp"
  mv "${file}.tmp" "${file}"
fi
echo "file: ${file} ($(stat -L -c %s "${file}") bytes, ${events} events); load: $(cut -d' ' -f1-3 /proc/loadavg)"
median_cpu() {
  python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"
}
cpu_rate_of() {
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])["events_per_cpu_second"])' "$1"
}
for mode in ${modes}; do
  rates=()
  cpu_rates=()
  base_cpu_rates=()
  for ((i = 0; i < runs; ++i)); do
    if [[ -n "${BASELINE_BENCH:-}" ]]; then
      base_line="$(taskset -c "${cpu}" "${BASELINE_BENCH}" --input "${file}" --mode "${mode}")"
      base_cpu_rates+=("$(cpu_rate_of "${base_line}")")
    fi
    line="$(taskset -c "${cpu}" "${build}/bench/replay_bench" --input "${file}" --mode "${mode}")"
    rates+=("$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["events_per_second"])' "${line}")")
    cpu_rates+=("$(cpu_rate_of "${line}")")
    last="${line}"
  done
  python3 - "${mode}" "${last}" "${rates[*]}" "${cpu_rates[*]}" <<'PY'
import json, statistics, sys
mode, last, rates, cpu_rates = sys.argv[1:]
rates = sorted(float(r) for r in rates.split())
cpu_rates = sorted(float(r) for r in cpu_rates.split())
info = json.loads(last)
print(f"{mode:9s} median {statistics.median(rates):>12,.0f} events/s wall, "
      f"{statistics.median(cpu_rates):>12,.0f} events/CPU-s  "
      f"(wall runs: {', '.join(f'{r:,.0f}' for r in rates)}; peak RSS {info['peak_rss_bytes'] / 2**20:.0f} MiB)")
PY
  if [[ -n "${BASELINE_BENCH:-}" ]]; then
    base="$(median_cpu "${base_cpu_rates[@]}")"
    now="$(median_cpu "${cpu_rates[@]}")"
    python3 -c 'import sys; b, n = float(sys.argv[2]), float(sys.argv[3]); runs = sys.argv[4]; print(f"{sys.argv[1]:9s} baseline median {b:>12,.0f} events/CPU-s, this build {n:,.0f} ({n / b:.2f}x); baseline runs: {runs}")' \
      "${mode}" "${base}" "${now}" "${base_cpu_rates[*]}"
  fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
