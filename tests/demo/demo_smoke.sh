#!/usr/bin/env bash
# demo_smoke: runs `scripts/demo.sh --duration 20` against the build
# directory of the tests, then checks that
#   * /metrics answers and driftd_events_total{model="demo",kind="prediction"}
#     grows between two scrapes (the live generator keeps appending),
#   * the whole 20000-event backlog is read while the demo runs,
#   * the demo prints its banner and stops cleanly (exit status 0).
# Usage: demo_smoke.sh REPO_DIR BUILD_DIR
set -euo pipefail

repo=$1
build_dir=$2
work=$(mktemp -d /tmp/driftd-demo-smoke.XXXXXX)
demo_pid=""
cleanup() {
  if [[ -n $demo_pid ]] && kill -0 "$demo_pid" 2>/dev/null; then
    kill -TERM "$demo_pid" 2>/dev/null || true
    wait "$demo_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "demo_smoke: FAIL: $*" >&2
  echo "--- demo.sh output ---" >&2
  cat "$work/demo.log" >&2 || true
  exit 1
}

# A free port: random in 20000-39999 where a connection is refused.
port=""
for _ in $(seq 50); do
  candidate=$((20000 + RANDOM % 20000))
  if ! (: <"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port=$candidate
    break
  fi
done
[[ -n $port ]] || fail "no free port found"

DRIFTD_BUILD_DIR=$build_dir DRIFTD_DEMO_DIR=$work/demo DRIFTD_DEMO_PORT=$port \
  "$repo/scripts/demo.sh" --duration 20 >"$work/demo.log" 2>&1 &
demo_pid=$!

# The value of driftd_events_total{model="demo",kind="prediction"} (label
# order is the exporter's), or nothing when the endpoint does not answer.
predictions() {
  curl -sf --max-time 2 "http://127.0.0.1:$port/metrics" |
    awk '/^driftd_events_total\{/ && /model="demo"/ && /kind="prediction"/ { print $2 }'
}

# Wait for the daemon to serve metrics with a non-zero count (the build
# step is a no-op when driftd is up to date, generation takes a second).
first=""
for _ in $(seq 240); do
  kill -0 "$demo_pid" 2>/dev/null || fail "demo.sh exited before /metrics answered"
  first=$(predictions || true)
  if [[ -n $first ]] && awk -v v="$first" 'BEGIN { exit !(v > 0) }'; then break; fi
  first=""
  sleep 0.5
done
[[ -n $first ]] || fail "no driftd_events_total{model=\"demo\",kind=\"prediction\"} on :$port"

sleep 3
second=$(predictions || true)
[[ -n $second ]] || fail "second scrape failed"
awk -v a="$first" -v b="$second" 'BEGIN { exit !(b > a) }' ||
  fail "prediction count did not grow: $first then $second"
echo "demo_smoke: predictions $first -> $second"

# The backlog is 20000 predictions; the live generator adds 50 per second.
latest=$second
while kill -0 "$demo_pid" 2>/dev/null; do
  latest=$(predictions || echo "$latest")
  awk -v v="$latest" 'BEGIN { exit !(v >= 20000) }' && break
  sleep 1
done
awk -v v="$latest" 'BEGIN { exit !(v >= 20000) }' ||
  fail "backlog not fully read: $latest predictions counted"

status=0
wait "$demo_pid" || status=$?
demo_pid=""
((status == 0)) || fail "demo.sh exited with status $status"
grep -q "driftd demo: metrics at http://127.0.0.1:$port/metrics" "$work/demo.log" ||
  fail "banner missing"
echo "demo_smoke: ok"
