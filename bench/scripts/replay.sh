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
# taskset pins to) may be set in the environment.
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
echo "file: ${file} ($(stat -c %s "${file}") bytes, ${events} events); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in ${modes}; do
  rates=()
  cpu_rates=()
  for ((i = 0; i < runs; ++i)); do
    line="$(taskset -c "${cpu}" "${build}/bench/replay_bench" --input "${file}" --mode "${mode}")"
    rates+=("$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["events_per_second"])' "${line}")")
    cpu_rates+=("$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["events_per_cpu_second"])' "${line}")")
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
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
