"""Converts NannyML's synthetic car-loan CSVs into driftd JSONL events.

Every row becomes a prediction event (its features, `y_pred_proba` as the
prediction, an id) and a label event for `repaid` one day later in event
time; one model event at the start carries the version, dependencies and
trained_at. Timestamps are shifted as a whole so the newest event lands just
before `end` (the replay looks live to the daemon's clock). Standard library
only; returns what the checks need to recompute expectations independently.
"""
import csv
import datetime as dt
import json
import os

FEATURES = ["car_value", "salary_range", "debt_to_income_ratio", "loan_length",
            "repaid_loan_on_prev_car", "size_of_downpayment", "driver_tenure"]
NUMERIC = {"car_value", "debt_to_income_ratio", "loan_length", "driver_tenure"}
LABEL_DELAY_NS = 24 * 3600 * 10**9
MODEL = "car_loan"


def _ns(text):
    """'2018-01-01 00:08:43.152' (UTC) -> integer nanoseconds since the epoch."""
    day, clock = text.split(" ")
    secs, _, frac = clock.partition(".")
    base = dt.datetime.fromisoformat(day + "T" + secs).replace(tzinfo=dt.timezone.utc)
    return int(base.timestamp()) * 10**9 + int((frac + "000000000")[:9])


def _rfc3339(ns):
    secs, rem = divmod(ns, 10**9)
    t = dt.datetime.fromtimestamp(secs, tz=dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % rem


def read_rows(data_dir):
    rows = []
    for name in ("reference_synthetic_car_loan.csv", "monitoring_synthetic_car_loan.csv"):
        with open(os.path.join(data_dir, name), newline="") as f:
            rows.extend(csv.DictReader(f))
    return rows


def write_events(data_dir, path, end_ns):
    """Writes the events sorted by time; returns a dict of facts for the checks."""
    rows = read_rows(data_dir)
    first = _ns(rows[0]["timestamp"])
    last_label = _ns(rows[-1]["timestamp"]) + LABEL_DELAY_NS
    shift = end_ns - last_label
    events = []  # (ts_ns, order, dict)
    trained_at = first + shift - 24 * 3600 * 10**9
    events.append((first + shift, 0, {
        "kind": "model", "model": MODEL, "model_version": "car-loan-1",
        "trained_at": _rfc3339(trained_at), "deployed_at": _rfc3339(first + shift),
        "dependencies": {"feature_schema": "1", "scikit-learn": "1.5.2"}}))
    pairs = []  # (label_ts_ns, score, label)
    for i, r in enumerate(rows):
        ts = _ns(r["timestamp"]) + shift
        features = {k: (float(r[k]) if k in NUMERIC else r[k]) for k in FEATURES}
        score = float(r["y_pred_proba"])
        rid = "loan-%06d" % i
        events.append((ts, 1, {"kind": "prediction", "model": MODEL, "id": rid, "ts": _rfc3339(ts),
                               "features": features, "prediction": score}))
        label_ts = ts + LABEL_DELAY_NS
        events.append((label_ts, 2, {"kind": "label", "model": MODEL, "id": rid, "ts": _rfc3339(label_ts),
                                     "label": int(r["repaid"])}))
        pairs.append((label_ts, score, int(r["repaid"])))
    events[0][2]["ts"] = _rfc3339(first + shift)
    events.sort(key=lambda e: (e[0], e[1]))
    with open(path, "w") as f:
        for _, _, e in events:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    return {"events": len(events), "predictions": len(rows), "pairs": pairs,
            "trained_at_ns": trained_at, "first_ns": first + shift,
            "last_prediction_ns": _ns(rows[-1]["timestamp"]) + shift, "last_event_ns": last_label + shift}
