#!/usr/bin/env bash
# Side-by-side drift reports: `driftd report` against Evidently
# (DataDriftPreset), NannyML (UnivariateDriftCalculator) and scipy on the same
# files, with wall time, CPU time (user + system) and peak resident memory of
# each run (/usr/bin/time).
# Never run in CI: the peers live in a virtualenv this script creates.
#
#   bench/scripts/compare_peers.sh DRIFTD [WORK_DIR]
#
# DRIFTD is the driftd binary (a RelWithDebInfo or Release build). WORK_DIR
# (default /tmp/driftd-bench/peers) receives the generated table, every
# result and runs.json; the markdown table is printed at the end and saved as
# WORK_DIR/table.md. Environment: DRIFTD_BENCH_VENV (virtualenv),
# DRIFTD_SHARED_DATA (default: ../shared/data beside the repository),
# BENCH_ROWS (rows of the generated table, default 1000000), DRIFTD_RUNS
# (driftd runs per configuration, median kept; default 5), PEERS (default
# "evidently nannyml scipy"; empty: driftd only).
set -euo pipefail
driftd="$(realpath "$1")"
work="${2:-/tmp/driftd-bench/peers}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
data="${DRIFTD_SHARED_DATA:-${repo}/../shared/data}"
venv="${DRIFTD_BENCH_VENV:-${HOME}/.cache/driftd/bench-venv}"
rows="${BENCH_ROWS:-1000000}"
runs="${DRIFTD_RUNS:-5}"
peers="${PEERS-evidently nannyml scipy}"
mkdir -p "${work}"
"${here}/peer_venv.sh" "${venv}" >/dev/null
py="${venv}/bin/python"
script="${here}/compare_peers.py"
# Peers' BLAS threads: one (pandas and the peers' Python code run on one
# core). driftd reads the two files and evaluates columns on up to two
# threads on this 2-core machine; the CPU column shows the work either way.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

# Dataset specs: files, and which columns are numeric / categorical.
cat > "${work}/car_loan.json" <<JSON
{"reference": "${data}/nannyml_car_loan/reference_synthetic_car_loan.csv",
 "current": "${data}/nannyml_car_loan/monitoring_synthetic_car_loan.csv",
 "numeric": ["car_value", "debt_to_income_ratio", "loan_length", "driver_tenure"],
 "categorical": ["salary_range", "repaid_loan_on_prev_car", "size_of_downpayment"]}
JSON
cat > "${work}/census.json" <<JSON
{"reference": "${data}/census_employment_ma/employment_MA_reference.csv",
 "current": "${data}/census_employment_ma/employment_MA_analysis.csv",
 "numeric": ["AGEP", "SCHL"],
 "categorical": ["MAR", "RELP", "DIS", "ESP", "CIT", "MIG", "MIL", "ANC", "NATIVITY",
                 "DEAR", "DEYE", "DREM", "SEX", "RAC1P"]}
JSON
table_dir="${work}/table_${rows}"
if [[ ! -f "${table_dir}/spec.json" ]]; then
  echo "generating ${rows} x 50 table in ${table_dir}" >&2
  "${py}" "${script}" gen-table "${table_dir}" "${rows}"
fi
cp "${table_dir}/spec.json" "${work}/table_${rows}.json"

runs_json="${work}/runs.jsonl"
: > "${runs_json}"
# record DATASET TOOL OK RESULT TIMEFILE...: the median wall and CPU times of
# the TIMEFILEs and the largest peak RSS.
record() {
  local dataset="$1" tool="$2" ok="$3" result="$4"
  shift 4
  "${py}" - "$dataset" "$tool" "$ok" "$result" "$@" >> "${runs_json}" <<'PY'
import json, statistics, sys
dataset, tool, ok, result, *files = sys.argv[1:]
walls, cpus, peaks = [], [], []
for f in files:
    wall, user, system, peak = open(f).read().split()[-4:]
    walls.append(float(wall)); cpus.append(float(user) + float(system)); peaks.append(int(peak))
print(json.dumps({"dataset": dataset, "tool": tool, "ok": ok == "1", "result": result,
                  "wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus),
                  "peak_rss_kb": max(peaks), "wall_runs": walls}))
PY
}

spec_field() { "${py}" -c "import json,sys; print(','.join(json.load(open(sys.argv[1]))[sys.argv[2]]))" "$1" "$2"; }
spec_path() { "${py}" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

for dataset in car_loan census "table_${rows}"; do
  spec="${work}/${dataset}.json"
  ref="$(spec_path "${spec}" reference)"
  cur="$(spec_path "${spec}" current)"
  numeric="$(spec_field "${spec}" numeric)"
  categorical="$(spec_field "${spec}" categorical)"
  for variant in "evidently:--preset evidently" "nannyml:--preset nannyml" "ks:--test ks"; do
    name="${variant%%:*}"
    args=(${variant#*:})
    columns="${numeric},${categorical}"
    extra=(--categorical "${categorical}")
    if [[ "${name}" == ks ]]; then columns="${numeric}"; extra=(); fi
    label="driftd ${args[*]}"
    out="${work}/${dataset}.driftd-${name}.json"
    files=()
    ok=1
    for ((i = 0; i < runs; ++i)); do
      t="${work}/${dataset}.driftd-${name}.time${i}"
      if ! /usr/bin/time -f '%e %U %S %M' -o "${t}" "${driftd}" report --reference "${ref}" \
          --current "${cur}" --columns "${columns}" "${extra[@]}" "${args[@]}" --format json \
          > "${out}.raw" 2> "${out}.err"; then
        ok=0
      fi
      files+=("${t}")
    done
    if [[ ${ok} == 1 ]]; then "${py}" "${script}" driftd "${out}.raw" "${out}" || ok=0; fi
    record "${dataset}" "${label}" "${ok}" "${out}" "${files[@]}"
    echo "${dataset}: ${label}: $(tail -1 "${runs_json}")" >&2
  done
  for peer in ${peers}; do
    out="${work}/${dataset}.${peer}.json"
    t="${work}/${dataset}.${peer}.time"
    ok=1
    /usr/bin/time -f '%e %U %S %M' -o "${t}" "${py}" "${script}" "${peer}" "${spec}" "${out}" \
      2> "${out}.err" || ok=0
    record "${dataset}" "${peer}" "${ok}" "${out}" "${t}"
    echo "${dataset}: ${peer}: $(tail -1 "${runs_json}")" >&2
  done
done
"${py}" -c "import json,sys; print(json.dumps([json.loads(l) for l in open(sys.argv[1])]))" \
  "${runs_json}" > "${work}/runs.json"
"${py}" "${script}" table "${work}" | tee "${work}/table.md"
