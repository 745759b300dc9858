"""PlanRanges' LIST pages and seconds, following keyspace.split_range and keysample.sample_keys.

A round that starts from the whole key space lists one page; if the bucket has more, it searches
for a ceiling with one-key probes (one after another, about log2 of a key's length), then samples
probe_count(RANGES_PER_CHILD x max_concurrency) pages, PROBES_AT_ONCE at a time, the estimates
renewed between batches: the sample does not depend on the bucket's size, only on max_concurrency,
unless the bucket is so small that its gaps run out first. A later round gets back the ranges
that reached max_steps_per_range; with all of them back, each is one part and none is listed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bucket_sync.keysample import PROBES_AT_ONCE
from bucket_sync.keyspace import probe_count, range_count
from bucket_sync.listing import PAGE_SIZE
from bucket_sync.steps.plan_ranges import MIN_WINDOWS, RANGES_PER_CHILD

from .assumptions import COVER_PROBES_PER_PAGE, DDB_SECONDS, STEP_SECONDS, Cpu, Setup

BATCH_WRITE_ITEMS = 25  # DynamoDB BatchWriteItem's limit: the round's ranges go 25 at a time


@dataclass(frozen=True)
class PlannerPages:
    """LIST requests of one PlanRanges invocation."""

    first: int  # the first page of the range
    ceiling: int  # one-key probes for a key above every key
    probes: int  # sampled pages

    @property
    def total(self) -> int:
        return self.first + self.ceiling + self.probes


def ceiling_probes(key_length: int) -> int:
    """keyspace.ceiling_above: one probe above the first page's last key, then a binary search
    over the length of the part the highest key shares with it."""
    return 1 + math.floor(math.log2(max(2, key_length)))


def first_round_pages(keys: int, s: Setup) -> PlannerPages:
    """The pages the first round's plan of a `keys`-key bucket lists."""
    if keys <= PAGE_SIZE:
        return PlannerPages(first=1, ceiling=0, probes=0)
    wanted = probe_count(RANGES_PER_CHILD * s.max_concurrency)
    # A small bucket's gaps run out before the probes do; each page left takes a few probes
    # (one from a gap's middle, then from its start), COVER_PROBES_PER_PAGE on the check rows.
    cover = math.ceil(COVER_PROBES_PER_PAGE * (math.ceil(keys / PAGE_SIZE) - 1))
    return PlannerPages(first=1, ceiling=ceiling_probes(s.key_length), probes=min(wanted, cover))


def planned_ranges(keys: int, s: Setup) -> int:
    """PlanRanges' cut of `keys` keys (keyspace.range_count on the sample's estimate), taken as even."""
    return range_count(
        keys, RANGES_PER_CHILD * s.max_concurrency, MIN_WINDOWS * s.chunk_size, s.max_concurrency
    )


def planner_seconds(pages: PlannerPages, ranges: int, cpu: Cpu, s: Setup) -> float:
    """One PlanRanges invocation: its pages, its parsing and sampling CPU, its round's write.

    The first page, then the ceiling's probes one after another; then batches of PROBES_AT_ONCE
    pages requested at once, each batch waiting for its slowest page and then parsing its pages on
    the one vCPU (the GIL) before the next batch is chosen."""
    if pages.total <= 1 and ranges <= 1:
        return STEP_SECONDS
    page_cpu = cpu.planner_page_ms / 1000 * s.slower
    seconds = pages.first * (s.list_seconds + page_cpu) + pages.ceiling * s.list_seconds
    batches, left = 0, pages.probes
    while left > 0:
        batch = min(PROBES_AT_ONCE, left)
        seconds += s.list_seconds + batch * page_cpu
        batches, left = batches + 1, left - batch
    return seconds + DDB_SECONDS * (1 + math.ceil(ranges / BATCH_WRITE_ITEMS))
