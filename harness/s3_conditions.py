"""Destination conditions on S3 writes, which moto ignores: CopyObject and
CompleteMultipartUpload with ``If-Match`` / ``If-None-Match``.

Conditional writes (docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html, and
the CopyObject / CompleteMultipartUpload API reference, 2025): ``If-None-Match: *`` writes only
when the key has no current object, else 412 PreconditionFailed; ``If-Match: <etag>`` writes
only when the current object has that ETag, else 412, and 404 NoSuchKey when there is no
current object. The 412's body names the failed header in ``<Condition>`` (``If-Match``,
``If-None-Match``), as the source's names ``x-amz-copy-source-If-Match``. A write racing
another conditional write gets 409 ConditionalRequestConflict (not emulated: moto serializes
requests). moto 5.2.5 ignores both headers on CopyObject and If-Match on
CompleteMultipartUpload; it honours If-None-Match there, also with the switch off.

The switch is ``destination_conditions`` in :class:`harness.strictness.Strictness`;
harness/s3_fidelity.py installs these patches with its others.
"""

from __future__ import annotations

from typing import Any

from moto.s3.exceptions import MissingKey, PreconditionFailed
from moto.s3.responses import S3Response

from harness import strictness


def _check_destination(response: S3Response, bucket_name: str, key_name: str) -> None:
    """Raise S3's answer when the request's destination condition does not hold."""
    if_match = response.headers.get("If-Match")
    if_none_match = response.headers.get("If-None-Match")
    if not if_match and not if_none_match:
        return
    current = response.backend.get_object(bucket_name, key_name)  # a delete marker is None
    if if_none_match and if_none_match.strip() == "*" and current is not None:
        raise PreconditionFailed("If-None-Match")
    if if_match:
        if current is None:
            raise MissingKey(key=key_name)
        if if_match.strip() != "*" and if_match.strip().strip('"') != current.etag.strip('"'):
            raise PreconditionFailed("If-Match")


def conditional_copy_destination(original: Any) -> Any:
    def copy(self: S3Response) -> Any:
        if strictness.current().destination_conditions:
            _check_destination(self, self.bucket_name, self.parse_key_name())
        return original(self)

    return copy


def _completes_upload(query: dict[str, Any], body: bytes) -> bool:
    return bool(query.get("uploadId")) and bool(body)


def conditional_complete(original: Any) -> Any:
    def key_response_post(
        self: S3Response, request: Any, body: bytes, bucket_name: str, query: dict[str, Any], key_name: str
    ) -> Any:
        if _completes_upload(query, body) and strictness.current().destination_conditions:
            existing = self.backend.get_object(bucket_name, key_name)
            completed = existing is not None and existing.multipart is not None
            # Completing an upload that already completed is answered as before (S3 and moto
            # both treat it as idempotent), whatever the condition says now.
            if not completed or existing.multipart.id != query["uploadId"][0]:  # type: ignore[union-attr]
                _check_destination(self, bucket_name, key_name)
        # The headers stay as sent (they are signed); moto's own If-None-Match check agrees.
        return original(self, request, body, bucket_name, query, key_name)

    return key_response_post
