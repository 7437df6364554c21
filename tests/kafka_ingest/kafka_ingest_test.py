#!/usr/bin/env python3
"""Kafka ingestion and durable state, end to end: the real `driftd run`
against the real broker of scripts/kafka.sh.

How state is compared: with daemon.state_dir set, SIGTERM makes driftd take
a final checkpoint. The state section of that snapshot (the bytes of
Pipeline::SerializeState, which are deterministic) is read with snapshot.py
and compared byte for byte between runs; so are the per-model counts of
/api/v1/status. The reference run replays the same events from a JSONL file.
Events are keyed by model onto partitions (model i -> partition i % 3), so
each model sees its events in the same order from Kafka as from the file,
and per-model state must match exactly.

Cases (one per ctest):
  exactly_once   100,000 events over 3 partitions equal a file replay.
  crash          SIGKILL at random moments, 5 times, while consuming a topic
                 that is still being written; after each kill the group's
                 committed offsets are not ahead of the newest snapshot; the
                 final state equals the file replay.
  broker_outage  a private broker is stopped for 30 s mid-stream and
                 started again: /readyz 503 then 200; final state equals the
                 file replay (nothing lost, nothing counted twice).
  sigterm        SIGTERM checkpoints and commits (committed == snapshot ==
                 end offsets); the next start consumes only new messages.
  malformed      garbage, empty and oversize messages are counted by reason,
                 their offsets advance, consumption goes on.
  rebalance      a second daemon joins the group: the first checkpoints and
                 commits on revoke; no event is applied twice or lost.
"""

import argparse
import os
import random
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lifecycle"))
import driftd_harness as h  # noqa: E402
import snapshot  # noqa: E402
from ingest_support import (  # noqa: E402
    CONSUME_TIMEOUT, PARTITIONS, Env, check, check_same_state, config_text, generate,
    kafka_source, messages, metric, model_counts, model_names, produce_all, replay_from_file,
    stop, wait_messages, write_config)


# ------------------------------------------------------------------ cases ---

def case_exactly_once(env, tmp):
    models = model_names(5)
    # 19,999 predictions and a model event per model: 100,000 messages.
    events = generate(env, models, 19_999, labels=0)
    total = sum(len(v) for v in events.values())
    check(total == 100_000, f"{total} events generated, not 100,000")
    topic, group = f"exact-{env.unique}", f"exact-{env.unique}"
    env.create_topic(topic)
    produce_all(env, topic, models, events)

    state_dir = os.path.join(tmp, "state")
    # Checkpoints are not what this case is about: few of them, so that
    # debug builds spend their time consuming.
    cfg = write_config(tmp, "kafka.toml", config_text(tmp, models, kafka_source(env, topic, group),
                                                      state_dir, checkpoint_interval="10s"))
    with h.Daemon(env.driftd, cfg) as d:
        d.wait_listening()
        started = time.monotonic()
        wait_messages(d, total)
        elapsed = time.monotonic() - started
        counts = model_counts(d)
        consumed = metric(d, "driftd_kafka_messages_total", topic=topic)
        check(consumed == total, f"driftd_kafka_messages_total={consumed}, want {total}")
        check(d.get("/readyz")[0] == 200, "/readyz not 200 while consuming")
        stop(d)
    print(f"consumed {total} messages in {elapsed:.1f}s (debug/sanitizer builds are slower)")
    snap = snapshot.newest(state_dir)
    ends = env.end_offsets(topic)
    check(snap.offsets(topic) == ends, f"snapshot offsets {snap.offsets(topic)} != ends {ends}")
    check(env.committed(group, topic) == ends, "committed offsets are not the end offsets")
    file_state, file_counts = replay_from_file(env, tmp, models, events)
    check_same_state(snap.state, counts, file_state, file_counts)


def case_crash(env, tmp):
    models = model_names(3)
    per_model = 12_000
    events = generate(env, models, per_model - 1, seed=7)
    total = sum(len(v) for v in events.values())
    topic, group = f"crash-{env.unique}", f"crash-{env.unique}"
    env.create_topic(topic)
    state_dir = os.path.join(tmp, "state")
    cfg = write_config(tmp, "kafka.toml", config_text(tmp, models, kafka_source(env, topic, group),
                                                      state_dir))
    rng = random.Random(int(os.environ.get("DRIFTD_TEST_SEED", str(time.time_ns()))))

    # A writer keeps the topic growing while the daemon is killed and restarted.
    chunk = 200
    stop_writer = threading.Event()
    written = [0]
    failures = []

    def writer():
        try:
            for start in range(0, max(len(v) for v in events.values()), chunk):
                produce_all(env, topic, models, events, start, start + chunk)
                written[0] = start + chunk
                # Paced so that the five kills land while it still writes.
                if stop_writer.wait(0.4):
                    return
        except Exception as e:  # reported by the main thread
            failures.append(e)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    kills = 0
    try:
        while kills < 5:
            with h.Daemon(env.driftd, cfg) as d:
                d.wait_listening()
                before = messages(d)  # restored
                # Killed at a random moment once it is consuming, or once it is
                # idle because it already holds everything the writer wrote
                # (regression: a slow run had applied it all before the last kill).
                d.poll(lambda: messages(d) > before or not thread.is_alive(), timeout=60,
                       interval=0.05, what="consumption after restart")
                time.sleep(rng.uniform(0.0, 1.5))
                d.proc.kill()
                d.proc.wait(10)
                kills += 1
            snap = snapshot.newest(state_dir)
            committed = env.committed(group, topic)
            offsets = snap.offsets(topic) if snap else {}
            for p, c in committed.items():
                check(c <= offsets.get(p, 0),
                      f"kill {kills}: committed offset {c} of partition {p} is ahead of the "
                      f"checkpoint's {offsets.get(p)}")
            print(f"kill {kills}: snapshot offsets {offsets}, committed {committed}")
        thread.join(120)
        check(not failures, f"producer failed: {failures}")
        check(not thread.is_alive(), "producer did not finish")
        with h.Daemon(env.driftd, cfg) as d:
            d.wait_listening()
            wait_messages(d, total)
            counts = model_counts(d)
            stop(d)
    finally:
        stop_writer.set()
    snap = snapshot.newest(state_dir)
    check(env.committed(group, topic) == snap.offsets(topic), "final commit != final snapshot")
    file_state, file_counts = replay_from_file(env, tmp, models, events)
    check_same_state(snap.state, counts, file_state, file_counts)


class PrivateBroker:
    """A broker of its own (the shared fixture broker must stay up for the
    other tests), which this test stops and restarts with its data."""

    def __init__(self, env, directory):
        self.env = env
        self.dir = directory
        subprocess.run([env.kafka_sh, "start", directory], check=True)
        with open(os.path.join(directory, "bootstrap")) as f:
            self.bootstrap = f.read().strip()
        with open(os.path.join(directory, "kafka.pid")) as f:
            pid = int(f.read())
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            self.argv = [a.decode() for a in f.read().split(b"\0") if a]

    def stop(self):
        subprocess.run([self.env.kafka_sh, "stop", self.dir], check=True)

    def restart(self):
        """Starts the same broker again, keeping its data and ports
        (scripts/kafka.sh start would format fresh storage)."""
        log = open(os.path.join(self.dir, "logs", "restart.log"), "ab")
        proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)
        log.close()
        with open(os.path.join(self.dir, "kafka.pid"), "w") as f:
            f.write(str(proc.pid))
        deadline = time.monotonic() + 90
        while True:
            out = subprocess.run(["kcat", "-b", self.bootstrap, "-L", "-m", "2"],
                                 capture_output=True, text=True).stdout
            if "broker 1 at" in out:
                break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise h.HarnessError("the private broker did not come back")
            time.sleep(0.5)
        with open(os.path.join(self.dir, "bootstrap"), "w") as f:
            f.write(self.bootstrap + "\n")

    def close(self):
        subprocess.run([self.env.kafka_sh, "stop", self.dir])


def case_broker_outage(env, tmp):
    models = model_names(3)
    per_model = 10_000
    events = generate(env, models, per_model - 1, seed=11)
    total = sum(len(v) for v in events.values())
    broker = PrivateBroker(env, os.path.join(tmp, "broker"))
    try:
        topic, group = f"outage-{env.unique}", f"outage-{env.unique}"
        env.create_topic(topic, kafka_dir=broker.dir)
        half = per_model // 2
        produce_all(env, topic, models, events, 0, half, bootstrap=broker.bootstrap)
        state_dir = os.path.join(tmp, "state")
        cfg = write_config(tmp, "kafka.toml", config_text(
            tmp, models, kafka_source(env, topic, group, broker.bootstrap), state_dir))
        with h.Daemon(env.driftd, cfg) as d:
            d.wait_listening()
            d.poll(lambda: d.get("/readyz")[0] == 200, timeout=60, what="/readyz 200")
            d.poll(lambda: messages(d) > 0, timeout=60, what="consumption")
            at_stop = messages(d)
            broker.stop()  # mid-stream: the daemon may still be working through the first half
            stopped = time.monotonic()
            print(f"broker stopped with {at_stop} of {total} messages counted")
            d.poll(lambda: d.get("/readyz")[0] == 503, timeout=30, what="/readyz 503 during the outage")
            print(f"/readyz 503 {time.monotonic() - stopped:.1f}s after the broker stopped")
            time.sleep(max(0.0, 30 - (time.monotonic() - stopped)))
            check(d.alive(), "driftd exited during the outage")
            broker.restart()
            d.poll(lambda: d.get("/readyz")[0] == 200, timeout=60, what="/readyz 200 after the outage")
            produce_all(env, topic, models, events, half, None, bootstrap=broker.bootstrap)
            wait_messages(d, total)
            counts = model_counts(d)
            stop(d)
        snap = snapshot.newest(state_dir)
        check(snap.offsets(topic) == env.end_offsets(topic, broker.bootstrap),
              "snapshot offsets are not the end offsets")
    finally:
        broker.close()
    file_state, file_counts = replay_from_file(env, tmp, models, events)
    check_same_state(snap.state, counts, file_state, file_counts)


def case_sigterm(env, tmp):
    models = model_names(3)
    events = generate(env, models, 2_999, seed=3)
    more = generate(env, models, 300, seed=4)
    total = sum(len(v) for v in events.values())
    extra = sum(len(v) for v in more.values())
    topic, group = f"term-{env.unique}", f"term-{env.unique}"
    env.create_topic(topic)
    produce_all(env, topic, models, events)
    state_dir = os.path.join(tmp, "state")
    cfg = write_config(tmp, "kafka.toml", config_text(
        tmp, models, kafka_source(env, topic, group), state_dir,
        checkpoint_interval="1h"))
    with h.Daemon(env.driftd, cfg) as d:
        d.wait_listening()
        wait_messages(d, total)
        stop(d)
    snap = snapshot.newest(state_dir)
    ends = env.end_offsets(topic)
    check(snap.offsets(topic) == ends, f"final snapshot {snap.offsets(topic)} != ends {ends}")
    check(env.committed(group, topic) == ends, "SIGTERM did not commit the final offsets")

    with h.Daemon(env.driftd, cfg) as d:
        d.wait_listening()
        check(messages(d) == total, "the restart did not restore the counts")
        d.poll(lambda: d.get("/readyz")[0] == 200, timeout=60, what="/readyz 200")
        produce_all(env, topic, models, more)
        wait_messages(d, total + extra)
        consumed = metric(d, "driftd_kafka_messages_total", topic=topic)
        check(consumed == extra, f"second run consumed {consumed} messages, want only the {extra} new")
        check(metric(d, "driftd_kafka_redelivered_messages_total") == 0, "messages were redelivered")
        stop(d)


def case_malformed(env, tmp):
    models = model_names(3)
    topic, group = f"bad-{env.unique}", f"bad-{env.unique}"
    env.create_topic(topic)
    good = generate(env, models, 99, seed=5)
    oversize = '{"model": "m0", "pad": "' + "x" * 5000 + '"}'
    bad = ["this is not json", "", "   ", oversize, '{"model": "m0"', "[1]"]
    # Garbage in the middle of every partition, good events around it.
    for p, model in enumerate(models):
        lines = good[model][:50] + bad + good[model][50:]
        env.produce(topic, p, lines)
    total = sum(len(v) for v in good.values()) + PARTITIONS * len(bad)
    state_dir = os.path.join(tmp, "state")
    cfg = write_config(tmp, "kafka.toml", config_text(
        tmp, models, kafka_source(env, topic, group), state_dir,
        extra_daemon="max_event_bytes = 4096"))
    with h.Daemon(env.driftd, cfg) as d:
        d.wait_listening()
        wait_messages(d, total)
        rejected = d.get_json("/api/v1/status")["events"]["rejected"]
        want = {"invalid_json": 2 * PARTITIONS, "empty": 2 * PARTITIONS, "too_large": PARTITIONS,
                "not_an_object": PARTITIONS}
        for reason, n in want.items():
            check(rejected.get(reason) == n, f"rejected[{reason}] = {rejected.get(reason)}, want {n}")
        m = d.metrics()
        for reason, n in want.items():
            v = h.metric_value(m, "driftd_events_rejected_total", reason=reason)
            check(v == n, f"driftd_events_rejected_total{{reason={reason}}} = {v}, want {n}")
        counts = model_counts(d)
        for model in models:
            check(sum(counts[model][1].values()) == len(good[model]), f"{model}: events lost")
        check(metric(d, "driftd_kafka_messages_total", topic=topic) == total,
              "driftd_kafka_messages_total does not count every message")
        stop(d)
    ends = env.end_offsets(topic)
    check(env.committed(group, topic) == ends, "offsets did not advance past malformed messages")


def case_rebalance(env, tmp):
    """A second daemon joins the group: the first one's partitions are
    revoked (eager protocol), it checkpoints and commits before giving them
    up, and the newcomer starts exactly there. With periodic checkpoints
    off, only that revoke commit can tell the newcomer where to start."""
    models = model_names(3)
    first = generate(env, models, 1_999, seed=21)
    second = generate(env, models, 499, seed=22)
    topic, group = f"rebal-{env.unique}", f"rebal-{env.unique}"
    env.create_topic(topic)
    produce_all(env, topic, models, first)
    total_first = sum(len(v) for v in first.values())
    total = total_first + sum(len(v) for v in second.values())
    daemons = []
    try:
        for name in ("a", "b"):
            cfg = write_config(tmp, f"{name}.toml", config_text(
                tmp, models, kafka_source(env, topic, group), os.path.join(tmp, f"state-{name}"),
                checkpoint_interval="1h"))
            d = h.Daemon(env.driftd, cfg)
            daemons.append(d)
            d.wait_listening()
            if name == "a":
                wait_messages(d, total_first)
        a, b = daemons
        b.poll(lambda: b.get("/readyz")[0] == 200, timeout=60, what="second daemon ready")
        a.wait_log(lambda f, _: f.get("msg", "").startswith("kafka partitions revoked"), timeout=30,
                   what="revocation in the first daemon")
        produce_all(env, topic, models, second)
        a.poll(lambda: messages(a) + messages(b) == total, timeout=CONSUME_TIMEOUT, interval=0.2,
               what=f"{total} messages over both daemons")
        time.sleep(1)  # nothing more may arrive: a double count would show now
        check(messages(a) + messages(b) == total, "messages were applied twice across the daemons")
        counts_a, counts_b = model_counts(a), model_counts(b)
        for model in models:
            got = sum(counts_a[model][1].values()) + sum(counts_b[model][1].values())
            want = len(first[model]) + len(second[model])
            check(got == want, f"{model}: {got} events over both daemons, want {want}")
        for d in daemons:
            stop(d)
    finally:
        for d in daemons:
            d.close()


CASES = {
    "exactly_once": case_exactly_once,
    "crash": case_crash,
    "broker_outage": case_broker_outage,
    "sigterm": case_sigterm,
    "malformed": case_malformed,
    "rebalance": case_rebalance,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--driftd", required=True)
    parser.add_argument("--tool", required=True, help="kafka_test_tool")
    parser.add_argument("--kafka-script", required=True)
    parser.add_argument("--kafka-dir", required=True)
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    args = parser.parse_args()
    env = Env(args)
    with h.TempDir() as tmp:
        try:
            CASES[args.case](env, tmp)
        except h.HarnessError as e:
            print(f"FAIL {args.case}: {e}")
            return 1
    print(f"PASS {args.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
