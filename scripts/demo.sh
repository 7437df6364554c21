#!/usr/bin/env bash
# driftd in one command: installs the Debian packages, builds driftd (Release,
# Ninja), generates example traffic of a model "demo" whose inputs drift
# part-way through, keeps appending live events at 50 per second, and runs
# the daemon on examples/demo.toml with metrics on loopback.
#
#   scripts/demo.sh                  # until Ctrl-C
#   scripts/demo.sh --duration 60    # stop cleanly after 60 seconds
#
# Environment:
#   DRIFTD_BUILD_DIR   build directory (default: <repo>/build/release); an
#                      existing one is built as configured
#   DRIFTD_DEMO_DIR    where events and daemon state go (default /tmp/driftd-demo)
#   DRIFTD_DEMO_PORT   HTTP port on 127.0.0.1 (default: the config's 7461)
#
# Re-runnable: each run starts from an empty events file and state dir.
# Exit status: driftd's (0 after a clean stop), 2 on a usage error.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
}

duration=""
while (($#)); do
  case $1 in
    --duration) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; duration=$2; shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "demo.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ -n $duration && ! $duration =~ ^[1-9][0-9]*$ ]]; then
  echo "demo.sh: --duration takes a whole number of seconds, got \"$duration\"" >&2
  exit 2
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${DRIFTD_BUILD_DIR:-$repo/build/release}
demo_dir=${DRIFTD_DEMO_DIR:-/tmp/driftd-demo}
port=${DRIFTD_DEMO_PORT:-7461}
config=$repo/examples/demo.toml
events=$demo_dir/events.jsonl

# Backlog: 20000 predictions 100 ms apart (about 33 minutes of event time)
# ending now; from prediction 12000 on the inputs shift by one standard
# deviation. driftd takes the first 2000 events as its reference.
backlog_events=20000
backlog_interval_ms=100
shift_at=12000
live_rate=50

# 1. Packages (only dpkg-query when all are installed).
"$repo/scripts/setup.sh"

# 2. Build.
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DDRIFTD_BUILD_TESTS=OFF
fi
cmake --build "$build_dir" --target driftd
driftd=$build_dir/daemon/driftd

# 3. Events and a fresh state dir. The config names /tmp/driftd-demo; for
# another directory run a copy with the paths replaced.
mkdir -p "$demo_dir"
rm -rf "$demo_dir/state"
if [[ $demo_dir != /tmp/driftd-demo ]]; then
  escaped=$(printf '%s' "$demo_dir" | sed 's/[\\&|]/\\&/g')
  sed "s|/tmp/driftd-demo|$escaped|g" "$config" >"$demo_dir/demo.toml"
  config=$demo_dir/demo.toml
fi
listen_args=()
if [[ -n ${DRIFTD_DEMO_PORT:-} ]]; then
  listen_args=(--listen "127.0.0.1:$port")
fi

generator_pid=""
driftd_pid=""
stopping=0
cleanup() {
  if [[ -n $driftd_pid ]] && kill -0 "$driftd_pid" 2>/dev/null; then
    kill -TERM "$driftd_pid" 2>/dev/null || true
    wait "$driftd_pid" 2>/dev/null || true
  fi
  if [[ -n $generator_pid ]]; then
    kill -TERM "$generator_pid" 2>/dev/null || true
    wait "$generator_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

now=$(date +%s)
backlog_start=$(date -u -d "@$((now - backlog_events * backlog_interval_ms / 1000))" \
  +%Y-%m-%dT%H:%M:%SZ)
"$driftd" generate --events "$backlog_events" --interval "${backlog_interval_ms}ms" \
  --start "$backlog_start" --shift-at "$shift_at" >"$events"
# Live traffic continues the shifted distribution, with ids after the backlog's.
"$driftd" generate --events 0 --rate "$live_rate" --start now --shift-at 0 --seed 2 \
  --id-offset "$backlog_events" --no-model-event >>"$events" &
generator_pid=$!

# 4. The daemon. It runs in the background so that this script can forward
# Ctrl-C and SIGTERM to it as SIGTERM (its clean shutdown).
echo "driftd demo: metrics at http://127.0.0.1:$port/metrics" \
  "— try: curl -s 127.0.0.1:$port/metrics | grep driftd_events_total ; Ctrl-C to stop"
echo "driftd demo: $backlog_events events (inputs shift from event $shift_at) in $events," \
  "then $live_rate per second"
"$driftd" run --config "$config" "${listen_args[@]}" &
driftd_pid=$!
on_signal() {
  stopping=1
  kill -TERM "$driftd_pid" 2>/dev/null || true
}
trap on_signal INT TERM

if [[ -n $duration ]]; then
  end=$((SECONDS + duration))
  while ((SECONDS < end && !stopping)) && kill -0 "$driftd_pid" 2>/dev/null; do
    sleep 1
  done
  on_signal
fi

# `wait` returns early (status > 128) when a trapped signal arrives; keep
# waiting until driftd itself has exited, then report its status.
status=0
while :; do
  status=0
  wait "$driftd_pid" || status=$?
  if ((status > 128)) && kill -0 "$driftd_pid" 2>/dev/null; then
    continue
  fi
  break
done
driftd_pid=""
exit "$status"
