"""PlanRanges' own CPU per sampled page, without S3 and without XML: keyspace.split_range on an
in-memory bucket whose client answers ListObjectsV2 from a sorted list.

What it shows: whether the sample's bookkeeping (keysample's gaps and estimates) grows with the
number of pages it samples, which the emulator runs (at most ~50 pages) cannot. The XML parse of a
page is the handlers' CPU per listed key (bench/cost.py) times 1,000. Prints; asserts nothing.

    .venv/bin/python bench/planner_cpu.py [--keys 1000000] [--max-concurrency 10 100 1000]
"""

from __future__ import annotations

import argparse
import bisect
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "handlers")]

from bucket_sync.keyspace import split_range  # noqa: E402
from bucket_sync.payloads import KeyRange  # noqa: E402
from bucket_sync.steps.plan_ranges import MIN_WINDOWS, RANGES_PER_CHILD  # noqa: E402

CHUNK_SIZE = 5000


class MemoryBucket:
    """A client whose ListObjectsV2 pages come from a sorted list (no hooks fire: no page-ahead)."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self.pages = 0
        self.meta = SimpleNamespace(events=SimpleNamespace(register=lambda *_, **__: None))

    def list_objects_v2(
        self, MaxKeys: int = 1000, StartAfter: str = "", ContinuationToken: str | None = None, **_: Any
    ) -> dict[str, Any]:
        self.pages += 1
        start = ContinuationToken or StartAfter
        first = bisect.bisect_right(self.keys, start) if start else 0
        rows = self.keys[first : first + MaxKeys]
        page: dict[str, Any] = {
            "Contents": [
                {"Key": k, "Size": 1, "ETag": '"e"', "LastModified": "2026-01-01T00:00:00Z"} for k in rows
            ]
        }
        if first + MaxKeys < len(self.keys):
            page.update(IsTruncated=True, NextContinuationToken=rows[-1])
        return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--max-concurrency", type=int, nargs="+", default=[10, 100, 1000])
    args = parser.parse_args()
    # bench/run.py's key shape: 37 prefixes, zero-padded serials.
    keys = sorted(f"d{i % 37:02}/obj-{i:09}.dat" for i in range(args.keys))
    for slots in args.max_concurrency:
        bucket = MemoryBucket(keys)
        started = time.process_time()
        ranges = split_range(
            bucket,
            "b",
            "",
            KeyRange(after="", upTo=None),
            RANGES_PER_CHILD * slots,
            MIN_WINDOWS * CHUNK_SIZE,
            slots,
        )
        cpu = time.process_time() - started
        print(
            f"max_concurrency {slots}: {bucket.pages} pages, {len(ranges)} ranges, {cpu:.2f} s CPU, "
            f"{1000 * cpu / bucket.pages:.1f} ms per page"
        )


if __name__ == "__main__":
    main()
