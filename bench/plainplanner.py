"""A plainer planner, the candidate issue 19 item 8 weighs against keyscale + keysample.

It cuts a range as keyspace.split_range does (same first page, same ceiling probe, same
range_count and storable bounds) but samples it without adapting: `probes` points evenly spaced on
a plain key scale (integer digits, one a character, ranked among the characters seen), one page
listed from each point up to the next, all at once; a stretch whose page did not reach the next
point is taken to hold at most one more page (a page's density, spread over the rest of its
stretch, put whole rounds into one range). Cuts fall at equal shares of that estimate.
Skew it leaves is left to the next round, which plans again what a range did not finish.
Not used by the handlers: bench/planner_compare.py measures both.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from bucket_sync.keylimit import storable_bound
from bucket_sync.keyspace import ceiling_above, probe_count, range_count
from bucket_sync.listing import PAGE_SIZE, list_range
from bucket_sync.payloads import KeyRange

# Characters after the common prefix that count, as in keyscale.
DEPTH = 8
# Probe pages in flight at once: all probes are known up front, so they only wait for sockets.
AT_ONCE = 16


class PlainScale:
    """Keys between `low` and `high` as integers: DEPTH digits after the common prefix, digit 0 for
    "the key has ended", digit r for the r-th of the characters seen. A character not seen reads as
    the top of the seen character below it, so the order is kept (not strictly) and every point
    turns back into a key made of seen characters."""

    def __init__(self, low: str, high: str, seen: str) -> None:
        common = 0
        while common < min(len(low), len(high)) and low[common] == high[common]:
            common += 1
        self.prefix = low[:common]
        self.chars = sorted(set(seen))
        self.radix = len(self.chars) + 1

    def number(self, key: str) -> int:
        value, rest_at_top = 0, False
        tail = key[len(self.prefix) : len(self.prefix) + DEPTH]
        for i in range(DEPTH):
            if rest_at_top:
                digit = self.radix - 1
            elif i < len(tail):
                digit = bisect_right(self.chars, tail[i])
                rest_at_top = self.chars[digit - 1] != tail[i] if digit else True
            else:
                digit = 0
            value = value * self.radix + digit
        return value

    def key(self, value: int) -> str:
        digits = []
        for _ in range(DEPTH):
            value, digit = divmod(value, self.radix)
            digits.append(digit)
        chars = []
        for digit in reversed(digits):
            if digit == 0:
                break
            chars.append(self.chars[digit - 1])
        return self.prefix + "".join(chars)


@dataclass(frozen=True)
class Stretch:
    """Keys in (after, up_to]: `keys` listed from its start, and about `rest` more after them."""

    after: str
    up_to: str
    keys: list[str]
    rest: float = 0.0


class Scale(Protocol):
    """What the sample needs of a key scale (PlainScale, or keyscale.KeyScale to compare)."""

    def number(self, key: str) -> int: ...
    def key(self, value: int) -> str: ...


def sample(
    s3: Any,
    bucket: str,
    prefix: str,
    first: list[str],
    ceiling: str,
    probes: int,
    scale_type: Callable[[str, str, str], Scale] = PlainScale,
) -> tuple[list[Stretch], Scale]:
    """The range from its first page up to `ceiling`, cut at `probes` evenly spaced points, one
    page listed from each; and the scale the points were spaced on."""
    scale = scale_type(first[0], ceiling, "".join(first) + ceiling)
    low, high = scale.number(first[-1]), scale.number(ceiling)
    points = sorted({scale.key(low + (high - low) * i // (probes + 1)) for i in range(1, probes + 1)})
    edges = [first[-1], *(p for p in points if first[-1] < p < ceiling), ceiling]

    def stretch(i: int) -> Stretch:
        page = list_range(s3, bucket, prefix, edges[i], edges[i + 1], PAGE_SIZE)
        keys = [entry.key for entry in page.entries]
        if not page.more:
            return Stretch(edges[i], edges[i + 1], keys)
        start, end, last = scale.number(edges[i]), scale.number(edges[i + 1]), scale.number(keys[-1])
        rest = min(len(keys), len(keys) * (end - last) / max(1, last - start))
        return Stretch(edges[i], edges[i + 1], keys, rest)

    with ThreadPoolExecutor(max_workers=AT_ONCE, thread_name_prefix="plain-probe") as pool:
        stretches = list(pool.map(stretch, range(len(edges) - 1)))
    return [Stretch("", first[-1], first), *stretches], scale


def cuts(stretches: list[Stretch], scale: Scale | None, parts: int) -> list[str]:
    """Up to `parts - 1` keys at equal shares of the listed and estimated keys."""
    sizes = [len(s.keys) + s.rest for s in stretches]
    total, found = sum(sizes), []
    for i in range(1, parts):
        target, passed = total * i / parts, 0.0
        for stretch, size in zip(stretches, sizes, strict=True):
            if size > 0 and target <= passed + size:
                offset = target - passed
                if offset <= len(stretch.keys):
                    found.append(stretch.keys[max(0, math.ceil(offset) - 1)])
                else:
                    assert scale is not None
                    low, high = scale.number(stretch.keys[-1]), scale.number(stretch.up_to)
                    found.append(
                        scale.key(low + int((high - low) * (offset - len(stretch.keys)) / stretch.rest))
                    )
                break
            passed += size
    return found


def plain_split(
    s3: Any,
    bucket: str,
    prefix: str,
    key_range: KeyRange,
    parts: int,
    min_keys: int = 0,
    slots: int = 1,
    scale_type: Callable[[str, str, str], Scale] = PlainScale,
) -> list[KeyRange]:
    """keyspace.split_range's contract, with the plain sample."""
    if parts <= 1:
        return [key_range]
    first = list_range(s3, bucket, prefix, key_range["after"], key_range["upTo"], PAGE_SIZE)
    keys = [entry.key for entry in first.entries]
    if not keys:
        return [key_range]
    stretches: list[Stretch] = [Stretch("", keys[-1], keys)]
    scale: Scale | None = None
    if first.more:
        ceiling = key_range["upTo"] or ceiling_above(s3, bucket, prefix, keys[-1])
        stretches, scale = sample(s3, bucket, prefix, keys, ceiling, probe_count(parts), scale_type)
    if min_keys > 0:
        total = sum(len(s.keys) + s.rest for s in stretches)
        parts = range_count(total, parts, min_keys, slots)
    bounds = sorted({storable_bound(cut) for cut in cuts(stretches, scale, parts)})
    up_to = key_range["upTo"]
    bounds = [b for b in bounds if b > key_range["after"] and (up_to is None or b < up_to)]
    edges = [key_range["after"], *bounds]
    return [
        KeyRange(after=edges[i], upTo=edges[i + 1] if i + 1 < len(edges) else up_to)
        for i in range(len(edges))
    ]
