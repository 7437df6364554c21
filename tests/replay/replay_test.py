#!/usr/bin/env python3
"""`driftd replay` end to end, against the real binary.

Generates example traffic with `driftd generate` (numeric inputs shift from
prediction 12000 on) and replays it through a config with a first-2000-events
reference and a 30 s evaluation interval, then checks that

  * the shifted numeric features fire FeatureDrift, and only after the shift
    (their evaluated_at is later than the first shifted event's time);
  * the same traffic without a shift fires no FeatureDrift or DatasetDrift;
  * every output line is JSON, the summary counts every line of the input,
    and malformed lines are counted by reject reason, never fatal;
  * two runs print the same transitions (event time, not wall time);
  * a bad config exits 2 with file:line:col, a missing input exits 1.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

EVENTS = 20000
SHIFT_AT = 12000
INTERVAL_MS = 100          # driftd generate's default event-time spacing
START = "2026-01-01T00:00:00.000Z"
NUMERIC = ["amount", "age", "tenure_days", "score_external"]

CONFIG = """\
[daemon]
evaluation_interval = "30s"
log_level = "error"

[source]
type = "file"
path = "/dev/null"

[models.demo]
window = "1h"
reference = {{ type = "first", events = 2000 }}
min_samples = 200

[models.demo.features]
amount         = {{ type = "numeric" }}
age            = {{ type = "numeric" }}
tenure_days    = {{ type = "numeric" }}
score_external = {{ type = "numeric" }}
country        = {{ type = "categorical" }}
device         = {{ type = "categorical" }}
{extra}
"""

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print("FAIL: " + message, file=sys.stderr)


def replay(driftd, config, events, fmt="json"):
    return subprocess.run([driftd, "replay", "--config", config, "--input", events, "--format", fmt],
                          capture_output=True, text=True, check=False)


def parse(stdout):
    rows = []
    for line in stdout.splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            check(False, "not a JSON line: %r" % line)
    return rows


def main():
    driftd = sys.argv[1]
    work = tempfile.mkdtemp(prefix="driftd-replay-")
    try:
        config = os.path.join(work, "driftd.toml")
        with open(config, "w") as f:
            f.write(CONFIG.format(extra=""))
        shifted = os.path.join(work, "shifted.jsonl")
        plain = os.path.join(work, "plain.jsonl")
        with open(shifted, "w") as f:
            subprocess.run([driftd, "generate", "--events", str(EVENTS), "--shift-at", str(SHIFT_AT),
                            "--labels", "0"], stdout=f, check=True)
        with open(plain, "w") as f:
            subprocess.run([driftd, "generate", "--events", str(EVENTS), "--labels", "0"], stdout=f, check=True)
        with open(shifted) as f:
            lines = sum(1 for line in f if line.strip())

        # Shifted traffic: drift fires after the shift, for every numeric feature.
        r = replay(driftd, config, shifted)
        check(r.returncode == 0, "replay exited %d: %s" % (r.returncode, r.stderr[-2000:]))
        rows = parse(r.stdout)
        summary = rows[-1].get("summary", {}) if rows else {}
        check(summary.get("events") == lines, "summary events %s, input has %d lines" % (summary, lines))
        check(summary.get("evaluations", 0) >= EVENTS * INTERVAL_MS // 30000,
              "too few evaluations: %s" % summary)
        shift_time = "2026-01-01T00:%02d:%02d" % divmod(SHIFT_AT * INTERVAL_MS // 1000, 60)
        fired = {}
        for row in rows[:-1]:
            if row["alert"] == "FeatureDrift" and row["state"] == "firing":
                fired.setdefault(row["subject"], row["evaluated_at"])
        for feature in NUMERIC:
            check(feature in fired, "shifted %s never fired FeatureDrift: %s" % (feature, sorted(fired)))
            if feature in fired:
                check(fired[feature] > shift_time,
                      "%s fired at %s, before the shift at %s" % (feature, fired[feature], shift_time))
        check(any(row.get("alert") == "DatasetDrift" and row.get("state") == "firing" for row in rows),
              "no DatasetDrift on shifted traffic")

        # Deterministic: event time drives everything.
        again = parse(replay(driftd, config, shifted).stdout)
        check([row for row in again if "summary" not in row] == [row for row in rows if "summary" not in row],
              "two replays of the same file printed different transitions")

        # Unshifted traffic: no drift.
        rows = parse(replay(driftd, config, plain).stdout)
        drift = [row for row in rows if row.get("alert") in ("FeatureDrift", "DatasetDrift")]
        check(not drift, "unshifted traffic fired drift: %s" % drift[:3])

        # Malformed lines are counted by reason; the rest is replayed.
        broken = os.path.join(work, "broken.jsonl")
        with open(plain) as src, open(broken, "w") as out:
            out.write(src.read())
            out.write('{"kind": "prediction", "model": "demo"\n')   # truncated
            out.write('not json\n')
            out.write('{"kind": "prediction", "model": "demo", "ts": "yesterday", "features": {}}\n')
        r = replay(driftd, config, broken)
        check(r.returncode == 0, "replay of a file with bad lines exited %d" % r.returncode)
        summary = parse(r.stdout)[-1].get("summary", {})
        rejected = summary.get("rejected", {})
        check(sum(rejected.values()) == 3 and summary.get("events") == lines + 3,
              "bad lines not counted: %s" % summary)

        # An event far in the future evaluates once, not once per skipped interval.
        jump = os.path.join(work, "jump.jsonl")
        with open(plain) as src, open(jump, "w") as out:
            head = [next(src) for _ in range(100)]
            out.writelines(head)
            out.write(head[-1].replace('"ts":"2026-', '"ts":"2029-'))
        try:
            r = subprocess.run([driftd, "replay", "--config", config, "--input", jump, "--format", "json"],
                               capture_output=True, text=True, check=False, timeout=60)
            summary = parse(r.stdout)[-1].get("summary", {}) if r.stdout else {}
            check(r.returncode == 0 and summary.get("evaluations", 10**9) <= 3,
                  "a 3-year jump in event time: %s %s" % (r.returncode, summary))
        except subprocess.TimeoutExpired:
            check(False, "a 3-year jump in event time: replay still running after 60 s")

        # Standard input works like a file.
        with open(shifted) as src:
            r = subprocess.run([driftd, "replay", "--config", config, "--input", "-", "--format", "json"],
                               stdin=src, capture_output=True, text=True, check=False)
        check(r.returncode == 0 and parse(r.stdout)[-1].get("summary", {}).get("events") == lines,
              "stdin replay: %d %s" % (r.returncode, r.stdout[-300:]))

        # Text format: one line per transition and the summary last.
        r = replay(driftd, config, shifted, fmt="text")
        last = r.stdout.splitlines()[-1] if r.stdout else ""
        check(r.returncode == 0 and last.startswith("replay: %d events (0 rejected)" % lines)
              and " FeatureDrift amount firing: amount: " in r.stdout,
              "text output: %s" % r.stdout[-500:])

        # Errors.
        bad = os.path.join(work, "bad.toml")
        with open(bad, "w") as f:
            f.write(CONFIG.format(extra="").replace('evaluation_interval = "30s"', 'evaluation_interval = 30'))
        r = replay(driftd, bad, shifted)
        check(r.returncode == 2 and "bad.toml:2:" in r.stderr, "bad config: %d %s" % (r.returncode, r.stderr))
        r = replay(driftd, config, os.path.join(work, "missing.jsonl"))
        check(r.returncode == 1 and "cannot open" in r.stderr, "missing input: %d %s" % (r.returncode, r.stderr))
        r = subprocess.run([driftd, "replay", "--config", config], capture_output=True, text=True)
        check(r.returncode == 2 and "usage" in r.stderr, "missing --input: %d %s" % (r.returncode, r.stderr))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    print("replay: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
