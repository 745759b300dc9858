"""One SyncRange window (range_step.sync_window): its LIST pages, copies and seconds.

Both sides are listed at once, each side one 1,000-key page after another with the next page
requested while the last is parsed (pageahead.py); then the window's copies run on copy_threads
threads that share one vCPU; then one PutItem stores the progress.
"""

from __future__ import annotations

import math
from typing import Any

from bucket_sync.copytime import STOP_MARGIN_SECONDS, usable_seconds
from bucket_sync.listing import PAGE_SIZE

from .assumptions import DDB_SECONDS, Cpu, Setup


def side_seconds(pages: int, page_cpu: float, s: Setup) -> float:
    """One side's pages, one after another: with read-ahead a page's request waits under the
    parse of the page before, so the side takes one LIST, then the slower of LIST and parse per
    further page, then the last parse; without it, LIST + parse per page."""
    if s.read_ahead:
        return s.list_seconds + (pages - 1) * max(s.list_seconds, page_cpu) + page_cpu
    return pages * (s.list_seconds + page_cpu)


def copy_throughput(threads: int, latency: float, cpu_seconds: float) -> float:
    """Copies per second of `threads` threads, each waiting `latency` for S3 and then needing
    `cpu_seconds` of the one vCPU they share (signing, sending, parsing the answer).

    Exact mean-value analysis of the closed queueing network this is (a delay of `latency`, then
    a queue for the CPU): neither the latency nor the CPU alone, since a thread's CPU cannot
    overlap its own wait and the threads queue for the CPU when they come back together."""
    if cpu_seconds <= 0:
        return threads / latency if latency > 0 else math.inf
    queue, rate = 0.0, 0.0
    for waiting in range(1, threads + 1):
        response = cpu_seconds * (1 + queue)
        rate = waiting / (latency + response)
        queue = rate * response
    return rate


def window(
    scenario: str, cpu: Cpu, s: Setup, keys: int | None = None, rate_cap: float = math.inf
) -> dict[str, Any]:
    """One window of `keys` (default chunk_size) keys per side: its S3 requests and its seconds.
    `rate_cap`: copies per second this range may make at most (its share of a throttled bucket)."""
    keys = s.chunk_size if keys is None else keys
    pages_source = max(1, math.ceil(keys / PAGE_SIZE))
    # A no-op lists the same keys on the destination; an initial copy finds it empty (one page).
    pages_destination = pages_source if scenario == "noop" else 1
    listed = keys * (2 if scenario == "noop" else 1)
    copies = keys if scenario == "initial" else 0
    heads = copies if s.read_redirects else 0
    cpu_list = listed * cpu.per_listed_key_ms / 1000 * s.slower
    # The CPU a full page costs (the no-op's CPU per listed key: parse, merge, bookkeeping); an
    # initial copy's destination page is empty.
    page_cpu = PAGE_SIZE * cpu.per_listed_key_ms / 1000 * s.slower
    source_chain = side_seconds(pages_source, page_cpu, s)
    destination_chain = side_seconds(pages_destination, page_cpu if scenario == "noop" else 0.0, s)
    if s.parallel_sides:
        # Each side waits for its own pages; both share one vCPU, so never less than all the CPU.
        list_seconds = max(source_chain, destination_chain, cpu_list)
    else:
        list_seconds = source_chain + destination_chain
    copy_cpu = copies * cpu.per_copied_ms / 1000 * s.slower
    latency = s.copy_seconds + (s.head_seconds if s.read_redirects else 0.0)
    per_copy_cpu = cpu.per_copied_ms / 1000 * s.slower
    engine_rate = copy_throughput(s.copy_threads, latency, per_copy_cpu)
    rate = min(engine_rate, rate_cap)
    copy_phase = copies / rate if copies else 0.0
    bound = "CPU" if per_copy_cpu * s.copy_threads > latency else "copy latency / copy_threads"
    return {
        "lists": pages_source + pages_destination,
        "copies": copies,
        "heads": heads,
        "list_seconds": list_seconds,
        "list_wait": max(pages_source, pages_destination) * s.list_seconds,
        "cpu_seconds": cpu_list + copy_cpu,
        "copy_phase": copy_phase,
        # What the old model took: latency and CPU overlapping perfectly (for the docs' comparison).
        "copy_phase_overlapped": max(copies * latency / s.copy_threads, copy_cpu),
        "seconds": list_seconds + copy_phase + DDB_SECONDS,
        "copy_bound": "S3's write rate" if rate < engine_rate else bound,
    }


def windows_per_invocation(window_seconds: float, s: Setup) -> int:
    """sync_range.py: a window starts only while twice the longest one is left before the
    timeout's margin; at most max_steps_per_range per child."""
    usable = usable_seconds(s.lambda_timeout, STOP_MARGIN_SECONDS)
    return max(1, min(s.max_steps_per_range, math.floor(usable / window_seconds) - 1))
