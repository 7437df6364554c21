"""Helpers of the Kafka ingestion tests (kafka_ingest_test.py) and the
throughput measurement (throughput.py): the broker, event generation,
configs and the daemon's counters."""

import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lifecycle"))
import driftd_harness as h  # noqa: E402
import snapshot  # noqa: E402

PARTITIONS = 3
NUMERIC = 8
CATEGORICAL = 2
CONSUME_TIMEOUT = 240.0


class Env:
    def __init__(self, args):
        self.driftd = args.driftd
        self.tool = args.tool
        self.kafka_sh = args.kafka_script
        self.kafka_dir = args.kafka_dir
        with open(os.path.join(self.kafka_dir, "bootstrap")) as f:
            self.bootstrap = f.read().strip()
        self.unique = f"{os.getpid()}-{random.randrange(1 << 30)}"

    def create_topic(self, name, partitions=PARTITIONS, kafka_dir=None):
        subprocess.run([self.kafka_sh, "create-topic", kafka_dir or self.kafka_dir, name,
                        str(partitions)], check=True, stdout=subprocess.DEVNULL)

    def produce(self, topic, partition, lines, bootstrap=None):
        data = "".join(line + "\n" for line in lines).encode()
        subprocess.run([self.tool, "produce", bootstrap or self.bootstrap, topic, str(partition)],
                       input=data, check=True, stdout=subprocess.DEVNULL)

    def committed(self, group, topic, bootstrap=None):
        out = subprocess.run([self.tool, "committed", bootstrap or self.bootstrap, group, topic,
                              str(PARTITIONS)], check=True, capture_output=True, text=True).stdout
        return {int(p): int(o) for p, o in (line.split() for line in out.splitlines())}

    def end_offsets(self, topic, bootstrap=None):
        """{partition: high watermark}, from kcat's offset query (-1 = end)."""
        ends = {}
        for p in range(PARTITIONS):
            out = subprocess.run(["kcat", "-b", bootstrap or self.bootstrap, "-Q", "-t",
                                  f"{topic}:{p}:-1"], check=True, capture_output=True,
                                 text=True).stdout
            # "<topic> [<p>] offset <n>"
            ends[p] = int(out.split("offset")[-1].split()[0])
        return ends


def model_names(n):
    return [f"m{i}" for i in range(n)]


def generate(env, models, per_model, seed=1, labels=0.2):
    """{model: [json lines]}: deterministic 10-feature traffic per model, a
    model event, per_model predictions and a share of label events."""
    events = {}
    for i, model in enumerate(models):
        out = subprocess.run(
            [env.driftd, "generate", "--model", model, "--events", str(per_model),
             "--numeric", str(NUMERIC), "--categorical", str(CATEGORICAL), "--labels", str(labels),
             "--seed", str(seed + i)],
            check=True, capture_output=True, text=True).stdout
        events[model] = out.splitlines()
    return events


def partition_of(models, model):
    return models.index(model) % PARTITIONS


def config_text(tmp, models, source_lines, state_dir, extra_daemon="", checkpoint_interval="250ms"):
    lines = [
        "[daemon]",
        f"state_dir = {h.toml_str(state_dir)}",
        f"checkpoint_interval = {h.toml_str(checkpoint_interval)}",
        'shutdown_timeout = "30s"',
        'evaluation_interval = "1s"',
        # DRIFTD_TEST_LOG_LEVEL=debug shows every checkpoint in a failure's log.
        f"log_level = {h.toml_str(os.environ.get('DRIFTD_TEST_LOG_LEVEL', 'info'))}",
        extra_daemon,
        "",
        "[http]",
        'listen = "127.0.0.1:0"',
        "",
        "[source]",
        *source_lines,
        "",
    ]
    for model in models:
        features = [f'num_{i} = {{ type = "numeric" }}' for i in range(NUMERIC)]
        features += [f'cat_{i} = {{ type = "categorical" }}' for i in range(CATEGORICAL)]
        lines += [f"[models.{model}]", 'window = "1h"', "min_samples = 10", "",
                  f"[models.{model}.features]", *features, ""]
    return "\n".join(lines)


def kafka_source(env, topic, group, bootstrap=None):
    return ['type = "kafka"', f"brokers = {h.toml_str(bootstrap or env.bootstrap)}",
            f"group_id = {h.toml_str(group)}", f"topics = [{h.toml_str(topic)}]",
            'statistics_interval = "1s"', 'session_timeout = "6s"']


def write_config(tmp, name, text):
    return h.write_config(tmp, text, name=name)


def messages(d):
    return d.get_json("/api/v1/status")["events"]["messages"]


def wait_messages(d, expected, timeout=CONSUME_TIMEOUT):
    def done():
        n = messages(d)
        if n > expected:
            raise h.HarnessError(f"counted {n} messages, more than the {expected} produced")
        return n == expected
    d.poll(done, timeout=timeout, interval=0.2, what=f"{expected} messages counted")


def model_counts(d):
    """Per model: version, event counts and window counters of /api/v1/status
    (not the drift results, which depend on when the last evaluation ran)."""
    doc = d.get_json("/api/v1/status")
    return {m["name"]: (m["version"], m["events"], m.get("windows")) for m in doc["models"]}


def stop(d):
    rc = h.terminate_and_check(d, timeout=40)
    if rc != 0:
        raise h.HarnessError(f"driftd exited {rc} after SIGTERM:\n" + d.logs_text()[-3000:])


def replay_from_file(env, tmp, models, events):
    """Runs the daemon over the events as one JSONL file; returns (state
    bytes of its final snapshot, model counts)."""
    path = os.path.join(tmp, "replay.jsonl")
    with open(path, "w") as f:
        for model in models:
            for line in events[model]:
                f.write(line + "\n")
    total = sum(len(v) for v in events.values())
    state_dir = os.path.join(tmp, "replay-state")
    # Only the final (SIGTERM) snapshot matters here.
    cfg = write_config(tmp, "replay.toml", config_text(
        tmp, models, ['type = "file"', f"path = {h.toml_str(path)}", "follow = false"], state_dir,
        checkpoint_interval="1h"))
    with h.Daemon(env.driftd, cfg) as d:
        d.wait_listening()
        wait_messages(d, total)
        counts = model_counts(d)
        stop(d)
    snap = snapshot.newest(state_dir)
    if snap is None:
        raise h.HarnessError("the file replay left no snapshot")
    return snap.state, counts


def check(condition, message):
    if not condition:
        raise h.HarnessError(message)


def check_same_state(kafka_state, kafka_counts, file_state, file_counts):
    check(kafka_counts == file_counts,
          f"status counts differ:\n kafka {kafka_counts}\n file  {file_counts}")
    check(kafka_state == file_state,
          f"window state differs from the file replay ({len(kafka_state)} vs {len(file_state)} bytes)")


def produce_all(env, topic, models, events, start=0, end=None, bootstrap=None):
    by_partition = {p: [] for p in range(PARTITIONS)}
    for model in models:
        by_partition[partition_of(models, model)] += events[model][start:end]
    for p, lines in by_partition.items():
        if lines:
            env.produce(topic, p, lines, bootstrap)


def metric(d, name, **labels):
    return h.metric_value(d.metrics(), name, **labels) or 0.0


