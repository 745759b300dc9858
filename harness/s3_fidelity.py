"""Make moto's S3 behave like S3 where the sync's correctness depends on it.

moto computes every ETag as the MD5 of the content and ignores the ETag condition of
DeleteObjects; S3 does neither. Without these two patches, tests could not tell a sync that
re-copies every SSE-KMS object forever, or deletes an object rewritten since it was listed,
from a correct one.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

from moto.s3.models import FakeKey, S3Backend

_applied = False
_lock = threading.Lock()
_OPAQUE_ETAG_ENCRYPTION = ("aws:kms", "aws:kms:dsse")


def _kms_aware_etag(md5_etag: property) -> property:
    def etag(self: FakeKey) -> str:
        plain = md5_etag.fget(self)  # type: ignore[misc]
        if self.encryption not in _OPAQUE_ETAG_ENCRYPTION or "-" in plain:
            return plain
        # S3 gives an SSE-KMS object an ETag that is no MD5 of its content, new with every write.
        salt = self.__dict__.setdefault("_write_salt", os.urandom(8).hex())
        return '"' + hashlib.md5((salt + plain).encode()).hexdigest() + '"'

    return property(etag)


def _conditional_delete_objects(original: Any) -> Any:
    def delete_objects(
        self: S3Backend, bucket_name: str, objects: list[dict[str, Any]], bypass_retention: bool = False
    ) -> tuple[list[Any], list[str]]:
        current, stale = [], []
        for obj in objects:
            expected = obj.get("ETag")
            if expected and not obj.get("VersionId"):
                key = self.get_bucket(bucket_name).keys.get(obj["Key"])
                if key is not None and key.etag.strip('"') != expected.strip('"'):
                    # S3 refuses this one delete (412); moto reports refused keys as AccessDenied.
                    stale.append(obj["Key"])
                    continue
            current.append(obj)
        deleted, errors = original(self, bucket_name, current, bypass_retention)
        return deleted, errors + stale

    return delete_objects


def apply() -> None:
    """Install both patches once per process (they act on moto's classes, so on every backend)."""
    global _applied
    with _lock:
        if _applied:
            return
        FakeKey.etag = _kms_aware_etag(FakeKey.etag)  # type: ignore[method-assign,assignment]
        S3Backend.delete_objects = _conditional_delete_objects(S3Backend.delete_objects)  # type: ignore[method-assign]
        _applied = True
