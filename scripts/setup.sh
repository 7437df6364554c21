#!/usr/bin/env bash
# Installs every Debian package driftd's build, tests and demo need.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates jq
  librdkafka-dev libboost1.81-dev libboost-json1.81-dev libssl-dev
  prometheus-cpp-dev libeigen3-dev libtomlplusplus-dev libsimdjson-dev
  libsystemd-dev systemd googletest libgtest-dev libgmock-dev libbenchmark-dev
  prometheus prometheus-alertmanager kcat maven openjdk-17-jre-headless python3
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Packaged services (prometheus, alertmanager) must not be started by their
# maintainer scripts: tests start their own instances on loopback.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
trap '[[ $created_policy == 1 ]] && $SUDO rm -f "$policy"' EXIT
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
