#!/usr/bin/env python3
"""End-to-end tests of `driftd report` and `driftd baseline`.

usage: report_test.py DRIFTD SHARED_DATA_DIR

Inputs are generated into a temporary directory: synthetic tables with a
known shift, malformed files, and slices of the shared car-loan and
occupancy datasets. Each check prints its name; any failure exits 1.
"""
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile

DRIFTD, SHARED = sys.argv[1], sys.argv[2]
FAILURES = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)))
    if not cond:
        FAILURES.append(name)


def run(*args):
    p = subprocess.run([DRIFTD, *args], capture_output=True, text=True, timeout=240)
    return p.returncode, p.stdout, p.stderr


def write(path, text):
    with open(path, "w", newline="") as f:
        f.write(text)
    return path


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def columns(report):
    return {c["name"]: c for c in report["columns"]}


def main():
    tmp = tempfile.mkdtemp(prefix="driftd-report-")
    rnd = random.Random(42)
    j = lambda *p: os.path.join(tmp, *p)

    # 1. Synthetic: x shifts by one sd, y does not, c changes its mix.
    header = ["x", "y", "c"]
    ref = [[rnd.gauss(0, 1), rnd.gauss(5, 2), rnd.choice("aab")] for _ in range(3000)]
    cur = [[rnd.gauss(1, 1), rnd.gauss(5, 2), rnd.choice("abb")] for _ in range(2000)]
    a = write_csv(j("a.csv"), header, ref)
    b = write_csv(j("b.csv"), header, cur)
    rc, out, err = run("report", "--reference", a, "--current", b)
    check("synthetic: exit 0", rc == 0, err)
    r = json.loads(out)
    cols = columns(r)
    check("synthetic: shape", set(r) >= {"columns", "drift_share", "dataset_drift"} and
          all(set(c) >= {"name", "type", "test", "statistic", "p_value", "threshold", "drifted"}
              for c in r["columns"]), r)
    check("synthetic: types inferred", cols["x"]["type"] == "numeric" and cols["c"]["type"] == "categorical", cols)
    # Evidently's rule: reference > 1000 rows -> normalised Wasserstein / JS.
    check("synthetic: auto tests", cols["x"]["test"] == "wasserstein" and cols["c"]["test"] == "jensenshannon", cols)
    check("synthetic: x drifted, y not", cols["x"]["drifted"] and not cols["y"]["drifted"], cols)
    check("synthetic: c drifted", cols["c"]["drifted"], cols["c"])
    check("synthetic: p_value null for distances", cols["x"]["p_value"] is None)
    check("synthetic: drift share", abs(r["drift_share"] - 2 / 3) < 1e-12 and r["dataset_drift"], r["drift_share"])

    # --test / --threshold / --columns / --categorical / text format.
    rc, out, err = run("report", "--reference", a, "--current", b, "--test", "ks", "--columns", "x,y")
    cols = columns(json.loads(out))
    check("flags: --columns limits columns", set(cols) == {"x", "y"}, cols)
    check("flags: ks has a p-value", cols["x"]["test"] == "ks" and cols["x"]["p_value"] < 1e-6 and
          cols["y"]["p_value"] > 1e-4, cols)
    rc, out, err = run("report", "--reference", a, "--current", b, "--test", "psi", "--threshold", "5")
    cols = columns(json.loads(out))
    check("flags: threshold applies", cols["x"]["threshold"] == 5 and not cols["x"]["drifted"], cols["x"])
    rc, out, err = run("report", "--reference", a, "--current", b, "--categorical", "x", "--columns", "x")
    check("flags: --categorical", json.loads(out)["columns"][0]["type"] == "categorical", out)
    rc, out, err = run("report", "--reference", a, "--current", b, "--format", "text")
    check("flags: text format", rc == 0 and "drift share" in out and "wasserstein" in out, out)
    rc, out, err = run("report", "--reference", a)
    check("usage: missing --current exits 2", rc == 2 and "--current" in err, err)
    rc, out, err = run("report", "--reference", a, "--current", b, "--test", "bogus")
    check("usage: unknown test exits 2", rc == 2 and "bogus" in err, err)

    # 2. Chunks: 3000 reference rows / 1000 = 3 reference chunks, 2 analysis.
    rc, out, err = run("report", "--reference", a, "--current", b, "--chunk-size", "1000", "--preset", "nannyml")
    r = json.loads(out)
    periods = [c["period"] for c in r["chunks"]]
    check("chunks: periods and rows", periods == ["reference"] * 3 + ["analysis"] * 2 and
          all(c["rows"] == 1000 for c in r["chunks"]), periods)
    check("chunks: indices", [c["index"] for c in r["chunks"]] == list(range(5)))
    x_ref = [columns(c)["x"] for c in r["chunks"][:3]]
    stats = [c["statistic"] for c in x_ref]
    m = sum(stats) / 3
    expected = m + 3 * math.sqrt(sum((s - m) ** 2 for s in stats) / 3)
    check("chunks: threshold = mean + 3 population std of reference chunks",
          abs(x_ref[0]["threshold"] - expected) < 1e-12, (x_ref[0]["threshold"], expected))
    check("chunks: analysis chunks drift on x", all(columns(c)["x"]["drifted"] for c in r["chunks"][3:]))
    check("chunks: nannyml uses base-2 JS", columns(r)["x"]["test"] == "jensenshannon")

    # 3. Malformed inputs: clear errors or counted skips, never a crash.
    empty = write(j("empty.csv"), "")
    rc, out, err = run("report", "--reference", empty, "--current", b)
    check("errors: empty file", rc == 1 and "empty file" in err, (rc, err))
    rc, out, err = run("report", "--reference", j("missing.csv"), "--current", b)
    check("errors: missing file", rc == 1 and "missing.csv" in err, (rc, err))
    other = write(j("other.csv"), "p,q\n1,2\n")
    rc, out, err = run("report", "--reference", other, "--current", b)
    check("errors: no shared column", rc == 1 and "no column in common" in err, (rc, err))
    partial = write(j("partial.csv"), "x,z\n" + "".join(f"{rnd.gauss(0, 1)},{i}\n" for i in range(100)))
    rc, out, err = run("report", "--reference", partial, "--current", b)
    check("errors: mismatched headers use shared columns", rc == 0 and set(columns(json.loads(out))) == {"x"}
          and "not in both files" in err, (rc, err))
    ragged = write(j("ragged.csv"), "x,y,c\n1,2,a\n3,4\n5,6,b,7\n7,8,a\n")
    rc, out, err = run("report", "--reference", ragged, "--current", b)
    r = json.loads(out) if rc == 0 else {}
    check("errors: ragged rows skipped and counted", rc == 0 and r["reference"]["ragged_rows_skipped"] == 2
          and "line 3" in err, (rc, err))
    weird = write(j("weird.csv"), "x,y,c\r\n1,NaN,a\r\n2,inf,\"b,\"\"q\"\"\"\r\n3,-Infinity,a\r\n,7,a\r\n4,8,\r\n")
    rc, out, err = run("report", "--reference", weird, "--current", b, "--min-samples", "1")
    r = json.loads(out) if rc == 0 else {}
    cols = columns(r) if r else {}
    check("errors: NaN/Inf counted, CRLF and quotes read", rc == 0 and
          cols["y"]["skipped"]["reference"]["nan"] == 1 and cols["y"]["skipped"]["reference"]["inf"] == 2 and
          cols["x"]["skipped"]["reference"]["missing"] == 1 and cols["y"]["reference_count"] == 2, (rc, err, cols))
    mixed = write(j("mixed.csv"), "x,y,c\n1,2,a\noops,3,b\n")
    rc, out, err = run("report", "--reference", mixed, "--current", b)
    check("errors: non-numeric value makes an inferred column categorical", rc == 0 and
          columns(json.loads(out))["x"]["type"] == "categorical", out)
    unterminated = write(j("unterminated.csv"), "x,y,c\n1,2,\"open\n")
    rc, out, err = run("report", "--reference", unterminated, "--current", b)
    check("errors: unterminated quote", rc == 1 and "unterminated quoted field" in err, (rc, err))

    # 4. Config: forced types, min_samples, and a non-number in a numeric column.
    cfg = write(j("model.toml"), """
[source]
type = "file"
path = "-"
[models.loan]
min_samples = 50
[models.loan.drift]
preset = "nannyml"
calibrate = true
calibration_chunk = 500
[models.loan.features]
x = { type = "numeric" }
c = { type = "categorical" }
""")
    rc, out, err = run("check-config", cfg)
    check("config: test config is valid", rc == 0, err)
    forced = write(j("forced.csv"), "x,y,c\n" + "".join(f"{rnd.gauss(0, 1)},1,a\n" for _ in range(60)) + "bad,1,b\n")
    rc, out, err = run("report", "--reference", forced, "--current", b, "--config", cfg)
    r = json.loads(out) if rc == 0 else {}
    cols = columns(r) if r else {}
    check("config: features only, forced numeric skips text", rc == 0 and set(cols) == {"x", "c"} and
          cols["x"]["skipped"]["reference"]["non_numeric"] == 1, (rc, err, out[:300]))
    rc, out, err = run("report", "--reference", ragged, "--current", b, "--config", cfg)
    check("config: min_samples respected", rc == 0 and not columns(json.loads(out))["x"]["judged"], out[:300])

    # 5. Baseline: CSV and JSONL round trip, mismatch errors.
    prof = j("loan.profile.json")
    rc, out, err = run("baseline", "--config", cfg, "--model", "loan", "--input", a, "--output", prof)
    check("baseline: writes a profile", rc == 0 and os.path.exists(prof), err)
    if rc == 0:
        p = json.load(open(prof))
        feats = {f["name"]: f for f in p["features"]}
        check("baseline: versioned, typed", p["format"] == "driftd-profile" and p["version"] == 1 and
              p["model"] == "loan" and feats["x"]["type"] == "numeric" and feats["c"]["type"] == "categorical", p.keys())
        check("baseline: stats and calibration", feats["x"]["stats"]["count"] == 3000 and
              abs(feats["x"]["stats"]["mean"] - sum(row[0] for row in ref) / 3000) < 1e-9 and
              feats["x"]["calibrated"]["chunks"] == 6 and len(feats["x"]["bin_edges"]) > 2, feats["x"]["stats"])
    events = j("train.jsonl")
    with open(events, "w") as f:
        for row in ref[:500]:
            f.write(json.dumps({"model": "loan", "features": {"x": row[0], "c": row[2]}}) + "\n")
        f.write("not json\n")
        f.write(json.dumps({"model": "other", "features": {"x": 99}}) + "\n")
    prof2 = j("loan2.profile.json")
    rc, out, err = run("baseline", "--config", cfg, "--model", "loan", "--input", events, "--output", prof2)
    check("baseline: JSONL events", rc == 0 and json.load(open(prof2))["rows"] == 500, (rc, err))
    rc, out, err = run("baseline", "--config", cfg, "--model", "nope", "--input", a, "--output", prof2)
    check("baseline: unknown model exits 2", rc == 2 and "nope" in err, err)
    rc, out, err = run("baseline", "--config", cfg, "--model", "loan", "--input", other, "--output", prof2)
    check("baseline: missing feature column", rc == 1 and "no column \"x\"" in err, err)
    rc, out, err = run("report", "--reference", events, "--current", b, "--columns", "x,c")
    # Without a config every model's events count: 500 + the "other" one.
    check("report: JSONL reference", rc == 0 and columns(json.loads(out))["x"]["reference_count"] == 501 and
          "skipped 1 line(s) that are not events" in err, err)

    # 6. Shared data slices: car loan (NannyML preset) and occupancy (Evidently preset).
    car = os.path.join(SHARED, "nannyml_car_loan")
    with open(os.path.join(car, "reference_synthetic_car_loan.csv")) as f:
        rows = list(csv.reader(f))
    write_csv(j("car_ref.csv"), rows[0], rows[1:10001])
    with open(os.path.join(car, "monitoring_synthetic_car_loan.csv")) as f:
        mon = list(csv.reader(f))
    write_csv(j("car_mon.csv"), mon[0], mon[1:] if len(mon) > 1 else [])
    feats = "car_value,salary_range,debt_to_income_ratio,loan_length,repaid_loan_on_prev_car,size_of_downpayment,driver_tenure"
    rc, out, err = run("report", "--reference", j("car_ref.csv"), "--current", j("car_mon.csv"),
                       "--preset", "nannyml", "--chunk-size", "5000", "--columns", feats)
    r = json.loads(out) if rc == 0 else {"chunks": []}
    late = [c for c in r["chunks"] if c["period"] == "analysis"][-3:]
    early = [c for c in r["chunks"] if c["period"] == "reference"]
    # NannyML's documented car-loan shift: car_value, salary_range, loan_length
    # and repaid_loan_on_prev_car drift in the later analysis chunks.
    check("car loan: documented drift in late chunks", rc == 0 and all(
        columns(c)[n]["drifted"] for c in late for n in ("car_value", "salary_range", "loan_length")), err)
    check("car loan: reference chunks quiet", rc == 0 and all(c["drift_share"] <= 1 / 7 for c in early),
          [c["drift_share"] for c in early])
    occ = os.path.join(SHARED, "occupancy", "occupacy_data.csv")
    with open(occ) as f:
        rows = list(csv.reader(f))
    ti = rows[0].index("time")

    def day(s):
        m, d, y = s.split(" ")[0].split("/")
        return (int(y), int(m), int(d))
    write_csv(j("occ_ref.csv"), rows[0], [r for r in rows[1:] if day(r[ti]) < (2021, 5, 9)])
    write_csv(j("occ_cur.csv"), rows[0], [r for r in rows[1:] if day(r[ti]) >= (2021, 5, 9)])
    rc, out, err = run("report", "--reference", j("occ_ref.csv"), "--current", j("occ_cur.csv"),
                       "--preset", "evidently", "--columns", "co2,temperature,measured")
    cols = columns(json.loads(out)) if rc == 0 else {}
    check("occupancy: evidently tests and drift", rc == 0 and cols["co2"]["test"] == "wasserstein" and
          cols["measured"]["test"] == "jensenshannon" and cols["temperature"]["drifted"], cols)

    # 7. Threads: the files are read and the columns evaluated on several
    # threads; the report must be byte-for-byte the single-threaded one.
    for args in (["--preset", "nannyml", "--chunk-size", "5000", "--columns", feats],
                 ["--preset", "evidently", "--categorical", "salary_range,repaid_loan_on_prev_car,size_of_downpayment"],
                 ["--test", "ks", "--columns", "car_value,debt_to_income_ratio,loan_length,driver_tenure"]):
        outs = [run("report", "--reference", j("car_ref.csv"), "--current", j("car_mon.csv"), *args,
                    "--threads", str(n)) for n in (1, 2, 3, 8)]
        check("threads: same report with 1, 2, 3 and 8 threads (%s)" % args[1],
              outs[0][0] == 0 and all(o == outs[0] for o in outs[1:]), [o[0] for o in outs])
    # A failing current file with a good reference: the same error as one thread.
    rc1, _, err1 = run("report", "--reference", a, "--current", j("missing.csv"), "--threads", "1")
    rc2, _, err2 = run("report", "--reference", a, "--current", j("missing.csv"), "--threads", "2")
    check("threads: current file error reported alike", rc1 == 1 and (rc1, err1) == (rc2, err2), (err1, err2))
    rc, _, err = run("report", "--reference", a, "--current", b, "--threads", "0")
    check("usage: --threads 0 exits 2", rc == 2 and "--threads" in err, err)

    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
