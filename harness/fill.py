"""Filling an emulated bucket straight in moto's backend, for tests that need many objects.

Uploading 20,000 objects through the emulator's HTTP server takes minutes of a 2-core machine
(each PutObject is signed, sent, parsed and answered); writing them into the in-process backend
takes seconds. What is written is what moto's PutObject handler writes for the tests' own
``put_object(Bucket=, Key=, Body=)`` (harness/buckets.py ``put_objects``): ETag the body's MD5,
STANDARD storage, the bucket's ACL, the CRC32 checksum botocore sends by default, and the
``x-amz-content-sha256`` moto keeps from the signed request as metadata. So listings, HEAD,
GET and copies cannot tell the two apart (tests/harness/test_fill.py compares them).

Nothing here goes through the server, so no request is counted, throttled, faulted or
authorized: like the admin-signed PutObject it replaces, a fill never counts against the
request-rate limits (harness/throttling.py), which apply only to the handlers' requests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import S3Backend, s3_backends
from moto.s3.utils import compute_checksum

from harness.emulator import Emulator

__all__ = ["fill_objects"]

# botocore's default request checksum (request_checksum_calculation "when_supported").
_CHECKSUM = "CRC32"


def _backend(emulator: Emulator) -> S3Backend:
    # Only an emulator serving from this process shares moto's backends with the caller.
    if Emulator._active is not emulator:
        raise RuntimeError("fill_objects needs the Emulator running in this process")
    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def fill_objects(emulator: Emulator, bucket: str, objects: Mapping[str, bytes]) -> None:
    """Write `objects` (key -> body) into `bucket` as the admin's PutObject would, without a
    request each: for fills of thousands of objects before a run."""
    backend = _backend(emulator)
    acl = backend.get_bucket(bucket).acl
    for key, body in objects.items():
        written = backend.put_object(
            bucket, key, body, storage="STANDARD", checksum_value=compute_checksum(body, _CHECKSUM).decode()
        )
        written.set_metadata({"x-amz-content-sha256": hashlib.sha256(body).hexdigest()})
        written.set_acl(acl)
        written.website_redirect_location = None
        written.checksum_algorithm = _CHECKSUM
        backend.put_object_tagging(written, {})
