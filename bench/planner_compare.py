"""The production planner (keyspace.split_range: keyscale + keysample) against the plain one
(bench/plainplanner.py) on the same keys, cut as PlanRanges cuts a run's first round.

For each key shape and max_concurrency it prints, per planner: the ranges cut, "max/mean" (the
largest range's keys over the mean range's), "round/ideal" (the ranges run in order on
max_concurrency children, the last to end over a perfect split: scripts/planner_balance.py's
measure), "first round" (the same with every range handed back after max_steps_per_range
windows, as the module does: how long the first round lasts over a perfect split), the LIST
requests and the CPU seconds of the cut (no XML: the bucket is a sorted list in memory; S3's
parse adds about 20 ms a page, docs/BENCHMARK_NOTES.md). --whole-run also plans and "runs" every
later round (what a range hands back is planned again) and prints all rounds' lengths added up
over a perfect split, and the rounds. With --latency-ms each LIST waits that long and the wall
time shows how many waits lie one after another. Prints; asserts nothing.

    .venv/bin/python bench/planner_compare.py [--objects 1000000] [--max-concurrency 10 100 1000]
        [--shapes NAME ...] [--whole-run] [--latency-ms 0]
"""

from __future__ import annotations

import argparse
import bisect
import math
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "handlers"), str(ROOT)]

from bench.plainplanner import plain_split  # noqa: E402
from bucket_sync.keyscale import KeyScale  # noqa: E402
from bucket_sync.keyspace import split_range  # noqa: E402
from bucket_sync.payloads import KeyRange  # noqa: E402
from bucket_sync.steps.plan_ranges import MIN_WINDOWS, RANGES_PER_CHILD  # noqa: E402
from scripts.planner_balance import key_sets, round_over_ideal  # noqa: E402

CHUNK_SIZE = 5000  # the module's default
# Keys a child works through before it hands its range back (max_steps_per_range's default of 100
# windows): no round lasts longer than that, whatever the planner left in one range.
HANDED_BACK_AFTER = 100 * CHUNK_SIZE
WHOLE = KeyRange(after="", upTo=None)
LISTED = "2026-01-01T00:00:00Z"
PLANNERS: dict[str, Callable[..., list[KeyRange]]] = {
    "clever": split_range,
    "plain": plain_split,
    # The plain sample on keyscale's scale: what keysample's adaptive probing adds by itself.
    "even+keyscale": partial(plain_split, scale_type=KeyScale),
}


def realistic_key_sets(n: int) -> dict[str, Callable[[int], str]]:
    """Shapes scripts/planner_balance.py lacks: date-partitioned logs, uuid keys, one tenant
    holding 95 % of the keys."""

    def ident(i: int) -> str:
        return str(uuid.UUID(int=(i * 0x9E3779B97F4A7C15F39CC0605CEDC835) % (1 << 128)))

    return {
        "date/host/uuid.gz": lambda i: (
            f"logs/2026/{1 + i % 12:02}/{1 + i // 12 % 28:02}/host-{i % 17:02}/{ident(i)}.gz"
        ),
        "uuid keys": lambda i: f"{ident(i)}.json",
        "95 % under one tenant": lambda i: (
            f"tenant-0042/2026/{1 + i % 12:02}/{i:08}.parquet"
            if i % 20
            else f"tenant-{i * 7 % 1000:04}/2026/{i:08}.parquet"
        ),
    }


def all_shapes(n: int) -> dict[str, Callable[[int], str]]:
    return {**key_sets(n), **realistic_key_sets(n)}


class MemoryBucket:
    """ListObjectsV2 over a sorted list, each request waiting `latency` seconds; counts requests."""

    def __init__(self, keys: list[str], latency: float = 0.0) -> None:
        self.keys, self.latency = keys, latency
        self.lists = 0
        self.lock = threading.Lock()
        self.meta = SimpleNamespace(events=SimpleNamespace(register=lambda *_, **__: None))

    def list_objects_v2(self, MaxKeys: int = 1000, Prefix: str = "", **params: Any) -> dict[str, Any]:
        with self.lock:
            self.lists += 1
        if self.latency:
            time.sleep(self.latency)
        token = params.get("ContinuationToken")
        at = (
            int(token) if token else bisect.bisect_right(self.keys, max(params.get("StartAfter", ""), Prefix))
        )
        rows = []
        while at < len(self.keys) and len(rows) < MaxKeys and self.keys[at].startswith(Prefix):
            rows.append({"Key": self.keys[at], "Size": 1, "ETag": '"e"', "LastModified": LISTED})
            at += 1
        page: dict[str, Any] = {"Contents": rows, "KeyCount": len(rows)}
        if at < len(self.keys) and self.keys[at].startswith(Prefix):
            page.update(IsTruncated=True, NextContinuationToken=str(at))
        return page


def counts_in(ranges: list[KeyRange], keys: list[str]) -> list[int]:
    """Keys of sorted `keys` in each range (after, upTo]."""
    ends = [len(keys) if r["upTo"] is None else bisect.bisect_right(keys, r["upTo"]) for r in ranges]
    return [end - bisect.bisect_right(keys, r["after"]) for r, end in zip(ranges, ends, strict=True)]


def first_round(counts: list[int], slots: int) -> float:
    """The first round's length over a perfect split: round_over_ideal with every range ending
    after HANDED_BACK_AFTER keys (the rest is planned again in the next round)."""
    worked = [min(count, HANDED_BACK_AFTER) for count in counts]
    return round_over_ideal(worked, slots) * sum(worked) / sum(counts)


def makespan(counts: list[int], slots: int) -> int:
    """Keys the busiest of `slots` children works through when the ranges start in order, each on
    the first child free (the Distributed Map at MaxConcurrency)."""
    free = [0] * slots
    for count in counts:
        free[free.index(min(free))] += count
    return max(free)


def whole_run(planner: str, keys: list[str], slots: int) -> tuple[float, int]:
    """Every round of a first sync, as the module runs them: each range handed back after
    HANDED_BACK_AFTER keys and planned again (plan_ranges' parts per pending range). Returns the
    rounds' lengths added up over a perfect split, and the rounds."""
    bucket, cut = MemoryBucket(keys), PLANNERS[planner]
    pending, length, rounds = [WHOLE], 0, 0
    while pending:
        rounds += 1
        parts, each = max(1, slots * RANGES_PER_CHILD // len(pending)), max(1, slots // len(pending))
        ranges = [r for p in pending for r in cut(bucket, "b", "", p, parts, MIN_WINDOWS * CHUNK_SIZE, each)]
        counts = counts_in(ranges, keys)
        length += makespan([min(c, HANDED_BACK_AFTER) for c in counts], slots)
        pending = [
            KeyRange(
                after=keys[bisect.bisect_right(keys, r["after"]) + HANDED_BACK_AFTER - 1], upTo=r["upTo"]
            )
            for r, count in zip(ranges, counts, strict=True)
            if count > HANDED_BACK_AFTER
        ]
    return length / (len(keys) / slots), rounds


def measure(
    planner: str, keys: list[str], slots: int, latency: float = 0.0, whole: bool = False
) -> dict[str, Any]:
    """Cut `keys` as PlanRanges cuts a first round at max_concurrency `slots`, with `planner`;
    with `whole`, also run every round (whole_run)."""
    bucket = MemoryBucket(keys, latency)
    cpu, wall = time.process_time(), time.monotonic()
    ranges = PLANNERS[planner](
        bucket, "b", "", WHOLE, RANGES_PER_CHILD * slots, MIN_WINDOWS * CHUNK_SIZE, slots
    )
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    counts = counts_in(ranges, keys)
    assert sum(counts) == len(keys), "the ranges must partition the key space"
    return {
        "planner": planner,
        "ranges": len(ranges),
        "max_over_mean": max(counts) / (len(keys) / len(ranges)),
        "round_over_ideal": round_over_ideal(counts, slots),
        "first_round": first_round(counts, slots),
        "whole_run": whole_run(planner, keys, slots) if whole else None,
        "lists": bucket.lists,
        "cpu": cpu,
        "wall": wall,
    }


def summary(rounds: dict[tuple[str, int], dict[str, float]], tie: float = 0.1) -> list[str]:
    """Per max_concurrency: each planner's geometric mean of first round over the shapes, and in
    how many shapes the clever planner's first round is shorter or longer than the plain one's by
    more than `tie`."""
    lines = []
    for slots in sorted({mc for _, mc in rounds}):
        cells = [row for (_, mc), row in rounds.items() if mc == slots]
        means = ", ".join(
            f"{p} {math.exp(statistics.fmean(math.log(row[p]) for row in cells)):.2f}" for p in PLANNERS
        )
        ratios = [row["plain"] / row["clever"] for row in cells]
        better = sum(1 for r in ratios if r > 1 + tie)
        worse = sum(1 for r in ratios if r < 1 / (1 + tie))
        lines.append(
            f"max_concurrency {slots}: first round, geometric mean {means}; clever shorter in {better} "
            f"of {len(cells)} shapes, longer in {worse}, within {tie:.0%} in {len(cells) - better - worse}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--max-concurrency", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--shapes", nargs="+", help="key shapes to run (default: all)")
    parser.add_argument("--whole-run", action="store_true", help="also run the later rounds")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="each LIST waits this long")
    args = parser.parse_args()
    shapes = all_shapes(args.objects)
    extra = (" whole run | rounds |" if args.whole_run else "") + (" wall s |" if args.latency_ms else "")
    columns = (
        "keys | max_concurrency | planner | ranges | max/mean | round/ideal | first round | LISTs | CPU s"
    )
    print(f"| {columns} |{extra}")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|" + "---:|" * extra.count("|"))
    rounds: dict[tuple[str, int], dict[str, float]] = {}
    for name in args.shapes or shapes:
        keys = sorted({shapes[name](i) for i in range(args.objects)})
        for slots in args.max_concurrency:
            for planner in PLANNERS:
                r = measure(planner, keys, slots, args.latency_ms / 1000, args.whole_run)
                rounds.setdefault((name, slots), {})[planner] = r["first_round"]
                row = (
                    f"| {name} | {slots} | {planner} | {r['ranges']} | {r['max_over_mean']:.2f} | "
                    f"{r['round_over_ideal']:.2f} | {r['first_round']:.2f} | {r['lists']} | {r['cpu']:.2f} |"
                )
                if args.whole_run:
                    row += f" {r['whole_run'][0]:.2f} | {r['whole_run'][1]} |"
                if args.latency_ms:
                    row += f" {r['wall']:.1f} |"
                print(row, flush=True)
    print()
    print("\n".join(summary(rounds)))


if __name__ == "__main__":
    main()
