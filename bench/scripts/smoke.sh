#!/usr/bin/env bash
# Smoke run of the whole-path benchmarks: they start, read a tiny generated
# file and print their JSON line. Checks nothing about speed.
#   smoke.sh DRIFTD REPLAY_BENCH MEMORY_BENCH
set -euo pipefail
driftd="$1" replay="$2" memory="$3"
dir="$(mktemp -d)"
trap 'rm -rf "${dir}"' EXIT
"${driftd}" generate --model bench --numeric 16 --categorical 4 --events 500 \
  --labels 0 --no-model-event > "${dir}/events.jsonl"
for mode in read decode windows pipeline; do
  "${replay}" --input "${dir}/events.jsonl" --mode "${mode}" | grep -q '"events":500,'
done
"${memory}" --models 2 --numeric 3 --categorical 1 --rate 1 --hours 0.6 | grep -q '"summary":true'
echo "bench smoke: ok"
