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

from botocore.exceptions import BotoCoreError, ClientError

from .listing import Entry
from .logs import log
from .payloads import Failure, ReportTarget, RunState
from .transient import is_transient

FORMAT_VERSION = 1
PART_LINES = 10_000
# Requests per report object, each with botocore's own attempts and backoff: a report write that
# still fails is not worth failing a range that synced, so the run says its report is incomplete.
REPORT_ATTEMPTS = 3


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


def _put(s3: Any, bucket: str, key: str, body: bytes, content_type: str) -> bool:
    """One report object, retried while S3's answer is transient; False when it was not stored."""
    for attempt in range(1, REPORT_ATTEMPTS + 1):
        try:
            s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)
        except (ClientError, BotoCoreError) as error:
            if attempt == REPORT_ATTEMPTS or not is_transient(error):
                log("report.write_failed", bucket=bucket, key=key, attempts=attempt, error=str(error))
                return False
        else:
            return True
    return False


def write_window(s3: Any, target: ReportTarget, name: str, lines: list[dict[str, Any]]) -> bool:
    """Store one window's lines as `actions/<name>-pNNNN.jsonl` objects (none when empty); False
    when one of them could not be stored."""
    stored = True
    for part, start in enumerate(range(0, len(lines), PART_LINES)):
        body = "".join(
            json.dumps(line, ensure_ascii=False) + "\n" for line in lines[start : start + PART_LINES]
        )
        key = f"{target['prefix']}actions/{name}-p{part:04d}.jsonl"
        stored = _put(s3, target["bucket"], key, body.encode(), "application/x-ndjson") and stored
    return stored


def write_summary(s3: Any, target: ReportTarget, report: dict[str, Any]) -> bool:
    """Store the run's output as `summary.json`; False when it could not be stored."""
    body = json.dumps({"format": FORMAT_VERSION, **report}, ensure_ascii=False, indent=1).encode()
    return _put(s3, target["bucket"], f"{target['prefix']}summary.json", body, "application/json")


def mark_report_incomplete(state: RunState) -> RunState:
    """The finished run's state, its output saying that the report is incomplete."""
    report = {**state["report"], "reportIncomplete": True}
    return RunState(**{**state, "report": report, "reportText": json.dumps(report)})  # type: ignore[typeddict-item]
