"""What a dry run would do, read back from its run report (docs/OPERATING.md, "Run report")."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

# Planned copies and deletes shown after a dry run's table; the report has them all.
MAX_PLANNED_SHOWN = 20
_WORDS = {"would-copy": "would copy", "would-delete": "would delete"}


def planned_actions(s3: Any, location: str, limit: int = MAX_PLANNED_SHOWN) -> tuple[list[dict], bool]:
    """The first `limit` would-copy / would-delete lines of the report at `location`
    (``s3://bucket/prefix/``), in the report's order, and whether there are more."""
    parts = urlsplit(location)
    bucket, prefix = parts.netloc, parts.path.lstrip("/") + "actions/"
    found: list[dict] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for row in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=row["Key"])["Body"].read().decode()
            for line in body.splitlines():
                action = json.loads(line)
                if action.get("action") not in _WORDS:
                    continue
                if len(found) == limit:
                    return found, True
                found.append(action)
    return found, False


def format_planned(actions: list[dict], more: bool, location: str) -> str:
    """Lines such as ``would copy    photos/a.jpg (1,024 bytes)``, and where the full list is."""
    lines = [f"planned (first {len(actions)} shown):" if more else "planned:"]
    for action in actions:
        size = action.get("size")
        detail = f" ({size:,} bytes)" if isinstance(size, int) and action["action"] == "would-copy" else ""
        lines.append(f"  {_WORDS[action['action']]:<12}  {action['key']}{detail}")
    if not actions:
        lines.append("  nothing to copy or delete")
    lines.append(f"full list: {location}actions/")
    return "\n".join(lines)
