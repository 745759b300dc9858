"""Archived sources (GLACIER, DEEP_ARCHIVE): whether one can be copied now, and the reason when not.

S3 copies an archived object only while a restored copy of it is up; the listing's
RestoreStatus tells, and where it says nothing, the object's `Restore` header does.
"""

from __future__ import annotations

from typing import Any

from .listing import Entry

# Objects S3 cannot read until they are restored.
ARCHIVED_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})


def refusal(entry: Entry) -> str | None:
    """Why `entry` cannot be copied, as far as its listing row tells; None when it can be, or
    when only its headers can tell (an archived object whose row says nothing of a restore)."""
    if entry.storage_class in ARCHIVED_CLASSES and entry.restore == "ongoing":
        return restoring(entry)
    return None


def restoring(entry: Entry) -> str:
    """The reason an archived object whose restore is under way is not copied yet."""
    return f"stored in {entry.storage_class}, restore in progress: a run after it completes copies it"


def not_restored(entry: Entry) -> str:
    """The reason an archived object that is not restored is not copied."""
    return f"stored in {entry.storage_class}: restore it before it can be copied"


def restore_of(head: dict[str, Any]) -> str | None:
    """The restore state in a HEAD's `Restore` header: ongoing-request="false" means restored."""
    header = head.get("Restore") or ""
    if 'ongoing-request="true"' in header:
        return "ongoing"
    if 'ongoing-request="false"' in header:
        return "restored"
    return None
