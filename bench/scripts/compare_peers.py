#!/usr/bin/env python3
"""Peer side of bench/scripts/compare_peers.sh: generates the synthetic table,
runs one peer (Evidently, NannyML, scipy) on one dataset, normalizes driftd's
report, and builds the side-by-side table.

Runs in the peers' virtualenv (bench/scripts/peer_venv.sh), never in CI.

  compare_peers.py gen-table OUT_DIR ROWS               reference.csv + current.csv
  compare_peers.py evidently|nannyml|scipy SPEC OUT     one peer run, results as JSON
  compare_peers.py driftd REPORT_JSON OUT               driftd's JSON report, normalized
  compare_peers.py table RESULTS_DIR                    markdown table on stdout

SPEC is a JSON file: {"reference": path, "current": path, "numeric": [...],
"categorical": [...]}. Each result file holds {"columns": {name: {"test",
"statistic", "p_value", "drifted"}}}.
"""
import json
import math
import os
import sys


def load_spec(path):
    with open(path) as f:
        return json.load(f)


def read_frames(spec, categorical_dtype=str):
    import pandas as pd
    cols = spec["numeric"] + spec["categorical"]
    dtypes = {c: categorical_dtype for c in spec["categorical"]}
    ref = pd.read_csv(spec["reference"], usecols=cols, dtype=dtypes)
    cur = pd.read_csv(spec["current"], usecols=cols, dtype=dtypes)
    return ref, cur


def write(out, columns, extra=None):
    doc = {"columns": columns}
    if extra:
        doc.update(extra)
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, default=float)


def num(x):
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


# ---------------------------------------------------------------- generators
def gen_table(out_dir, rows):
    """1,000,000 x 50 by default: 40 numeric and 10 categorical columns; in
    the current table 10 numeric columns move by 0.1-0.5 sd and 2
    categorical ones change their frequencies."""
    import numpy as np
    import pandas as pd
    os.makedirs(out_dir, exist_ok=True)
    for name, seed, shifted in (("reference", 1, False), ("current", 2, True)):
        rng = np.random.default_rng(seed)
        data = {}
        for i in range(40):
            shift = 0.1 * (1 + i % 5) if shifted and i % 4 == 0 else 0.0
            sd = 1.0 + i % 3
            data[f"num_{i}"] = np.round(rng.normal(10.0 * (i % 5) + shift * sd, sd, rows), 4)
        for j in range(10):
            k = 3 + j % 6
            weights = np.arange(k, 0, -1, dtype=float)
            if shifted and j < 2:
                weights = weights[::-1]
            cats = np.array([f"c{c}" for c in range(k)])
            data[f"cat_{j}"] = cats[rng.choice(k, rows, p=weights / weights.sum())]
        pd.DataFrame(data).to_csv(os.path.join(out_dir, f"{name}.csv"), index=False)
    spec = {"reference": os.path.join(out_dir, "reference.csv"),
            "current": os.path.join(out_dir, "current.csv"),
            "numeric": [f"num_{i}" for i in range(40)],
            "categorical": [f"cat_{j}" for j in range(10)]}
    with open(os.path.join(out_dir, "spec.json"), "w") as f:
        json.dump(spec, f)


# --------------------------------------------------------------------- peers
EVIDENTLY_METHODS = {
    "K-S p_value": "ks", "Wasserstein distance (normed)": "wasserstein",
    "Jensen-Shannon distance": "jensenshannon", "chi-square p_value": "chisquare",
    "Z-test p_value": "ztest", "PSI": "psi",
}


def run_evidently(spec, out):
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset
    ref, cur = read_frames(spec)
    definition = DataDefinition(numerical_columns=spec["numeric"],
                                categorical_columns=spec["categorical"])
    snapshot = Report([DataDriftPreset()]).run(
        current_data=Dataset.from_pandas(cur, data_definition=definition),
        reference_data=Dataset.from_pandas(ref, data_definition=definition))
    columns = {}
    for metric in snapshot.dict()["metrics"]:
        config = metric.get("config", {})
        if not config.get("type", "").endswith(":ValueDrift"):
            continue
        name, method, threshold = config["column"], config["method"], float(config["threshold"])
        test = EVIDENTLY_METHODS.get(method, method)
        value = float(metric["value"])
        p_test = test in ("ks", "chisquare", "ztest")
        columns[name] = {"test": test, "statistic": None if p_test else value,
                         "p_value": value if p_test else None,
                         "drifted": value < threshold if p_test else value >= threshold}
    write(out, columns)


def run_nannyml(spec, out):
    import nannyml as nml
    # NannyML's chi2 needs pandas categories for its categorical columns.
    ref, cur = read_frames(spec, "category")
    # NannyML's default method (Jensen-Shannon, base 2, Doane bins for
    # continuous columns), as driftd's nannyml preset; one chunk of the whole
    # current table: the same question driftd answers.
    calc = nml.UnivariateDriftCalculator(
        column_names=spec["numeric"] + spec["categorical"],
        treat_as_categorical=spec["categorical"],
        continuous_methods=["jensen_shannon"], categorical_methods=["jensen_shannon"],
        chunk_number=1)
    calc.fit(ref)
    result = calc.calculate(cur).filter(period="analysis").to_df()
    columns = {}
    for name in spec["numeric"] + spec["categorical"]:
        method = "jensen_shannon"
        stat = result[(name, method, "value")].iloc[-1]
        alert = result[(name, method, "alert")].iloc[-1]
        columns[name] = {"test": "jensenshannon",
                         "statistic": num(stat), "p_value": None, "drifted": bool(alert)}
    write(out, columns)


def run_scipy(spec, out):
    import numpy as np
    from scipy import stats
    ref, cur = read_frames(spec)
    columns = {}
    for name in spec["numeric"]:
        a, b = ref[name].dropna().to_numpy(float), cur[name].dropna().to_numpy(float)
        r = stats.ks_2samp(a, b)
        columns[name] = {"test": "ks", "statistic": float(r.statistic), "p_value": float(r.pvalue),
                         "drifted": bool(r.pvalue < 0.05),
                         "wasserstein": float(stats.wasserstein_distance(a, b))}
    for name in spec["categorical"]:
        a, b = ref[name].dropna(), cur[name].dropna()
        cats = sorted(set(a.unique()) | set(b.unique()))
        table = np.array([[int((a == c).sum()) for c in cats], [int((b == c).sum()) for c in cats]])
        r = stats.chi2_contingency(table)
        columns[name] = {"test": "chisquare_contingency", "statistic": float(r.statistic),
                         "p_value": float(r.pvalue), "drifted": bool(r.pvalue < 0.05)}
    write(out, columns)


def normalize_driftd(report_json, out):
    with open(report_json) as f:
        report = json.load(f)
    columns = {}
    for c in report["columns"]:
        columns[c["name"]] = {"test": c.get("test"), "statistic": num(c.get("statistic")),
                              "p_value": num(c.get("p_value")), "drifted": bool(c.get("drifted")),
                              "mode": c.get("mode")}
    write(out, columns)


# --------------------------------------------------------------------- table
def agreement(peer, driftd, key):
    """(columns with the same test, of them those where both give `key`,
    of those the ones equal to 1e-9 relative, the largest relative
    difference, verdicts that agree)."""
    n = same = verdicts = compared = 0
    worst = 0.0
    for name, p in peer["columns"].items():
        d = driftd["columns"].get(name)
        if d is None or p.get("test") != d.get("test"):
            continue
        n += 1
        verdicts += p["drifted"] == d["drifted"]
        a, b = p.get(key), d.get(key)
        if a is None or b is None:
            continue
        compared += 1
        rel = abs(a - b) / max(abs(a), abs(b), 1e-300) if a != b else 0.0
        worst = max(worst, rel)
        same += rel <= 1e-9
    return n, compared, same, worst, verdicts


def table(results_dir):
    with open(os.path.join(results_dir, "runs.json")) as f:
        runs = json.load(f)  # [{"dataset", "tool", "wall_s", "peak_rss_kb", "result"}]
    datasets = []
    for r in runs:
        if r["dataset"] not in datasets:
            datasets.append(r["dataset"])
    print("| dataset | tool | wall s | CPU s | peak RSS MB | speed-up of driftd (wall) | results vs driftd |")
    print("|---|---|---:|---:|---:|---:|---|")
    pairs = {"evidently": ("driftd --preset evidently", "p_value"),
             "nannyml": ("driftd --preset nannyml", "statistic"),
             "scipy": ("driftd --test ks", "statistic")}
    for ds in datasets:
        rows = {r["tool"]: r for r in runs if r["dataset"] == ds}
        for tool, r in rows.items():
            speed = cmp = ""
            if tool in pairs and pairs[tool][0] in rows and r.get("ok"):
                d = rows[pairs[tool][0]]
                speed = f"{r['wall_s'] / max(d['wall_s'], 1e-9):.1f}x"
                try:
                    with open(r["result"]) as f:
                        peer = json.load(f)
                    with open(d["result"]) as f:
                        mine = json.load(f)
                    parts = []
                    for key in ("statistic", "p_value"):
                        n, compared, same, worst, verdicts = agreement(peer, mine, key)
                        if compared:
                            parts.append(f"{key}: {same}/{compared} equal to 1e-9 rel, "
                                         f"max rel diff {worst:.2g}")
                    parts.append(f"verdicts agree {verdicts}/{n}")
                    cmp = "; ".join(parts)
                except (OSError, ValueError, KeyError) as e:
                    cmp = f"not compared ({e})"
            status = "" if r.get("ok") else " (failed)"
            cpu = f"{r['cpu_s']:.2f}" if "cpu_s" in r else ""
            print(f"| {ds} | {tool}{status} | {r['wall_s']:.2f} | {cpu} | {r['peak_rss_kb'] / 1024:.0f} "
                  f"| {speed} | {cmp} |")


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "gen-table":
        gen_table(argv[2], int(argv[3]))
    elif cmd == "evidently":
        run_evidently(load_spec(argv[2]), argv[3])
    elif cmd == "nannyml":
        run_nannyml(load_spec(argv[2]), argv[3])
    elif cmd == "scipy":
        run_scipy(load_spec(argv[2]), argv[3])
    elif cmd == "driftd":
        normalize_driftd(argv[2], argv[3])
    elif cmd == "table":
        table(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
