#!/usr/bin/env bash
# Usage: check_bad_config.sh DRIFTD BAD_TOML
# `driftd check-config BAD_TOML` must exit 2 and print, on stderr, every
# expected "file:line:col: key.path: message" line below.
set -u
driftd=$1
bad=$2
stderr=$(mktemp)
trap 'rm -f "$stderr"' EXIT

"$driftd" check-config "$bad" >/dev/null 2>"$stderr"
status=$?
failures=0
if [[ $status -ne 2 ]]; then
  echo "FAIL: expected exit status 2, got $status"
  failures=$((failures + 1))
fi

expected=(
  "$bad:5:1: daemon.evaluation_intervall: unknown key (did you mean evaluation_interval?)"
  "$bad:6:13: daemon.log_level: expected one of \"debug\", \"info\", \"warn\", \"error\", got \"loud\""
  "$bad:9:10: http.listen: invalid address \"127.0.0.1\": expected \"host:port\""
  "$bad:11:1: source.topics: a kafka source needs at least one topic"
  "$bad:14:1: sinks[0]: url is required for sink type \"alertmanager\""
  "$bad:18:10: models.fraud.window: expected a duration string like \"15s\", got integer"
  "$bad:19:13: models.fraud.reference: path is required for reference type \"baseline\""
  "$bad:22:55: models.fraud.features.amount.threshold: expected a number, got string"
  "$bad:23:42: models.fraud.features.country.test: test \"ks\" needs numeric values;"
  "$bad:26:9: models.fraud.windows.panes: must be between 1 and 10000, got 0"
  "$bad:28:15: alerts.rules.FeatureDrfit: unknown alert \"FeatureDrfit\" (did you mean FeatureDrift?)"
)
for line in "${expected[@]}"; do
  if ! grep -qF -- "$line" "$stderr"; then
    echo "FAIL: missing error line: $line"
    failures=$((failures + 1))
  fi
done
# Errors are reported in file order, each on its own line.
count=$(grep -c "^$bad:[0-9]*:[0-9]*: " "$stderr")
if [[ $count -ne ${#expected[@]} ]]; then
  echo "FAIL: expected ${#expected[@]} error lines, got $count"
  failures=$((failures + 1))
fi
if ! grep "^$bad:[0-9]*:" "$stderr" | cut -d: -f2 | sort -n -c; then
  echo "FAIL: errors are not sorted by line"
  failures=$((failures + 1))
fi

if [[ $failures -ne 0 ]]; then
  echo "--- stderr of driftd check-config $bad:"
  cat "$stderr"
  exit 1
fi
echo "ok: $bad gave exit status 2 and ${#expected[@]} located errors"
