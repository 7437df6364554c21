#!/usr/bin/env python3
"""End-to-end checks of driftd's HTTP endpoint against the real binary.

Starts `driftd run` on a temporary config (file source following a JSONL file
written here, http.listen on 127.0.0.1:0), reads the bound port from the
"http listening" log line, and checks one scenario:

  promtool  /metrics passes `promtool check metrics`; event and reject counts
            match the generated file; /healthz, 404, 405; SIGTERM exits 0.
  status    /api/v1/status is JSON with the configured model.

Exit status 0 when every check passes; the failures are printed otherwise.
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

START_TIMEOUT = 20.0  # seconds until "http listening" and /readyz
SETTLE_TIMEOUT = 20.0  # seconds until every generated line is counted
STOP_TIMEOUT = 15.0  # seconds from SIGTERM to exit

MODEL = "fraud"

# (line, kind) for events the decoder must accept.
VALID_EVENTS = [
    ('{"kind": "prediction", "model": "fraud", "id": "r1", "ts": "2026-11-27T01:02:03Z", '
     '"features": {"amount": 42.5, "country": "DE"}, "prediction": 0.93, "latency_ms": 12.4}',
     "prediction"),
    ('{"model": "fraud", "id": "r2", "ts": 1795741324, '
     '"features": {"amount": 7, "country": "FR"}, "prediction": 0.12}', "prediction"),
    ('{"kind": "prediction", "model": "fraud", "id": "r3", "ts": "2026-11-27T01:02:05Z", '
     '"features": {"amount": null, "country": "US"}, "prediction": 0.5}', "prediction"),
    ('{"kind": "input", "model": "fraud", "ts": "2026-11-27T01:02:06Z", '
     '"features": {"amount": 1.5, "country": "DE"}}', "input"),
    ('{"kind": "label", "model": "fraud", "id": "r1", "ts": "2026-11-28T09:00:00Z", "label": 1}',
     "label"),
    ('{"kind": "model", "model": "fraud", "model_version": "v43", '
     '"trained_at": "2026-11-20T00:00:00Z", "deployed_at": "2026-11-27T00:00:00Z", '
     '"dependencies": {"sklearn": "1.5.2"}}', "model"),
]

# (line, reason) for messages the decoder must reject, with the reason named
# in collectors/decoder.h.
INVALID_EVENTS = [
    ("this is not json", "invalid_json"),
    ("[1, 2, 3]", "not_an_object"),
    ('{"kind": "prediction", "model": "no_such_model", "features": {}}', "unknown_model"),
    ('{"kind": "bogus", "model": "fraud"}', "bad_kind"),
    ('{"kind": "prediction", "model": "fraud", "ts": "yesterday", "features": {}}',
     "bad_timestamp"),
]

CONFIG = """\
[daemon]
state_dir = "{state_dir}"
evaluation_interval = "1s"
shutdown_timeout = "10s"

[http]
listen = "127.0.0.1:0"

[source]
type = "file"
path = "{events}"
follow = true
poll_interval = "50ms"

[models.fraud]
window = "1h"

[models.fraud.features]
amount = {{ type = "numeric" }}
country = {{ type = "categorical" }}
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
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

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


def http_get(url, method="GET"):
    """(status, headers, body) of one request; never raises for HTTP errors."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def curl(curl_bin, url, *extra):
    """(http_code, body) fetched with curl."""
    result = subprocess.run(
        [curl_bin, "-sS", "--max-time", "5", "-o", "-", "-w", "\n%{http_code}", *extra, url],
        capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return None, result.stderr
    body, _, code = result.stdout.rpartition("\n")
    return int(code), body


def parse_metrics(text):
    """{series: value} where series is `name{labels}` exactly as exposed."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE_RE.match(line)
        if match is None:
            raise ValueError("unparsable sample line: " + line)
        samples[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return samples


def model_event_total(samples):
    prefix = "driftd_events_total{"
    return sum(v for k, v in samples.items()
               if k.startswith(prefix) and 'model="%s"' % MODEL in k)


def rejected_total(samples):
    return sum(v for k, v in samples.items() if k.startswith("driftd_events_rejected_total{"))


def wait_ready(base, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if http_get(base + "/readyz")[0] == 200:
                return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    return False


def wait_counted(base, timeout):
    """Polls /metrics until every generated line is counted; returns the text."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        status, _, text = http_get(base + "/metrics")
        if status == 200:
            samples = parse_metrics(text)
            if (model_event_total(samples) >= len(VALID_EVENTS)
                    and rejected_total(samples) >= len(INVALID_EVENTS)):
                return text
        time.sleep(0.1)
    return text


def check_promtool(args, base, f):
    text = wait_counted(base, SETTLE_TIMEOUT)

    code, body = curl(args.curl, base + "/metrics")
    f.check(code == 200, "curl /metrics: status %s (%s)" % (code, body.strip()[:200]))
    if code == 200:
        text = body
    promtool = subprocess.run([args.promtool, "check", "metrics"], input=text,
                              capture_output=True, text=True, check=False)
    complaints = (promtool.stdout + promtool.stderr).strip()
    f.check(promtool.returncode == 0 and not complaints,
            "promtool check metrics exited %d: %s" % (promtool.returncode, complaints))

    samples = parse_metrics(text)
    f.check(model_event_total(samples) == len(VALID_EVENTS),
            "driftd_events_total for %s is %s, expected %d valid events"
            % (MODEL, model_event_total(samples), len(VALID_EVENTS)))
    for kind in ("prediction", "input", "label", "model"):
        series = 'driftd_events_total{kind="%s",model="%s"}' % (kind, MODEL)
        expected = sum(1 for _, k in VALID_EVENTS if k == kind)
        f.check(samples.get(series) == expected,
                "%s = %s, expected %d" % (series, samples.get(series), expected))
    for reason in sorted(set(r for _, r in INVALID_EVENTS)):
        series = 'driftd_events_rejected_total{reason="%s"}' % reason
        expected = sum(1 for _, r in INVALID_EVENTS if r == reason)
        f.check(samples.get(series) == expected,
                "%s = %s, expected %d" % (series, samples.get(series), expected))
    f.check(rejected_total(samples) == len(INVALID_EVENTS),
            "rejected total %s, expected %d" % (rejected_total(samples), len(INVALID_EVENTS)))
    f.check(any(k.startswith("driftd_build_info{") and v == 1 for k, v in samples.items()),
            "driftd_build_info missing")

    code, body = curl(args.curl, base + "/healthz")
    f.check(code == 200, "/healthz: status %s" % code)
    code, _ = curl(args.curl, base + "/nope")
    f.check(code == 404, "/nope: status %s, expected 404" % code)
    code, _ = curl(args.curl, base + "/metrics", "-X", "POST", "-d", "x=1")
    f.check(code == 405, "POST /metrics: status %s, expected 405" % code)
    status, headers, _ = http_get(base + "/metrics", method="POST")
    f.check(status == 405 and "GET" in (headers.get("Allow") or ""),
            "POST /metrics: Allow header %r" % headers.get("Allow"))
    status, headers, body = http_get(base + "/metrics", method="HEAD")
    f.check(status == 200 and body == "" and int(headers.get("Content-Length", "0")) > 0,
            "HEAD /metrics: status %s, Content-Length %s, body %d bytes"
            % (status, headers.get("Content-Length"), len(body)))


def check_status(base, f):
    wait_counted(base, SETTLE_TIMEOUT)
    status, headers, body = http_get(base + "/api/v1/status")
    f.check(status == 200, "/api/v1/status: status %s" % status)
    f.check((headers.get("Content-Type") or "").startswith("application/json"),
            "/api/v1/status: Content-Type %r" % headers.get("Content-Type"))
    try:
        document = json.loads(body)
    except ValueError as e:
        f.check(False, "/api/v1/status is not JSON (%s): %s" % (e, body[:200]))
        return
    f.check(isinstance(document, dict) and "models" in document,
            "/api/v1/status has no \"models\" key: %s" % body[:200])
    if isinstance(document, dict):
        f.check(MODEL in json.dumps(document.get("models")),
                "/api/v1/status models do not name %r: %s" % (MODEL, document.get("models")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["promtool", "status"])
    parser.add_argument("--driftd", required=True)
    parser.add_argument("--promtool", default="promtool")
    parser.add_argument("--curl", default="curl")
    args = parser.parse_args()

    for name, path in (("driftd", args.driftd), ("promtool", args.promtool), ("curl", args.curl)):
        if shutil.which(path) is None:
            print("FAIL: %s not found (%s)" % (name, path), file=sys.stderr)
            return 1

    f = Failures()
    workdir = tempfile.mkdtemp(prefix="driftd-http-test-")
    daemon = None
    try:
        events = os.path.join(workdir, "events.jsonl")
        lines = [line for line, _ in VALID_EVENTS] + [line for line, _ in INVALID_EVENTS]
        with open(events, "w") as out:
            out.write("\n".join(lines) + "\n")
        state_dir = os.path.join(workdir, "state")
        os.mkdir(state_dir)
        config_path = os.path.join(workdir, "driftd.toml")
        with open(config_path, "w") as out:
            out.write(CONFIG.format(state_dir=state_dir, events=events))

        daemon = Daemon(args.driftd, config_path)
        port = daemon.wait_for_port(START_TIMEOUT)
        if not f.check(port is not None, 'no msg="http listening" line with addr=HOST:PORT'):
            return 1
        base = "http://127.0.0.1:%d" % port
        if not f.check(wait_ready(base, START_TIMEOUT), "/readyz never answered 200"):
            return 1

        if args.scenario == "promtool":
            check_promtool(args, base, f)
        else:
            check_status(base, f)

        code = daemon.stop(STOP_TIMEOUT)
        f.check(code == 0, "driftd exit status after SIGTERM: %s, expected 0" % code)
    finally:
        if daemon is not None:
            daemon.kill()
            daemon.reader.join(timeout=5)
            if f.messages:
                print("--- driftd log ---", file=sys.stderr)
                print("\n".join(daemon.log_lines), file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)

    if f.messages:
        print("%d check(s) failed" % len(f.messages), file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
