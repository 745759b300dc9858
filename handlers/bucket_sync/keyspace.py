"""Splitting a key range into sub-ranges for parallel work, with a few cheap probes.

No full listing: one page of up to 1,000 keys tells whether the range is small (then it is split
by count, exactly balanced); otherwise the highest key under the prefix is estimated by binary
search with one-key probes, and the space between the first key and that estimate is cut at
evenly spaced points. Skew is corrected in later rounds: an unfinished range is split again.
"""

from __future__ import annotations

from typing import Any

from .listing import PAGE_SIZE, list_range
from .payloads import KeyRange

# Digits of the interpolation: printable ASCII as 0..94, everything above it as 95.
_FIRST, _LAST, _BASE = 0x20, 0x7E, 96
# Characters of the key after the common prefix that interpolation looks at.
_DEPTH = 6
# A suffix that sorts after any realistic continuation of a key.
_HIGH = "\U0010ffff" * 4


def _digits(key: str, start: int) -> list[int]:
    chars = key[start : start + _DEPTH].ljust(_DEPTH, chr(_FIRST))
    return [min(max(ord(c), _FIRST), _LAST + 1) - _FIRST for c in chars]


def _number(digits: list[int]) -> int:
    value = 0
    for digit in digits:
        value = value * _BASE + digit
    return value


def _key(value: int, head: str) -> str:
    digits = []
    for _ in range(_DEPTH):
        value, digit = divmod(value, _BASE)
        digits.append(chr(_FIRST + min(digit, _LAST - _FIRST)))
    return head + "".join(reversed(digits)).rstrip(chr(_FIRST))


def interpolate(low: str, high: str, parts: int) -> list[str]:
    """`parts - 1` ascending keys strictly between low and high, evenly spaced in key order."""
    common = 0
    while common < min(len(low), len(high)) and low[common] == high[common]:
        common += 1
    head = low[:common]
    a, b = _number(_digits(low, common)), _number(_digits(high, common))
    points = [_key(a + (b - a) * i // parts, head) for i in range(1, parts)]
    return sorted({p for p in points if low < p < high})


def _has_key_after(s3: Any, bucket: str, head: str, after: str) -> bool:
    page = s3.list_objects_v2(Bucket=bucket, Prefix=head, StartAfter=after, MaxKeys=1)
    return bool(page.get("Contents"))


def _probe(code_point: int) -> str:
    # Keys hold no surrogates, so "a next character above a surrogate" means above U+D7FF.
    return chr(0xD7FF if 0xD800 <= code_point <= 0xDFFF else code_point) + _HIGH


def highest_key_estimate(s3: Any, bucket: str, prefix: str, floor: str, max_levels: int = 16) -> str:
    """A string above every key under `prefix`, equal to the highest key up to the first
    character where that key leaves `floor` (a key known to exist).

    Per level one probe while the highest key still follows `floor`, then a binary search on
    the next character: about 8 one-key probes for ASCII keys, 21 beyond ASCII.
    """
    head = prefix
    for _ in range(max_levels):
        low = 0
        if len(floor) > len(head):
            known = ord(floor[len(head)])
            if not _has_key_after(s3, bucket, head, head + _probe(known)):
                head += chr(known)
                continue
            low = known + 1
        elif not _has_key_after(s3, bucket, head, head):
            break
        high = 0x10FFFF if _has_key_after(s3, bucket, head, head + _probe(_LAST)) else _LAST
        while low < high:
            middle = (low + high) // 2
            if _has_key_after(s3, bucket, head, head + _probe(middle)):
                low = middle + 1
            else:
                high = middle
        head += chr(low)
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
        bounds = interpolate(keys[0], ceiling, parts)
    up_to = key_range["upTo"]
    bounds = [b for b in bounds if b > key_range["after"] and (up_to is None or b < up_to)]
    edges = [key_range["after"], *bounds]
    return [
        KeyRange(after=edges[i], upTo=edges[i + 1] if i + 1 < len(edges) else up_to)
        for i in range(len(edges))
    ]
