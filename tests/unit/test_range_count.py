"""How many ranges PlanRanges cuts: enough for every slot of max_concurrency, none nearly empty."""

from __future__ import annotations

import threading

import pytest

from bucket_sync.keysample import PROBES_AT_ONCE
from bucket_sync.keyspace import split_range
from bucket_sync.payloads import KeyRange
from tests.unit.support import put

WHOLE = KeyRange(after="", upTo=None)


@pytest.fixture
def five_thousand(s3):
    for i in range(5000):
        put(s3, "src", f"k{i:05}")
    return s3


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        (1, 1),  # two windows of 5,000 keys each would need 10,000: one range, as before
        (4, 4),  # one range per slot
        (10, 5),  # but never under a page (1,000 keys) a range
    ],
)
def test_every_slot_gets_a_range_while_each_keeps_a_page(five_thousand, slots, expected):
    ranges = split_range(five_thousand, "src", "", WHOLE, parts=4 * slots, min_keys=10_000, slots=slots)
    assert len(ranges) == expected


def test_two_windows_a_range_still_bound_the_count_from_above(five_thousand):
    ranges = split_range(five_thousand, "src", "", WHOLE, parts=40, min_keys=2_000, slots=1)
    assert len(ranges) == 2


def test_the_planner_lists_its_probes_several_at_a_time(five_thousand):
    # A plan of 500 probes would wait for 500 LIST pages one after another: it waits for a
    # quarter of them, each batch re-estimated from the ones before.
    in_flight, peak = 0, 0
    lock = threading.Lock()

    def sent(**_):
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)

    def answered(**_):
        nonlocal in_flight
        with lock:
            in_flight -= 1

    five_thousand.meta.events.register("before-call.s3.ListObjectsV2", sent)
    five_thousand.meta.events.register("after-call.s3.ListObjectsV2", answered)
    ranges = split_range(five_thousand, "src", "", WHOLE, parts=16)
    assert len(ranges) == 16
    assert 2 <= peak <= PROBES_AT_ONCE
