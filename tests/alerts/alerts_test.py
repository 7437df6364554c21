"""Alerting integration tests: the alert_driver (the daemon's alerting stack
with real HTTP sinks) and `driftd run` against a real Alertmanager started on
loopback, queried with amtool; a webhook receiver validating format v4.

Usage: alerts_test.py --case NAME --driver PATH --driftd PATH
       --alertmanager PATH --amtool PATH [--openssl PATH]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import am_harness as h  # noqa: E402

ARGS = None
FEATURE_LABELS = {"alertname": "FeatureDrift", "model": "fraud", "item": "M3",
                  "severity": "warning", "env": "test"}


def driver(state, tmp, *args):
    return h.Driver(ARGS.driver, state, tmp, *args)


def alertmanager(tmp):
    return h.Alertmanager(ARGS.alertmanager, ARGS.amtool, tmp)


def state_changes(d):
    return [(r.get("ts"), r["alertname"], r.get("feature"), r["from"], r["to"])
            for r in d.log_records() if r.get("msg") == "alert state changed"]


def case_am_fire_resolve(tmp, tl):
    am = alertmanager(tmp)
    am.start()
    tl.add(f"alertmanager up at {am.url}")
    d = driver(os.path.join(tmp, "state"), tmp, "--alertmanager", am.url, "--resend", "2",
               "--eval", "1", "--for", "2")
    try:
        d.cmd("eval amount 0.35")
        tl.add("eval amount ks=0.35 (threshold 0.2): condition holds")
        assert not am.find(feature="amount"), "fired before `for` elapsed"
        time.sleep(2.1)
        d.cmd("eval amount 0.36")
        tl.add("eval amount ks=0.36 after `for` = 2s")
        alerts = h.wait_until(lambda: am.find(feature="amount"), 20, "FeatureDrift in amtool")
        tl.add("amtool alert query shows FeatureDrift{feature=amount}")
        a = alerts[0]
        for k, v in {**FEATURE_LABELS, "feature": "amount"}.items():
            assert a["labels"].get(k) == v, (k, a["labels"])
        assert set(a["labels"]) == set(FEATURE_LABELS) | {"feature"}, a["labels"]
        ann = a["annotations"]
        assert ann["summary"] == "FeatureDrift on model fraud, amount: ks 0.36 >= threshold 0.2", ann
        for part in ("ks = 0.36 against threshold 0.2", "current window 10m", "500 current samples",
                     "5000 reference samples", "condition holds since"):
            assert part in ann["description"], (part, ann["description"])
        assert ann["runbook_url"] == "https://runbooks.example/FeatureDrift", ann
        assert ann["dashboard_url"] == \
            "https://grafana.example/d/drift?var-model=fraud&var-feature=amount", ann
        assert a["generatorURL"] == "http://127.0.0.1:7461/api/v1/alerts", a
        assert a["status"]["state"] == "active", a["status"]
        ends = h.parse_time(a["endsAt"]) - h.parse_time(a["updatedAt"])
        # endsAt = sent + 4 x max(eval 1s, resend 2s) = sent + 8 s
        assert 6 <= ends.total_seconds() <= 9, ends

        # Still firing: re-sent every 2 s, so it outlives its first endsAt (8 s).
        time.sleep(9)
        d.cmd("eval amount 0.5")
        assert am.find(feature="amount"), "firing alert expired: re-sends missing"
        tl.add("still active in amtool after 9 s > first endsAt: re-sends keep it")

        d.cmd("eval amount 0.19")
        tl.add("eval amount ks=0.19: not failing but inside the hysteresis band (> 0.18)")
        time.sleep(1.5)
        assert am.find(feature="amount"), "resolved inside the hysteresis band"
        d.cmd("eval amount 0.05")
        tl.add("eval amount ks=0.05: clear")
        h.wait_until(lambda: not am.find(feature="amount"), 20, "FeatureDrift resolved in amtool")
        tl.add("amtool alert query: FeatureDrift{feature=amount} gone (resolved)")
        assert d.cmd("drain 10") == "ok drained"
    finally:
        d.quit()
        am.stop()
    changes = state_changes(d)
    for c in changes:
        tl.add(f"driver log {c[0]}: {c[1]}{{feature={c[2]}}} {c[3]} -> {c[4]}")
    assert [c[3:] for c in changes] == [("inactive", "pending"), ("pending", "firing"),
                                        ("firing", "resolved")], changes


def case_am_outage(tmp, tl, outage):
    am = alertmanager(tmp)
    am.start()
    d = driver(os.path.join(tmp, "state"), tmp, "--alertmanager", am.url, "--resend", "5",
               "--eval", "1", "--max-backoff", "1")
    try:
        d.cmd("eval amount 0.5")
        h.wait_until(lambda: am.find(feature="amount"), 20, "amount alert")
        tl.add("FeatureDrift{amount} firing and visible in amtool")
        am.stop()
        tl.add("alertmanager stopped")
        d.cmd("eval amount 0.5")
        d.cmd("eval amount 0.5 country 0.7")
        fired_country = time.time()
        tl.add("FeatureDrift{country} fires while alertmanager is down")
        h.wait_until(lambda: "alert delivery failed" in d.log(), 10, "a failed delivery")
        assert d.cmd("outbox") != "ok 0"
        time.sleep(outage)
        am.start()
        tl.add(f"alertmanager started again after {outage} s (empty memory)")
        country = h.wait_until(lambda: am.find(feature="country"), 30, "country after restart")
        tl.add("FeatureDrift{country} arrived")
        h.wait_until(lambda: am.find(feature="amount"), 30, "amount re-sent after restart")
        tl.add("FeatureDrift{amount} re-sent and visible again")
        starts = h.parse_time(country[0]["startsAt"]).timestamp()
        assert abs(starts - fired_country) < 2, (starts, fired_country)
        assert d.cmd("drain 15") == "ok drained"
        changes = state_changes(d)
        assert not [c for c in changes if c[4] == "resolved"], changes
    finally:
        d.quit()
        am.stop()


def case_kill9_outbox(tmp, tl):
    state = os.path.join(tmp, "state")
    am = alertmanager(tmp)  # port reserved, not started yet
    d = driver(state, tmp, "--alertmanager", am.url, "--max-backoff", "1")
    d.cmd("eval amount 0.5")
    fired = time.time()
    h.wait_until(lambda: "alert delivery failed" in d.log(), 10, "a failed delivery")
    assert d.cmd("outbox") == "ok 1", "expected one undelivered entry for alertmanager"
    files = [f for f in os.listdir(os.path.join(state, "outbox")) if f.endswith(".json")]
    assert len(files) == 1, files
    tl.add(f"FeatureDrift fired with alertmanager down; outbox holds {files}")
    d.kill9()
    tl.add("driver killed with SIGKILL")
    am.start()
    tl.add("alertmanager started")
    d2 = driver(state, tmp, "--alertmanager", am.url, "--max-backoff", "1")
    try:
        tl.add("driver restarted on the same state dir (no new evaluations)")
        alerts = h.wait_until(lambda: am.find(feature="amount"), 30, "the queued alert")
        tl.add("the queued FeatureDrift arrived in alertmanager")
        assert abs(h.parse_time(alerts[0]["startsAt"]).timestamp() - fired) < 2, alerts[0]
        assert d2.cmd("drain 10") == "ok drained"
        assert "alert outbox holds undelivered notifications" in d2.log()
        left = [f for f in os.listdir(os.path.join(state, "outbox")) if f.endswith(".json")]
        assert left == [], left
    finally:
        d2.quit()
        am.stop()


def case_webhook_v4(tmp, tl):
    recv = h.WebhookReceiver()
    token = os.path.join(tmp, "token")
    with open(token, "w") as f:
        f.write("hook-secret\n")
    d = driver(os.path.join(tmp, "state"), tmp, "--webhook", recv.url(), "--bearer-token-file",
               token)
    try:
        d.cmd("eval amount 0.5")
        d.cmd("eval amount 0.5")
        h.wait_until(lambda: len(recv.requests) >= 1, 20, "the firing webhook")
        d.cmd("eval amount 0.01")
        h.wait_until(lambda: len(recv.requests) >= 2, 20, "the resolved webhook")
        assert d.cmd("drain 10") == "ok drained"
    finally:
        d.quit()
        recv.close()
    bodies = recv.bodies()
    for b in bodies:
        h.validate_webhook_v4(b)
    for headers, _ in recv.requests:
        assert headers.get("Authorization") == "Bearer hook-secret", headers
        assert headers.get("Content-Type") == "application/json", headers
    assert [b["status"] for b in bodies] == ["firing", "resolved"], bodies
    first = bodies[0]
    assert first["receiver"] == "webhook"
    assert first["groupLabels"] == {"alertname": "FeatureDrift", "model": "fraud"}
    assert first["groupKey"] == '{}:{alertname="FeatureDrift", model="fraud"}'
    assert first["alerts"][0]["labels"]["feature"] == "amount"
    assert first["alerts"][0]["fingerprint"] == bodies[1]["alerts"][0]["fingerprint"]
    assert bodies[1]["alerts"][0]["endsAt"] != "0001-01-01T00:00:00Z"
    tl.add(f"{len(bodies)} webhook bodies valid against format v4: firing, resolved")

    # The validator itself must catch a damaged body.
    broken = json.loads(json.dumps(first))
    broken["version"] = 4
    try:
        h.validate_webhook_v4(broken)
    except h.TestFailure:
        pass
    else:
        raise h.TestFailure("validator accepted version 4 as a number")


def make_cert(tmp):
    key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    subprocess.run([ARGS.openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def case_webhook_https(tmp, tl):
    cert, key = make_cert(tmp)
    recv = h.WebhookReceiver(certfile=cert, keyfile=key)
    # The system CA store does not know this certificate: refused, retried.
    d = driver(os.path.join(tmp, "state-untrusted"), tmp, "--webhook", recv.url("localhost"))
    try:
        d.cmd("eval amount 0.5")
        h.wait_until(lambda: "alert delivery failed" in d.log(), 20, "a TLS verification failure")
        assert not recv.requests, "delivered to an unverified server"
        tl.add("HTTPS webhook with an unknown CA: refused and queued for retry")
    finally:
        d.quit()
    # Trusting it through ca_file, with the host name it was issued for.
    d = driver(os.path.join(tmp, "state"), tmp, "--webhook", recv.url("localhost"), "--ca-file", cert)
    try:
        d.cmd("eval amount 0.5")
        h.wait_until(lambda: recv.requests, 20, "the HTTPS webhook")
        h.validate_webhook_v4(recv.bodies()[0])
        tl.add("HTTPS webhook with ca_file: delivered and valid")
    finally:
        d.quit()
    # Same certificate, but reached by an address it does not name.
    d = driver(os.path.join(tmp, "state-ip"), tmp, "--webhook", recv.url("127.0.0.1"), "--ca-file", cert)
    try:
        d.cmd("eval amount 0.5")
        h.wait_until(lambda: "alert delivery failed" in d.log(), 20, "a host name mismatch")
        assert len(recv.requests) == 1
        tl.add("HTTPS webhook by IP with a localhost certificate: refused")
    finally:
        d.quit()
        recv.close()


# ------------------------------------------------------- driftd end-to-end ---

def case_driftd_feature_drift(tmp, tl):
    """`driftd run` over generated traffic with a shift: FeatureDrift fires
    in Alertmanager, then resolves after the shift ends."""
    am = alertmanager(tmp)
    am.start()
    events = os.path.join(tmp, "events.jsonl")
    cfg = os.path.join(tmp, "driftd.toml")
    state = os.path.join(tmp, "state")
    with open(cfg, "w") as f:
        f.write(f"""
[daemon]
state_dir = "{state}"
evaluation_interval = "1s"
[http]
listen = "127.0.0.1:0"
[source]
type = "file"
path = "{events}"
follow = true
[[sinks]]
type = "alertmanager"
url = "{am.url}"
initial_backoff = "100ms"
max_backoff = "1s"
[[sinks]]
type = "log"
[alerts]
resend_interval = "2s"
[models.fraud]
window = "30s"
reference = {{ type = "first", events = 2000 }}
min_samples = 100
[models.fraud.features]
amount = {{ type = "numeric", test = "ks" }}
""")
    # Event time runs on across the three parts (100 ms apart): normal
    # traffic (the reference), shifted traffic, normal traffic again.
    parts = (("ref", 2000, 0, ["--model-event"]),
             ("shift", 1000, 2000, ["--no-model-event", "--shift-at", "0", "--shift-magnitude", "2"]),
             ("back", 1500, 3000, ["--no-model-event"]))
    for name, n, offset, extra in parts:
        start = f"2026-01-01T00:{offset // 600:02d}:{(offset // 10) % 60:02d}Z"
        with open(os.path.join(tmp, name + ".jsonl"), "w") as out:
            r = subprocess.run([ARGS.driftd, "generate", "--model", "fraud", "--events", str(n),
                                "--id-offset", str(offset), "--start", start, "--seed", str(offset + 1),
                                *extra], stdout=out, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise h.TestFailure(f"driftd generate failed: {r.stderr}")
    open(events, "w").close()
    log_path = os.path.join(tmp, "driftd.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen([ARGS.driftd, "run", "--config", cfg], stderr=log)

    def append(part):
        with open(os.path.join(tmp, part + ".jsonl")) as src, open(events, "a") as dst:
            dst.write(src.read())

    try:
        append("ref")
        time.sleep(3)
        append("shift")
        tl.add("reference traffic, then traffic shifted by 2 sd, replayed into driftd run")
        alerts = h.wait_until(lambda: am.find(alertname="FeatureDrift", model="fraud", feature="amount"),
                              90, "FeatureDrift{fraud,amount} from driftd run")
        tl.add("FeatureDrift{model=fraud, feature=amount} visible in amtool: "
               + alerts[0]["annotations"].get("summary", ""))
        assert alerts[0]["labels"]["item"] == "M3", alerts[0]
        append("back")
        tl.add("unshifted traffic replayed")
        h.wait_until(lambda: not am.find(alertname="FeatureDrift", model="fraud", feature="amount"),
                     120, "FeatureDrift resolved")
        tl.add("FeatureDrift resolved (gone from amtool)")
    finally:
        proc.terminate()
        proc.wait(30)
        am.stop()
        with open(log_path, errors="replace") as f:
            for line in f:
                if "alert state changed" in line or "msg=alert " in line:
                    print("driftd:", line.rstrip()[:300])


CASES = {
    "am_fire_resolve": case_am_fire_resolve,
    "am_outage": lambda tmp, tl: case_am_outage(tmp, tl, 5),
    "am_outage_slow": lambda tmp, tl: case_am_outage(tmp, tl, 60),
    "kill9_outbox": case_kill9_outbox,
    "webhook_v4": case_webhook_v4,
    "webhook_https": case_webhook_https,
    "driftd_feature_drift": case_driftd_feature_drift,
}


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--case", required=True, choices=sorted(CASES))
    p.add_argument("--driver", required=True)
    p.add_argument("--driftd", required=True)
    p.add_argument("--alertmanager", required=True)
    p.add_argument("--amtool", required=True)
    p.add_argument("--openssl", default="openssl")
    ARGS = p.parse_args()
    for tool in (ARGS.alertmanager, ARGS.amtool):
        if not tool or not shutil.which(tool):
            print(f"required tool not found: {tool!r} (install prometheus-alertmanager)")
            return 1
    tmp = tempfile.mkdtemp(prefix="driftd-alerts-")
    tl = h.Timeline()
    ok = False
    try:
        CASES[ARGS.case](tmp, tl)
        ok = True
    finally:
        tl.dump()
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp} for inspection")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
