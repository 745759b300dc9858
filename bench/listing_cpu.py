"""CPU a no-op window spends per listed key, on the caller's side only.

Both sides of a window of keys are listed through moto in server mode (its own threads) with the
handlers' own code, `listing.list_range` and `diff.merge`, and the calling thread's CPU time is
read with `time.thread_time`, so moto's work is not counted. Two clients are compared: boto3's
default one (botocore parses every LastModified through dateutil) and the handlers' own
(`clients.s3_client`, ISO 8601 timestamps by the standard library).

    .venv/bin/python bench/listing_cpu.py [--keys 20000] [--rounds 3]

Prints one line per client: CPU milliseconds per listed key (best of the rounds), and their ratio.
bench/cost.py takes its CPU per listed key from full engine runs (bench/run.py); this script shows
where that CPU goes and what the parser change saves, in a minute.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "handlers")]

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from bench.running.data import Store, key_name  # noqa: E402
from bucket_sync import clients, pageahead  # noqa: E402
from bucket_sync.diff import merge  # noqa: E402
from bucket_sync.listing import list_range  # noqa: E402

BUCKETS = ("listing-cpu-source", "listing-cpu-destination")


def fill(keys: int) -> None:
    store = Store()
    for bucket in BUCKETS:
        store.create(bucket)
        store.write(bucket, {key_name(i): (b"x" * 100, "text/plain", {"a": "1"}) for i in range(keys)})


def cpu_per_key(s3: Any, keys: int, rounds: int) -> float:
    """Best of `rounds`: thread CPU ms per listed key to list both sides in full and merge them."""
    best = float("inf")
    for _ in range(rounds):
        start = time.thread_time()
        sides = [list_range(s3, bucket, "", "", None, keys) for bucket in BUCKETS]
        plan = merge(sides[0].entries, sides[1].entries)
        spent = time.thread_time() - start
        assert len(plan.unchanged) == keys, "both sides hold the same objects"
        best = min(best, spent * 1000 / (2 * keys))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=20000, help="objects per side (default 20000)")
    parser.add_argument("--rounds", type=int, default=3, help="listings per client, best kept")
    args = parser.parse_args()
    # Read-ahead parses pages on pool threads, out of the calling thread's CPU clock: off here,
    # so every page is parsed by the thread that is timed (the CPU is the same either way).
    pageahead.install = lambda s3: None
    for name, value in (("AWS_ACCESS_KEY_ID", "bench"), ("AWS_SECRET_ACCESS_KEY", "bench")):
        os.environ[name] = value
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access line per LIST otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        os.environ["AWS_ENDPOINT_URL_S3"] = f"http://{host}:{port}"
        fill(args.keys)
        default = boto3.client("s3", region_name="us-east-1")
        ours = clients.s3_client("us-east-1", threads=1)
        figures = {
            "boto3 default client": cpu_per_key(default, args.keys, args.rounds),
            "handlers' client (clients.s3_client)": cpu_per_key(ours, args.keys, args.rounds),
        }
    finally:
        server.stop()
    for name, ms in figures.items():
        print(f"{name:40} {ms:.4f} ms CPU per listed key")
    first, second = figures.values()
    print(f"{'saved':40} {first - second:.4f} ms per listed key ({second / first:.2f}x the CPU)")


if __name__ == "__main__":
    main()
