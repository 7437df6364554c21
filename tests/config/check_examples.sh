#!/usr/bin/env bash
# Usage: check_examples.sh DRIFTD EXAMPLES_DIR
# Every EXAMPLES_DIR/*.toml, listed now rather than when CMake ran so that new
# examples are covered, must pass `driftd check-config` with exit status 0.
set -u
driftd=$1
dir=$2
shopt -s nullglob
files=("$dir"/*.toml)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "FAIL: no *.toml in $dir"
  exit 1
fi
failures=0
for file in "${files[@]}"; do
  if output=$("$driftd" check-config "$file" 2>&1); then
    echo "ok: $output"
  else
    echo "FAIL (exit $?): $file"
    echo "$output"
    failures=$((failures + 1))
  fi
done
echo "${#files[@]} example(s), $failures failed"
[[ $failures -eq 0 ]]
