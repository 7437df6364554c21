#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, combined broker + controller)
# on 127.0.0.1 for driftd's integration tests and demos.
#
#   scripts/kafka.sh install                       fetch Kafka from Maven Central
#   scripts/kafka.sh start DIR                     format storage, start, wait until ready
#   scripts/kafka.sh stop DIR                      SIGTERM, wait, SIGKILL after a timeout
#   scripts/kafka.sh create-topic DIR NAME PARTITIONS
#   scripts/kafka.sh bootstrap DIR                 print host:port of a started broker
#
# install copies org.apache.kafka:kafka_2.13 and its run-time dependencies
# (scripts/kafka/pom.xml) with `mvn dependency:copy-dependencies` into
# $DRIFTD_KAFKA_HOME (default ~/.cache/driftd/kafka-<version>); a marker file
# makes later runs return at once. start installs first when needed.
#
# DIR holds everything of one broker: server.properties, data/, logs/
# (server.log, stdout.log), kafka.pid and `bootstrap` (host:port). The broker
# and controller listen on free ports picked at start.
#
# Environment: DRIFTD_KAFKA_VERSION (default below), DRIFTD_KAFKA_HOME,
# DRIFTD_KAFKA_START_TIMEOUT (s, default 90), DRIFTD_KAFKA_STOP_TIMEOUT
# (s, default 30), DRIFTD_KAFKA_HEAP (default 512m), JAVA (default java),
# MVN (default mvn), KCAT (default kcat).
#
# Kafka 4.4.0 works with librdkafka 2.0.2 (Debian bookworm's, which kcat and
# driftd link): producing, consuming, consumer groups with the range
# assignor and offset commits all pass (tests/kafka/roundtrip.sh). Kafka 4.0
# removed old protocol versions (KIP-896); librdkafka 2.0.2 then only turns
# off its MsgVer1 and ThrottleTime features (message format v2 is used).
set -euo pipefail

readonly KAFKA_VERSION="${DRIFTD_KAFKA_VERSION:-4.4.0}"
readonly KAFKA_HOME="${DRIFTD_KAFKA_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/driftd/kafka-${KAFKA_VERSION}}"
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly TEMPLATE_DIR="${SCRIPT_DIR}/kafka"
readonly START_TIMEOUT="${DRIFTD_KAFKA_START_TIMEOUT:-90}"
readonly STOP_TIMEOUT="${DRIFTD_KAFKA_STOP_TIMEOUT:-30}"
readonly HEAP="${DRIFTD_KAFKA_HEAP:-512m}"
readonly JAVA="${JAVA:-java}"
readonly MVN="${MVN:-mvn}"
readonly KCAT="${KCAT:-kcat}"

die() {
  echo "kafka.sh: $*" >&2
  exit 1
}

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The marker holds the version and the pom's checksum, so editing the pom
# (another dependency, another log4j version) triggers a fresh install.
marker_content() {
  echo "kafka ${KAFKA_VERSION} pom $(sha256sum "${TEMPLATE_DIR}/pom.xml" | cut -d' ' -f1)"
}

is_installed() {
  [[ -f "${KAFKA_HOME}/.installed" ]] &&
    [[ "$(cat "${KAFKA_HOME}/.installed")" == "$(marker_content)" ]]
}

check_java() {
  command -v "${JAVA}" >/dev/null || die "java not found (Java 17 or newer is needed)"
  local version
  version=$("${JAVA}" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  [[ -n "${version}" && "${version}" -ge 17 ]] ||
    die "Kafka ${KAFKA_VERSION} needs Java 17 or newer, found: $("${JAVA}" -version 2>&1 | head -n1)"
}

cmd_install() {
  if is_installed; then
    return 0
  fi
  check_java
  command -v "${MVN}" >/dev/null || die "mvn not found (Debian package maven)"
  local parent stage
  parent=$(dirname "${KAFKA_HOME}")
  mkdir -p "${parent}"
  # Test runs of several build trees may install at the same time: one
  # installs, the others wait and then find the marker.
  exec 9>"${KAFKA_HOME}.lock"
  flock 9
  if is_installed; then
    exec 9>&-
    return 0
  fi
  echo "kafka.sh: installing Kafka ${KAFKA_VERSION} into ${KAFKA_HOME}" >&2
  # Build the class path in a fresh staging directory and move it into place
  # at the end: an interrupted install leaves no half-filled libs/ behind.
  stage=$(mktemp -d "${parent}/.kafka-install.XXXXXX")
  cp "${TEMPLATE_DIR}/pom.xml" "${stage}/pom.xml"
  if ! "${MVN}" -B -q -f "${stage}/pom.xml" \
      -Dkafka.version="${KAFKA_VERSION}" -Dkafka.libs.dir="${stage}/libs" \
      dependency:copy-dependencies >"${stage}/mvn.log" 2>&1; then
    tail -n 40 "${stage}/mvn.log" >&2
    rm -rf "${stage}"
    die "mvn dependency:copy-dependencies failed"
  fi
  [[ -f "${stage}/libs/kafka_2.13-${KAFKA_VERSION}.jar" ]] ||
    die "kafka_2.13-${KAFKA_VERSION}.jar missing after copy-dependencies (see ${stage}/mvn.log)"
  marker_content >"${stage}/.installed"
  rm -rf "${KAFKA_HOME}"
  mv "${stage}" "${KAFKA_HOME}"
  exec 9>&-
  echo "kafka.sh: installed $(ls "${KAFKA_HOME}/libs" | wc -l) jars" >&2
}

# Runs a Kafka tool class with the installed class path; logs go to stderr.
run_tool() {
  "${JAVA}" -Xmx256m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="${TEMPLATE_DIR}/tools-log4j2.properties" \
    -cp "${KAFKA_HOME}/libs/*" "$@"
}

# True when no TCP socket (any state, IPv4 or IPv6) uses local port $1.
port_is_free() {
  local hex
  hex=$(printf '%04X' "$1")
  ! awk -v hex="${hex}" 'NR > 1 { split($2, a, ":"); if (a[2] == hex) found = 1 }
                         END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Prints a free port below the kernel's ephemeral range, so outgoing
# connections cannot take it between this check and the broker's bind.
free_port() {
  local exclude="${1:-0}" port i
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + RANDOM % 12000))
    if [[ "${port}" != "${exclude}" ]] && port_is_free "${port}"; then
      echo "${port}"
      return 0
    fi
  done
  die "no free port found"
}

# A random Kafka cluster id: 16 random bytes, URL-safe base64 without padding.
random_cluster_id() {
  head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

# True while process $1 runs. A zombie counts as gone: kill -0 still succeeds
# on one, and an exited broker may stay a zombie until its parent reaps it.
process_alive() {
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n "${state}" && "${state}" != "Z" && "${state}" != "X" ]]
}

# Prints the pid of DIR's broker when it is running, else fails. Checks the
# command line too, so a recycled pid is never taken for the broker.
broker_pid() {
  local dir="$1" pid
  [[ -f "${dir}/kafka.pid" ]] || return 1
  pid=$(cat "${dir}/kafka.pid")
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  process_alive "${pid}" || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF "${dir}/server.properties" || return 1
  echo "${pid}"
}

show_log_tail() {
  local dir="$1" f
  for f in "${dir}/logs/stdout.log" "${dir}/logs/server.log"; do
    if [[ -s "${f}" ]]; then
      echo "---- last lines of ${f}" >&2
      tail -n 40 "${f}" >&2
    fi
  done
}

cmd_start() {
  local dir
  [[ $# -eq 1 ]] || usage
  mkdir -p "$1"
  dir=$(cd "$1" && pwd)
  if broker_pid "${dir}" >/dev/null; then
    die "a broker is already running in ${dir} (pid $(cat "${dir}/kafka.pid"))"
  fi
  cmd_install
  check_java
  command -v "${KCAT}" >/dev/null || die "kcat not found (Debian package kcat)"

  # Every start is a fresh, empty cluster.
  rm -rf "${dir}/data" "${dir}/logs" "${dir}/kafka.pid" "${dir}/bootstrap"
  mkdir -p "${dir}/data" "${dir}/logs"
  local broker_port controller_port
  broker_port=$(free_port)
  controller_port=$(free_port "${broker_port}")
  sed -e "s|@BROKER_PORT@|${broker_port}|g" \
      -e "s|@CONTROLLER_PORT@|${controller_port}|g" \
      -e "s|@DATA_DIR@|${dir}/data|g" \
      "${TEMPLATE_DIR}/server.properties.in" >"${dir}/server.properties"

  local started=${SECONDS}
  if ! run_tool kafka.tools.StorageTool format --standalone \
      --cluster-id "$(random_cluster_id)" --config "${dir}/server.properties" \
      >"${dir}/logs/format.log" 2>&1; then
    cat "${dir}/logs/format.log" >&2
    die "formatting KRaft storage in ${dir}/data failed"
  fi

  # setsid + closed stdio: the broker outlives this script and holds no pipe
  # of the caller (ctest waits for its test's output pipes to close).
  setsid "${JAVA}" -Xms128m -Xmx"${HEAP}" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dkafka.logs.dir="${dir}/logs" \
    -Dlog4j2.configurationFile="${TEMPLATE_DIR}/log4j2.properties" \
    -cp "${KAFKA_HOME}/libs/*" kafka.Kafka "${dir}/server.properties" \
    </dev/null >"${dir}/logs/stdout.log" 2>&1 &
  local pid=$!
  echo "${pid}" >"${dir}/kafka.pid"

  # Ready = the broker answers a metadata request from librdkafka and lists
  # itself. That is also what the driftd consumer will need first.
  local deadline=$((SECONDS + START_TIMEOUT))
  while true; do
    if ! process_alive "${pid}"; then
      show_log_tail "${dir}"
      rm -f "${dir}/kafka.pid"
      die "the broker exited during start-up"
    fi
    if "${KCAT}" -b "127.0.0.1:${broker_port}" -L -m 2 2>/dev/null |
        grep -q "broker 1 at 127.0.0.1:${broker_port}"; then
      break
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "${dir}"
      kill -KILL "${pid}" 2>/dev/null || true
      wait "${pid}" 2>/dev/null || true
      rm -f "${dir}/kafka.pid"
      die "the broker did not accept requests within ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  echo "127.0.0.1:${broker_port}" >"${dir}/bootstrap"
  echo "kafka.sh: Kafka ${KAFKA_VERSION} ready at 127.0.0.1:${broker_port}" \
       "(pid ${pid}, $((SECONDS - started))s)" >&2
}

cmd_stop() {
  local dir pid
  [[ $# -eq 1 ]] || usage
  [[ -d "$1" ]] || die "no such directory: $1"
  dir=$(cd "$1" && pwd)
  if ! pid=$(broker_pid "${dir}"); then
    echo "kafka.sh: no broker running in ${dir}" >&2
    rm -f "${dir}/kafka.pid" "${dir}/bootstrap"
    return 0
  fi
  # SIGTERM runs Kafka's controlled shutdown (logs flushed, clean-shutdown
  # marker written); the broker is not our child, so poll for its exit.
  kill -TERM "${pid}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while process_alive "${pid}" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if process_alive "${pid}"; then
    echo "kafka.sh: broker ${pid} still running after ${STOP_TIMEOUT}s, sending SIGKILL" >&2
    kill -KILL "${pid}" 2>/dev/null || true
    while process_alive "${pid}"; do sleep 0.1; done
    rm -f "${dir}/kafka.pid" "${dir}/bootstrap"
    return 1
  fi
  rm -f "${dir}/kafka.pid" "${dir}/bootstrap"
  echo "kafka.sh: broker ${pid} stopped" >&2
}

cmd_bootstrap() {
  local dir
  [[ $# -eq 1 ]] || usage
  dir=$(cd "$1" && pwd)
  broker_pid "${dir}" >/dev/null || die "no broker running in ${dir}"
  cat "${dir}/bootstrap"
}

cmd_create_topic() {
  [[ $# -eq 3 ]] || usage
  local dir="$1" name="$2" partitions="$3" bootstrap
  [[ "${partitions}" =~ ^[1-9][0-9]*$ ]] || die "partitions must be a positive number: ${partitions}"
  bootstrap=$(cmd_bootstrap "${dir}")
  is_installed || die "Kafka ${KAFKA_VERSION} is not installed"
  run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "${bootstrap}" \
    --create --topic "${name}" --partitions "${partitions}" --replication-factor 1 >&2
  # CreateTopics returns before every partition has a leader; wait until the
  # metadata shows them all, so the caller can produce at once.
  local deadline=$((SECONDS + 30)) led
  while true; do
    led=$("${KCAT}" -b "${bootstrap}" -L -t "${name}" -m 2 2>/dev/null |
          grep -c 'partition [0-9]*, leader 1,' || true)
    if [[ "${led}" -eq "${partitions}" ]]; then
      return 0
    fi
    ((SECONDS < deadline)) || die "topic ${name}: ${led}/${partitions} partitions have a leader after 30s"
    sleep 0.2
  done
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd="$1"
  shift
  case "${cmd}" in
    install) [[ $# -eq 0 ]] || usage; cmd_install ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    bootstrap) cmd_bootstrap "$@" ;;
    create-topic) cmd_create_topic "$@" ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
