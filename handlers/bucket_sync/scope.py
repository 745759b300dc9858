"""Which keys a run covers: its prefix, narrowed by include and exclude glob patterns.

Patterns match the key relative to the run's prefix: `*` any run of characters (`/` included),
`?` one character, `[...]` a class (`[!...]` negated). A key is in scope when no include is
given or one matches, and no exclude matches (exclude wins). Out-of-scope keys are neither
copied nor deleted. When every include pattern starts with the same literal text, only that
part of the key space is listed.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from functools import cache

from .budget import json_size
from .errors import InvalidInput

# Bounds that keep the run's options small in the state payload (budget.py) and matching cheap.
MAX_PATTERNS = 100
MAX_PATTERN_CHARS = 1024
# Both lists together, as JSON: they travel in the run's options through every state.
MAX_PATTERNS_JSON_BYTES = 16_384
_WILDCARDS = "*?["


def check_patterns(field: str, value: object) -> list[str]:
    """`value` as a list of valid glob patterns, or InvalidInput saying what is wrong."""
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise InvalidInput(f"'{field}' must be a list of glob patterns (strings)")
    if len(value) > MAX_PATTERNS:
        raise InvalidInput(f"'{field}' has {len(value)} patterns; at most {MAX_PATTERNS} are allowed")
    for pattern in value:
        if not pattern or len(pattern) > MAX_PATTERN_CHARS:
            raise InvalidInput(
                f"'{field}' patterns must be 1 to {MAX_PATTERN_CHARS} characters: {pattern[:80]!r}"
            )
        if _unclosed_class(pattern):
            raise InvalidInput(f"'{field}' pattern {pattern!r} opens a '[' class it never closes")
    return list(value)


def _unclosed_class(pattern: str) -> bool:
    """True when a '[' starts a class with no closing ']' (fnmatch would match it literally)."""
    i = 0
    while i < len(pattern):
        if pattern[i] == "[":
            j = i + 1
            if j < len(pattern) and pattern[j] == "!":
                j += 1
            if j < len(pattern) and pattern[j] == "]":
                j += 1  # a ']' right after '[' or '[!' belongs to the class
            close = pattern.find("]", j)
            if close < 0:
                return True
            i = close
        i += 1
    return False


def check_scope(include: list[str], exclude: list[str]) -> None:
    """InvalidInput when the patterns together exceed their share of the payload budget."""
    size = json_size([include, exclude])
    if size > MAX_PATTERNS_JSON_BYTES:
        raise InvalidInput(
            f"'include' and 'exclude' take {size} bytes as JSON; "
            f"at most {MAX_PATTERNS_JSON_BYTES} are allowed"
        )


def literal_lead(patterns: Sequence[str]) -> str:
    """The literal text every pattern starts with (up to its first wildcard); '' if none."""
    if not patterns:
        return ""
    leads = [re.split(r"[*?\[]", pattern, maxsplit=1)[0] for pattern in patterns]
    shortest, longest = min(leads), max(leads)
    common = 0
    while common < len(shortest) and shortest[common] == longest[common]:
        common += 1
    return shortest[:common]


@cache
def _matcher(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns), re.DOTALL)


def in_scope(key: str, prefix: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """True when the run covers `key` (which is under `prefix`)."""
    relative = key[len(prefix) :]
    included = _matcher(tuple(include))
    if included is not None and not included.match(relative):
        return False
    excluded = _matcher(tuple(exclude))
    return excluded is None or not excluded.match(relative)
