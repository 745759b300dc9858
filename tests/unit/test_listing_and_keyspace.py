import pytest

from bucket_sync import keysample, keyspace
from bucket_sync.keyscale import KeyScale
from bucket_sync.keyspace import ceiling_above, split_range
from bucket_sync.listing import list_range
from bucket_sync.payloads import KeyRange
from tests.unit.support import put


def fill(s3, names):
    for name in names:
        put(s3, "src", name)


def test_list_range_honours_after_bound_and_limit(s3):
    fill(s3, [f"k{i:03}" for i in range(20)])
    listing = list_range(s3, "src", "", "k004", "k012", limit=5)
    assert [e.key for e in listing.entries] == ["k005", "k006", "k007", "k008", "k009"]
    assert listing.more
    rest = list_range(s3, "src", "", "k009", "k012", limit=5)
    assert [e.key for e in rest.entries] == ["k010", "k011", "k012"]
    assert not rest.more


def test_list_range_pages_past_one_thousand_keys(s3):
    fill(s3, [f"k{i:05}" for i in range(1500)])
    listing = list_range(s3, "src", "", "", None, limit=1200)
    assert len(listing.entries) == 1200 and listing.more and listing.requests == 2


def test_list_range_stays_under_the_prefix(s3):
    fill(s3, ["a/1", "b/1", "b/2", "c/1"])
    listing = list_range(s3, "src", "b/", "", None, limit=10)
    assert [e.key for e in listing.entries] == ["b/1", "b/2"]


def assert_partition(ranges, whole):
    assert ranges[0]["after"] == whole["after"]
    assert ranges[-1]["upTo"] == whole["upTo"]
    for left, right in zip(ranges, ranges[1:], strict=False):
        assert left["upTo"] == right["after"]
        assert left["after"] < left["upTo"]


def keys_in(ranges, names):
    counts = []
    for r in ranges:
        counts.append(sum(1 for n in names if n > r["after"] and (r["upTo"] is None or n <= r["upTo"])))
    return counts


def test_small_range_is_split_by_count_exactly(s3):
    names = [f"key-{i:04}" for i in range(400)]
    fill(s3, names)
    ranges = split_range(s3, "src", "", KeyRange(after="", upTo=None), 4)
    assert_partition(ranges, KeyRange(after="", upTo=None))
    assert keys_in(ranges, names) == [100, 100, 100, 100]


def test_large_range_is_split_by_probes_into_balanced_parts(s3):
    names = [f"obj/{i:05}" for i in range(3000)]
    fill(s3, names)
    ranges = split_range(s3, "src", "obj/", KeyRange(after="", upTo=None), 4)
    assert_partition(ranges, KeyRange(after="", upTo=None))
    counts = keys_in(ranges, names)
    assert sum(counts) == 3000
    assert len(ranges) == 4 and max(counts) <= 1500


def test_ceiling_is_above_every_key_and_keeps_what_the_highest_key_shares_with_the_floor(s3):
    names = ["a/x", "q/a/1", "q/b/\u00e9t\u00e9", "q/b/\u65e5\u672c"]
    fill(s3, names)
    ceiling = ceiling_above(s3, "src", "", "q/a/1")
    assert all(name < ceiling for name in names)
    assert ceiling.startswith("q/") and not ceiling.startswith("q/a")


@pytest.mark.parametrize(
    ("low", "high", "seen"),
    [
        ("data/0000", "data/9999", "adt/0123456789"),
        ("a/00000", "\U0010ffff" * 4, "a/0123456789"),
        ("2", "9\u65e5", "0123456789"),
    ],
)
def test_key_scale_keeps_order_and_names_keys_in_between(low, high, seen):
    scale = KeyScale(low, high, seen)
    a, b = scale.number(low), scale.number(high)
    assert a < b
    points = [scale.key(a + (b - a) * i // 8) for i in range(1, 8)]
    assert points == sorted(points) and len(set(points)) == 7
    assert all(low < p < high for p in points)
    assert [scale.number(p) for p in points] == sorted(scale.number(p) for p in points)


def test_key_scale_reads_deep_enough_to_tell_a_page_of_keys_apart():
    # The keys share 12 characters after the scale's prefix (""), more than it reads at first.
    first, middle, last = "a/obj-0000000000", "a/obj-0000000500", "a/obj-0000000999"
    scale = KeyScale(first, "b" + "\U0010ffff" * 4, "ab/obj-0123456789")
    assert scale.number(first) == scale.number(last)
    deeper = scale.deep_enough_for(first, last)
    assert deeper.number(first) < deeper.number(middle) < deeper.number(last)
    assert deeper.deep_enough_for(middle, last) is deeper
    a, b = deeper.number(first), deeper.number(last)
    points = [deeper.key(a + (b - a) * i // 4) for i in range(1, 4)]
    assert first < points[0] < points[1] < points[2] < last


def test_clusters_far_apart_on_the_scale_are_cut_evenly(s3, monkeypatch):
    # Pages of 100 keys, so that 2,000 keys are more than the sample lists. Each prefix's keys
    # lie in a sliver of its share of the scale ("/obj-000000" divides it 11 times): a page's
    # span there is tiny (0 when the scale read 8 characters), its density enormous, and spread
    # over the whole gap to the next prefix's page it made that gap outweigh every listed key:
    # one range held 7.2x the mean (at 10M keys of bench/run.py's shape, 1.2e68 keys in a gap).
    monkeypatch.setattr(keyspace, "PAGE_SIZE", 100)
    monkeypatch.setattr(keysample, "PAGE_SIZE", 100)
    cut_evenly(s3, [f"{top}/obj-{i:010}" for top in "0123456789" for i in range(200)], 8)


SKEWED = {
    "one busy prefix": lambda i: f"logs/2026/11/26/host-{i * 7919 % 4000:06x}.gz",
    "unpadded numbers": str,
    "ascii then other scripts": lambda i: f"a/{i:05}" if i < 1000 else f"{chr(0x4E00 + i * 37 % 20000)}/{i}",
}


@pytest.mark.parametrize("shape", SKEWED)
def test_skewed_keys_are_cut_into_ranges_of_similar_size(s3, shape):
    names = sorted({SKEWED[shape](i) for i in range(4000)})
    ranges = cut_evenly(s3, names, 8)
    assert len(ranges) == 8


def test_clusters_of_other_scripts_are_cut_evenly(s3):
    # One dense cluster of keys per script, far apart on the scale: the density of a page of
    # one cluster, spread over the empty stretch up to the next script, put most cuts there and
    # one range kept most of the keys (9.6x the mean).
    names = sorted(
        f"{script}\u00e9/{i:06}"
        for script in ("\u00e9", "\u0436", "\u0639", "\u4e2d", "\u65e5")
        for i in range(1500)
    )
    cut_evenly(s3, names, 12)


def cut_evenly(s3, names, parts):
    """Cut a bucket of `names` into `parts` ranges; they partition it, none over 2x the mean."""
    fill(s3, names)
    whole = KeyRange(after="", upTo=None)
    ranges = split_range(s3, "src", "", whole, parts)
    assert_partition(ranges, whole)
    counts = keys_in(ranges, names)
    assert sum(counts) == len(names)
    assert max(counts) <= 2 * len(names) / parts, counts
    return ranges


@pytest.mark.parametrize("parts", [1, 2, 7])
def test_split_of_an_empty_range_is_the_range(s3, parts):
    whole = KeyRange(after="zzz", upTo=None)
    assert split_range(s3, "src", "", whole, parts) == [whole]
