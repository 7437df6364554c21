#!/usr/bin/env python3
"""ML Test Score integration test: the car-loan replay through `driftd run`.

Builds JSONL events from ../shared/data/nannyml_car_loan (car_loan_events.py),
runs the real daemon on a file source (follow = false: it keeps serving
after the file ends), waits until every label has been joined and one more
evaluation has run, then checks GET /api/v1/scorecard item by item. The
expected numbers are recomputed here from the CSVs, independently of the
daemon: the window's ROC AUC (Mann-Whitney with ties), the model age, the
throughput. Standard library only.

    mlscore_test.py --driftd build/daemon/driftd --data ../shared/data/nannyml_car_loan \
                    --source-dir . [--dump scorecard.json]
"""
import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True

WINDOW_NS = 30 * 24 * 3600 * 10**9
PANES = 60
TOTAL_ROWS = 100000


def config_text(h, tmp, events_path):
    state = os.path.join(tmp, "state")
    os.makedirs(state, exist_ok=True)
    return f"""
[daemon]
state_dir = {h.toml_str(state)}
evaluation_interval = "1s"

[http]
listen = "127.0.0.1:0"

[source]
type = "file"
path = {h.toml_str(events_path)}
follow = false

[models.car_loan]
window = "30d"
reference = {{ type = "first", events = 50000 }}
min_samples = 200
max_model_age = "365d"
max_silence = "1h"
max_invariant_violation_share = 0.01

# Exact samples for every window and the 50,000-pair reference, so the
# quality numbers below are checked to 1e-9 (beyond it AUC comes from KLL
# sketches, within their stated bound).
[models.car_loan.windows]
exact_up_to = 60000

[models.car_loan.features]
car_value = {{ type = "numeric", min = 0 }}
salary_range = {{ type = "categorical", values = ["0 - 20K €", "20K - 20K €", "40K - 60K €", "60K+ €"] }}
debt_to_income_ratio = {{ type = "numeric", min = 0, max = 1, max_missing = 0.01 }}
loan_length = {{ type = "numeric", min = 0 }}
repaid_loan_on_prev_car = {{ type = "categorical", values = ["false", "true"] }}
size_of_downpayment = {{ type = "categorical", values = ["0%", "10%", "20%", "30%", "40%"] }}
driver_tenure = {{ type = "numeric", min = 0 }}

[models.car_loan.prediction]
type = "score"
min = 0
max = 1
min_variance = 0.01
min_distinct = 10

[models.car_loan.quality]
metric = "auc"
min = 0.8
max_drop = 0.05
label_timeout = "48h"

[models.car_loan.latency]
min_throughput = 0.0005
min_throughput_ratio = 0.5
"""


def parse_time(text):
    """RFC 3339 with 'Z' and a fraction -> integer nanoseconds."""
    main, _, frac = text.rstrip("Z").partition(".")
    base = dt.datetime.fromisoformat(main).replace(tzinfo=dt.timezone.utc)
    return int(base.timestamp()) * 10**9 + int((frac + "000000000")[:9])


def mann_whitney_auc(pairs):
    """ROC AUC with ties counted half (what sklearn's roc_auc_score gives)."""
    pos = sorted(s for s, y in pairs if y == 1)
    neg = sorted(s for s, y in pairs if y == 0)
    twice_u, j, n_neg = 0, 0, len(neg)
    for s in pos:
        while j < n_neg and neg[j] < s:
            j += 1
        k = j
        while k < n_neg and neg[k] == s:
            k += 1
        twice_u += 2 * j + (k - j)
    return twice_u / (2 * len(pos) * len(neg))


def item(model, name):
    for it in model["items"]:
        if it["item"] == name:
            return it
    raise AssertionError(f"no item {name}")


def check(model, facts):
    evaluated = parse_time(model["evaluated_at"])
    problems = []

    def expect(cond, what):
        if not cond:
            problems.append(what)

    expect(model["score"] == 7, f"score {model['score']} != 7")
    statuses = {it["item"]: it["status"] for it in model["items"]}
    expect(model["version"] == "car-loan-1", f"version {model['version']}")

    m1 = item(model, "M1")
    expect(m1["status"] == "ok" and model["changes"] == [], f"M1 {m1['status']} changes {model['changes']}")

    m2 = item(model, "M2")
    expect(m2["status"] == "ok" and m2["judged"], f"M2 {m2['status']}: {m2['failures']}")
    expect(m2["numbers"]["unconfigured_feature_events"] == 0, "unconfigured features counted")
    # Rules per feature in config_text order: 3 + 2 + 4 + 3 + 2 + 2 + 3.
    expect(len(m2["checks"]) == 19, f"M2 checks: {len(m2['checks'])}")

    m4 = item(model, "M4")
    stale = [c for c in m4["checks"] if c["check"] == "ModelStale"][0]
    silent = [c for c in m4["checks"] if c["check"] == "DataSilent"][0]
    expected_age = (evaluated - facts["trained_at_ns"]) / 1e9
    expect(abs(stale["statistic"] - expected_age) < 0.01, f"age {stale['statistic']} vs {expected_age}")
    expect(stale["status"] == "failing", "a model trained ~600 days ago is stale against 365d")
    expect(silent["status"] == "ok", f"silence {silent}")
    expect(m4["status"] == "failing", "M4 must fail on age")

    m5 = item(model, "M5")
    expect(m5["status"] == "ok" and m5["judged"], f"M5 {m5['failures']}")

    m6 = item(model, "M6")
    floor = [c for c in m6["checks"] if c["subject"] == "throughput"][0]
    in_window = sum(1 for (lt, _, _) in facts["pairs"]
                    if window_start(evaluated) <= lt - 24 * 3600 * 10**9 < window_end(evaluated))
    expected_rate = in_window / (WINDOW_NS / 1e9)
    expect(abs(floor["statistic"] - expected_rate) < 1e-12 + 1e-9 * expected_rate,
           f"throughput {floor['statistic']} vs {expected_rate}")
    expect(m6["status"] == "ok", f"M6 {m6['failures']}")

    m7 = item(model, "M7")
    numbers = m7["numbers"]
    expect(numbers["labels_joined"] == TOTAL_ROWS, f"joined {numbers['labels_joined']}")
    expect(numbers["predictions_pending"] == 0 and numbers["labels_pending"] == 0, "pending left")
    window_pairs = [(s, y) for (lt, s, y) in facts["pairs"] if window_start(evaluated) <= lt < window_end(evaluated)]
    expected_auc = mann_whitney_auc(window_pairs)
    floor7 = [c for c in m7["checks"] if c["check"] == "QualityRegression" and c["test"] == "floor"][0]
    expect(floor7["samples"] == len(window_pairs), f"auc samples {floor7['samples']} vs {len(window_pairs)}")
    expect(abs(floor7["statistic"] - expected_auc) <= 1e-9, f"auc {floor7['statistic']} vs {expected_auc}")
    expect(abs(numbers["auc"] - expected_auc) <= 1e-9, "numbers.auc")
    ref_pairs = [(s, y) for (_, s, y) in facts["pairs"][:50000]]
    drop = [c for c in m7["checks"] if c["test"] == "drop"][0]
    expected_drop = mann_whitney_auc(ref_pairs) - expected_auc
    expect(abs(drop["statistic"] - expected_drop) <= 1e-9, f"drop {drop['statistic']} vs {expected_drop}")
    expect(drop["reference_samples"] == 50000, "reference pairs")
    expect(drop.get("mode") == "exact" and floor7.get("mode") == "exact", "quality modes must be exact")
    expect(m7["status"] == ("failing" if expected_auc < 0.8 or expected_drop > 0.05 else "ok") or
           any(c["check"] == "PredictionDrift" and c["status"] == "failing" for c in m7["checks"]),
           f"M7 status {m7['status']}")
    return statuses, problems


def window_end(now_ns):
    width = WINDOW_NS // PANES
    return (now_ns // width + 1) * width


def window_start(now_ns):
    return window_end(now_ns) - WINDOW_NS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driftd", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--dump", help="write the final scorecard JSON here")
    ap.add_argument("--promtool", help="lint /metrics with `promtool check metrics`")
    ap.add_argument("--timeout", type=float, default=240.0)
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(args.source_dir, "tests", "lifecycle"))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import driftd_harness as h
    import car_loan_events

    with h.TempDir() as tmp:
        events_path = os.path.join(tmp, "events.jsonl")
        end_ns = time.time_ns() - 60 * 10**9
        facts = car_loan_events.write_events(args.data, events_path, end_ns)
        cfg = h.write_config(tmp, config_text(h, tmp, events_path))
        with h.Daemon(args.driftd, cfg, notify_dir=tmp) as d:
            d.wait_ready()
            deadline = time.monotonic() + args.timeout
            joined_at = None
            card = None
            while time.monotonic() < deadline:
                doc = d.get_json("/api/v1/scorecard")
                models = [m for m in doc.get("models", []) if m["model"] == "car_loan"]
                if models:
                    m7 = item(models[0], "M7")
                    if m7.get("numbers", {}).get("labels_joined") == TOTAL_ROWS:
                        # One more evaluation after everything was joined.
                        if joined_at is None:
                            joined_at = models[0]["evaluated_at"]
                        elif models[0]["evaluated_at"] != joined_at:
                            card = models[0]
                            break
                time.sleep(0.5)
            if card is None:
                raise h.HarnessError("the scorecard never showed every label joined\n" + d.logs_text()[-3000:])
            metrics = d.get("/metrics")[1]
        if args.dump:
            with open(args.dump, "w") as f:
                json.dump(card, f, indent=2, ensure_ascii=False)
        statuses, problems = check(card, facts)
        if args.promtool:
            lint = subprocess.run([args.promtool, "check", "metrics"], input=metrics.encode(),
                                  capture_output=True)
            if lint.returncode != 0:
                problems.append("promtool check metrics: " + (lint.stdout + lint.stderr).decode()[:2000])
        if 'driftd_ml_test_score{model="car_loan"} 7' not in metrics:
            problems.append("driftd_ml_test_score{model=car_loan} 7 missing from /metrics")
        print("statuses:", statuses)
        if problems:
            print("FAILED:\n  " + "\n  ".join(problems))
            return 1
        print("ok: car-loan scorecard checked")
        return 0


if __name__ == "__main__":
    sys.exit(main())
