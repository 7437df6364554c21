#!/usr/bin/env bash
# Consumption from a real local Kafka broker into the windows: loads EVENTS
# 20-feature events into a one-partition topic with kcat, then starts
# `driftd run` on that topic and scrapes driftd_events_total every 0.2 s until
# all are counted. Prints the rate between the first scrape that saw events
# and the one that saw them all (group join and connection excluded), and the
# wall time from start, and events per CPU-second of the daemon. Repeats RUNS times with a fresh consumer group.
#
#   bench/scripts/kafka_consume.sh BUILD_DIR [EVENTS] [RUNS]
#
# Uses scripts/kafka.sh (broker on 127.0.0.1, free ports) and stops the broker
# it started. The daemon may run on every core (the broker shares them);
# DRIFTD_CPUS (a taskset list, e.g. 1) pins it instead. BASELINE_DRIFTD, the path of another driftd (e.g. a copy built
# before a change), makes every run consume with it and with BUILD_DIR's in
# turn (interleaved, same topic, fresh groups) and prints both medians.
set -euo pipefail
build="$(realpath "$1")"
events="${2:-1000000}"
runs="${3:-5}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
work="${BENCH_WORK:-/tmp/driftd-bench}"
driftd="${build}/daemon/driftd"
kdir="${work}/kafka"
mkdir -p "${work}"
file="${work}/replay_${events}.jsonl"
if [[ ! -s "${file}" ]]; then
  "${driftd}" generate --model bench --numeric 16 --categorical 4 --events "${events}" \
    --labels 0 --no-model-event > "${file}.tmp"
  mv "${file}.tmp" "${file}"
fi
rm -rf "${kdir}"
"${repo}/scripts/kafka.sh" start "${kdir}" >/dev/null
trap '"${repo}/scripts/kafka.sh" stop "${kdir}" >/dev/null 2>&1 || true' EXIT
boot="$("${repo}/scripts/kafka.sh" bootstrap "${kdir}")"
"${repo}/scripts/kafka.sh" create-topic "${kdir}" bench 1 >/dev/null
kcat -P -b "${boot}" -t bench -X linger.ms=50 -X batch.num.messages=10000 -l "${file}"
echo "loaded ${events} events into topic bench at ${boot}; load: $(cut -d' ' -f1-3 /proc/loadavg)"

binaries=("${driftd}")
if [[ -n "${BASELINE_DRIFTD:-}" ]]; then binaries=("${BASELINE_DRIFTD}" "${driftd}"); fi
declare -A rates cpu_rates
for ((r = 0; r < runs; ++r)); do
for ((b = 0; b < ${#binaries[@]}; ++b)); do
  bin="${binaries[b]}"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  cfg="${work}/kafka_bench.toml"
  {
    printf '[daemon]\nstate_dir = "%s"\nlog_level = "warn"\n' "${work}/kafka_state_${r}"
    printf '[http]\nlisten = "127.0.0.1:%s"\n' "${port}"
    printf '[source]\ntype = "kafka"\nbrokers = "%s"\ngroup_id = "bench-%s-%s-%s"\ntopics = ["bench"]\n' \
      "${boot}" "$$" "${r}" "${b}"
    printf '[models.bench]\nwindow = "1h"\n[models.bench.features]\n'
    for ((i = 0; i < 16; ++i)); do printf 'num_%d = { type = "numeric" }\n' "$i"; done
    for ((j = 0; j < 4; ++j)); do printf 'cat_%d = { type = "categorical" }\n' "$j"; done
  } > "${cfg}"
  rm -rf "${work}/kafka_state_${r}"
  mkdir -p "${work}/kafka_state_${r}"
  start="$(date +%s.%N)"
  taskset -c "${DRIFTD_CPUS:-0-$(($(nproc) - 1))}" "${bin}" run --config "${cfg}" > "${work}/kafka_driftd_${r}.log" 2>&1 &
  daemon=$!
  line="$(python3 - "${port}" "${events}" "${start}" "${daemon}" <<'PY'
import os, sys, time, urllib.request
port, total, start, pid = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
def cpu_seconds():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
first = None
deadline = time.time() + 600
while time.time() < deadline:
    time.sleep(0.2)
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
    except OSError:
        continue
    n = sum(float(l.split()[-1]) for l in text.splitlines() if l.startswith("driftd_events_total"))
    now = time.time()
    if n > 0 and first is None:
        first = (now, n)
    if n >= total:
        rate = (n - first[1]) / max(now - first[0], 1e-9)
        print(f"{rate:.0f} {total / cpu_seconds():.0f} {now - start:.2f}")
        break
else:
    print("0 0 timeout")
PY
)"
  kill "${daemon}"; wait "${daemon}" 2>/dev/null || true
  read -r rate cpu_rate took <<< "${line}"
  echo "run ${r} (${bin}): ${rate} events/s between first and last scrape; ${cpu_rate} events per CPU-second of driftd (all threads); ${took} s from start"
  rates[$b]+="${rate} "
  cpu_rates[$b]+="${cpu_rate} "
done
done
for ((b = 0; b < ${#binaries[@]}; ++b)); do
  python3 -c 'import statistics,sys; r=[float(x) for x in sys.argv[1].split()]; c=[float(x) for x in sys.argv[2].split()]; print(f"{sys.argv[3]}: median {statistics.median(r):,.0f} events/s wall, {statistics.median(c):,.0f} events/CPU-s over {len(r)} runs")' "${rates[$b]}" "${cpu_rates[$b]}" "${binaries[b]}"
done
