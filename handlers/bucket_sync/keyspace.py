"""Splitting a key range into sub-ranges for parallel work, with a few cheap probes.

No full listing: one page of up to 1,000 keys tells whether the range is small (then it is split
by count, exactly balanced); otherwise a few one-key probes bound the highest key, about
1.25 × `parts` more pages are sampled where the keys seem to be, and the cuts fall where the sampled pages put
equal numbers of keys on each side (see keysample). What skew is left is corrected in later
rounds: an unfinished range is split again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .buckets import has_key
from .keylimit import storable_bound
from .keysample import Page, Sample, sample_keys
from .listing import PAGE_SIZE, list_range
from .payloads import KeyRange

# Sampled pages per split: the probes run one after another (each goes where the last ones
# left the most keys unaccounted for), about 150 ms each on S3, so 500 take a PlanRanges step
# about 75 s; more cuts than probes fall in estimated gaps.
MAX_PROBES = 500
# One probe more per this many cuts: clusters of keys far apart (one per script) cost probes on
# the empty stretches between them, and with one probe per cut a cluster's tail was left to
# estimate (unicode scripts: 3.1x the mean range, 1.2x with a quarter more probes).
EXTRA_PROBE_EVERY = 4
# A suffix that sorts after any realistic continuation of a key.
_HIGH = "\U0010ffff" * 4


def ceiling_above(s3: Any, bucket: str, prefix: str, floor: str) -> str:
    """A string above every key under `prefix`: the longest start of `floor` (a key known to
    exist) that the highest key shares, followed by the maximum.

    "Some key sorts after floor[:n] + max" is false for short n and true from the point where
    the highest key leaves floor, so a binary search on n finds it: about log2(len(floor)) probes.
    """
    low, high = len(prefix), len(floor)
    if not has_key(s3, bucket, prefix, floor + _HIGH):
        return floor + _HIGH
    while low + 1 < high:
        middle = (low + high) // 2
        if has_key(s3, bucket, prefix, floor[:middle] + _HIGH):
            high = middle
        else:
            low = middle
    return floor[:low] + _HIGH


def probe_count(parts: int) -> int:
    """Sample pages a cut into `parts` ranges lists beyond its first page."""
    return min(parts - 1 + parts // EXTRA_PROBE_EVERY, MAX_PROBES)


def range_count(total: float, parts: int, min_keys: int, slots: int) -> int:
    """How many ranges about `total` keys are cut into: at most `parts`, each of `min_keys` or
    more, but `slots` of them while each keeps a page."""
    return max(1, min(parts, max(int(total // min_keys), min(slots, int(total // PAGE_SIZE)))))


def split_range(
    s3: Any,
    bucket: str,
    prefix: str,
    key_range: KeyRange,
    parts: int,
    min_keys: int = 0,
    slots: int = 1,
    stopped: Callable[[], bool] = lambda: False,
) -> list[KeyRange]:
    """Partition `key_range` into at most `parts` consecutive ranges with the same union, each
    of about `min_keys` keys or more (by the sample's estimate), so that a small range is not cut
    into children that cost more to start than they have work; but into `slots` ranges (as many
    as may run at once) when each still gets a full page of keys, so no slot idles while one
    range copies alone.

    When `stopped()` turns True (PlanRanges' budget is spent), no further request is sent and
    the range comes back whole: nobody waits for the cut any more."""
    if parts <= 1:
        return [key_range]
    first = list_range(s3, bucket, prefix, key_range["after"], key_range["upTo"], PAGE_SIZE)
    keys = [entry.key for entry in first.entries]
    if not keys or stopped():
        return [key_range]
    if first.more:
        ceiling = key_range["upTo"] or ceiling_above(s3, bucket, prefix, keys[-1])
        if stopped():
            return [key_range]
        sample = sample_keys(s3, bucket, prefix, keys, ceiling, probe_count(parts), stopped)
        if stopped():
            return [key_range]
    else:
        sample = Sample([Page(keys[0], keys[-1], keys)])
    if min_keys > 0:
        parts = range_count(sample.total(), parts, min_keys, slots)
    # Bounds become StartAfter values; computed ones may be longer than a key (see keylimit).
    bounds = sorted({storable_bound(cut) for cut in sample.cuts(parts)})
    up_to = key_range["upTo"]
    bounds = [b for b in bounds if b > key_range["after"] and (up_to is None or b < up_to)]
    edges = [key_range["after"], *bounds]
    return [
        KeyRange(after=edges[i], upTo=edges[i + 1] if i + 1 < len(edges) else up_to)
        for i in range(len(edges))
    ]
