"""Back-pressure against a bucket that answers SlowDown: achieved writes/s and the share of
requests answered SlowDown, with the handlers' limiter and with botocore's standard retries only.

A simulated bucket takes `--limit` writes/s (a token bucket with one second of burst, as S3
lets a partition burst) and answers every other request 503 SlowDown. `--calls` CopyObject
calls go out from N containers x 16 threads (each container its own client, so its own
botocore retry quota, and its own limiter registry, as a Lambda container has), through real
botocore clients configured as the handlers configure theirs (clients.client_config): a
`before-send` handler plays S3, holding each request `--latency` seconds on the real clock.
A call that outlives botocore's attempts waits `--engine-backoff` seconds and goes again, as
the engine retries a TransientError. Prints figures; asserts nothing.

    .venv/bin/python bench/backpressure.py                    # N = 1 and 10, both modes, ~3 min
    .venv/bin/python bench/backpressure.py --containers 10 --modes limiter
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "handlers"))

from bucket_sync import backpressure  # noqa: E402
from bucket_sync.clients import client_config  # noqa: E402

THREADS = 16
_COPY_RESULT = (
    b'<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult>'
    b'<LastModified>2026-12-04T00:00:00.000Z</LastModified><ETag>"0123456789abcdef0123456789abcdef"</ETag>'
    b"</CopyObjectResult>"
)
_SLOW_DOWN = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
MODES = {
    "limiter": backpressure.Tuning(),
    "limiter-unlimited-start": backpressure.Tuning(start_rate=None),
    "none": None,
}


class SimulatedBucket:
    """A bucket's write limit: `limit` tokens a second, `limit` at most in hand."""

    def __init__(self, limit: float, latency: float):
        self.limit, self.latency = limit, latency
        self.tokens, self.filled = limit, time.monotonic()
        self.requests = self.slow_downs = 0
        self._lock = threading.Lock()

    def answer(self, request: Any, **_: Any) -> AWSResponse:
        """The before-send handler: S3's answer, after S3's latency."""
        with self._lock:
            now = time.monotonic()
            self.tokens = min(self.limit, self.tokens + (now - self.filled) * self.limit)
            self.filled = now
            self.requests += 1
            taken = self.tokens >= 1
            if taken:
                self.tokens -= 1
            else:
                self.slow_downs += 1
        time.sleep(self.latency)
        status, body = (200, _COPY_RESULT) if taken else (503, _SLOW_DOWN)
        return AWSResponse(request.url, status, {}, SimpleNamespace(stream=lambda **_: iter([body])))


def container_client(bucket: SimulatedBucket, tuning: backpressure.Tuning | None) -> tuple[Any, Any]:
    """One Lambda container's S3 client (and its limiter registry, None without a limiter)."""
    client = boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=client_config(THREADS),
    )
    registry = None
    if tuning is not None:
        registry = backpressure.Registry(tuning)
        backpressure.install(client, registry)
    client.meta.events.register("before-send.s3", bucket.answer)
    return client, registry


def run(containers: int, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    """One scenario: every call copied once; the figures."""
    bucket = SimulatedBucket(args.limit, args.latency)
    counts = {"outlived": 0, "done": 0}
    lock = threading.Lock()
    last_done = [0.0]
    built = [container_client(bucket, MODES[mode]) for _ in range(containers)]
    start = time.monotonic()

    def copy(client: Any, number: int) -> None:
        while True:
            try:
                key = f"k{number}"
                client.copy_object(Bucket="dst", Key=key, CopySource={"Bucket": "src", "Key": key})
            except ClientError:
                with lock:
                    counts["outlived"] += 1
                time.sleep(args.engine_backoff)
                continue
            with lock:
                counts["done"] += 1
                last_done[0] = time.monotonic()
            return

    finished: list[float] = []

    def container(index: int) -> None:
        client, _ = built[index]
        numbers = range(index, args.calls, containers)
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(lambda number: copy(client, number), numbers))
        finished.append(time.monotonic() - start)

    with ThreadPoolExecutor(containers) as pool:
        list(pool.map(container, range(containers)))
    wall = last_done[0] - start
    limiters = [registry.limiter("dst", backpressure.WRITE) for _, registry in built if registry is not None]
    rates = [limiter.rate for limiter in limiters]
    return {
        "containers": containers,
        "mode": mode,
        "calls": args.calls,
        "wall_s": round(wall, 1),
        "first_container_done_s": round(min(finished), 1),
        "writes_per_s": round(counts["done"] / wall, 1),
        "ratio_to_limit": round(counts["done"] / wall / args.limit, 3),
        "requests": bucket.requests,
        "slow_downs": bucket.slow_downs,
        "slow_down_pct": round(100 * bucket.slow_downs / bucket.requests, 1),
        "calls_outliving_botocore": counts["outlived"],
        "final_rates": [round(rate, 1) for rate in rates if rate is not None] or None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--containers", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--modes", default="limiter,none", help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--limit", type=float, default=40.0, help="the bucket's writes/s")
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds S3 takes to answer")
    parser.add_argument("--engine-backoff", type=float, default=2.0, help="wait before a call goes again")
    parser.add_argument("--sequential", action="store_true", help="one scenario at a time")
    args = parser.parse_args()
    scenarios = [(n, mode) for mode in args.modes.split(",") for n in args.containers]
    print(
        f"limit {args.limit:g} writes/s (burst 1 s), {args.calls} calls, {THREADS} threads a container, "
        f"latency {args.latency * 1000:g} ms; tuning {backpressure.Tuning()}",
        flush=True,
    )
    if args.sequential:
        phases = [[scenario] for scenario in scenarios]
    else:
        # One mode at a time, its container counts at once: each scenario has its own bucket and
        # they share only the CPU. Without the limiter, 160 threads retrying burn enough CPU to slow
        # a limited scenario beside them (docs/BENCHMARK_NOTES.md, "Back-pressure").
        phases = [[(n, mode) for n in args.containers] for mode in args.modes.split(",")]
    for phase in phases:
        with ThreadPoolExecutor(len(phase)) as pool:
            for result in pool.map(lambda scenario: run(*scenario, args), phase):
                print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
