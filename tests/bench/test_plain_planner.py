"""bench/plainplanner.py, the candidate bench/planner_compare.py weighs against the production
planner: its ranges partition the key space, whatever the keys, as keyspace.split_range's do."""

from __future__ import annotations

import pytest

from bench import planner_compare
from bench.plainplanner import PlainScale, plain_split
from bench.planner_compare import MemoryBucket, all_shapes, counts_in
from bucket_sync.keyscale import KeyScale
from bucket_sync.payloads import KeyRange

WHOLE = KeyRange(after="", upTo=None)


def assert_partition(ranges: list[KeyRange], whole: KeyRange) -> None:
    assert ranges[0]["after"] == whole["after"] and ranges[-1]["upTo"] == whole["upTo"]
    for left, right in zip(ranges, ranges[1:], strict=False):
        assert left["upTo"] is not None and left["after"] < left["upTo"] == right["after"]


@pytest.mark.parametrize("shape", ["unicode scripts", "95 % under one tenant", "date/host/uuid.gz"])
@pytest.mark.parametrize("scale_type", [PlainScale, KeyScale])
def test_plain_ranges_cover_the_key_space_without_gap_or_overlap(shape, scale_type):
    make = all_shapes(20_000)[shape]
    keys = sorted({make(i) for i in range(20_000)})
    ranges = plain_split(MemoryBucket(keys), "b", "", WHOLE, parts=40, scale_type=scale_type)
    assert_partition(ranges, WHOLE)
    counts = counts_in(ranges, keys)
    assert sum(counts) == len(keys) and len(ranges) > 1


def test_a_bounded_range_is_cut_inside_its_bounds():
    keys = [f"k{i:06}" for i in range(30_000)]
    part = KeyRange(after="k010000", upTo="k020000")
    ranges = plain_split(MemoryBucket(keys), "b", "", part, parts=8)
    assert_partition(ranges, part)
    assert sum(counts_in(ranges, keys)) == 10_000 and len(ranges) == 8


def test_a_range_of_one_page_is_cut_by_count():
    keys = [f"k{i:04}" for i in range(400)]
    ranges = plain_split(MemoryBucket(keys), "b", "", WHOLE, parts=4)
    assert counts_in(ranges, keys) == [100, 100, 100, 100]


def test_plain_scale_keeps_order_and_turns_points_back_into_keys_in_between():
    low, high = "d00/obj-0000000.dat", "d\U0010ffff"
    scale = PlainScale(low, high, low + "123456789" + high)
    keys = sorted(["d00/obj-0000999.dat", "d07/x", "d3\u00e9", "d36/obj-1.dat", "d9"])
    numbers = [scale.number(k) for k in keys]
    assert numbers == sorted(numbers)  # a character not seen (é) keeps its place
    a, b = scale.number(low), scale.number(high)
    points = [scale.key(a + (b - a) * i // 8) for i in range(1, 8)]
    assert points == sorted(points) and len(set(points)) == 7
    assert all(low < p < high for p in points)


def test_a_whole_run_plans_again_what_a_range_hands_back_until_every_key_is_done(monkeypatch):
    # Ranges handed back after 3,000 keys: the 40,000 keys on 2 children take several rounds, and
    # no round can beat a perfect split.
    monkeypatch.setattr(planner_compare, "HANDED_BACK_AFTER", 3_000)
    keys = [f"k{i:06}" for i in range(40_000)]
    for planner in planner_compare.PLANNERS:
        length, rounds = planner_compare.whole_run(planner, keys, slots=2)
        assert rounds > 1 and length >= 1.0


def test_ranges_start_in_order_on_the_first_child_free():
    assert planner_compare.makespan([5, 1, 1, 1, 1, 1], slots=2) == 5
    assert planner_compare.makespan([1, 1, 1, 1, 1, 5], slots=2) == 7
