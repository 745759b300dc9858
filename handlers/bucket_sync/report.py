"""The run report: every action a run took (in a dry run: would take), as JSON lines in S3.

Under `<report_prefix><execution name>/`: `actions/` holds one or more objects per window, of at
most PART_LINES lines each, one JSON object per line (`key`, `action`, `size`, `etag`, and
`reason` for failures; sorted by key within an object); `summary.json` is the run's output plus
the report's format version, written when the run ends. Names are fixed by round, range and
window, so a retried step rewrites its own objects instead of adding duplicates.
"""

from __future__ import annotations

import json
from typing import Any

from .listing import Entry
from .payloads import Failure, ReportTarget

FORMAT_VERSION = 1
PART_LINES = 10_000


def location(target: ReportTarget | None) -> str | None:
    """The report's `s3://bucket/prefix/` address, or None when the run writes none."""
    return None if target is None else f"s3://{target['bucket']}/{target['prefix']}"


def action_lines(
    copied: list[Entry], deleted: list[Entry], failures: list[Failure], known: dict[str, Entry], dry_run: bool
) -> list[dict[str, Any]]:
    """The lines of one window, in key order. `known` gives size and ETag of a failed key."""
    lines: list[dict[str, Any]] = []
    for verb, entries in (("copy", copied), ("delete", deleted)):
        action = f"would-{verb}" if dry_run else verb
        lines.extend({"key": e.key, "action": action, "size": e.size, "etag": e.etag} for e in entries)
    for failure in failures:
        entry = known.get(failure["key"] or "")
        lines.append(
            {
                "key": failure["key"],
                "action": "fail",
                "size": entry.size if entry else None,
                "etag": entry.etag if entry else None,
                "reason": failure["reason"],
            }
        )
    return sorted(lines, key=lambda line: line["key"] or "")


def write_window(s3: Any, target: ReportTarget, name: str, lines: list[dict[str, Any]]) -> None:
    """Store one window's lines as `actions/<name>-pNNNN.jsonl` objects (none when empty)."""
    for part, start in enumerate(range(0, len(lines), PART_LINES)):
        body = "".join(
            json.dumps(line, ensure_ascii=False) + "\n" for line in lines[start : start + PART_LINES]
        )
        s3.put_object(
            Bucket=target["bucket"],
            Key=f"{target['prefix']}actions/{name}-p{part:04d}.jsonl",
            Body=body.encode(),
            ContentType="application/x-ndjson",
        )


def write_summary(s3: Any, target: ReportTarget, report: dict[str, Any]) -> None:
    """Store the run's output as `summary.json`."""
    s3.put_object(
        Bucket=target["bucket"],
        Key=f"{target['prefix']}summary.json",
        Body=json.dumps({"format": FORMAT_VERSION, **report}, ensure_ascii=False, indent=1).encode(),
        ContentType="application/json",
    )
