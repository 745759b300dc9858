"""Where the keys of a large range are, from a few sampled pages, and where to cut it evenly.

A range too large to list is described in key order by pieces: pages whose keys were listed
(known exactly) and the gaps between them (estimated from the density of the pages on either
side, measured on a KeyScale). Each probe lists one page in the gap currently estimated to hold
the most keys (PROBES_AT_ONCE of the largest gaps at a time), so the probes go where the keys
are and an empty stretch is found out in one request. Cuts are then placed at equal shares of
the (partly estimated) total: on a real key when the share falls in a page, by interpolation
when it falls in a gap. Skewed
key sets (one busy prefix, unpadded numbers, other scripts) thus get cuts that follow the keys,
not the alphabet.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from .keyscale import KeyScale
from .listing import PAGE_SIZE, list_range

# How many of its own spans a page's density reaches into a gap. Fewer starve a bucket of evenly
# spread keys, whose sample is mostly such reaches; more let one dense cluster outweigh the rest.
# 4 was best or even on every shape of scripts/planner_balance.py from 14,000 to 150,000 keys.
_REACH = 4

# Probes listed at once, each in one of the gaps estimated to hold the most keys: a plan of 500
# probes waits for 125 LIST pages instead of 500 (75 s at 150 ms a page). The estimates are
# renewed between batches. 4 fits the smallest connection pool the clients get (copy_threads 1
# + clients.POOL_MARGIN), so no probe waits for a connection.
PROBES_AT_ONCE = 4


@dataclass(frozen=True)
class Page:
    """Every key in (after, up_to], as listed."""

    after: str
    up_to: str
    keys: list[str]


@dataclass(frozen=True)
class Gap:
    """Unlisted keys in (after, up_to]: about `estimate` of them, spread evenly on the scale.

    `from_start` when its middle was just found empty: the next probe lists from its start.
    """

    after: str
    up_to: str
    estimate: float = 0.0
    from_start: bool = False
    # The stretch of the scale the estimate lies in, when not the whole gap (see estimate_gaps).
    spread: tuple[int, int] | None = None


def _size(piece: Page | Gap) -> float:
    return len(piece.keys) if isinstance(piece, Page) else piece.estimate


def _between(width: int, left: tuple[float, int], right: tuple[float, int]) -> float:
    """Keys in a gap `width` wide between two pages of (density, span) with keys."""
    (left_density, left_span), (right_density, right_span) = left, right
    left_reach, right_reach = min(width, left_span * _REACH), min(width, right_span * _REACH)
    both = max(0, left_reach + right_reach - width)
    alone = left_density * (left_reach - both) + right_density * (right_reach - both)
    return alone + both * (left_density + right_density) / 2


@dataclass
class Sample:
    """A range described in key order by listed pages and estimated gaps."""

    pieces: list[Page | Gap]
    scale: KeyScale | None = None

    def total(self) -> float:
        """The keys listed plus the keys estimated in the gaps."""
        return sum(_size(p) for p in self.pieces)

    def cuts(self, parts: int) -> list[str]:
        """Up to `parts - 1` ascending keys that share the sampled keys out evenly."""
        total = self.total()
        found = []
        for i in range(1, parts):
            target, passed = total * i / parts, 0.0
            for piece in self.pieces:
                size = _size(piece)
                if size > 0 and target <= passed + size:
                    found.append(self._cut_in(piece, target - passed))
                    break
                passed += size
        return sorted(set(found))

    def _cut_in(self, piece: Page | Gap, offset: float) -> str:
        if isinstance(piece, Page):
            return piece.keys[max(0, math.ceil(offset) - 1)]
        assert self.scale is not None, "a sample with gaps has a scale"
        low, high = piece.spread or (self.scale.number(piece.after), self.scale.number(piece.up_to))
        return self.scale.key(low + int((high - low) * (offset / piece.estimate)))

    def estimate_gaps(self) -> None:
        """Give each gap the density of the listed keys next to it, each side's over no more
        than _REACH spans of its page into the gap, and the mean of both where both reach.

        A page's density says how its keys go on nearby, not across a long unlisted stretch:
        extrapolated over a gap between a dense cluster and an empty page (one prefix among
        other scripts), it made that gap outweigh every listed key, and 36 of 40 cuts fell into
        it while one range kept 90% of the keys. The same holds between two pages of keys far
        apart on the scale (prefixes d00/obj-… to d36/obj-…: each prefix's keys fill a sliver of
        its share), where the mean of their densities over the whole gap put 3.8e25 keys in a gap
        that held none (10 prefixes of 200 keys, pages of 100).
        An empty page next to a gap says where keys are not, not how dense they are nearby, so
        it does not count; nor does a page of keys the scale cannot tell apart (they differ only
        past its deepest character), whose density would be boundless.
        """
        assert self.scale is not None
        scale = self.scale

        def density(i: int) -> tuple[float, int] | None:
            """The page's keys per unit of the scale, and its span."""
            page = self.pieces[i] if 0 <= i < len(self.pieces) else None
            if not isinstance(page, Page) or not page.keys:
                return None
            span = scale.number(page.up_to) - scale.number(page.after)
            return (len(page.keys) / span, span) if span > 0 else None

        for i, piece in enumerate(self.pieces):
            if not isinstance(piece, Gap):
                continue
            before, after = density(i - 1), density(i + 1)
            low, high = scale.number(piece.after), scale.number(piece.up_to)
            width = max(0, high - low)
            spread = None
            if before is not None and after is not None:
                estimate = _between(width, before, after)
            elif before is not None:
                width = min(width, before[1] * _REACH)
                spread, estimate = (low, low + width), width * before[0]
            elif after is not None:
                width = min(width, after[1] * _REACH)
                spread, estimate = (high - width, high), width * after[0]
            else:
                estimate = 0.0
            self.pieces[i] = Gap(piece.after, piece.up_to, estimate, piece.from_start, spread)

    def probe(self, s3: Any, bucket: str, prefix: str, count: int = 1, pool: Executor | None = None) -> int:
        """List one page in each of the `count` gaps estimated to hold the most keys, at once on
        `pool`; returns how many were listed (0: no gap is left).

        A page starts in the middle of its gap, or at its start when the gap's middle was just
        found empty: halving again could miss the keys for many probes (other scripts, a long
        empty stretch), a page from the start cannot. The probe after that halves again, so a
        long range is not read page by page.
        """
        assert self.scale is not None
        gaps = [i for i, piece in enumerate(self.pieces) if isinstance(piece, Gap) and piece.estimate > 0]
        chosen: list[tuple[int, str]] = []
        for i in sorted(gaps, key=lambda j: -_size(self.pieces[j])):
            gap = self.pieces[i]
            assert isinstance(gap, Gap)
            start = gap.after
            if not gap.from_start:
                low, high = self.scale.number(gap.after), self.scale.number(gap.up_to)
                start = self.scale.key((low + high) // 2)
                if not gap.after < start < gap.up_to:
                    continue  # too narrow for the scale to name a key inside
            chosen.append((i, start))
            if len(chosen) == count:
                break

        def list_page(choice: tuple[int, str]) -> Any:
            return list_range(s3, bucket, prefix, choice[1], self.pieces[choice[0]].up_to, PAGE_SIZE)

        pages = list(pool.map(list_page, chosen)) if pool is not None else [list_page(c) for c in chosen]
        # Right to left, so that splitting one gap leaves the other gaps' indexes as they were.
        for (i, start), page in sorted(zip(chosen, pages, strict=True), key=lambda c: -c[0][0]):
            gap = self.pieces[i]
            keys = [entry.key for entry in page.entries]
            listed_to = keys[-1] if page.more else gap.up_to
            split: list[Page | Gap] = [Page(start, listed_to, keys)]
            if start != gap.after:
                split.insert(0, Gap(gap.after, start, from_start=not keys))
            if page.more:
                split.append(Gap(listed_to, gap.up_to))
            self.pieces[i : i + 1] = split
            if keys:
                self.scale = self.scale.deep_enough_for(keys[0], keys[-1])
        if chosen:
            self.estimate_gaps()
        return len(chosen)


def sample_keys(
    s3: Any,
    bucket: str,
    prefix: str,
    first: list[str],
    ceiling: str,
    probes: int,
    stopped: Callable[[], bool] = lambda: False,
) -> Sample:
    """Sample a range whose first page of keys is `first` and whose other keys all sort at or
    below `ceiling`, with up to `probes` more pages; none once `stopped()` is True."""
    sample = Sample(
        [Page(first[0], first[-1], first), Gap(first[-1], ceiling)],
        KeyScale(first[0], ceiling, "".join(first) + ceiling).deep_enough_for(first[0], first[-1]),
    )
    sample.estimate_gaps()
    left = probes
    with ThreadPoolExecutor(max_workers=PROBES_AT_ONCE, thread_name_prefix="probe") as pool:
        while left > 0 and not stopped():
            listed = sample.probe(s3, bucket, prefix, min(PROBES_AT_ONCE, left), pool)
            if not listed:
                break
            left -= listed
    return sample
