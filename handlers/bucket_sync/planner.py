"""Splitting a round's pending ranges several at once, within PlanRanges' time budget.

Each split waits for a first LIST page and probe pages (keyspace.split_range); one after another,
1,000-2,000 unfinished ranges at max_concurrency 1,000 wait about 800 s for S3, past the default
300 s Lambda timeout. So SPLITS_AT_ONCE splits run at once, none starts once the budget is spent,
and a range whose split has not ended by then is carried into the round unsplit: the round's
ranges always partition the pending ones exactly, and what is left too large is split again in a
later round, as a range handed back by its child is.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from .keysample import PROBES_AT_ONCE
from .keyspace import split_range
from .payloads import KeyRange
from .transient import is_transient

# Splits run at once. Parsing a page takes about a tenth of the time its request waits for S3
# (docs/BENCHMARK_NOTES.md, "Listing CPU"), so about 10 pages in flight keep the one vCPU busy;
# 16 splits have 16 to 64 pages in flight (each split's probes go PROBES_AT_ONCE at a time),
# enough to hide the latency under the parsing, and more splits would only add threads, sockets
# and pages held in memory. Each split uses its own thread plus its probe pool's: 16 x (1 + 4) =
# 80 threads of Lambda's 1,024, and at most 64 connections (SPLIT_CONNECTIONS), a few hundred
# LIST/s, far below S3's 5,500 per prefix.
SPLITS_AT_ONCE = 16
# Requests the splits have in flight at most: the connection pool PlanRanges' client needs
# (clients.s3_client(threads=...)) so that no probe waits for a socket.
SPLIT_CONNECTIONS = SPLITS_AT_ONCE * PROBES_AT_ONCE


@dataclass(frozen=True)
class Planned:
    """The pending ranges cut up, in key order, and how many of them were carried unsplit
    because the budget ran out first."""

    ranges: list[KeyRange]
    unsplit: int


def split_pending(
    pending: list[KeyRange],
    split: Callable[[KeyRange, Callable[[], bool]], list[KeyRange]],
    seconds_left: Callable[[], float],
    at_once: int = SPLITS_AT_ONCE,
) -> Planned:
    """Apply `split(range, stopped)` to every pending range, `at_once` at a time, while
    `seconds_left()` is above zero; return the results in the order of `pending`.

    A split not started before the budget ends is not started; one still running then is not
    waited for: its range is carried unsplit, and `stopped()` turns True so that it sends no
    further request (it finishes the one under way, whose answer nobody reads). A split that
    raises fails the whole plan, as it did when the splits ran one after another.
    """
    results: list[list[KeyRange] | None] = [None] * len(pending)
    stop = threading.Event()
    waiting = iter(range(len(pending)))
    running: dict[Future[list[KeyRange]], int] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(at_once, len(pending))), thread_name_prefix="split")
    try:
        while True:
            while len(running) < at_once and seconds_left() > 0:
                index = next(waiting, None)
                if index is None:
                    break
                running[pool.submit(split, pending[index], stop.is_set)] = index
            left = seconds_left()
            if not running or left <= 0:
                break
            timeout = None if math.isinf(left) else left  # threading cannot wait for inf
            done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                error = future.exception()
                if error is not None and not is_transient(error):
                    raise error
                # A split S3 throttled goes whole this round (split again in the next).
                results[index] = None if error is not None else future.result()
    finally:
        stop.set()
        # Not waiting for the splits still under way is the point: their ranges go unsplit.
        pool.shutdown(wait=False, cancel_futures=True)
    ranges = [part for i, whole in enumerate(pending) for part in (results[i] or [whole])]
    return Planned(ranges, unsplit=sum(1 for r in results if r is None))


def range_splitter(
    s3: Any, bucket: str, prefix: str, parts: int, min_keys: int, slots: int
) -> Callable[[KeyRange, Callable[[], bool]], list[KeyRange]]:
    """keyspace.split_range with one round's sizes, as split_pending calls it."""

    def split(key_range: KeyRange, stopped: Callable[[], bool]) -> list[KeyRange]:
        return split_range(s3, bucket, prefix, key_range, parts, min_keys, slots, stopped=stopped)

    return split
