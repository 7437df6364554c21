#!/usr/bin/env bash
# driftd on Kafka in one command: installs the Debian packages, builds driftd
# (Release, Ninja), starts a local single-node Kafka broker (scripts/kafka.sh,
# Kafka from Maven Central), writes a backlog of example traffic into a
# 3-partition topic, keeps producing live events at 50 per second, and runs
# the daemon on examples/demo.toml with its source switched to that topic.
#
#   scripts/demo-kafka.sh                  # until Ctrl-C
#   scripts/demo-kafka.sh --duration 60    # stop cleanly after 60 seconds
#
# Environment:
#   DRIFTD_BUILD_DIR   build directory (default: <repo>/build/release)
#   DRIFTD_DEMO_DIR    broker, config and daemon state (default /tmp/driftd-kafka-demo)
#   DRIFTD_DEMO_PORT   HTTP port on 127.0.0.1 (default: the config's 7461)
#
# Re-runnable: each run starts a fresh broker and an empty state dir. Stop
# the daemon and start it again by hand (the printed command) to see it
# resume from its checkpoint. Exit status: driftd's, 2 on a usage error.
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
    *) echo "demo-kafka.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [[ -n $duration && ! $duration =~ ^[1-9][0-9]*$ ]]; then
  echo "demo-kafka.sh: --duration takes a whole number of seconds, got \"$duration\"" >&2
  exit 2
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${DRIFTD_BUILD_DIR:-$repo/build/release}
demo_dir=${DRIFTD_DEMO_DIR:-/tmp/driftd-kafka-demo}
port=${DRIFTD_DEMO_PORT:-7461}
topic=ml.predictions
group=driftd-demo
kafka_sh=$repo/scripts/kafka.sh

backlog_events=20000
backlog_interval_ms=100
shift_at=12000
live_rate=50

# 1. Packages and build.
"$repo/scripts/setup.sh"
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DDRIFTD_BUILD_TESTS=OFF
fi
cmake --build "$build_dir" --target driftd
driftd=$build_dir/daemon/driftd

# 2. A fresh broker and topic.
mkdir -p "$demo_dir"
rm -rf "$demo_dir/state"
"$kafka_sh" stop "$demo_dir/broker" 2>/dev/null || true
"$kafka_sh" start "$demo_dir/broker"
bootstrap=$("$kafka_sh" bootstrap "$demo_dir/broker")
"$kafka_sh" create-topic "$demo_dir/broker" "$topic" 3

# 3. The demo config with a Kafka source instead of the file.
config=$demo_dir/demo-kafka.toml
awk -v state="$demo_dir/state" -v brokers="$bootstrap" -v topic="$topic" -v group="$group" '
  /^\[source\]/ {
    print "[source]"
    print "type = \"kafka\""
    print "brokers = \"" brokers "\""
    print "group_id = \"" group "\""
    print "topics = [\"" topic "\"]"
    print "statistics_interval = \"5s\"      # driftd_kafka_consumer_lag refresh"
    skipping = 1
    next
  }
  skipping && /^$/ { skipping = 0 }
  skipping { next }
  /^state_dir/ { print "state_dir = \"" state "\""; next }
  { print }
' "$repo/examples/demo.toml" >"$config"

producer_pid=""
driftd_pid=""
stopping=0
cleanup() {
  if [[ -n $driftd_pid ]] && kill -0 "$driftd_pid" 2>/dev/null; then
    kill -TERM "$driftd_pid" 2>/dev/null || true
    wait "$driftd_pid" 2>/dev/null || true
  fi
  if [[ -n $producer_pid ]]; then
    kill -TERM "$producer_pid" 2>/dev/null || true
    wait "$producer_pid" 2>/dev/null || true
  fi
  "$kafka_sh" stop "$demo_dir/broker" || true
}
trap cleanup EXIT

# 4. Backlog, then live traffic, keyed by model so that one model's events
# stay in one partition, in order.
now=$(date +%s)
backlog_start=$(date -u -d "@$((now - backlog_events * backlog_interval_ms / 1000))" \
  +%Y-%m-%dT%H:%M:%SZ)
"$driftd" generate --events "$backlog_events" --interval "${backlog_interval_ms}ms" \
  --start "$backlog_start" --shift-at "$shift_at" |
  sed 's/^/demo\t/' | kcat -P -b "$bootstrap" -t "$topic" -K $'\t'
("$driftd" generate --events 0 --rate "$live_rate" --start now --shift-at 0 --seed 2 \
   --id-offset "$backlog_events" --no-model-event |
   sed -u 's/^/demo\t/' | kcat -P -b "$bootstrap" -t "$topic" -K $'\t' -X linger.ms=50) &
producer_pid=$!

listen_args=()
if [[ -n ${DRIFTD_DEMO_PORT:-} ]]; then
  listen_args=(--listen "127.0.0.1:$port")
fi
echo "driftd kafka demo: broker $bootstrap, topic $topic (3 partitions), group $group"
echo "driftd kafka demo: metrics at http://127.0.0.1:$port/metrics — try:" \
  "curl -s 127.0.0.1:$port/metrics | grep -E 'driftd_kafka|driftd_checkpoint' ; Ctrl-C to stop"
echo "driftd kafka demo: the daemon is: $driftd run --config $config ${listen_args[*]}"
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
