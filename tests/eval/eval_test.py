#!/usr/bin/env python3
"""Drift evaluation end to end, against the real driftd binary.

Generates 6000 predictions of the example model with `driftd generate`
(numeric inputs move by one standard deviation from prediction 3000 on),
runs `driftd run` over the file with evaluation_interval = "1s" and a
first-1000-events reference, then checks that

  * /metrics shows driftd_feature_drifted{feature=<a shifted numeric
    feature>} 1, driftd_dataset_drift_share, the score and p-value series
    and driftd_window_samples for both windows, and passes
    `promtool check metrics`;
  * /api/v1/status carries the same verdicts in each model's "drift" object
    and the window counts;
  * a second run on unshifted traffic judges no feature drifted (the
    verdict comes from the data, not from the set-up);
  * a third run judges the shifted traffic against a baseline profile that
    `driftd baseline` built from training data in CSV (other seed, with a
    prediction column) with drift.calibrate = true: every feature and the
    prediction are judged against the profile, with thresholds calibrated
    on its chunks (the status says so), and the shifted ones drift;
  * SIGTERM stops the daemon with exit status 0.

Exit status 0 when every check passes; failures are printed otherwise.
"""

import argparse
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

START_TIMEOUT = 20.0   # seconds until "http listening"
VERDICT_TIMEOUT = 40.0  # seconds until an evaluation covers every event
STOP_TIMEOUT = 15.0

EVENTS = 6000
SHIFT_AT = 3000
REFERENCE = 1000
NUMERIC = ["amount", "age", "tenure_days", "score_external"]
CATEGORICAL = ["country", "device"]

CONFIG = """\
[daemon]
state_dir = "{state_dir}"
evaluation_interval = "1s"

[http]
listen = "127.0.0.1:0"

[source]
type = "file"
path = "{events}"

[models.demo]
window = "1h"
reference = {{ type = "first", events = {reference} }}
min_samples = 200

[models.demo.features]
amount         = {{ type = "numeric" }}
age            = {{ type = "numeric" }}
tenure_days    = {{ type = "numeric" }}
score_external = {{ type = "numeric" }}
country        = {{ type = "categorical" }}
device         = {{ type = "categorical" }}

[models.demo.prediction]
type = "score"
"""

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)$')


class Failures:
    def __init__(self):
        self.messages = []

    def check(self, ok, message):
        if not ok:
            self.messages.append(message)
            print("FAIL: " + message, file=sys.stderr)
        return ok


class Daemon:
    """The driftd process and a thread draining its stderr."""

    def __init__(self, binary, config_path):
        self.proc = subprocess.Popen(
            [binary, "run", "--config", config_path],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        self.log_lines = []
        self.lines = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stderr:
            self.log_lines.append(line.rstrip("\n"))
            self.lines.put(line)
        self.lines.put(None)

    def wait_for_port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if line is None:
                break
            if 'msg="http listening"' in line:
                match = re.search(r'addr="?([^\s"]+):(\d+)"?', line)
                if match:
                    return int(match.group(2))
        return None

    def stop(self, timeout):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, OSError) as e:
        return None, str(e)


def parse_metrics(text):
    """{(name, frozenset(labels)): value}."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE_RE.match(line)
        if match is None:
            raise ValueError("unparsable sample line: " + line)
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def sample(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


def demo_status(base):
    code, body = http_get(base + "/api/v1/status")
    if code != 200:
        return None
    status = json.loads(body)
    for model in status["models"]:
        if model["name"] == "demo":
            return status, model
    return None


def wait_for_full_evaluation(base, timeout):
    """Polls the status until an evaluation covered every generated event."""
    deadline = time.monotonic() + timeout
    found = None
    while time.monotonic() < deadline:
        found = demo_status(base)
        if found:
            drift = found[1].get("drift")
            if drift and drift.get("current_samples") == EVENTS:
                return found
        time.sleep(0.2)
    return found


BASELINE_REFERENCE = """reference = {{ type = "baseline", path = "{profile}" }}
drift = {{ calibrate = true, calibration_chunk = 1000 }}
"""
TRAINING_ROWS = 6000


def write_training_csv(args, path):
    """Training data as CSV: the features and the prediction of unshifted traffic (seed 2).

    Also writes the same events as JSONL next to it (path + ".jsonl")."""
    generated = subprocess.run([args.driftd, "generate", "--events", str(TRAINING_ROWS), "--labels", "0",
                                "--seed", "2"], capture_output=True, text=True, check=True).stdout
    with open(path + ".jsonl", "w") as out:
        out.write(generated)
    columns = NUMERIC + CATEGORICAL
    with open(path, "w") as out:
        out.write(",".join(columns + ["prediction"]) + "\n")
        for line in generated.splitlines():
            event = json.loads(line)
            if event.get("kind") != "prediction":
                continue
            row = [str(event["features"][c]) for c in columns] + [str(event["prediction"])]
            out.write(",".join(row) + "\n")


def run_case(args, workdir, name, shift_at, f, baseline=False):
    """Runs the daemon over one generated file; returns (samples, metrics text, status)."""
    case_dir = os.path.join(workdir, name)
    os.makedirs(os.path.join(case_dir, "state"))
    events = os.path.join(case_dir, "events.jsonl")
    generate = [args.driftd, "generate", "--events", str(EVENTS), "--labels", "0"]
    if shift_at is not None:
        generate += ["--shift-at", str(shift_at)]
    with open(events, "w") as out:
        subprocess.run(generate, stdout=out, check=True)
    config_path = os.path.join(case_dir, "driftd.toml")
    config = CONFIG.format(state_dir=os.path.join(case_dir, "state"), events=events, reference=REFERENCE)
    if baseline:
        profile = os.path.join(case_dir, "demo.profile.json")
        config = config.replace('reference = { type = "first", events = %d }\n' % REFERENCE,
                                BASELINE_REFERENCE.format(profile=profile))
    with open(config_path, "w") as out:
        out.write(config)
    if baseline:
        training = os.path.join(case_dir, "train.csv")
        write_training_csv(args, training)
        built = subprocess.run([args.driftd, "baseline", "--config", config_path, "--model", "demo",
                                "--input", training, "--output", profile],
                               capture_output=True, text=True, check=False)
        if not f.check(built.returncode == 0 and "and the prediction" in built.stdout,
                       "%s: driftd baseline exited %d: %s %s"
                       % (name, built.returncode, built.stdout, built.stderr)):
            return None
        # The same training data as JSONL events gives the same prediction entry.
        from_events = subprocess.run([args.driftd, "baseline", "--config", config_path, "--model", "demo",
                                      "--input", training + ".jsonl", "--output", profile + ".jsonl"],
                                     capture_output=True, text=True, check=False)
        entries = []
        for path in (profile, profile + ".jsonl"):
            with open(path) as p:
                entries.append([e for e in json.load(p)["features"] if e.get("role") == "prediction"])
        f.check(from_events.returncode == 0 and len(entries[0]) == 1 and len(entries[1]) == 1
                and entries[0][0]["stats"]["count"] == TRAINING_ROWS
                and entries[0][0]["stats"] == entries[1][0]["stats"],
                "%s: prediction entries of the CSV and JSONL profiles differ: %s / %s (%s)"
                % (name, [e.get("stats") for e in entries[0]], [e.get("stats") for e in entries[1]],
                   from_events.stderr))

    daemon = Daemon(args.driftd, config_path)
    try:
        port = daemon.wait_for_port(START_TIMEOUT)
        if not f.check(port is not None, "%s: no 'http listening' line" % name):
            return None
        base = "http://127.0.0.1:%d" % port
        found = wait_for_full_evaluation(base, VERDICT_TIMEOUT)
        if not f.check(found is not None and found[1].get("drift") is not None
                       and found[1]["drift"].get("current_samples") == EVENTS,
                       "%s: no evaluation of all %d events within %ss: %s"
                       % (name, EVENTS, VERDICT_TIMEOUT, found and found[1].get("drift"))):
            return None
        code, text = http_get(base + "/metrics")
        f.check(code == 200, "%s: /metrics status %s" % (name, code))
        promtool = subprocess.run([args.promtool, "check", "metrics"], input=text,
                                  capture_output=True, text=True, check=False)
        complaints = (promtool.stdout + promtool.stderr).strip()
        f.check(promtool.returncode == 0 and not complaints,
                "%s: promtool check metrics exited %d: %s"
                % (name, promtool.returncode, complaints))
        status, model = demo_status(base)
        code = daemon.stop(STOP_TIMEOUT)
        f.check(code == 0, "%s: exit status %s after SIGTERM" % (name, code))
        return parse_metrics(text), status, model
    finally:
        daemon.kill()
        if f.messages:
            print("--- %s daemon log ---\n%s" % (name, "\n".join(daemon.log_lines[-40:])),
                  file=sys.stderr)


def check_shifted(samples, status, model, f):
    features = {c["feature"]: c for c in model["drift"]["features"]}
    for feature in NUMERIC + CATEGORICAL + ["prediction"]:
        f.check(feature in features, "status: no drift entry for %s" % feature)
    for feature in NUMERIC:
        c = features.get(feature, {})
        f.check(c.get("judged") is True and c.get("drifted") is True,
                "status: %s (shifted by one sd) not judged drifted: %s" % (feature, c))
        f.check(sample(samples, "driftd_feature_drifted", model="demo", feature=feature) == 1,
                "metrics: driftd_feature_drifted{feature=%s} is %s, expected 1"
                % (feature, sample(samples, "driftd_feature_drifted", model="demo",
                                   feature=feature)))
        test = c.get("test", "")
        score = sample(samples, "driftd_feature_drift_score", model="demo", feature=feature,
                       test=test)
        f.check(score is not None and abs(score - c.get("statistic", -1)) <= 1e-9 * max(1, score),
                "metrics: driftd_feature_drift_score{feature=%s,test=%s} = %s, status says %s"
                % (feature, test, score, c.get("statistic")))
        for key in ("statistic", "threshold", "mode", "samples", "reference_samples", "p_value"):
            f.check(key in c, "status: %s lacks %s" % (feature, key))
        f.check(c.get("samples") == EVENTS and c.get("reference_samples") == REFERENCE,
                "status: %s samples %s / reference %s, expected %d / %d"
                % (feature, c.get("samples"), c.get("reference_samples"), EVENTS, REFERENCE))
    drift = model["drift"]
    share = sample(samples, "driftd_dataset_drift_share", model="demo")
    f.check(share is not None and share >= len(NUMERIC) / (len(NUMERIC) + len(CATEGORICAL)),
            "metrics: driftd_dataset_drift_share %s, expected at least the numeric share" % share)
    f.check(share is not None and abs(drift["dataset_drift_share"] - share) < 1e-12,
            "status dataset_drift_share %s vs metrics %s" % (drift["dataset_drift_share"], share))
    f.check(sample(samples, "driftd_window_samples", model="demo", window="current") == EVENTS,
            "metrics: driftd_window_samples{window=current} = %s"
            % sample(samples, "driftd_window_samples", model="demo", window="current"))
    f.check(sample(samples, "driftd_window_samples", model="demo", window="reference") == REFERENCE,
            "metrics: driftd_window_samples{window=reference} = %s"
            % sample(samples, "driftd_window_samples", model="demo", window="reference"))
    count = sample(samples, "driftd_evaluation_duration_seconds_count")
    f.check(count is not None and count >= 1, "metrics: evaluation duration count %s" % count)
    f.check(status["evaluation"]["last"] is not None, "status: evaluation.last is null")
    windows = model["windows"]
    f.check(windows["current_events"] == EVENTS and windows["reference"]["ready"] is True,
            "status: windows %s" % windows)
    if count:
        total = sample(samples, "driftd_evaluation_duration_seconds_sum")
        print("eval: %d evaluations, mean %.6f s" % (count, total / count))


def check_baseline(samples, model, f):
    features = {c["feature"]: c for c in model["drift"]["features"]}
    for name in NUMERIC + CATEGORICAL + ["prediction"]:
        c = features.get(name, {})
        f.check(c.get("judged") is True and c.get("reference_samples") == TRAINING_ROWS,
                "baseline: %s not judged against the %d profile rows: %s" % (name, TRAINING_ROWS, c))
        f.check("threshold calibrated on 6 reference chunks of 1000 rows" in c.get("note", ""),
                "baseline: %s threshold not calibrated on the profile's chunks: %s" % (name, c))
    for name in NUMERIC + ["prediction"]:
        c = features.get(name, {})
        f.check(c.get("drifted") is True, "baseline: %s (shifted) not drifted: %s" % (name, c))
    f.check(model["windows"]["reference"]["ready"] is True, "baseline: reference not ready")
    f.check(sample(samples, "driftd_window_samples", model="demo", window="reference") == TRAINING_ROWS,
            "baseline: driftd_window_samples{window=reference} = %s"
            % sample(samples, "driftd_window_samples", model="demo", window="reference"))


def check_unshifted(samples, model, f):
    for c in model["drift"]["features"]:
        if c["prediction"]:
            continue
        f.check(c["judged"] and not c["drifted"],
                "unshifted: %s judged drifted or not judged: %s" % (c["feature"], c))
        f.check(sample(samples, "driftd_feature_drifted", model="demo", feature=c["feature"]) == 0,
                "unshifted: driftd_feature_drifted{feature=%s} not 0" % c["feature"])
    f.check(sample(samples, "driftd_dataset_drift_share", model="demo") == 0,
            "unshifted: dataset drift share %s"
            % sample(samples, "driftd_dataset_drift_share", model="demo"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--driftd", required=True)
    parser.add_argument("--promtool", required=True)
    args = parser.parse_args()
    if not shutil.which(args.promtool) and not os.access(args.promtool, os.X_OK):
        print("FAIL: promtool not found (%s); run scripts/setup.sh" % args.promtool,
              file=sys.stderr)
        return 1

    f = Failures()
    workdir = tempfile.mkdtemp(prefix="driftd-eval-")
    try:
        shifted = run_case(args, workdir, "shifted", SHIFT_AT, f)
        if shifted:
            check_shifted(*shifted, f)
        plain = run_case(args, workdir, "unshifted", None, f)
        if plain:
            check_unshifted(plain[0], plain[2], f)
        against_baseline = run_case(args, workdir, "baseline", SHIFT_AT, f, baseline=True)
        if against_baseline:
            check_baseline(against_baseline[0], against_baseline[2], f)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if f.messages:
        print("%d check(s) failed" % len(f.messages), file=sys.stderr)
        return 1
    print("eval: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
