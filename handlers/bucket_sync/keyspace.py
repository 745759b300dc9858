"""Splitting a key range into sub-ranges for parallel work, with a few cheap probes.

No full listing: one page of up to 1,000 keys tells whether the range is small (then it is split
by count, exactly balanced); otherwise the highest key under the prefix is estimated by binary
search with one-key probes, and the space between the first key and that estimate is cut at
evenly spaced points. Skew is corrected in later rounds: an unfinished range is split again.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from .buckets import has_key
from .listing import PAGE_SIZE, list_range
from .payloads import KeyRange

# Characters of the key after the common prefix that interpolation looks at.
_DEPTH = 8
# A suffix that sorts after any realistic continuation of a key.
_HIGH = "\U0010ffff" * 4
# Lowest character used in probes and split points: S3 echoes StartAfter in XML.
_FIRST = 0x20
_LAST = 0x7E


def interpolate(low: str, high: str, parts: int, alphabet: str) -> list[str]:
    """`parts - 1` ascending keys strictly between low and high, evenly spaced in key order.

    Keys are read as numbers whose digits are ranks in `alphabet` (the characters seen in
    real keys), so numeric, hex or word keys all spread over the digits they actually use.
    """
    letters = sorted(set(alphabet) - {"\U0010ffff"}) or [chr(_FIRST)]
    base = len(letters) + 1
    common = 0
    while common < min(len(low), len(high)) and low[common] == high[common]:
        common += 1

    def number(key: str) -> int:
        value = 0
        for c in key[common : common + _DEPTH].ljust(_DEPTH, letters[0]):
            value = value * base + bisect_left(letters, c)
        return value

    def key(value: int) -> str:
        digits = []
        for _ in range(_DEPTH):
            value, digit = divmod(value, base)
            digits.append(letters[min(digit, len(letters) - 1)])
        return low[:common] + "".join(reversed(digits))

    a, b = number(low), number(high)
    points = [key(a + (b - a) * i // parts) for i in range(1, parts)]
    return sorted({p for p in points if low < p < high})


def _probe(code_point: int) -> str:
    # Keys hold no surrogates, so "a next character above a surrogate" means above U+D7FF.
    return chr(0xD7FF if 0xD800 <= code_point <= 0xDFFF else code_point) + _HIGH


def highest_key_estimate(s3: Any, bucket: str, prefix: str, floor: str, max_levels: int = 16) -> str:
    """A string above every key under `prefix`: the highest key's first characters, up to one
    character past the point where it leaves `floor` (a key known to exist), then the maximum.

    Per level one probe while the highest key still follows `floor`, then a binary search on
    the next character: about 8 one-key probes for ASCII keys, 21 beyond ASCII.
    """
    head, levels_past_floor = prefix, 0
    for _ in range(max_levels):
        # Control characters are left out of probes (S3 echoes StartAfter in XML); an estimate
        # a little off only costs balance, never correctness.
        low = _FIRST
        if floor.startswith(head) and len(floor) > len(head):
            known = ord(floor[len(head)])
            if not has_key(s3, bucket, head, head + _probe(known)):
                head += chr(known)
                continue
            low = max(known + 1, _FIRST)
        elif not has_key(s3, bucket, head, head):
            break
        high = 0x10FFFF if has_key(s3, bucket, head, head + _probe(_LAST)) else _LAST
        while low < high:
            middle = (low + high) // 2
            if has_key(s3, bucket, head, head + _probe(middle)):
                low = middle + 1
            else:
                high = middle
        head += chr(low)
        levels_past_floor += 1
        # One level past the divergence gives interpolation a second digit of resolution.
        if levels_past_floor > 1:
            break
    return head + _HIGH


def split_range(s3: Any, bucket: str, prefix: str, key_range: KeyRange, parts: int) -> list[KeyRange]:
    """Partition `key_range` into at most `parts` consecutive ranges with the same union."""
    if parts <= 1:
        return [key_range]
    first = list_range(s3, bucket, prefix, key_range["after"], key_range["upTo"], PAGE_SIZE)
    keys = [entry.key for entry in first.entries]
    if not keys:
        return [key_range]
    if not first.more:
        bounds = sorted({keys[len(keys) * i // parts - 1] for i in range(1, parts) if len(keys) * i // parts})
    else:
        ceiling = key_range["upTo"] or highest_key_estimate(s3, bucket, prefix, keys[-1])
        bounds = interpolate(keys[0], ceiling, parts, alphabet="".join(set("".join(keys))))
    up_to = key_range["upTo"]
    bounds = [b for b in bounds if b > key_range["after"] and (up_to is None or b < up_to)]
    edges = [key_range["after"], *bounds]
    return [
        KeyRange(after=edges[i], upTo=edges[i + 1] if i + 1 < len(edges) else up_to)
        for i in range(len(edges))
    ]
