"""S3's 1,024-byte limit on keys, applied to the StartAfter a listing sends.

S3 refuses a StartAfter longer than a key can be, yet the planner computes bounds (a key plus a
suffix that sorts after its continuations, or a probe point inside a range) that may be longer.
A bound longer than the limit is replaced by one within it that no stored key can tell apart.
"""

from __future__ import annotations

from .budget import MAX_KEY_BYTES

# The highest character that fits in 1, 2 or 3 UTF-8 bytes and that S3 can echo back in XML
# (StartAfter is; U+FFFE and U+FFFF are no XML characters, so U+FFFD stands in for them).
_HIGHEST = {1: "\x7f", 2: "\u07ff", 3: "\ufffd"}
# Keys that may sort between a shortened bound and the bound it replaces: the two characters
# above U+FFFD after the shortened part. A caller that must be exact asks for this many more.
SHORTENED_SLACK = 2


def key_bytes(text: str) -> int:
    """`text`'s length in UTF-8, as S3 counts a key."""
    return len(text.encode("utf-8", "surrogatepass"))


def storable_bound(bound: str) -> str:
    """A string of at most MAX_KEY_BYTES that splits stored keys as `bound` does (up to the
    slack above): a key sorts after one exactly when it sorts after the other.

    With `head` the longest start of `bound` that fits, a key that leaves `head` inside it sorts
    on the same side of both; a key that starts with `head` has only the bytes left for the rest,
    so its next character has fewer UTF-8 bytes than `bound`'s, that is a lower code point, and
    every such key sorts below `bound`: below or at `head` followed by the highest character
    those bytes can hold. Identical when `bound` fits.
    """
    if key_bytes(bound) <= MAX_KEY_BYTES:
        return bound
    head = longest_start(bound)
    return head + _HIGHEST.get(MAX_KEY_BYTES - key_bytes(head), "")


def longest_start(text: str) -> str:
    """The longest start of `text` within MAX_KEY_BYTES (whole characters only)."""
    size = 0
    for end, character in enumerate(text):
        size += key_bytes(character)
        if size > MAX_KEY_BYTES:
            return text[:end]
    return text
