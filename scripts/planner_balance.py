"""Print how evenly PlanRanges cuts skewed key sets, and how many LIST requests it spends.

Each key set is written to an in-process moto bucket; `split_range` cuts the whole key space
into `--parts` ranges as PlanRanges does in a run's first round, and the script counts the keys
that fall in each range. "max/mean" is the largest range over the average: 1.0 is perfect.
"round/ideal" is what the round's length depends on: the ranges run in order on `--slots`
children at once (a Distributed Map at MaxConcurrency starts the next range when a child ends),
each as long as its key count, and the last to end sets the round's length, over a perfect
split of the keys among the slots. The module plans 4 ranges per slot (lambda.tf, MAX_RANGES).

Run: .venv/bin/python scripts/planner_balance.py [--objects 20000] [--slots 10] [--parts 40] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "handlers"))
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from bucket_sync.keyspace import split_range  # noqa: E402
from bucket_sync.payloads import KeyRange  # noqa: E402
from harness.buckets import put_objects  # noqa: E402

SCRIPTS = ["é", "ж", "ع", "中", "日", "한", "😀", "a", "Z", "0"]


def key_sets(n: int) -> dict[str, Callable[[int], str]]:
    """Key shapes users have, from tidy to skewed; each maps an index to a key."""
    return {
        "padded numbers under 37 prefixes": lambda i: f"d{i % 37:02}/obj-{i:07}.dat",
        "everything under one prefix": lambda i: f"logs/2026/11/26/host-{i * 7919 % n:06x}.gz",
        "unpadded numbers": lambda i: str(i),
        "timestamps": lambda i: f"2026-{1 + i * 12 // n:02}-{1 + i % 28:02}T{i % 24:02}:{i % 60:02}/{i}",
        "one busy prefix among many": lambda i: f"p{i:03}/x" if i < n // 10 else f"p999/{i:07}",
        "unicode scripts": lambda i: f"{SCRIPTS[i % 10]}{SCRIPTS[i * 7 % 10]}/{i:06}",
        "ascii then mostly CJK": lambda i: f"a/{i:05}" if i < n // 4 else f"{chr(0x4E00 + i * 37 % n)}/{i}",
    }


def round_over_ideal(counts: list[int], slots: int) -> float:
    """How long the round lasts with these ranges run in order on `slots` children, over ideal."""
    free = [0] * slots
    for count in counts:
        earliest = free.index(min(free))
        free[earliest] += count
    return max(free) / (sum(counts) / slots)


def measure(name: str, keys: list[str], parts: int, slots: int) -> dict[str, object]:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="balance")
        put_objects(s3, "balance", dict.fromkeys(keys, b"x"), threads=32)
        lists = []
        s3.meta.events.register("before-call.s3.ListObjectsV2", lambda **_: lists.append(1))
        ranges = split_range(s3, "balance", "", KeyRange(after="", upTo=None), parts)
    ordered = sorted(keys)
    counts = []
    for r in ranges:
        counts.append(sum(1 for k in ordered if k > r["after"] and (r["upTo"] is None or k <= r["upTo"])))
    assert sum(counts) == len(keys), "ranges must partition the key space"
    mean = len(keys) / parts
    return {
        "keys": name,
        "objects": len(keys),
        "ranges": len(ranges),
        "list_requests": len(lists),
        "max_over_mean": round(max(counts) / mean, 2),
        "round_over_ideal": round(round_over_ideal(counts, slots), 2),
        "counts": counts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=20000)
    parser.add_argument("--slots", type=int, default=10, help="max_concurrency")
    parser.add_argument("--parts", type=int, help="ranges planned (default: 4 per slot, as the module)")
    parser.add_argument("--json", action="store_true", help="one JSON object per key set")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    parts = args.parts or 4 * args.slots
    for name, make in key_sets(args.objects).items():
        row = measure(name, sorted({make(i) for i in range(args.objects)}), parts, args.slots)
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(
                f"{row['keys']:<34} {row['objects']:>6} keys  {row['ranges']:>2} ranges  "
                f"{row['list_requests']:>2} LISTs  max/mean {row['max_over_mean']:>5}  "
                f"round/ideal {row['round_over_ideal']:>5}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
