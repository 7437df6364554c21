#!/usr/bin/env bash
# Soak: `driftd run` tails a file that `driftd generate` appends to at a
# steady rate (event time = wall time), for MINUTES minutes; the daemon's
# resident memory is sampled every 10 s into WORK/rss.csv. Prints the RSS at
# the start of the second half, at the end, and the slope of a least-squares
# line over the second half (flat: no growth).
#
#   bench/scripts/soak.sh DRIFTD [MINUTES] [RATE]        (default 30, 2000/s)
#
# The model is the benchmark's 20 features with a 5-minute window and a
# rolling 5-minute reference 5 minutes back, so the windows are full (in
# steady state) after 10 minutes and the second half measures steady state.
# Evaluations run every 15 s and checkpoints every 30 s, as in production.
set -euo pipefail
driftd="$(realpath "$1")"
minutes="${2:-30}"
rate="${3:-2000}"
work="${BENCH_WORK:-/tmp/driftd-bench}/soak"
rm -rf "${work}"
mkdir -p "${work}/state"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cfg="${work}/soak.toml"
{
  printf '[daemon]\nstate_dir = "%s"\nevaluation_interval = "15s"\ncheckpoint_interval = "30s"\nlog_level = "warn"\n' "${work}/state"
  printf '[http]\nlisten = "127.0.0.1:%s"\n' "${port}"
  printf '[source]\ntype = "file"\npath = "%s"\nfollow = true\n' "${work}/events.jsonl"
  printf '[[sinks]]\ntype = "log"\n'
  printf '[models.bench]\nwindow = "5m"\nreference = { type = "rolling", window = "5m", lag = "5m" }\n'
  printf '[models.bench.features]\n'
  for ((i = 0; i < 16; ++i)); do printf 'num_%d = { type = "numeric", test = "ks" }\n' "$i"; done
  for ((j = 0; j < 4; ++j)); do printf 'cat_%d = { type = "categorical", test = "jensenshannon" }\n' "$j"; done
} > "${cfg}"
"${driftd}" check-config "${cfg}" >/dev/null
: > "${work}/events.jsonl"
"${driftd}" generate --model bench --numeric 16 --categorical 4 --events 0 --rate "${rate}" \
  --start now --labels 0 --no-model-event >> "${work}/events.jsonl" &
gen=$!
"${driftd}" run --config "${cfg}" > "${work}/driftd.log" 2>&1 &
daemon=$!
trap 'kill "${gen}" "${daemon}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
echo "seconds,rss_kb,events_total" > "${work}/rss.csv"
end=$(( $(date +%s) + minutes * 60 ))
start=$(date +%s)
while (( $(date +%s) < end )); do
  sleep 10
  kill -0 "${daemon}" 2>/dev/null || { echo "driftd exited; see ${work}/driftd.log" >&2; exit 1; }
  rss="$(ps -o rss= -p "${daemon}" | tr -d ' ')"
  events="$(curl -s "127.0.0.1:${port}/metrics" | awk '/^driftd_events_total/ {s += $2} END {print s + 0}')"
  echo "$(( $(date +%s) - start )),${rss},${events}" >> "${work}/rss.csv"
done
python3 - "${work}/rss.csv" <<'PY'
import csv, sys
rows = [(float(r["seconds"]), float(r["rss_kb"]), float(r["events_total"])) for r in csv.DictReader(open(sys.argv[1]))]
half = [r for r in rows if r[0] >= rows[-1][0] / 2]
n = len(half)
mx = sum(r[0] for r in half) / n
my = sum(r[1] for r in half) / n
slope = sum((r[0] - mx) * (r[1] - my) for r in half) / max(sum((r[0] - mx) ** 2 for r in half), 1e-9)
rate = (rows[-1][2] - rows[0][2]) / max(rows[-1][0] - rows[0][0], 1)
print(f"samples {len(rows)}; events consumed {rows[-1][2]:.0f} ({rate:.0f}/s)")
print(f"RSS first {rows[0][1]/1024:.1f} MiB, at half time {half[0][1]/1024:.1f} MiB, "
      f"end {rows[-1][1]/1024:.1f} MiB, max {max(r[1] for r in rows)/1024:.1f} MiB")
print(f"second-half slope {slope * 60:.1f} KiB/min ({slope * 3600 / 1024:.2f} MiB/h)")
PY
