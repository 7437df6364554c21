#!/usr/bin/env python3
"""Lifecycle integration tests of `driftd run`: the sd_notify protocol as
systemd 252 speaks it (Type=notify, NotifyAccess=main, WatchdogSec=,
ExecReload= with RELOADING=1/READY=1), signals, reloads and the log format.

Each case runs the real binary with a file source and loopback HTTP:

    lifecycle_test.py --driftd build/daemon/driftd --case ready

ctest registers one test per case (tests/lifecycle/CMakeLists.txt).
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import driftd_harness as h  # noqa: E402

DRIFTD = None  # set from --driftd
SHUTDOWN_TIMEOUT_S = 5.0  # daemon.shutdown_timeout in every config below
EXIT_MARGIN_S = 2.0       # process teardown and scheduling on a loaded machine
MONOTONIC_SLACK_US = 60_000_000


def reloads(daemon, result):
    return h.metric_value(daemon.metrics(), "driftd_config_reloads_total", result=result)


def invalid_config(tmp, **kwargs):
    """A two-model config with one type error (a string threshold); returns
    (text, line) where line is the 1-based line of the offending value."""
    text = h.minimal_config(tmp, models=("alpha",), **kwargs)
    text += '[models.beta]\nwindow = "1h"\n\n[models.beta.features.x]\ntype = "numeric"\n'
    line = text.count("\n") + 1
    text += 'threshold = "high"\n'
    return text, line


class LifecycleTest(unittest.TestCase):
    def setUp(self):
        self._tmp = h.TempDir()
        self.tmp = self._tmp.__enter__()
        self.addCleanup(self._tmp.__exit__, None, None, None)

    def start(self, config_text=None, **kwargs):
        cfg = h.write_config(self.tmp, config_text or h.minimal_config(self.tmp))
        kwargs.setdefault("notify_dir", self.tmp)
        daemon = h.Daemon(DRIFTD, cfg, **kwargs)
        self.addCleanup(daemon.close)
        return daemon

    def stop_cleanly(self, daemon, sig=signal.SIGTERM):
        t0 = time.monotonic()
        daemon.signal(sig)
        rc = daemon.wait_exit(SHUTDOWN_TIMEOUT_S + EXIT_MARGIN_S)
        elapsed = time.monotonic() - t0
        self.assertEqual(rc, 0, f"exit code after {sig.name}; stderr:\n{daemon.logs_text()}")
        return elapsed

    # ------------------------------------------------------------ cases ---

    def test_ready(self):
        """READY=1 once HTTP is bound and the config loaded; STATUS= sent;
        every datagram comes from the main pid (NotifyAccess=main)."""
        with self.start() as d:
            d.wait_ready()
            status, body = d.get("/healthz")
            self.assertEqual(status, 200, body)
            self.assertEqual(d.status_models(), ["alpha"])
            datagrams = d.notify.snapshot()
            self.assertTrue(any("STATUS" in dg.fields and dg.fields["STATUS"] for dg in datagrams),
                            f"no non-empty STATUS= datagram: {datagrams}")
            for dg in datagrams:
                self.assertEqual(dg.pid, d.pid, f"datagram {dg} not sent by the main process {d.pid}")
            self.stop_cleanly(d)

    def test_no_notify_socket(self):
        """Without $NOTIFY_SOCKET (not under systemd) the daemon runs normally."""
        with self.start(notify_dir=None) as d:
            d.wait_ready()
            status, _ = d.get("/healthz")
            self.assertEqual(status, 200)
            self.stop_cleanly(d)

    def _check_watchdog(self, watchdog_pid):
        with self.start(watchdog_usec=400_000, watchdog_pid=watchdog_pid) as d:
            d.wait_ready()
            t0 = time.monotonic()
            time.sleep(1.5)  # real time is what is under test
            pings = [dg for dg in d.notify.snapshot()
                     if dg.fields.get("WATCHDOG") == "1" and t0 <= dg.when <= t0 + 1.5]
            # Every 200 ms (half of WATCHDOG_USEC) gives 7 in 1.5 s; pinging at
            # the full 400 ms period (too late for systemd under any jitter)
            # gives at most 4, so 5 tells them apart with room for load.
            self.assertGreaterEqual(len(pings), 5, f"WATCHDOG=1 pings in 1.5 s: {d.notify.snapshot()}")
            for dg in pings:
                self.assertEqual(dg.pid, d.pid)
            self.stop_cleanly(d)

    def test_watchdog(self):
        """WATCHDOG=1 at half of $WATCHDOG_USEC, $WATCHDOG_PID = the daemon (as systemd sets it)."""
        self._check_watchdog(watchdog_pid=True)

    def test_watchdog_without_pid(self):
        """$WATCHDOG_USEC alone (no $WATCHDOG_PID) also enables the pings."""
        self._check_watchdog(watchdog_pid=False)

    def test_no_watchdog_pings_unless_requested(self):
        """No $WATCHDOG_USEC: no WATCHDOG=1 datagrams."""
        with self.start() as d:
            d.wait_ready()
            time.sleep(1.0)  # long enough for pings at any plausible default period to show
            pings = [dg for dg in d.notify.snapshot() if "WATCHDOG" in dg.fields]
            self.assertEqual(pings, [])
            self.stop_cleanly(d)

    def _check_reload_handshake(self, d, start):
        """After SIGHUP: RELOADING=1, then READY=1 in a later or the same datagram."""
        i, dg = d.notify.wait_field("RELOADING", "1", 10.0, start)
        if "MONOTONIC_USEC" in dg.fields:
            mono_us = int(dg.fields["MONOTONIC_USEC"])
            now_us = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            self.assertLess(abs(now_us - mono_us), MONOTONIC_SLACK_US, f"MONOTONIC_USEC off: {dg}")
        self.assertNotEqual(dg.fields.get("READY"), "1", f"READY=1 together with RELOADING=1: {dg}")
        d.notify.wait_field("READY", "1", 10.0, i + 1)
        for dg in d.notify.snapshot()[start:]:
            self.assertEqual(dg.pid, d.pid)

    def test_reload_valid(self):
        """SIGHUP with a valid changed config: new model served, success counted."""
        with self.start() as d:
            d.wait_ready()
            self.assertEqual(d.status_models(), ["alpha"])
            h.write_config(self.tmp, h.minimal_config(self.tmp, models=("alpha", "beta")))
            start = len(d.notify.snapshot())
            d.signal(signal.SIGHUP)
            self._check_reload_handshake(d, start)
            # READY=1 ends the reload (`systemctl reload` returns then): its
            # effects are visible at once, no polling.
            self.assertEqual(d.status_models(), ["alpha", "beta"],
                             "new model not in /api/v1/status when READY=1 arrived")
            self.assertEqual(reloads(d, "success"), 1.0)
            self.assertIn(reloads(d, "failure"), (None, 0.0))
            self.assertTrue(d.alive())
            self.stop_cleanly(d)

    def test_reload_invalid(self):
        """SIGHUP with an invalid config: old config kept, file:line:col error
        logged at level=error, failure counted, still serving."""
        with self.start() as d:
            d.wait_ready()
            text, bad_line = invalid_config(self.tmp)
            cfg = h.write_config(self.tmp, text)
            log_start = len(d.logs())
            start = len(d.notify.snapshot())
            d.signal(signal.SIGHUP)
            self._check_reload_handshake(d, start)
            position = re.compile(re.escape(os.path.basename(cfg)) + rf":{bad_line}:\d+")
            d.wait_log(lambda f, raw: f.get("level") == "error" and position.search(raw),
                       10.0, log_start, what=f"level=error line with driftd.toml:{bad_line}:<col>")
            self.assertEqual(reloads(d, "failure"), 1.0)
            self.assertIn(reloads(d, "success"), (None, 0.0))
            self.assertTrue(d.alive())
            self.assertEqual(d.status_models(), ["alpha"])
            status, _ = d.get("/healthz")
            self.assertEqual(status, 200)
            # A fixed file reloads fine afterwards.
            h.write_config(self.tmp, h.minimal_config(self.tmp, models=("alpha", "beta")))
            start = len(d.notify.snapshot())
            d.signal(signal.SIGHUP)
            self._check_reload_handshake(d, start)
            self.assertEqual(d.status_models(), ["alpha", "beta"],
                             "new model not in /api/v1/status when READY=1 arrived")
            self.assertEqual(reloads(d, "success"), 1.0)
            self.stop_cleanly(d)

    def test_sigterm(self):
        """SIGTERM: STOPPING=1, exit 0 within daemon.shutdown_timeout."""
        with self.start() as d:
            d.wait_ready()
            start = len(d.notify.snapshot())
            elapsed = self.stop_cleanly(d, signal.SIGTERM)
            self.assertLess(elapsed, SHUTDOWN_TIMEOUT_S + EXIT_MARGIN_S)
            d.notify.wait_field("STOPPING", "1", 2.0, start)

    def test_sigint(self):
        """SIGINT (Ctrl-C in a terminal) also stops cleanly with exit 0."""
        with self.start() as d:
            d.wait_ready()
            elapsed = self.stop_cleanly(d, signal.SIGINT)
            self.assertLess(elapsed, SHUTDOWN_TIMEOUT_S + EXIT_MARGIN_S)

    def test_stdin_eof_keeps_serving(self):
        """source.path = "-", follow = false: end of standard input ends
        intake, not the daemon; it serves until signalled."""
        cfg = h.minimal_config(self.tmp, source_path="-")
        with self.start(cfg, stdin=subprocess.PIPE) as d:
            d.wait_ready()
            events = [
                '{"kind": "prediction", "model": "alpha", "id": "e%d", "ts": %d, '
                '"features": {"x": %d.5}, "prediction": 0.5}' % (i, 1_700_000_000 + i, i)
                for i in range(3)
            ]
            d.proc.stdin.write(("\n".join(events) + "\n").encode())
            d.proc.stdin.close()
            d.poll(lambda: h.metric_value(d.metrics(), "driftd_events_total", model="alpha",
                                          kind="prediction") == 3.0,
                   timeout=10.0, what='driftd_events_total{model="alpha",kind="prediction"} == 3')
            time.sleep(1.0)  # a daemon that exits on EOF would be gone by now
            self.assertTrue(d.alive(), f"exited with {d.proc.returncode} after stdin EOF")
            status, _ = d.get("/healthz")
            self.assertEqual(status, 200)
            self.stop_cleanly(d)

    def test_logfmt(self):
        """Every stderr line over start, reload (good and bad) and stop is
        logfmt with ts= (RFC 3339), level= and msg=."""
        with self.start() as d:
            d.wait_ready()
            h.write_config(self.tmp, h.minimal_config(self.tmp, models=("alpha", "beta")))
            start = len(d.notify.snapshot())
            d.signal(signal.SIGHUP)
            i, _ = d.notify.wait_field("RELOADING", "1", 10.0, start)
            d.notify.wait_field("READY", "1", 10.0, i + 1)
            h.write_config(self.tmp, invalid_config(self.tmp)[0])
            start = len(d.notify.snapshot())
            d.signal(signal.SIGHUP)
            i, _ = d.notify.wait_field("RELOADING", "1", 10.0, start)
            d.notify.wait_field("READY", "1", 10.0, i + 1)
            self.stop_cleanly(d)
            lines = d.logs()
        self.assertGreater(len(lines), 0)
        ts_re = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
        levels = set()
        for line in lines:
            try:
                fields = h.parse_logfmt(line)
            except ValueError as e:
                self.fail(f"not logfmt ({e}): {line!r}")
            self.assertEqual(list(fields)[:3], ["ts", "level", "msg"], line)
            self.assertRegex(fields["ts"], ts_re, line)
            self.assertIn(fields["level"], ("debug", "info", "warn", "error"), line)
            self.assertTrue(fields["msg"], line)
            levels.add(fields["level"])
        self.assertIn("info", levels)
        self.assertIn("error", levels)

    def test_log_level_warn(self):
        """daemon.log_level = "warn": no debug or info lines, errors still logged."""
        port = h.free_port()
        cfg = h.minimal_config(self.tmp, log_level="warn")
        with self.start(cfg, args=("--listen", f"127.0.0.1:{port}")) as d:
            d.set_address("127.0.0.1", port)
            d.wait_ready()
            status, _ = d.get("/healthz")
            self.assertEqual(status, 200)
            h.write_config(self.tmp, invalid_config(self.tmp, log_level="warn")[0])
            log_start = len(d.logs())
            start = len(d.notify.snapshot())
            d.signal(signal.SIGHUP)
            i, _ = d.notify.wait_field("RELOADING", "1", 10.0, start)
            d.notify.wait_field("READY", "1", 10.0, i + 1)
            d.wait_log(lambda f, _: f.get("level") == "error", 10.0, log_start, what="level=error line")
            self.stop_cleanly(d)
            for line in d.logs():
                fields = h.parse_logfmt(line)
                self.assertIn(fields.get("level"), ("warn", "error"), line)

    def test_listen_override(self):
        """--listen HOST:PORT overrides http.listen (127.0.0.1:0 in the file)."""
        port = h.free_port()
        with self.start(args=("--listen", f"127.0.0.1:{port}")) as d:
            d.wait_ready()
            host, logged_port = d.wait_listening()
            self.assertEqual((host, logged_port), ("127.0.0.1", port))
            status, _ = h.http_get("127.0.0.1", port, "/healthz")
            self.assertEqual(status, 200)
            self.stop_cleanly(d)

    def test_invalid_config_at_start(self):
        """An invalid config at start: exit 2, error with file:line:col, no READY=1."""
        text, bad_line = invalid_config(self.tmp)
        with self.start(text) as d:
            rc = d.wait_exit(h.START_TIMEOUT)
            self.assertEqual(rc, 2, d.logs_text())
            self.assertRegex(d.logs_text(), rf"driftd\.toml:{bad_line}:\d+")
            self.assertFalse([dg for dg in d.notify.snapshot() if dg.fields.get("READY") == "1"])


CASES = {name[len("test_"):]: name for name in dir(LifecycleTest) if name.startswith("test_")}


def main():
    global DRIFTD
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--driftd", required=True, help="path of the driftd binary")
    parser.add_argument("--case", action="append", choices=sorted(CASES),
                        help="case to run (repeatable; default: all)")
    args = parser.parse_args()
    DRIFTD = os.path.abspath(args.driftd)
    if not os.access(DRIFTD, os.X_OK):
        parser.error(f"{DRIFTD} is not an executable")
    suite = unittest.TestSuite(LifecycleTest(CASES[c]) for c in (args.case or sorted(CASES)))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)


if __name__ == "__main__":
    main()
