"""Both sides of one key as they are now (HEAD), and what the sync does about them: the same
rules as a run's merge (compare.classify, then compare.settle where the listing rows could not
tell), applied to HEAD answers instead of listing rows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from botocore.exceptions import ClientError

from .archived import restore_of
from .compare import Verdict, classify, settle
from .heads import Kept, head_object
from .listing import Entry
from .transient import error_code

_ABSENT = frozenset({"404", "NoSuchKey", "NotFound"})


class Act(Enum):
    NOTHING = "nothing"  # equal already, or absent on both sides
    COPY = "copy"
    HAND_OFF = "hand_off"  # too large to copy inline: a run scoped to the key copies it
    DELETE = "delete"
    KEEP = "keep"  # an orphan, but this deployment does not delete orphans


@dataclass(frozen=True)
class Sides:
    """One key's HEAD answers; None where the object does not exist."""

    key: str
    source: dict[str, Any] | None
    destination: dict[str, Any] | None


def head_or_none(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """HEAD (with checksums) of `key`, or None when S3 says it does not exist. Any other
    answer (403 included: without s3:ListBucket S3 hides a 404 as 403) is raised."""
    try:
        return head_object(s3, bucket, key)
    except ClientError as error:
        if error_code(error) in _ABSENT:
            return None
        raise


def read_sides(source_s3: Any, destination_s3: Any, source: str, destination: str, key: str) -> Sides:
    """Both sides of `key` now."""
    return Sides(key, head_or_none(source_s3, source, key), head_or_none(destination_s3, destination, key))


def entry_of(key: str, head: dict[str, Any]) -> Entry:
    """The listing row a HEAD answer stands for, so the run's compare and copy code apply."""
    return Entry(
        key=key,
        size=int(head["ContentLength"]),
        etag=str(head["ETag"]),
        last_modified=head["LastModified"],
        storage_class=str(head.get("StorageClass") or "STANDARD"),
        restore=restore_of(head),
    )


def decide(sides: Sides, kept: Kept, delete_orphans: bool, inline_copy_max_bytes: int) -> Act:
    """What to do about one key, from both sides' live state."""
    if sides.source is None:
        if sides.destination is None:
            return Act.NOTHING
        return Act.DELETE if delete_orphans else Act.KEEP
    if sides.destination is not None:
        verdict = classify(entry_of(sides.key, sides.source), entry_of(sides.key, sides.destination))
        if verdict is Verdict.UNCHANGED:
            return Act.NOTHING
        if verdict is Verdict.UNSURE and settle(sides.source, sides.destination, kept):
            return Act.NOTHING
    if int(sides.source["ContentLength"]) > inline_copy_max_bytes:
        return Act.HAND_OFF
    return Act.COPY


def moved(before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """Whether the source was written (or deleted, or created) between two reads of it."""
    if before is None or after is None:
        return (before is None) != (after is None)
    return (before["ETag"], before["LastModified"]) != (after["ETag"], after["LastModified"])
