"""Deciding whether a destination object already equals its source object.

The rule (docs/SEMANTICS.md, "Change detection"), from the two listings wherever they suffice:
1. different sizes: changed;
2. equal ETags, the destination written at or after the source: unchanged;
3. equal ETags, the source written after the destination: the content is the same, but its
   headers or metadata may have been changed in place (a copy onto itself keeps the ETag):
   `settle` decides from both objects' HEAD, comparing what a copy keeps;
4. different ETags, the source written after the destination: changed (so a same-size edit is
   always seen);
5. otherwise (same size, different ETags, destination written later) the listing cannot tell an
   object whose ETag is no MD5 (SSE-KMS, SSE-C, another part layout) from a destination that was
   overwritten: `settle` decides from both objects' HEAD.
A pair settled as equal by HEAD is remembered (verified.py), so it costs its HEADs once, not on
every run.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from .heads import Kept
from .listing import Entry

# Checksums S3 can return with HEAD ChecksumMode=ENABLED, strongest first.
CHECKSUM_FIELDS = ("ChecksumSHA256", "ChecksumSHA1", "ChecksumCRC64NVME", "ChecksumCRC32C", "ChecksumCRC32")
# Encryption whose ETags are not an MD5 of the content.
OPAQUE_ETAG_ENCRYPTION = frozenset({"aws:kms", "aws:kms:dsse"})


class Verdict(Enum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    UNSURE = "unsure"


def _multipart_parts(etag: str) -> int | None:
    """N for a multipart ETag of the form "<md5>-N" (N >= 1), None for any other ETag.

    A multipart upload of one part ends in "-1": its ETag is the MD5 of the part's MD5, not of
    the content, so only a copy over the same single part gets it (never CopyObject).
    """
    _, dash, parts = etag.strip('"').partition("-")
    count = int(parts) if dash and parts.isdigit() else 0
    return count if count >= 1 else None


def is_multipart(etag: str) -> bool:
    """True for a multipart ETag, one part included: such an object is copied part by part."""
    return _multipart_parts(etag) is not None


def part_count(etag: str) -> int:
    """The parts a copy of the object has: N for a multipart ETag "<md5>-N", else 1."""
    return _multipart_parts(etag) or 1


def classify(source: Entry, destination: Entry) -> Verdict:
    """Rules 1-5 above; UNSURE when only the objects' headers can tell."""
    if source.size != destination.size:
        return Verdict.CHANGED
    source_newer = destination.last_modified < source.last_modified
    if source.etag == destination.etag:
        return Verdict.UNSURE if source_newer else Verdict.UNCHANGED
    if source_newer:
        return Verdict.CHANGED
    return Verdict.UNSURE


def _etag_is_md5(head: dict[str, Any]) -> bool:
    return head.get("ServerSideEncryption") not in OPAQUE_ETAG_ENCRYPTION and not head.get(
        "SSECustomerAlgorithm"
    )


def settle(source_head: dict[str, Any], destination_head: dict[str, Any], kept: Kept) -> bool:
    """Rules 3 and 5: True when the destination equals the source, from HEAD with
    ChecksumMode=ENABLED.

    A source written after the destination must also carry the same headers as its copy (what
    `kept` says a copy keeps): otherwise it was changed in place since it was copied. The
    content: equal ETags decide; else equal checksums of the same algorithm and type decide
    exactly; else MD5 ETags over the same part layout (they differ, so the content does).
    Failing all, the object is taken as current, since the destination was written after the
    source's last change.

    A one-part multipart ETag and a plain MD5 count as one layout here: they differ even for
    equal content, so the object is copied once more, in the source's shape (a destination
    CopyObject made of a one-part source), and from then on the listings alone settle it.
    """
    if destination_head["LastModified"] < source_head["LastModified"] and not kept.same(
        source_head, destination_head
    ):
        return False
    if source_head["ETag"] == destination_head["ETag"]:
        return True
    same_type = source_head.get("ChecksumType") == destination_head.get("ChecksumType")
    for field in CHECKSUM_FIELDS:
        if same_type and source_head.get(field) and destination_head.get(field):
            return source_head[field] == destination_head[field]
    comparable_etags = (
        _etag_is_md5(source_head)
        and _etag_is_md5(destination_head)
        and part_count(source_head["ETag"]) == part_count(destination_head["ETag"])
    )
    if comparable_etags:
        return source_head["ETag"] == destination_head["ETag"]
    return True
