"""What a backup may change on the way: the destination's storage class and SSE-KMS key.

Change detection never compares storage classes, and an SSE-KMS copy (whose ETag is no MD5) is
settled by checksums or taken as current once written after its source, so a re-run after an
override copies nothing (docs/SEMANTICS.md, "Change detection").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import AccessDenied, InvalidInput

# Storage classes a copy into a general purpose bucket may be written in.
STORAGE_CLASSES = frozenset(
    {
        "STANDARD",
        "REDUCED_REDUNDANCY",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER",
        "GLACIER_IR",
        "DEEP_ARCHIVE",
    }
)
_KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$")


@dataclass(frozen=True)
class Destination:
    """The overrides of one run; None keeps the source's class / the bucket's default encryption."""

    storage_class: str | None = None
    sse_kms_key_id: str | None = None

    def parameters(self, source_class: str) -> dict[str, Any]:
        """CopyObject / CreateMultipartUpload parameters for an object of `source_class`."""
        storage_class = self.storage_class or source_class
        # Without StorageClass, CopyObject and CreateMultipartUpload write STANDARD.
        params: dict[str, Any] = {} if storage_class == "STANDARD" else {"StorageClass": storage_class}
        if self.sse_kms_key_id:
            params |= {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.sse_kms_key_id}
        return params


def check_storage_class(value: Any) -> str | None:
    """`value` when it is null or a storage class a copy can be written in, else InvalidInput."""
    if value is None or (isinstance(value, str) and value in STORAGE_CLASSES):
        return value
    raise InvalidInput(f"'storageClass' must be null or one of {', '.join(sorted(STORAGE_CLASSES))}")


def check_kms_key(value: Any, allowed: tuple[str, ...]) -> str | None:
    """`value` when it is null or a KMS key ARN this deployment may encrypt with."""
    if value is None:
        return None
    if not isinstance(value, str) or not _KMS_KEY_ARN.match(value):
        raise InvalidInput(
            "'sseKmsKeyId' must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)"
        )
    if value not in allowed:
        raise AccessDenied(
            f"KMS key {value} is not one this deployment may encrypt with: add it to the module's "
            "destination_kms_key_arns or set it as destination_sse_kms_key_arn"
        )
    return value
