"""A window's keys: both sides listed up to where both are known, what the window's copies and
deletes did (Acted), and the window cut at its first unfinished key (Cut)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from .copy_options import CopyOutcome
from .deleter import DeleteOutcome
from .diff import Plan
from .listing import Entry, list_range
from .payloads import Failure, PausedUpload, RunConfig


@dataclass(frozen=True)
class Window:
    """Both sides' keys after the cursor up to the window's end, which is the range's end when
    `done`; and the LIST requests each side took."""

    source: list[Entry]
    destination: list[Entry]
    end: str | None
    done: bool
    source_lists: int
    destination_lists: int


def list_window(
    source_s3: Any, destination_s3: Any, run: RunConfig, cursor: str, up_to: str | None, limit: int
) -> Window:
    """List both sides after `cursor`, at most `limit` keys each, and end the window where both
    sides' keys are known (see sync_window)."""
    # Both sides are listed at once: a window waits for its slower side, not for the sum (most
    # of a no-op step is waiting for LIST pages, and Lambda bills the waiting).
    with ThreadPoolExecutor(max_workers=1) as lister:
        listing = lister.submit(list_range, source_s3, run["source"], run["listPrefix"], cursor, up_to, limit)
        destination = list_range(destination_s3, run["destination"], run["listPrefix"], cursor, up_to, limit)
        source = listing.result()
    ends = [side.entries[-1].key for side in (source, destination) if side.more]
    end = min(ends) if ends else up_to
    return Window(
        source=[e for e in source.entries if end is None or e.key <= end],
        destination=[e for e in destination.entries if end is None or e.key <= end],
        end=end,
        done=not ends,
        source_lists=source.requests,
        destination_lists=destination.requests,
    )


@dataclass
class Acted:
    """What a window's copies and deletes did, before it is cut (cut_window)."""

    plan: Plan
    # The destination's keys the run's patterns cover.
    in_scope: list[Entry]
    copies: CopyOutcome
    deletes: DeleteOutcome
    to_delete: list[Entry]
    # Paused uploads past the window, left for a later one.
    later: list[PausedUpload]
    # Pairs the listings could not settle, and of those the ones the verified table settled.
    settled: int
    remembered: int

    def held(self) -> list[Entry]:
        """Orphans not deleted: S3 throttled them (to retry) or the guard refused them."""
        return self.deletes.retry + self.deletes.not_deleted

    def cutoff(self) -> str | None:
        """The first key the window did not finish (a deferred copy or a held delete), if any."""
        return min((entry.key for entry in self.copies.deferred + self.held()), default=None)


@dataclass
class Cut:
    """A window cut at its first unfinished key: what it settled, and where the next one starts."""

    plan: Plan
    copies: CopyOutcome
    in_scope: list[Entry]
    delete_failures: list[Failure]
    end: str | None
    done: bool
    # Keys copied at or above the cut, which the next window sees again and counts as copied.
    copied_ahead: list[str]


def cut_window(window: Window, acted: Acted, cursor: str) -> Cut:
    """The window up to its cutoff (acted.cutoff): keys from the cutoff on are the next window's.

    Copies this window made at or above its cut are seen again (unchanged) by the next window,
    which counts them as copied (copied_ahead).
    """
    cutoff = acted.cutoff()
    if cutoff is None:
        return Cut(
            acted.plan, acted.copies, acted.in_scope, acted.deletes.failures, window.end, window.done, []
        )
    handled = [e.key for e in window.source + window.destination if e.key < cutoff]
    return Cut(
        plan=acted.plan.before(cutoff),
        copies=acted.copies.before(cutoff),
        in_scope=[e for e in acted.in_scope if e.key < cutoff],
        delete_failures=[f for f in acted.deletes.failures if f["key"] is not None and f["key"] < cutoff],
        end=max(handled, default=cursor),
        done=False,
        copied_ahead=[e.key for e in acted.copies.copied if e.key >= cutoff],
    )


def count_copied_ahead(cut: Cut, window: Window, ahead: set[str]) -> None:
    """Count as copied the keys an earlier window copied ahead of its cut, which this one found
    unchanged; keep those still past this window for the next."""
    if not ahead:
        return
    # One copied again meanwhile (its source changed) is counted once, by that copy.
    listed = {entry.key: entry for entry in window.source}
    seen = [key for key in cut.plan.unchanged if key in ahead]
    cut.plan.unchanged = [key for key in cut.plan.unchanged if key not in ahead]
    cut.copies.copied = sorted(cut.copies.copied + [listed[key] for key in seen], key=lambda e: e.key)
    end = None if cut.done else str(cut.end)
    cut.copied_ahead += [
        key for key in ahead if end is not None and key > end and key not in cut.copied_ahead
    ]
