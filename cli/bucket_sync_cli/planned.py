"""What a dry run would do, read back from its run report (docs/OPERATING.md, "Run report")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = ["MAX_PLANNED_SHOWN", "Planned", "format_planned", "planned_actions"]

# Planned deletes and copies shown after a dry run's table (-v: all); the report has them all.
MAX_PLANNED_SHOWN = 20
COPY, DELETE = "would-copy", "would-delete"
_WORDS = {COPY: "would copy", DELETE: "would delete"}


@dataclass
class Planned:
    """The deletes and copies read from a report, and how many of each it holds in all."""

    deletes: list[dict[str, Any]] = field(default_factory=list)
    copies: list[dict[str, Any]] = field(default_factory=list)
    delete_count: int = 0
    copy_count: int = 0

    @property
    def more(self) -> bool:
        """Whether the report holds actions that were not kept."""
        return self.delete_count > len(self.deletes) or self.copy_count > len(self.copies)


def _enough(planned: Planned, limit: int | None, expected: dict[str, int]) -> bool:
    """Whether every action that can still be shown was found: the report's counts say how
    many deletes and copies there are, so reading stops once the first `limit` of each are in."""
    if limit is None:
        return False
    return len(planned.deletes) >= min(limit, expected[DELETE]) and len(planned.copies) >= min(
        limit, expected[COPY]
    )


def planned_actions(
    s3: Any, location: str, expected: dict[str, int], limit: int | None = MAX_PLANNED_SHOWN
) -> Planned:
    """Up to `limit` deletes and `limit` copies (None: all) of the report at `location`
    (``s3://bucket/prefix/``), each in the report's order.

    `expected` holds the run's ``deleted`` and ``copied`` counts (``would-delete``/``would-copy``
    keys here): deletes can sit anywhere among copies, so reading goes on until the first ones
    are found, and no further.
    """
    parts = urlsplit(location)
    bucket, prefix = parts.netloc, parts.path.lstrip("/") + "actions/"
    planned = Planned(delete_count=expected[DELETE], copy_count=expected[COPY])
    kept = {DELETE: planned.deletes, COPY: planned.copies}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for row in page.get("Contents", []):
            if _enough(planned, limit, expected):
                return planned
            body = s3.get_object(Bucket=bucket, Key=row["Key"])["Body"].read().decode()
            for line in body.splitlines():
                action = json.loads(line)
                rows = kept.get(action.get("action"))
                if rows is not None and (limit is None or len(rows) < limit):
                    rows.append(action)
    # The counts may trail what the report lists (or be absent): never claim fewer than shown.
    planned.delete_count = max(planned.delete_count, len(planned.deletes))
    planned.copy_count = max(planned.copy_count, len(planned.copies))
    return planned


def _heading(shown: int, total: int, what: str) -> str:
    if shown < total:
        return f"would {what} (first {shown:,} of {total:,}; -v lists all):"
    return f"would {what} ({total:,}):"


def format_planned(planned: Planned, location: str) -> str:
    """Deletes first (the ones to check), then copies, each row labelled:
    ``would delete  old/a.jpg``, ``would copy    photos/a.jpg (1,024 bytes)``."""
    lines: list[str] = []
    for what, rows, total in (
        ("delete", planned.deletes, planned.delete_count),
        ("copy", planned.copies, planned.copy_count),
    ):
        if not total:
            continue
        lines.append(_heading(len(rows), total, what))
        for action in rows:
            size = action.get("size")
            detail = f" ({size:,} bytes)" if isinstance(size, int) and action["action"] == COPY else ""
            lines.append(f"  {_WORDS[action['action']]:<12}  {action['key']}{detail}")
    if not lines:
        lines.append("nothing to copy or delete")
    lines.append(f"full list: {location}actions/")
    return "\n".join(lines)
