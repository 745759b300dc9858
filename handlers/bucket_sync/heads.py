"""Reading one object's headers, only for the objects that need it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Headers a copy must carry over; S3 copies none of them into a multipart upload by itself.
CONTENT_HEADERS = (
    "ContentType",
    "CacheControl",
    "ContentDisposition",
    "ContentEncoding",
    "ContentLanguage",
    "Expires",
)


def head_object(
    s3: Any, bucket: str, key: str, etag: str | None = None, part_number: int | None = None
) -> dict:
    """HEAD with checksums; pinned to `etag` when given, so a rewritten object fails with 412."""
    params: dict[str, Any] = {"Bucket": bucket, "Key": key, "ChecksumMode": "ENABLED"}
    if etag:
        params["IfMatch"] = etag
    if part_number:
        params["PartNumber"] = part_number
    return s3.head_object(**params)


def carried_headers(head: dict[str, Any]) -> dict[str, Any]:
    """The parameters that give a new object the same headers, metadata and redirect as `head`."""
    params = {name: head[name] for name in CONTENT_HEADERS if head.get(name)}
    params["Metadata"] = head.get("Metadata", {})
    if head.get("WebsiteRedirectLocation"):
        params["WebsiteRedirectLocation"] = head["WebsiteRedirectLocation"]
    return params


@dataclass(frozen=True)
class Kept:
    """What a copy of this run carries over, and so what must be equal for a destination object
    to be current: content headers, user metadata and the number of tags always; the website
    redirect when the run keeps redirects; the storage class unless the run overrides it.

    (HEAD gives only the number of tags: a tag edited in place, which changes neither that
    number nor LastModified, is not seen; README "Change detection".)"""

    redirects: bool = True
    storage_class: bool = True

    def same(self, source_head: dict[str, Any], destination_head: dict[str, Any]) -> bool:
        """True when every field a copy keeps is equal in the two HEAD answers."""
        fields = [*CONTENT_HEADERS, "Metadata", "TagCount"]
        if self.redirects:
            fields.append("WebsiteRedirectLocation")
        if self.storage_class:
            # HEAD names no storage class for STANDARD.
            if source_head.get("StorageClass", "STANDARD") != destination_head.get(
                "StorageClass", "STANDARD"
            ):
                return False
        return all(source_head.get(name) == destination_head.get(name) for name in fields)
