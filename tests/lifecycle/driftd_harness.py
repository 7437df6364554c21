"""Helpers for integration tests that run the real `driftd run` process.

Standard library only. Other integration tests (tests/http, ...) import this
module after putting tests/lifecycle on sys.path:

    sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
    sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lifecycle"))
    import driftd_harness as h

    with h.TempDir() as tmp:
        cfg = h.write_config(tmp, h.minimal_config(tmp))
        with h.Daemon(driftd_path, cfg, notify_dir=tmp) as d:
            d.wait_ready()
            status, body = d.get("/metrics")

The daemon logs logfmt on stderr; the harness collects every line (parsed and
raw) on a reader thread, finds the HTTP port in the `msg="http listening"`
line, and receives sd_notify datagrams on a unixgram socket it binds and
passes as $NOTIFY_SOCKET, recording the sender's pid (SCM_CREDENTIALS).
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

START_TIMEOUT = 20.0  # Debug and sanitizer builds start slowly on a busy machine.


class HarnessError(AssertionError):
    """A daemon behaviour the test expected did not happen."""


# ---------------------------------------------------------------- logfmt ---

_LOGFMT_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def parse_logfmt(line):
    """Parses one logfmt line into an ordered dict of key -> value.

    Grammar: pairs separated by single spaces; key=[bare|"quoted"], where a
    bare value has no space, '"' or '=' and a quoted value may contain \\" \\\\
    \\n \\t \\r escapes. Raises ValueError on anything else (including an
    empty line or a duplicate key).
    """
    if not line:
        raise ValueError("empty line")
    fields = {}
    i, n = 0, len(line)
    while i < n:
        m = _LOGFMT_KEY.match(line, i)
        if not m:
            raise ValueError(f"expected a key at column {i + 1}")
        key = m.group(0)
        i = m.end()
        if i >= n or line[i] != "=":
            raise ValueError(f"expected '=' after key {key!r} at column {i + 1}")
        i += 1
        if i < n and line[i] == '"':
            i += 1
            out = []
            while True:
                if i >= n:
                    raise ValueError(f"unterminated quoted value of {key!r}")
                c = line[i]
                if c == "\\":
                    if i + 1 >= n:
                        raise ValueError(f"dangling escape in {key!r}")
                    esc = line[i + 1]
                    mapped = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}.get(esc)
                    if mapped is None:
                        raise ValueError(f"unknown escape \\{esc} in {key!r}")
                    out.append(mapped)
                    i += 2
                elif c == '"':
                    i += 1
                    break
                else:
                    out.append(c)
                    i += 1
            value = "".join(out)
        else:
            start = i
            while i < n and line[i] != " ":
                if line[i] in '"=':
                    raise ValueError(f"unquoted {line[i]!r} in value of {key!r}")
                i += 1
            value = line[start:i]
        if key in fields:
            raise ValueError(f"duplicate key {key!r}")
        fields[key] = value
        if i < n:
            if line[i] != " " or i + 1 >= n:
                raise ValueError(f"expected a single space before the next key at column {i + 1}")
            i += 1
    return fields


# --------------------------------------------------------------- metrics ---

_METRIC_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)')


def parse_metrics(text):
    """Parses Prometheus text exposition into {(name, frozenset(labels)): value}."""
    samples = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _METRIC_LINE.match(line)
        if not m:
            raise ValueError(f"metrics line {lineno} is not a sample: {line!r}")
        name, label_text, value = m.group(1), m.group(3) or "", m.group(4)
        labels = {}
        pos = 0
        while pos < len(label_text):
            lm = _LABEL.match(label_text, pos)
            if not lm:
                raise ValueError(f"metrics line {lineno}: bad labels {label_text!r}")
            labels[lm.group(1)] = re.sub(r"\\(.)", lambda e: "\n" if e.group(1) == "n" else e.group(1),
                                         lm.group(2))
            pos = lm.end()
        samples[(name, frozenset(labels.items()))] = float(value)
    return samples


def metric_value(samples, name, **labels):
    """The value of the sample with exactly these labels, or None."""
    return samples.get((name, frozenset(labels.items())))


# ------------------------------------------------------------------ http ---

def http_get(host, port, path, timeout=5.0):
    """GET http://host:port/path; returns (status, body as str)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def free_port(host="127.0.0.1"):
    """A TCP port that was free a moment ago (for --listen tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def split_host_port(addr):
    host, _, port = addr.rpartition(":")
    return host.strip("[]"), int(port)


# ---------------------------------------------------------------- config ---

class TempDir:
    """A temporary directory removed on exit (kept when DRIFTD_KEEP_TMP is set)."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="driftd-it-")
        return self.path

    def __exit__(self, *exc):
        if os.environ.get("DRIFTD_KEEP_TMP"):
            print(f"kept {self.path}")
        else:
            shutil.rmtree(self.path, ignore_errors=True)
        return False


def toml_str(s):
    return json.dumps(s)  # a JSON string literal is a valid TOML basic string


def minimal_config(tmp, models=("alpha",), log_level="info", listen="127.0.0.1:0",
                   shutdown_timeout="5s", source_path=None, follow=False, extra=""):
    """A small valid config: file source, loopback HTTP on a free port, state
    in tmp, one numeric feature `x` per model. Returns the TOML text."""
    state_dir = os.path.join(tmp, "state")
    os.makedirs(state_dir, exist_ok=True)
    if source_path is None:
        source_path = os.path.join(tmp, "events.jsonl")
        if not os.path.exists(source_path):
            open(source_path, "w").close()
    lines = [
        "[daemon]",
        f"state_dir = {toml_str(state_dir)}",
        'evaluation_interval = "1s"',
        f"shutdown_timeout = {toml_str(shutdown_timeout)}",
        f"log_level = {toml_str(log_level)}",
        "",
        "[http]",
        f"listen = {toml_str(listen)}",
        "",
        "[source]",
        'type = "file"',
        f"path = {toml_str(source_path)}",
        f"follow = {'true' if follow else 'false'}",
        "",
    ]
    for model in models:
        lines += [
            f"[models.{model}]",
            'window = "1h"',
            "min_samples = 10",
            "",
            f"[models.{model}.features]",
            'x = { type = "numeric" }',
            "",
        ]
    return "\n".join(lines) + extra


def write_config(tmp, text, name="driftd.toml"):
    """Writes the config atomically (rename), so a reload never reads half a file."""
    path = os.path.join(tmp, name)
    partial = path + ".partial"
    with open(partial, "w") as f:
        f.write(text)
    os.replace(partial, path)
    return path


# ---------------------------------------------------------------- notify ---

class Datagram:
    """One sd_notify datagram: its assignments, the sender pid and arrival time."""

    def __init__(self, text, pid, when):
        self.text = text
        self.pid = pid
        self.when = when
        self.fields = {}
        for line in text.split("\n"):
            if line:
                key, sep, value = line.partition("=")
                if not sep:
                    raise HarnessError(f"notify datagram line without '=': {text!r}")
                self.fields[key] = value

    def __repr__(self):
        return f"Datagram({self.text!r}, pid={self.pid})"


class NotifySocket:
    """A bound AF_UNIX/SOCK_DGRAM socket standing in for systemd's notify socket."""

    _UCRED = struct.Struct("3i")  # pid, uid, gid

    def __init__(self, directory):
        self.path = os.path.join(directory, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        if len(self.path.encode()) < 100:
            self.sock.bind(self.path)
            self._fs_path = self.path
        else:
            # sun_path holds 108 bytes: past that, an abstract name, which
            # $NOTIFY_SOCKET spells with a leading '@'.
            name = f"driftd-notify-{os.getpid()}-{id(self)}"
            self.sock.bind("\0" + name)
            self.path = "@" + name
            self._fs_path = None
        self.received = []  # every Datagram so far, in arrival order
        self._lock = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        self.sock.settimeout(0.1)
        while not self._closed:
            try:
                data, anc, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(self._UCRED.size))
            except socket.timeout:
                continue
            except OSError:
                return
            pid = None
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = self._UCRED.unpack(payload[: self._UCRED.size])[0]
            dg = Datagram(data.decode("utf-8", "replace"), pid, time.monotonic())
            with self._lock:
                self.received.append(dg)
                self._lock.notify_all()

    def wait_for(self, predicate, timeout, start=0, what="datagram"):
        """Waits for a datagram at index >= start matching predicate; returns
        (index, Datagram). Raises HarnessError on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for i in range(start, len(self.received)):
                    if predicate(self.received[i]):
                        return i, self.received[i]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise HarnessError(f"no {what} within {timeout}s; received: {self.received[start:]}")
                self._lock.wait(left)

    def wait_field(self, key, value, timeout, start=0):
        return self.wait_for(lambda d: d.fields.get(key) == value, timeout, start, f"{key}={value}")

    def snapshot(self):
        with self._lock:
            return list(self.received)

    def close(self):
        self._closed = True
        self._thread.join(2)
        self.sock.close()
        if self._fs_path:
            try:
                os.unlink(self._fs_path)
            except FileNotFoundError:
                pass


# ---------------------------------------------------------------- daemon ---

class Daemon:
    """A `driftd run --config FILE` child process.

    notify_dir: where to bind the notify socket ($NOTIFY_SOCKET); None runs
    without one. watchdog_usec sets $WATCHDOG_USEC; with watchdog_pid=True
    the child is started through `sh -c 'exec ...'` so that $WATCHDOG_PID is
    the daemon's own pid, as systemd sets it. stdin is passed to Popen.
    """

    def __init__(self, driftd, config_path, args=(), notify_dir=None, watchdog_usec=None,
                 watchdog_pid=False, stdin=subprocess.DEVNULL, env=None):
        self.driftd = driftd
        self.config_path = config_path
        self.notify = NotifySocket(notify_dir) if notify_dir else None
        child_env = dict(os.environ if env is None else env)
        for key in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID"):
            child_env.pop(key, None)
        if self.notify:
            child_env["NOTIFY_SOCKET"] = self.notify.path
        if watchdog_usec is not None:
            child_env["WATCHDOG_USEC"] = str(watchdog_usec)
        argv = [driftd, "run", "--config", config_path, *args]
        if watchdog_pid:
            argv = ["/bin/sh", "-c", 'WATCHDOG_PID=$$; export WATCHDOG_PID; exec "$@"', "sh", *argv]
        self.log_lines = []   # raw stderr lines, without the newline
        self.stdout_text = []
        self._cond = threading.Condition()
        self._eof = False
        self.proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=child_env)
        self.pid = self.proc.pid
        self._err_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self._err_thread.start()
        self._out_thread = threading.Thread(target=self._read_stdout, daemon=True)
        self._out_thread.start()
        self._port = None
        self._host = None

    # -- output collection --
    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._cond:
                self.log_lines.append(line)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _read_stdout(self):
        for raw in self.proc.stdout:
            self.stdout_text.append(raw.decode("utf-8", "replace"))

    def logs(self):
        with self._cond:
            return list(self.log_lines)

    def logs_text(self):
        return "\n".join(self.logs())

    def wait_log(self, predicate, timeout=START_TIMEOUT, start=0, what="log line"):
        """Waits for a stderr line (index >= start) whose parsed logfmt fields
        satisfy predicate(fields, raw); returns (index, fields)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i in range(start, len(self.log_lines)):
                    try:
                        fields = parse_logfmt(self.log_lines[i])
                    except ValueError:
                        continue
                    if predicate(fields, self.log_lines[i]):
                        return i, fields
                if self._eof:
                    raise HarnessError(f"daemon exited (rc={self.proc.poll()}) before {what}:\n"
                                       + self._tail())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise HarnessError(f"no {what} within {timeout}s:\n" + self._tail())
                self._cond.wait(min(left, 0.2))

    def _tail(self, n=40):
        return "\n".join("  stderr| " + line for line in self.log_lines[-n:])

    # -- readiness and HTTP --
    def wait_listening(self, timeout=START_TIMEOUT):
        """The (host, port) of the `msg="http listening"` log line."""
        if self._port is None:
            _, fields = self.wait_log(lambda f, _: f.get("msg") == "http listening" and "addr" in f,
                                      timeout, what='msg="http listening" with addr=')
            self._host, self._port = split_host_port(fields["addr"])
        return self._host, self._port

    def wait_ready(self, timeout=START_TIMEOUT):
        """Waits for READY=1 (with a notify socket) and the listening line;
        returns the READY datagram's index (or None without a socket)."""
        index = None
        if self.notify:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    index, _ = self.notify.wait_field("READY", "1", 0.2)
                    break
                except HarnessError:
                    if self.proc.poll() is not None:
                        raise HarnessError(f"daemon exited (rc={self.proc.returncode}) before READY=1:\n"
                                           + self._tail())
                    if time.monotonic() > deadline:
                        raise HarnessError(f"no READY=1 within {timeout}s; datagrams: "
                                           f"{self.notify.snapshot()}\n" + self._tail())
        self.wait_listening(timeout)
        return index

    def set_address(self, host, port):
        """For runs whose log level hides the listening line (--listen given)."""
        self._host, self._port = host, port

    def get(self, path, timeout=5.0):
        host, port = self.wait_listening()
        return http_get(host, port, path, timeout)

    def get_json(self, path):
        status, body = self.get(path)
        if status != 200:
            raise HarnessError(f"GET {path}: HTTP {status}: {body[:500]}")
        return json.loads(body)

    def metrics(self):
        status, body = self.get("/metrics")
        if status != 200:
            raise HarnessError(f"GET /metrics: HTTP {status}")
        return parse_metrics(body)

    def status_models(self):
        """Model names listed by /api/v1/status ("models": [{"name": ...}])."""
        doc = self.get_json("/api/v1/status")
        return sorted(m["name"] for m in doc["models"])

    def poll(self, fn, timeout=5.0, interval=0.05, what="condition"):
        """Calls fn() until it returns a truthy value; returns it."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            last = fn()
            if last:
                return last
            if time.monotonic() > deadline:
                raise HarnessError(f"{what} not met within {timeout}s (last: {last!r})")
            time.sleep(interval)

    # -- signals and exit --
    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait_exit(self, timeout):
        """The exit code; raises HarnessError if still running after timeout."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise HarnessError(f"daemon still running {timeout}s later:\n" + self._tail())
        self._err_thread.join(5)
        self._out_thread.join(5)
        return rc

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._err_thread.join(5)
        self._out_thread.join(5)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()
        if self.notify:
            self.notify.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            print(f"--- driftd stderr ({len(self.log_lines)} lines) ---")
            print("\n".join(self.logs()))
            if self.notify:
                print(f"--- notify datagrams ---\n{self.notify.snapshot()}")
        self.close()
        return False


def terminate_and_check(daemon, sig=signal.SIGTERM, timeout=10.0):
    """Sends sig and returns the exit code."""
    daemon.signal(sig)
    return daemon.wait_exit(timeout)
