"""Filling, reading and emptying an emulated bucket straight in moto's backend, for tests with
many objects.

Uploading 20,000 objects through the emulator's HTTP server takes minutes of a 2-core machine
(each PutObject is signed, sent, parsed and answered); writing them into the in-process backend
takes seconds. What is written is what moto's PutObject handler writes for the tests' own
``put_object(Bucket=, Key=, Body=)`` (harness/buckets.py ``put_objects``): ETag the body's MD5,
STANDARD storage, the bucket's ACL, the CRC32 checksum botocore sends by default, and the
``x-amz-content-sha256`` moto keeps from the signed request as metadata. So listings, HEAD,
GET and copies cannot tell the two apart (tests/harness/test_fill.py compares them).

Reading a bucket's facts through ListObjectsV2 costs about a millisecond a key on 2 cores (moto
renders and botocore parses every row), so comparing two 20,000-key buckets took 45 s and emptying
them for the next test 70 s; :func:`stored_objects` and :func:`empty_objects` read and delete the
same objects in the backend in well under a second (the same facts: tests/harness/test_fill.py).

Nothing here goes through the server, so no request is counted, throttled, faulted or
authorized: like the admin-signed PutObject it replaces, a fill never counts against the
request-rate limits (harness/throttling.py), which apply only to the handlers' requests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import FakeDeleteMarker, S3Backend, s3_backends
from moto.s3.utils import compute_checksum

from harness.buckets import ObjectFacts
from harness.emulator import Emulator

__all__ = ["empty_objects", "fill_objects", "stored_objects"]

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


def stored_objects(emulator: Emulator, bucket: str) -> dict[str, ObjectFacts]:
    """Every key of `bucket` with its size and ETag, as harness/buckets.py ``snapshot`` lists
    them (the current version of each key; none whose current version is a delete marker)."""
    found: dict[str, ObjectFacts] = {}
    for key, current in _backend(emulator).get_bucket(bucket).keys.items():
        if not isinstance(current, FakeDeleteMarker):
            found[key] = (current.size, current.etag)
    return found


def empty_objects(emulator: Emulator, bucket: str) -> None:
    """Delete every key of `bucket` as DeleteObjects without version ids does (in a versioned
    bucket, each gets a delete marker), without a request each."""
    backend = _backend(emulator)
    for key in list(stored_objects(emulator, bucket)):
        backend.delete_object(bucket, key)
