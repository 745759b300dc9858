"""Progress on stderr: a line redrawn in place on a terminal, a plain line now and then elsewhere.

stdout carries only the result (the table or the ``--json`` document), so progress never mixes
into what a script reads.
"""

from __future__ import annotations

import os
from typing import TextIO

from bucket_sync_cli.runner import Progress, objects_of
from bucket_sync_cli.summary import format_duration, human_bytes

__all__ = ["DEFAULT_INTERVAL", "ProgressDisplay", "counts_shown", "render_line"]

# Seconds between two plain progress lines when stderr is not a terminal (CI logs).
DEFAULT_INTERVAL = 30.0
_SPINNER = "|/-\\"
_CLEAR_LINE = "\r\x1b[K"


def _rate(progress: Progress) -> str:
    return f"{progress.rate:,.0f}/s" if progress.rate is not None else ""


def _with_running(counts: dict[str, int] | None, running: dict[str, int] | None) -> dict[str, int] | None:
    """Finished rounds' counts plus the running round's so far (either may be unknown)."""
    if running is None:
        return counts
    base = counts or {}
    return {name: base.get(name, 0) + running.get(name, 0) for name in {*base, *running}}


def counts_shown(progress: Progress) -> dict[str, int] | None:
    """The counts of the pass that runs (orphan counting or sync), the running round's
    included when the run table could be read."""
    running = progress.running if progress.running_counting == progress.counting else None
    return _with_running(progress.counted if progress.counting else progress.totals, running)


def render_line(elapsed: float, progress: Progress | None) -> str:
    """One line, most telling first (it is cut at the terminal's width).

    Elapsed time; the failed count; the sync counts, their rate and what is left; then rounds
    and key ranges (live, from the Distributed Map runs). While a guarded run counts its orphans
    first, that pass is named and its figures kept apart from the sync counts. The counts
    include the running round's so far when the run table could be read.
    """
    parts = [format_duration(elapsed)]
    if progress is None or (progress.rounds == 0 and progress.totals is None and not progress.counting):
        parts.append("starting")
        return "  ".join(parts)
    totals = None if progress.counting else counts_shown(progress)
    if progress.counting:
        counted = counts_shown(progress) or {}
        listed = objects_of(counted) if counted else 0
        rate = _rate(progress)
        parts.append(
            f"counting orphans: {counted.get('deleted', 0):,} found, {listed:,} listed"
            + (f" ({rate})" if rate else "")
        )
    elif totals is not None:
        parts.append(f"failed {totals['failed']:,}")
        parts.append(f"copied {totals['copied']:,} ({human_bytes(totals['copiedBytes'])})")
        parts.append(f"deleted {totals['deleted']:,}")
        parts.append(f"unchanged {totals['unchanged']:,}")
        if progress.rate is not None:
            parts.append(_rate(progress))
        if progress.eta is not None:
            parts.append(f"~{format_duration(progress.eta)} left")
    if progress.rounds:
        ranges = f"round {progress.rounds}  ranges {progress.ranges_done}/{progress.ranges_total} done"
        if progress.ranges_running:
            ranges += f", {progress.ranges_running} running"
        if progress.ranges_failed:
            ranges += f", {progress.ranges_failed} failed"
        parts.append(ranges)
    if not progress.counting and progress.counted is not None:
        parts.append(f"{progress.counted['deleted']:,} orphans counted")
    return "  ".join(parts)


class ProgressDisplay:
    """Progress on ``stream`` (stderr).

    On a terminal the line is redrawn in place with a spinner on every update and erased by
    ``close``; elsewhere a plain ``bucket-sync: ...`` line is written every ``interval`` seconds
    (none when ``interval`` is 0); ``quiet`` writes nothing at all.
    """

    def __init__(self, stream: TextIO, *, interval: float = DEFAULT_INTERVAL, quiet: bool = False) -> None:
        self.stream = stream
        self.terminal = _is_terminal(stream)
        self.interval = interval
        self.active = not quiet and (self.terminal or interval > 0)
        self._frame = 0
        self._drawn = False
        self._next_plain = interval

    def note(self, message: str) -> None:
        """A line of its own (e.g. which execution started), above the live line if any."""
        if self.terminal and self._drawn:
            self.stream.write(_CLEAR_LINE)
            self._drawn = False
        self.stream.write(f"bucket-sync: {message}\n")
        self.stream.flush()

    def update(self, elapsed: float, progress: Progress | None) -> None:
        """Redraw the line (terminal) or write one when the interval has passed (elsewhere)."""
        if not self.active:
            return
        if not self.terminal:
            if elapsed >= self._next_plain:
                self._next_plain = elapsed + self.interval
                self.note(render_line(elapsed, progress))
            return
        width = _width(self.stream)
        line = f"{_SPINNER[self._frame % len(_SPINNER)]} {render_line(elapsed, progress)}"
        self._frame += 1
        self.stream.write(_CLEAR_LINE + line[: max(width - 1, 10)])
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the live line so the summary starts on a clean one."""
        if self.terminal and self._drawn:
            self.stream.write(_CLEAR_LINE)
            self.stream.flush()
            self._drawn = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _width(stream: TextIO) -> int:
    """The width of the terminal ``stream`` draws on (``COLUMNS`` wins, as for shutil)."""
    try:
        return max(int(os.environ["COLUMNS"]), 1)
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(stream.fileno()).columns or 100
    except (AttributeError, OSError, ValueError):
        return 100
