"""Reading keys as numbers, so that points evenly spaced in key order can be computed."""

from __future__ import annotations

import copy
from bisect import bisect_right
from os.path import commonprefix

# Characters of a key after the common prefix that count at least; finer differences do not
# move a cut while the sampled pages' keys differ within them (see deep_enough_for).
_DEPTH = 8
# The most characters a scale reads, so that the planner's CPU stays bounded on long keys.
_MAX_DEPTH = 32
# Characters read past the one where a page's first and last keys differ: with that one alone,
# a page of keys 0000000-0036963 measures 3 units where it holds 3.7, and densities err by that.
_FINER = 2
# Positions are fractions of the whole scale in units of 2**-bits, with this many bits per
# character read: fine enough even where one character's share is a millionth of its digit.
_BITS_PER_CHARACTER = 32
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

    def __init__(self, low: str, high: str, seen: str, depth: int = _DEPTH) -> None:
        self.prefix = commonprefix([low, high])
        self._knots = sorted({ord(c) for c in seen if ord(c) < _END} | {0, _END})
        self._units = len(self._knots) - 1
        self.depth = min(depth, _MAX_DEPTH)
        # Positions are asked for again and again while a sample is re-estimated.
        self._numbers: dict[str, int] = {}

    def deep_enough_for(self, first: str, last: str) -> KeyScale:
        """This scale, or a deeper one, on which `first` and `last` (a page's first and last
        keys) lie apart with room for the keys between.

        Keys that share more characters after the prefix than the scale reads have one position:
        a page of them would span nothing and its density be boundless (d00/obj-0000000 to
        d00/obj-0036963 share 8 characters after "d"). Up to _MAX_DEPTH characters.
        """
        depth = min(len(commonprefix([first, last])) - len(self.prefix) + 1 + _FINER, _MAX_DEPTH)
        if depth <= self.depth:
            return self
        deeper = copy.copy(self)
        deeper.depth, deeper._numbers = depth, {}
        return deeper

    def number(self, key: str) -> int:
        """The key's position; shorter keys read as if padded with the lowest character."""
        known = self._numbers.get(key)
        if known is not None:
            return known
        # The position as a fraction numerator / denominator, one digit at a time in integers:
        # each character adds its knot and its share between knots, and divides what follows.
        numerator, denominator = 0, 1
        for c in key[len(self.prefix) : len(self.prefix) + self.depth]:
            i = bisect_right(self._knots, ord(c)) - 1
            low, high = self._knots[i], self._knots[i + 1]
            numerator = numerator * (high - low) * self._units + i * (high - low) + ord(c) - low
            denominator *= (high - low) * self._units
        position = (numerator << (_BITS_PER_CHARACTER * self.depth)) // denominator
        self._numbers[key] = position
        return position

    def key(self, value: int) -> str:
        """A key at position `value`, up to rounding: the inverse of `number`."""
        # Fractions of the whole scale with this one denominator, so the digits come out in integers.
        one = 1 << (_BITS_PER_CHARACTER * self.depth)
        units = value * self._units
        code_points = []
        for _ in range(self.depth):
            i = min(units // one, self._units - 1)
            low, high = self._knots[i], self._knots[i + 1]
            offset = (units - i * one) * (high - low)
            code_point = min(low + offset // one, high - 1)
            code_points.append(code_point)
            units = (offset - (code_point - low) * one) * self._units
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
