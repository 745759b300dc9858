"""PlanRanges within its time: many pending ranges split at once, a bounded number at a time, and
carried unsplit once the budget is spent, the round still partitioning the pending key space."""

from __future__ import annotations

import bisect
import random
import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from bucket_sync.keysample import PROBES_AT_ONCE
from bucket_sync.keyspace import split_range
from bucket_sync.payloads import KeyRange, RunState, zero_counts
from bucket_sync.planner import SPLIT_CONNECTIONS, SPLITS_AT_ONCE, range_splitter, split_pending
from bucket_sync.steps.plan_ranges import SPLITTING_SHARE, plan_ranges, splitting_time
from tests.unit.support import run_config, settings

# A Lambda process may start this many threads (as in test_one_pool).
LAMBDA_THREAD_LIMIT = 1024
# Threads beyond the splits' own: the calling thread and a few the runtime or test owns.
SMALL_CONSTANT = 4
LISTED = datetime(2024, 1, 1, tzinfo=UTC)


class Keys:
    """`groups` x `per_group` sorted keys "g0000/k00000", computed on demand (millions of keys
    would not fit in a list); `bisect` searches it like a list."""

    def __init__(self, groups: int, per_group: int) -> None:
        self.groups, self.per_group = groups, per_group

    def __len__(self) -> int:
        return self.groups * self.per_group

    def __getitem__(self, i: int) -> str:
        return f"g{i // self.per_group:04}/k{i % self.per_group:05}"


def group(n: int) -> str:
    """A bound between groups: after every key of group n - 1, before every key of group n."""
    return f"g{n:04}"


class FakeS3:
    """ListObjectsV2 over `keys`, each call taking `latency()` seconds; records what it serves."""

    def __init__(self, keys: Keys, latency: Any = lambda: 0.0) -> None:
        self.keys, self.latency = keys, latency
        self.meta = SimpleNamespace(events=SimpleNamespace(register=lambda *a, **k: None))
        self.lock = threading.Lock()
        self.calls: list[str] = []
        self.in_flight = self.peak_in_flight = self.peak_threads = 0
        self.hold: dict[str, threading.Event] = {}  # StartAfter -> released when set
        self.entered: dict[str, threading.Event] = {}
        self.answered: set[str] = set()

    def list_objects_v2(self, **params: Any) -> dict[str, Any]:
        start = params.get("StartAfter", "")
        with self.lock:
            self.calls.append(start)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            self.peak_threads = max(self.peak_threads, threading.active_count())
        try:
            if start in self.hold:
                self.entered[start].set()
                self.hold[start].wait(10)
            time.sleep(self.latency())  # S3's answer time; the caller waits for it as for S3
            page = self._page(params)
            with self.lock:
                self.answered.add(start)
            return page
        finally:
            with self.lock:
                self.in_flight -= 1

    def _page(self, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("Prefix", "")
        if "ContinuationToken" in params:
            at = int(params["ContinuationToken"])
        else:
            at = bisect.bisect_right(self.keys, max(params.get("StartAfter", ""), prefix))
        rows = []
        while at < len(self.keys) and len(rows) < params["MaxKeys"]:
            key = self.keys[at]
            if not key.startswith(prefix):
                break
            rows.append({"Key": key, "Size": 1, "ETag": '"e"', "LastModified": LISTED})
            at += 1
        more = at < len(self.keys) and self.keys[at].startswith(prefix)
        page: dict[str, Any] = {"Contents": rows, "KeyCount": len(rows), "IsTruncated": more}
        if more:
            page["NextContinuationToken"] = str(at)
        return page

    def list_calls_from(self, start: str) -> int:
        """LIST calls that started at `start` or at a key beginning with it."""
        return sum(1 for s in self.calls if s.startswith(start))


class Store:
    """The run table as PlanRanges uses it: the previous round's unfinished ranges, and the new
    round it writes."""

    def __init__(self, pending: list[KeyRange]) -> None:
        self.records = [SimpleNamespace(range=r, progress=None, error=None) for r in pending]
        self.written: list[KeyRange] = []

    def planned_count(self, round_number: int) -> int | None:
        return None  # the new round is not planned yet

    def read_round(self, round_number: int) -> list[Any]:
        return self.records

    def write_round(self, round_number: int, ranges: list[KeyRange], *_: Any) -> None:
        self.written = ranges


class Context:
    """A Lambda context whose time runs out `timeout` seconds after it is made."""

    def __init__(self, timeout: float) -> None:
        self.deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def groups_as_ranges(count: int) -> list[KeyRange]:
    """One pending range per group of keys, the last open-ended, as a round hands them back."""
    return [KeyRange(after=group(n), upTo=group(n + 1) if n + 1 < count else None) for n in range(count)]


def assert_partition(ranges: list[KeyRange], pending: list[KeyRange]) -> None:
    """`ranges` cover exactly what `pending` covers, in key order, with no gap or overlap."""
    assert ranges[0]["after"] == pending[0]["after"] and ranges[-1]["upTo"] == pending[-1]["upTo"]
    for left, right in zip(ranges, ranges[1:], strict=False):
        assert left["upTo"] is not None and left["after"] < left["upTo"] == right["after"]


def state() -> RunState:
    return RunState(run=run_config(), round=1, totals=zero_counts(), failures=[], resumeRound=1)


def test_two_thousand_ranges_at_200_ms_a_list_are_planned_within_half_the_timeout():
    # max_concurrency 1,000 and 2,000 ranges handed back: 2 parts each, a first page and a probe
    # (the last range also bounds its highest key). One after another that is 2,000 x 2 x 200 ms
    # = 800 s of waiting. The shortest timeout the module allows keeps the test short; the rate
    # it reaches says what a 300 s timeout allows.
    lambda_timeout = 10
    pending = groups_as_ranges(2000)
    s3 = FakeS3(Keys(2000, 1500), latency=lambda: 0.2)
    store = Store(pending)
    started = time.monotonic()
    plan_ranges(state(), s3, store, settings(max_ranges=1000), splitting_time(Context(lambda_timeout)))
    elapsed = time.monotonic() - started
    assert elapsed < lambda_timeout / 2
    assert_partition(store.written, pending)
    split = len(store.written) - len(pending)  # each range split in two adds one
    # At this pace all 2,000 are split within the budget of the default 300 s timeout (one at a
    # time would have split about 10 here).
    budget, default_budget = SPLITTING_SHARE * lambda_timeout, SPLITTING_SHARE * 300
    assert split / budget * default_budget >= len(pending), split
    assert split < len(pending), "the budget should have run out: the test would show nothing"


def test_with_time_enough_every_range_is_cut_as_one_after_another_would_cut_it():
    pending = groups_as_ranges(40)
    jitter = random.Random(7)
    s3 = FakeS3(Keys(40, 2500), latency=lambda: jitter.random() * 0.003)  # answers out of order
    split = range_splitter(s3, "src", "", parts=5, min_keys=0, slots=1)
    planned = split_pending(pending, split, seconds_left=lambda: 60.0)
    one_by_one = [part for r in pending for part in split_range(s3, "src", "", r, 5)]
    assert planned.unsplit == 0 and planned.ranges == one_by_one
    assert len(one_by_one) == 5 * len(pending)


def test_splits_run_at_once_on_a_bounded_number_of_threads():
    # 8 parts: 9 probes each, listed 4 at a time, so each split's probe pool runs full.
    pending = groups_as_ranges(48)
    s3 = FakeS3(Keys(48, 3000), latency=lambda: 0.005)
    before = threading.active_count()
    split = range_splitter(s3, "src", "", parts=8, min_keys=0, slots=1)
    planned = split_pending(pending, split, seconds_left=lambda: 60.0)
    assert planned.unsplit == 0 and len(planned.ranges) == 8 * len(pending)
    assert PROBES_AT_ONCE < s3.peak_in_flight <= SPLIT_CONNECTIONS  # more than one split at once
    assert s3.peak_threads - before <= SPLITS_AT_ONCE * (1 + PROBES_AT_ONCE) + SMALL_CONSTANT
    assert s3.peak_threads < LAMBDA_THREAD_LIMIT // 4


def test_a_split_still_listing_when_time_runs_out_is_carried_whole_and_not_waited_for():
    pending = groups_as_ranges(20)
    s3 = FakeS3(Keys(20, 1500))
    stuck = pending[1]["after"]
    s3.hold[stuck], s3.entered[stuck] = threading.Event(), threading.Event()
    end: list[float] = []

    def seconds_left() -> float:
        # The budget ends shortly after the stuck range's first page was asked for.
        if s3.entered[stuck].is_set() and not end:
            end.append(time.monotonic() + 0.05)
        return end[0] - time.monotonic() if end else 60.0

    split = range_splitter(s3, "src", "", parts=2, min_keys=0, slots=1)
    try:
        planned = split_pending(pending, split, seconds_left, at_once=4)
        assert stuck not in s3.answered, "the plan waited for the stuck split"
    finally:
        s3.hold[stuck].set()
    assert pending[1] in planned.ranges and planned.unsplit >= 1
    assert_partition(planned.ranges, pending)
    for thread in threading.enumerate():
        if thread.name.startswith("split"):
            thread.join(10)
    # Let go, the abandoned split sent no request after its first page: no probe into its keys.
    assert s3.list_calls_from(stuck) == 1


def test_splitting_keeps_over_half_of_the_invocation_for_writing_the_round():
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: 300_000)
    seconds_left = splitting_time(context)
    assert seconds_left() == 300 * SPLITTING_SHARE < 150
    context.get_remaining_time_in_millis = lambda: 179_000
    assert seconds_left() == -1
