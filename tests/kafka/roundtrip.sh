#!/usr/bin/env bash
# Smoke test of the test broker with librdkafka's kcat (the same librdkafka
# that driftd links): create a 3-partition topic, produce 1000 keyed
# messages, read them back once by partition and once through a consumer
# group with the range assignor, and compare with what was sent; then check
# that the group resumes from its committed offsets.
#
# usage: roundtrip.sh KAFKA_SH BROKER_DIR
set -euo pipefail

kafka_sh="$1"
dir="$2"
readonly kCount=1000
readonly kPartitions=3

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

bootstrap=$("${kafka_sh}" bootstrap "${dir}")
topic="roundtrip-$$-${RANDOM}"
work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT

"${kafka_sh}" create-topic "${dir}" "${topic}" "${kPartitions}"

# Distinct keys spread the messages over all three partitions.
for ((i = 1; i <= kCount; i++)); do
  echo "key-${i}:value-${i}"
done >"${work}/sent"
kcat -b "${bootstrap}" -t "${topic}" -P -K: -X acks=all -l "${work}/sent" ||
  fail "kcat producer failed"

# 1. Plain consumer: every partition from the beginning to its end.
kcat -b "${bootstrap}" -t "${topic}" -C -o beginning -e -q -f '%p %k:%s\n' \
  >"${work}/by_partition" || fail "kcat consumer failed"
received=$(wc -l <"${work}/by_partition")
[[ "${received}" -eq "${kCount}" ]] ||
  fail "consumed ${received} messages, produced ${kCount}"
cut -d' ' -f2 "${work}/by_partition" | sort >"${work}/got"
sort "${work}/sent" >"${work}/want"
cmp -s "${work}/got" "${work}/want" ||
  fail "consumed messages differ from the produced ones: $(diff "${work}/want" "${work}/got" | head -n 5)"
for ((p = 0; p < kPartitions; p++)); do
  n=$(grep -c "^${p} " "${work}/by_partition" || true)
  ((n > 0)) || fail "partition ${p} received no message"
  echo "partition ${p}: ${n} messages"
done

# 2. Consumer group (JoinGroup/SyncGroup, range assignor, offset commit):
#    the path driftd's consumer takes.
kcat -b "${bootstrap}" -G "${topic}-group" -X partition.assignment.strategy=range \
  -X auto.offset.reset=earliest -e -q -f '%k:%s\n' "${topic}" >"${work}/by_group" ||
  fail "kcat group consumer failed"
sort "${work}/by_group" >"${work}/got_group"
cmp -s "${work}/got_group" "${work}/want" ||
  fail "group consumer got $(wc -l <"${work}/by_group") messages, produced ${kCount}"

# 3. The group committed its offsets when it left: a new member of the same
#    group resumes there and reads only what was produced since.
for ((i = 1; i <= 10; i++)); do
  echo "late-${i}:late-value-${i}"
done >"${work}/late"
kcat -b "${bootstrap}" -t "${topic}" -P -K: -X acks=all -l "${work}/late" ||
  fail "kcat producer failed (late messages)"
kcat -b "${bootstrap}" -G "${topic}-group" -X partition.assignment.strategy=range \
  -X auto.offset.reset=earliest -e -q -f '%k:%s\n' "${topic}" >"${work}/resumed" ||
  fail "kcat group consumer failed (resume)"
sort "${work}/resumed" >"${work}/got_resumed"
sort "${work}/late" >"${work}/want_resumed"
cmp -s "${work}/got_resumed" "${work}/want_resumed" ||
  fail "resumed group got $(wc -l <"${work}/resumed") messages, expected the 10 late ones"

echo "roundtrip: ${kCount} messages over ${kPartitions} partitions, by partition," \
     "by group, and resumed from committed offsets"
