#!/usr/bin/env python3
"""Checks of systemd/driftd.service.

  check_unit.py verify   --unit U --driftd BIN --workdir DIR [--systemd-analyze P]
  check_unit.py security --unit U --max-exposure 2.0 [--systemd-analyze P]
  check_unit.py contract --unit U [--example-config examples/driftd.toml]

verify: `systemd-analyze verify` refuses a unit whose Exec*= binary does not
exist, and the unit names the packaged /usr/bin/driftd, which a build tree
does not have (verify's --root= would need a whole root with sysinit.target
and /bin/kill; bind-mounting over /usr/bin needs a mount namespace). So this
check first requires ExecStart= to be exactly the packaged command, then
verifies a copy that differs only in the binary's path (the built driftd),
and fails on any line verify prints. It also verifies a deliberately broken
copy and requires a complaint, so a verify that checks nothing cannot pass.

security: `systemd-analyze security --offline=true` scores the sandboxing;
the "Overall exposure level" must be at most --max-exposure.

contract: the unit agrees with what the daemon implements (sd_notify
READY/RELOADING/STOPPING/WATCHDOG from the main pid, SIGHUP reload,
shutdown within daemon.shutdown_timeout) and with the install layout.
"""

import argparse
import os
import re
import subprocess
import sys
import tomllib

PACKAGED_BINARY = "/usr/bin/driftd"
PACKAGED_EXEC_START = "/usr/bin/driftd run --config /etc/driftd/driftd.toml"
DEFAULT_SHUTDOWN_TIMEOUT_S = 10.0  # config/config.h DaemonConfig::shutdown_timeout


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def parse_unit(text):
    """{section: [(key, value), ...]} with continuation lines joined."""
    sections, current, pending = {}, None, ""
    for raw in text.splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
            continue
        if current is None or "=" not in line:
            fail(f"unparsable unit line: {raw!r}")
        key, value = line.split("=", 1)
        sections[current].append((key.strip(), value.strip()))
    return sections


def values(sections, section, key):
    return [v for k, v in sections.get(section, []) if k == key]


def single(sections, section, key):
    found = values(sections, section, key)
    if len(found) != 1:
        fail(f"[{section}] {key}= appears {len(found)} times, expected once: {found}")
    return found[0]


_UNITS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def seconds(text):
    """A systemd or driftd duration ("30s", "1min 30s", "500ms", "10") in seconds."""
    total, pos = 0.0, 0
    text = text.strip()
    for m in re.finditer(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)", text):
        if m.start() != pos:
            break
        unit = m.group(2) or "s"
        if unit not in _UNITS:
            fail(f"unknown duration unit in {text!r}")
        total += float(m.group(1)) * _UNITS[unit]
        pos = m.end()
    if pos != len(text) or not text:
        fail(f"unparsable duration {text!r}")
    return total


def run(cmd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYSTEMD_LOG")}
    env["SYSTEMD_LOG_COLOR"] = "0"
    env["SYSTEMD_COLORS"] = "0"
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=50)


def verify_copy(analyze, text, path):
    with open(path, "w") as f:
        f.write(text)
    r = run([analyze, "verify", path])
    return r.returncode, (r.stdout + r.stderr).strip()


def cmd_verify(args):
    text = open(args.unit).read()
    exec_start = single(parse_unit(text), "Service", "ExecStart")
    if exec_start != PACKAGED_EXEC_START:
        fail(f"ExecStart={exec_start!r}, expected {PACKAGED_EXEC_START!r}")
    driftd = os.path.abspath(args.driftd)
    if not os.access(driftd, os.X_OK):
        fail(f"{driftd} is not an executable")
    old_line = f"ExecStart={PACKAGED_EXEC_START}"
    if text.count(old_line) != 1:
        fail(f"expected exactly one line {old_line!r}")
    local = text.replace(old_line, "ExecStart=" + PACKAGED_EXEC_START.replace(PACKAGED_BINARY, driftd, 1))
    os.makedirs(args.workdir, exist_ok=True)
    # The copy keeps the unit's name: verify checks name-dependent settings.
    path = os.path.join(args.workdir, os.path.basename(args.unit))
    rc, out = verify_copy(args.systemd_analyze, local, path)
    if rc != 0 or out:
        fail(f"systemd-analyze verify {path} exited {rc}:\n{out}")
    print(f"ok: systemd-analyze verify is silent on {args.unit} (ExecStart binary {driftd})")

    broken_dir = os.path.join(args.workdir, "broken")
    os.makedirs(broken_dir, exist_ok=True)
    broken = local.replace("[Service]\n", "[Service]\nNoSuchDirectiveForTest=yes\n", 1)
    rc, out = verify_copy(args.systemd_analyze, broken, os.path.join(broken_dir, os.path.basename(args.unit)))
    if "NoSuchDirectiveForTest" not in out:
        fail(f"verify did not complain about an unknown directive (rc={rc}): {out!r}")
    print("ok: verify reports an unknown directive in a broken copy")


def cmd_security(args):
    r = run([args.systemd_analyze, "security", "--offline=true", "--no-pager", args.unit])
    out = r.stdout + r.stderr
    name = re.escape(os.path.basename(args.unit))
    m = re.search(rf"Overall exposure level for {name}: (\d+(?:\.\d+)?) (\w+)", out)
    if r.returncode != 0 or not m:
        fail(f"systemd-analyze security exited {r.returncode} without an overall exposure line:\n{out}")
    exposure = float(m.group(1))
    exposed = [line for line in out.splitlines() if line.startswith("✗")]
    print("\n".join(exposed))
    if exposure > args.max_exposure:
        fail(f"overall exposure {exposure} ({m.group(2)}) > {args.max_exposure}")
    print(f"ok: overall exposure {exposure} ({m.group(2)}) <= {args.max_exposure}")


def cmd_contract(args):
    s = parse_unit(open(args.unit).read())
    checks = {
        "Type": "notify",            # the daemon sends READY=1 when serving
        "NotifyAccess": "main",      # only driftd itself notifies (no helper processes)
        "ExecStart": PACKAGED_EXEC_START,
        "ExecReload": "/bin/kill -HUP $MAINPID",  # systemd 252: no Type=notify-reload
        "Restart": "on-failure",
        "DynamicUser": "yes",
        "StateDirectory": "driftd",
        "ConfigurationDirectory": "driftd",
    }
    for key, want in checks.items():
        got = single(s, "Service", key)
        if got != want:
            fail(f"{key}={got!r}, expected {want!r}")
    if not values(s, "Install", "WantedBy"):
        fail("no [Install] WantedBy=: `systemctl enable driftd` would do nothing")

    # The daemon pings every WatchdogSec/2 from its io_context timer.
    watchdog = seconds(single(s, "Service", "WatchdogSec"))
    if not 2.0 <= watchdog <= 300.0:
        fail(f"WatchdogSec={watchdog}s outside 2s..300s")

    # Stop must outlast the daemon's own drain deadline, or systemd SIGKILLs
    # it mid-checkpoint.
    shutdown = DEFAULT_SHUTDOWN_TIMEOUT_S
    state_dir = "/var/lib/driftd"
    if args.example_config:
        if not os.path.isfile(args.example_config):
            fail(f"{args.example_config} is missing (installed as /etc/driftd/driftd.toml)")
        with open(args.example_config, "rb") as f:
            daemon = tomllib.load(f).get("daemon", {})
        if "shutdown_timeout" in daemon:
            shutdown = seconds(daemon["shutdown_timeout"])
        state_dir = daemon.get("state_dir", state_dir)
    stop = seconds(single(s, "Service", "TimeoutStopSec"))
    if stop <= shutdown:
        fail(f"TimeoutStopSec={stop}s must exceed daemon.shutdown_timeout={shutdown}s")

    # StateDirectory=driftd is /var/lib/driftd, the only writable path under
    # ProtectSystem=strict: the config's state_dir must be it.
    if state_dir != "/var/lib/driftd":
        fail(f"daemon.state_dir={state_dir!r} is not writable under the unit (StateDirectory=driftd)")
    print(f"ok: unit contract (watchdog {watchdog}s, stop timeout {stop}s > shutdown {shutdown}s)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify")
    v.add_argument("--unit", required=True)
    v.add_argument("--driftd", required=True)
    v.add_argument("--workdir", required=True)
    v.add_argument("--systemd-analyze", default="systemd-analyze")
    sec = sub.add_parser("security")
    sec.add_argument("--unit", required=True)
    sec.add_argument("--max-exposure", type=float, required=True)
    sec.add_argument("--systemd-analyze", default="systemd-analyze")
    c = sub.add_parser("contract")
    c.add_argument("--unit", required=True)
    c.add_argument("--example-config")
    args = p.parse_args()
    {"verify": cmd_verify, "security": cmd_security, "contract": cmd_contract}[args.command](args)


if __name__ == "__main__":
    main()
