"""Helpers for the alerting integration tests: a real Alertmanager on
loopback, amtool queries, the alert_driver process, a webhook receiver that
validates the Alertmanager webhook format version 4, and a timeline of what
happened when. Standard library only."""

import datetime
import http.server
import json
import os
import queue
import re
import signal
import socket
import ssl
import subprocess
import threading
import time

START_TIMEOUT = 30.0


class TestFailure(AssertionError):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise TestFailure(f"timed out after {timeout:.0f}s waiting for {what}; last: {last!r}")


class Timeline:
    """Events with their offsets from the start, printed at the end."""

    def __init__(self):
        self.t0 = time.monotonic()
        self.events = []

    def add(self, what):
        self.events.append((time.monotonic() - self.t0, what))
        print(f"[t+{self.events[-1][0]:7.2f}s] {what}", flush=True)

    def dump(self):
        print("timeline:")
        for t, what in self.events:
            print(f"  t+{t:7.2f}s  {what}")


# ------------------------------------------------------------ alertmanager ---

class Alertmanager:
    """prometheus-alertmanager on 127.0.0.1 with clustering off."""

    def __init__(self, binary, amtool, workdir, port=None):
        self.binary = binary
        self.amtool = amtool
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.config = os.path.join(workdir, "alertmanager.yml")
        with open(self.config, "w") as f:
            f.write('route:\n  receiver: "null"\n  group_wait: 1s\nreceivers:\n  - name: "null"\n')

    def start(self):
        log = open(os.path.join(self.workdir, "alertmanager.log"), "ab")
        self.proc = subprocess.Popen(
            [self.binary, f"--config.file={self.config}",
             f"--web.listen-address=127.0.0.1:{self.port}",
             f"--storage.path={os.path.join(self.workdir, 'am-data')}",
             "--cluster.listen-address="],
            stdout=log, stderr=subprocess.STDOUT)
        wait_until(self._ready, START_TIMEOUT, "alertmanager /-/ready")

    def _ready(self):
        if self.proc.poll() is not None:
            raise TestFailure(f"alertmanager exited with {self.proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"GET /-/ready HTTP/1.0\r\nHost: x\r\n\r\n")
                return b" 200 " in s.recv(64)
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def query(self):
        """Active alerts, as amtool reports them."""
        out = subprocess.run(
            [self.amtool, f"--alertmanager.url={self.url}", "alert", "query", "-o", "json"],
            capture_output=True, text=True, timeout=20)
        if out.returncode != 0:
            raise TestFailure(f"amtool failed: {out.stderr}")
        return json.loads(out.stdout or "[]")

    def find(self, **labels):
        return [a for a in self.query()
                if all(a["labels"].get(k) == v for k, v in labels.items())]


# ------------------------------------------------------------------ driver ---

class Driver:
    """The alert_driver process: commands on stdin, one answer line each."""

    def __init__(self, binary, state_dir, workdir, *args):
        self.stderr_path = os.path.join(workdir, f"driver-{time.monotonic_ns()}.log")
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([binary, "--state-dir", state_dir, *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def cmd(self, line, timeout=60):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        try:
            answer = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TestFailure(f"driver did not answer {line!r}")
        if answer is None or not answer.startswith("ok"):
            raise TestFailure(f"driver answered {answer!r} to {line!r}; log:\n{self.log()}")
        return answer

    def log(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def log_records(self):
        records = []
        for line in self.log().splitlines():
            fields = dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', line))
            records.append({k: v.strip('"') for k, v in fields.items()})
        return records

    def quit(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(30)
        self.stderr.close()
        if self.proc.returncode != 0:
            raise TestFailure(f"driver exited with {self.proc.returncode}; log:\n{self.log()[-3000:]}")
        return self.proc.returncode

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.stderr.close()


# ---------------------------------------------------------------- webhook ---

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _string_map(value, where):
    if not isinstance(value, dict):
        raise TestFailure(f"{where}: expected an object, got {type(value).__name__}")
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TestFailure(f"{where}: {k!r} must map to a string")


def validate_webhook_v4(body):
    """Checks a body against Alertmanager's webhook_config documentation
    (format version 4). Raises TestFailure naming the first problem."""
    top = {"version": str, "groupKey": str, "truncatedAlerts": int, "status": str,
           "receiver": str, "groupLabels": dict, "commonLabels": dict,
           "commonAnnotations": dict, "externalURL": str, "alerts": list}
    if set(body) != set(top):
        raise TestFailure(f"top-level keys {sorted(body)} != {sorted(top)}")
    for key, typ in top.items():
        if not isinstance(body[key], typ) or (typ is int and isinstance(body[key], bool)):
            raise TestFailure(f"{key}: expected {typ.__name__}, got {body[key]!r}")
    if body["version"] != "4":
        raise TestFailure(f"version {body['version']!r}")
    if body["status"] not in ("firing", "resolved"):
        raise TestFailure(f"status {body['status']!r}")
    for key in ("groupLabels", "commonLabels", "commonAnnotations"):
        _string_map(body[key], key)
    if not body["alerts"]:
        raise TestFailure("no alerts")
    alert_keys = {"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL",
                  "fingerprint"}
    for i, a in enumerate(body["alerts"]):
        if set(a) != alert_keys:
            raise TestFailure(f"alerts[{i}] keys {sorted(a)} != {sorted(alert_keys)}")
        if a["status"] not in ("firing", "resolved"):
            raise TestFailure(f"alerts[{i}].status {a['status']!r}")
        _string_map(a["labels"], f"alerts[{i}].labels")
        _string_map(a["annotations"], f"alerts[{i}].annotations")
        for t in ("startsAt", "endsAt"):
            if not RFC3339.match(a[t]):
                raise TestFailure(f"alerts[{i}].{t} {a[t]!r} is not RFC 3339")
        if not isinstance(a["generatorURL"], str):
            raise TestFailure(f"alerts[{i}].generatorURL")
        if not re.fullmatch(r"[0-9a-f]{16}", a["fingerprint"]):
            raise TestFailure(f"alerts[{i}].fingerprint {a['fingerprint']!r}")
        for k, v in body["commonLabels"].items():
            if a["labels"].get(k) != v:
                raise TestFailure(f"commonLabels {k}={v!r} not on alerts[{i}]")
    firing = any(a["status"] == "firing" for a in body["alerts"])
    if body["status"] != ("firing" if firing else "resolved"):
        raise TestFailure("group status does not match its alerts")


class WebhookReceiver:
    """An HTTP(S) server recording (headers, body) of each POST."""

    def __init__(self, certfile=None, keyfile=None, status=200):
        self.requests = []
        self.status = status
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if certfile:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(certfile, keyfile)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, host="127.0.0.1", path="/hook"):
        return f"{self.scheme}://{host}:{self.port}{path}"

    def bodies(self):
        return [json.loads(body) for _, body in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
