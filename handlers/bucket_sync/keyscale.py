"""Reading keys as numbers, so that points evenly spaced in key order can be computed."""

from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction

# Characters of a key after the common prefix that count; finer differences do not move a cut.
_DEPTH = 8
# Positions are fractions of the whole scale in units of 2**-_BITS: fine enough for _DEPTH
# characters even where one character's share is a millionth of its digit.
_BITS = 256
_END = 0x110000  # one past the highest code point
# Lowest character put into a computed key: S3 echoes StartAfter in XML, which has no controls.
_LOWEST = 0x20


class KeyScale:
    """A map from the keys between `low` and `high` to integers that keeps their order.

    A key is read like a number in a mixed radix, one character a digit: the characters seen in
    real keys are the knots of each digit, one unit apart, so positions spread over the
    characters the keys actually use (digits for numeric keys, letters for words). A character
    between two knots takes its share of that unit by code point, and everything after it lives
    inside that share, so keys unlike the sample (longer numbers, other scripts) still land in
    order, in between, and `key` can turn any position back into a key.
    """

    def __init__(self, low: str, high: str, seen: str) -> None:
        common = 0
        while common < min(len(low), len(high)) and low[common] == high[common]:
            common += 1
        self.prefix = low[:common]
        self._knots = sorted({ord(c) for c in seen if ord(c) < _END} | {0, _END})
        self._units = len(self._knots) - 1

    def number(self, key: str) -> int:
        """The key's position; shorter keys read as if padded with the lowest character."""
        position, share = Fraction(0), Fraction(1, self._units)
        for c in key[len(self.prefix) : len(self.prefix) + _DEPTH]:
            i = bisect_right(self._knots, ord(c)) - 1
            low, high = self._knots[i], self._knots[i + 1]
            position += share * (i + Fraction(ord(c) - low, high - low))
            share *= Fraction(1, (high - low) * self._units)
        return int(position * (1 << _BITS))

    def key(self, value: int) -> str:
        """A key at position `value`, up to rounding: the inverse of `number`."""
        units = Fraction(value, 1 << _BITS) * self._units
        code_points = []
        for _ in range(_DEPTH):
            i = min(int(units), self._units - 1)
            low, high = self._knots[i], self._knots[i + 1]
            offset = (units - i) * (high - low)
            code_point = min(low + int(offset), high - 1)
            code_points.append(code_point)
            units = (offset - (code_point - low)) * self._units
        while code_points and code_points[-1] == 0:  # the end of a shorter key
            code_points.pop()
        return self.prefix + "".join(chr(_storable(c)) for c in code_points)


def _storable(code_point: int) -> int:
    """A neighbour of `code_point` that a key can hold and XML can carry."""
    if 0xD800 <= code_point <= 0xDFFF:
        return 0xE000
    if code_point in (0xFFFE, 0xFFFF):
        return 0xFFFD
    return max(code_point, _LOWEST)
