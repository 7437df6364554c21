#!/usr/bin/env python3
"""Installs a build tree as a package would and checks the installed tree.

  check_install.py --cmake CMAKE --build-dir B --source-dir S --version V --workdir W

Runs `DESTDIR=W/destdir cmake --install B --prefix /usr` and requires the
layout systemd and the unit expect:

  usr/bin/driftd                        executable; `--version` names V
  usr/lib/systemd/system/driftd.service the unit, byte for byte
  etc/driftd/driftd.toml                examples/driftd.toml (not usr/etc/...);
                                        passes `driftd check-config`
  usr/share/doc/driftd/...              every file of docs/

plus: the unit's ExecStart= binary and --config file and its file:/man:
Documentation= targets exist in the installed tree, and nothing is installed
anywhere else. Every problem is reported, then the exit code is 1.
"""

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys

UNIT = "usr/lib/systemd/system/driftd.service"
BINARY = "usr/bin/driftd"
CONFIG = "etc/driftd/driftd.toml"
DOCDIR = "usr/share/doc/driftd"
ALLOWED_PREFIXES = ("usr/bin/driftd", "usr/lib/systemd/system/", DOCDIR + "/", "usr/share/man/", "etc/driftd/")


class Checker:
    def __init__(self, root):
        self.root = root
        self.problems = []

    def path(self, rel):
        return os.path.join(self.root, rel.lstrip("/"))

    def problem(self, msg):
        self.problems.append(msg)
        print(f"FAIL: {msg}")

    def ok(self, msg):
        print(f"ok: {msg}")

    def expect_file(self, rel, same_as=None):
        p = self.path(rel)
        if not os.path.isfile(p):
            self.problem(f"{rel} is not installed")
            return False
        if same_as is not None and not filecmp.cmp(p, same_as, shallow=False):
            self.problem(f"{rel} differs from {same_as}")
            return False
        self.ok(f"{rel}" + (f" == {same_as}" if same_as else ""))
        return True


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=50, **kwargs)


def unit_values(text, key):
    return [line.split("=", 1)[1].strip() for line in text.splitlines() if line.startswith(key + "=")]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cmake", required=True)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--workdir", required=True)
    args = p.parse_args()

    root = os.path.join(os.path.abspath(args.workdir), "destdir")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    env = dict(os.environ, DESTDIR=root)
    r = run([args.cmake, "--install", args.build_dir, "--prefix", "/usr"], env=env)
    print(r.stdout, end="")
    if r.returncode != 0:
        print(r.stderr)
        print(f"FAIL: cmake --install exited {r.returncode}")
        return 1
    c = Checker(root)
    src = os.path.abspath(args.source_dir)

    # The binary.
    if c.expect_file(BINARY):
        binary = c.path(BINARY)
        if not os.access(binary, os.X_OK):
            c.problem(f"{BINARY} is not executable")
        v = run([binary, "--version"])
        if v.returncode != 0 or "driftd" not in v.stdout or args.version not in v.stdout:
            c.problem(f"`driftd --version` exited {v.returncode}, printed {v.stdout!r} {v.stderr!r}; "
                      f"expected 'driftd' and {args.version!r} on stdout")
        else:
            c.ok(f"driftd --version: {v.stdout.strip()}")

    # The unit, where systemd looks for vendor units.
    unit_ok = c.expect_file(UNIT, os.path.join(src, "systemd", "driftd.service"))

    # The config, at /etc even though the prefix is /usr.
    if os.path.exists(c.path("usr/etc")):
        c.problem("files installed under usr/etc: the config must go to /etc/driftd (see GNUInstallDirs "
                  "CMAKE_INSTALL_FULL_SYSCONFDIR)")
    if c.expect_file(CONFIG, os.path.join(src, "examples", "driftd.toml")) and os.path.isfile(c.path(BINARY)):
        cc = run([c.path(BINARY), "check-config", c.path(CONFIG)])
        if cc.returncode != 0:
            c.problem(f"driftd check-config {CONFIG} exited {cc.returncode}:\n{cc.stdout}{cc.stderr}")
        else:
            c.ok(f"driftd check-config {CONFIG}")
        mode = os.stat(c.path(CONFIG)).st_mode
        if mode & 0o022:
            c.problem(f"{CONFIG} is group/world-writable ({oct(mode & 0o777)})")

    # The docs: every file of docs/.
    docs = os.path.join(src, "docs")
    doc_files = [os.path.relpath(os.path.join(d, f), docs) for d, _, fs in os.walk(docs) for f in fs]
    if not doc_files:
        c.problem("docs/ has no files: nothing documents the installed daemon")
    for rel in sorted(doc_files):
        c.expect_file(os.path.join(DOCDIR, rel), os.path.join(docs, rel))

    # What the unit refers to exists in the installed tree.
    if unit_ok:
        text = open(c.path(UNIT)).read()
        for exec_start in unit_values(text, "ExecStart"):
            argv = exec_start.lstrip("-@:+!").split()
            if not os.access(c.path(argv[0]), os.X_OK):
                c.problem(f"ExecStart binary {argv[0]} is not installed")
            if "--config" in argv:
                cfg = argv[argv.index("--config") + 1]
                if not os.path.isfile(c.path(cfg)):
                    c.problem(f"ExecStart --config {cfg} is not installed")
                else:
                    c.ok(f"ExecStart config {cfg} installed")
        for doc_line in unit_values(text, "Documentation"):
            for doc in doc_line.split():
                if doc.startswith("file:"):
                    target = doc[len("file:"):]
                    ok = os.path.exists(c.path(target))
                elif doc.startswith("man:"):
                    m = re.fullmatch(r"man:([^()]+)\((\w+)\)", doc)
                    ok = bool(m) and any(os.path.exists(c.path(f"usr/share/man/man{m.group(2)[0]}/"
                                                               f"{m.group(1)}.{m.group(2)}{ext}"))
                                         for ext in ("", ".gz"))
                else:
                    ok = re.match(r"https?://", doc) is not None
                if ok:
                    c.ok(f"Documentation {doc} resolves")
                else:
                    c.problem(f"Documentation={doc} does not resolve in the installed tree")

    # Nothing else.
    for d, _, files in os.walk(root):
        for f in files:
            rel = os.path.relpath(os.path.join(d, f), root)
            if not rel.startswith(ALLOWED_PREFIXES):
                c.problem(f"unexpected installed file {rel}")

    print(f"{len(c.problems)} problem(s)")
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main())
