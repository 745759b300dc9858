"""No StartAfter the engine sends is longer than a key (1,024 UTF-8 bytes), and the shortened
bounds list exactly the keys the long ones would. The emulator refuses a longer StartAfter
(harness/s3_fidelity.py), so every listing here would fail without the shortening."""

import pytest

from bucket_sync.buckets import has_key
from bucket_sync.keylimit import key_bytes, storable_bound
from bucket_sync.keyspace import ceiling_above, split_range
from bucket_sync.listing import list_range
from bucket_sync.payloads import KeyRange
from bucket_sync.run_input import parse_input
from tests.unit.support import put, settings

HIGH = "\U0010ffff" * 4
# 1,024 bytes each: one-byte, two-byte and three-byte characters, and a four-byte one at the end.
LONGEST = ["k" * 1024, "\u00e9" * 512, "\u65e5" * 341 + "a", "a" * 1020 + "\U0001f600"]


@pytest.mark.parametrize("key", LONGEST)
def test_a_key_followed_by_more_is_shortened_to_the_key(key):
    assert key_bytes(key) == 1024
    assert storable_bound(key) == key
    assert storable_bound(key + HIGH) == key


@pytest.mark.parametrize("left", [1, 2, 3])
def test_a_bound_cut_inside_a_character_keeps_the_keys_on_their_side(left):
    head = "a" * (1024 - left)
    bound = head + "\U0001f600" + "z"  # the four-byte character does not fit in `left` bytes
    shortened = storable_bound(bound)
    assert key_bytes(shortened) == 1024 and shortened.startswith(head)
    characters = ("\x00", "a", "\x7f", "\u0080", "\u07ff", "\u0800", "\ufffd")
    fitting = [c for c in characters if key_bytes(c) <= left]
    keys = [head, head[:-1], head[:-1] + "b", *(head + c for c in fitting), "b"]
    assert [k > bound for k in keys] == [k > shortened for k in keys]


def test_a_listing_after_a_long_bound_lists_the_keys_after_it(s3):
    names = sorted(LONGEST + ["k" * 1023 + "l", "\u00e9" * 511 + "\u00ea"])
    for name in names:
        put(s3, "src", name)
    for name in LONGEST:
        listed = list_range(s3, "src", "", name + HIGH, None, limit=10)
        assert [e.key for e in listed.entries] == [n for n in names if n > name]


def test_has_key_answers_for_the_bound_not_its_shortened_form(s3):
    head = "\u00e9" * 511  # 1,022 bytes: a four-byte character after it does not fit
    after = head + "\U00010000"
    put(s3, "src", head + "\u07ff")  # sorts below `after`, above the bytes that fit
    assert not has_key(s3, "src", "", after)
    put(s3, "src", "\u00e9" * 510 + "\u00ea")
    assert has_key(s3, "src", "", after)


def test_ceiling_above_keys_of_the_longest_length(s3):
    names = sorted(LONGEST)
    for name in names:
        put(s3, "src", name)
    for floor in names:
        ceiling = ceiling_above(s3, "src", "", floor)
        assert all(name < ceiling for name in names)


def test_a_range_of_the_longest_keys_is_cut_on_storable_bounds(s3):
    # Three kinds of 1,024-byte key, enough of them that the split samples with probes.
    names = sorted(_longest(stem, i) for stem in ("k", "\u00e9", "\u65e5") for i in range(500))
    for name in names:
        put(s3, "src", name)
    whole = KeyRange(after="", upTo=None)
    ranges = split_range(s3, "src", "", whole, 6)
    assert len(ranges) > 1
    bounds = [r["upTo"] for r in ranges[:-1]]
    assert all(key_bytes(b) <= 1024 for b in bounds)
    assert [r["after"] for r in ranges[1:]] == bounds and bounds == sorted(set(bounds))
    listed = [list_range(s3, "src", "", r["after"], r["upTo"], limit=2000).entries for r in ranges]
    assert sorted(e.key for entries in listed for e in entries) == names, "each key in one range"


def _longest(stem: str, i: int) -> str:
    """A key of exactly 1,024 bytes: `stem` repeated, then a number."""
    digits = f"{i:04}"
    width = len(stem.encode())
    return stem * ((1024 - len(digits)) // width) + "x" * ((1024 - len(digits)) % width) + digits


def test_the_listed_prefix_is_never_longer_than_a_key(s3):
    prefix = "\u00e9" * 500  # 1,000 bytes; the include pattern adds 29 more
    event = {
        "source": "src",
        "destination": "dst",
        "prefix": prefix,
        "include": ["d" * 22 + "\u00e9xxxxx*.jpg"],
    }
    options = parse_input(event, settings())
    assert options["listPrefix"] == prefix + "d" * 22 + "\u00e9" and key_bytes(options["listPrefix"]) == 1024
    put(s3, "src", prefix + "d" * 22 + "\u00e9")  # 1,024 bytes: under the listed prefix, out of scope
    listed = list_range(s3, "src", options["listPrefix"], "", None, limit=10)
    assert [e.key for e in listed.entries] == [prefix + "d" * 22 + "\u00e9"]
