#!/usr/bin/env python3
"""Consumption throughput of `driftd run` from a Kafka broker into the
windows: not a test (timings belong in benchmarks), a measurement for
release builds.

  throughput.py --driftd build/release/daemon/driftd --tool .../kafka_test_tool \
      --kafka-script scripts/kafka.sh --kafka-dir DIR [--events 100000] [--runs 5]

Produces the events once (10 features: 8 numeric, 2 categorical; 5 models
over 3 partitions), then runs the daemon --runs times, each with a fresh
consumer group and state dir, and prints events per second from the first
counted message to the last, and their median.
"""

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lifecycle"))
import driftd_harness as h  # noqa: E402
import ingest_support as k  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--driftd", "--tool", "--kafka-script", "--kafka-dir"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = k.Env(args)
    models = k.model_names(5)
    events = k.generate(env, models, args.events // len(models) - 1, labels=0)
    total = sum(len(v) for v in events.values())
    topic = f"throughput-{env.unique}"
    env.create_topic(topic)
    k.produce_all(env, topic, models, events)
    rates = []
    with h.TempDir() as tmp:
        for run in range(args.runs):
            cfg = k.write_config(tmp, f"run{run}.toml", k.config_text(
                tmp, models, k.kafka_source(env, topic, f"{topic}-{run}"),
                os.path.join(tmp, f"state{run}")))
            with h.Daemon(env.driftd, cfg) as d:
                d.wait_listening()
                d.poll(lambda: k.messages(d) > 0, timeout=60, interval=0.01, what="first message")
                start, first = time.monotonic(), k.messages(d)
                d.poll(lambda: k.messages(d) == total, timeout=600, interval=0.01, what="all messages")
                elapsed = time.monotonic() - start
                k.stop(d)
            rate = (total - first) / elapsed
            rates.append(rate)
            print(f"run {run}: {total - first} events in {elapsed:.2f}s = {rate:,.0f} events/s")
    print(f"median: {statistics.median(rates):,.0f} events/s over {args.runs} runs of {total} events")


if __name__ == "__main__":
    main()
