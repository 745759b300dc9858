"""The live one-line progress display, drawn only on a terminal."""

from __future__ import annotations

import shutil
from typing import TextIO

from bucket_sync_cli.runner import Progress
from bucket_sync_cli.summary import format_duration, human_bytes

__all__ = ["ProgressDisplay", "render_line"]

_SPINNER = "|/-\\"
_CLEAR_LINE = "\r\x1b[K"


def render_line(elapsed: float, progress: Progress | None, frame: int = 0) -> str:
    """One line: spinner, elapsed time, rounds and ranges, and the objects counted so far."""
    parts = [f"{_SPINNER[frame % len(_SPINNER)]} {format_duration(elapsed)}"]
    if progress is None or progress.rounds == 0:
        parts.append("starting")
    else:
        ranges = f"round {progress.rounds}  ranges {progress.ranges_done}/{progress.ranges_total} done"
        if progress.ranges_running:
            ranges += f", {progress.ranges_running} running"
        if progress.ranges_failed:
            ranges += f", {progress.ranges_failed} failed"
        parts.append(ranges)
    if progress is not None and progress.totals is not None:
        totals = progress.totals
        objects = (
            f"copied {totals['copied']:,} ({human_bytes(totals['copiedBytes'])})  "
            f"deleted {totals['deleted']:,}  unchanged {totals['unchanged']:,}  failed {totals['failed']:,}"
        )
        parts.append(("counting: " if progress.counting else "") + objects)
    return "  ".join(parts)


class ProgressDisplay:
    """Redraws one line in place on ``stream``; does nothing at all when it is not a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.active = _is_terminal(stream)
        self._frame = 0
        self._drawn = False

    def update(self, elapsed: float, progress: Progress | None) -> None:
        """Draw the current line over the previous one, cut to the terminal's width."""
        if not self.active:
            return
        width = shutil.get_terminal_size((100, 24)).columns
        line = render_line(elapsed, progress, self._frame)[: max(width - 1, 10)]
        self._frame += 1
        self.stream.write(_CLEAR_LINE + line)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the line so the summary starts on a clean one."""
        if self.active and self._drawn:
            self.stream.write(_CLEAR_LINE)
            self.stream.flush()
            self._drawn = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
