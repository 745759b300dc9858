"""S3 operations as the benchmark counts them: which operation a path-style request is, and the
per-operation latencies of a latency profile."""

from __future__ import annotations

from urllib.parse import parse_qs

OPERATIONS = (
    "ListObjectsV2",
    "ListObjects",
    "HeadObject",
    "GetObject",
    "PutObject",
    "CopyObject",
    "UploadPartCopy",
    "UploadPart",
    "CreateMultipartUpload",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
    "DeleteObject",
    "DeleteObjects",
    "other",
)

# Per-operation latencies in ms, closer to real S3 than one fixed delay: a LIST page (1,000 keys
# serialised) is slower than a HEAD, a server-side copy in between. Operations a profile does not
# name get the fixed latency. "aws" are the figures bench/cost.py assumes for real S3, same region.
LATENCY_PROFILES: dict[str, dict[str, float]] = {
    "aws": {
        "ListObjectsV2": 150,
        "ListObjects": 150,
        "HeadObject": 20,
        "GetObject": 20,
        "PutObject": 75,
        "CopyObject": 75,
        "UploadPartCopy": 75,
        "UploadPart": 75,
        "CreateMultipartUpload": 30,
        "CompleteMultipartUpload": 75,
        "AbortMultipartUpload": 20,
        "DeleteObject": 20,
        "DeleteObjects": 75,
        "other": 20,
    },
}


def classify(method: str, path: str, query: str, headers: dict[str, str] | None = None) -> str:
    """The S3 operation of a path-style request (``other`` for bucket-level and unknown calls)."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    params = parse_qs(query, keep_blank_values=True)
    parts = path.lstrip("/").split("/", 1)
    has_key = len(parts) == 2 and parts[1] != ""
    method = method.upper()
    if not has_key:
        if method == "GET" and parts[0]:
            if "list-type" in params and params["list-type"] == ["2"]:
                return "ListObjectsV2"
            bucket_subresources = {
                "location", "versioning", "acl", "policy", "tagging", "versions", "uploads",
                "lifecycle", "cors", "website", "encryption", "logging", "notification",
                "replication", "object-lock", "ownershipControls", "publicAccessBlock",
                "accelerate", "requestPayment", "analytics", "inventory", "metrics",
                "intelligent-tiering",
            }  # fmt: skip
            if not (bucket_subresources & set(params)):
                return "ListObjects"
        if method == "POST" and "delete" in params:
            return "DeleteObjects"
        return "other"
    if method == "HEAD":
        return "HeadObject"
    if method == "GET":
        if {"tagging", "acl", "retention", "legal-hold", "attributes", "torrent"} & set(params):
            return "other"
        if "uploadId" in params:
            return "other"  # ListParts
        return "GetObject"
    if method == "PUT":
        if {"tagging", "acl", "retention", "legal-hold"} & set(params):
            return "other"
        multipart = "partNumber" in params and "uploadId" in params
        if "x-amz-copy-source" in headers:
            return "UploadPartCopy" if multipart else "CopyObject"
        return "UploadPart" if multipart else "PutObject"
    if method == "POST":
        if "uploads" in params:
            return "CreateMultipartUpload"
        if "uploadId" in params:
            return "CompleteMultipartUpload"
        return "other"
    if method == "DELETE":
        if "uploadId" in params:
            return "AbortMultipartUpload"
        if "tagging" in params:
            return "other"
        return "DeleteObject"
    return "other"
