"""Reading one object's headers, only for the objects that need it."""

from __future__ import annotations

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
