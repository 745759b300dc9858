"""What ``bucket-sync stop`` says it stopped: the run and its counts so far."""

from __future__ import annotations

from typing import Any

from bucket_sync_cli.livecounts import COUNT_FIELDS
from bucket_sync_cli.progress import counts_shown
from bucket_sync_cli.runner import Outcome, Progress
from bucket_sync_cli.summary import human_bytes

__all__ = ["counts_so_far", "format_stopped"]


def counts_so_far(progress: Progress) -> dict[str, int] | None:
    """The sync pass's counts as far as the probes saw (None while still counting orphans)."""
    if progress.counting:
        return None
    totals = counts_shown(progress)
    return {name: totals.get(name, 0) for name in COUNT_FIELDS} if totals is not None else None


def format_stopped(outcome: Outcome, progress: Progress) -> str:
    """``stopped: ARN (ABORTED)`` and, indented, which sync it was and what it had done."""
    asked = outcome.run_input or {}
    lines = [f"stopped: {outcome.execution_arn} ({outcome.status})"]
    what = f"{asked.get('source', '?')} -> {asked.get('destination', '?')}"
    if asked.get("prefix"):
        what += f" (prefix {asked['prefix']})"
    if asked.get("dryRun"):
        what += ", dry run"
    if progress.rounds:
        what += f", in round {progress.rounds}"
    lines.append(f"  {what}")
    counts = counts_so_far(progress)
    if progress.counting:
        counted: dict[str, Any] = counts_shown(progress) or {}
        lines.append(f"  while counting orphans ({counted.get('deleted', 0):,} found): nothing was written")
    elif counts is not None:
        lines.append(
            f"  so far: copied {counts['copied']:,} ({human_bytes(counts['copiedBytes'])}), "
            f"deleted {counts['deleted']:,}, unchanged {counts['unchanged']:,}, failed {counts['failed']:,}"
        )
    else:
        lines.append("  so far: nothing counted yet")
    lines.append("  what was copied or deleted stays so; a later run picks up from the buckets as they are")
    return "\n".join(lines)
