"""Make moto's S3 check bucket owners and Requester Pays like S3.

moto 5.2.5 ignores ``x-amz-expected-bucket-owner`` and ``x-amz-source-expected-bucket-owner``,
accepts PutBucketRequestPayment without storing it, and serves a Requester Pays bucket to every
request. Without these patches a sync that sends no owner check, or a wrong one, and a sync that
never consents to pay for a Requester Pays source would both pass.

AWS facts relied on:

* ``x-amz-expected-bucket-owner``: "The account ID of the expected bucket owner. If the account
  ID that you provide does not match the actual owner of the bucket, the request fails with the
  HTTP status code 403 Forbidden (access denied)" (every S3 API reference page that takes it);
  ``x-amz-source-expected-bucket-owner`` is the same check on CopyObject's and UploadPartCopy's
  source bucket.
* Requester Pays (.../userguide/ObjectsinRequesterPaysBuckets.html): "For DELETE, GET, HEAD,
  POST, and PUT requests, include x-amz-request-payer : requester in the header ... If
  x-amz-request-payer is not in the request, Amazon S3 returns a 403 error"; "Bucket owners do
  not need to add x-amz-request-payer". Listings take the same header (ListObjectsV2's
  RequestPayer), and CopyObject's one header covers "either the source or destination" bucket.

Every bucket here belongs to one account (moto's), so nobody would ever be refused if the
owner's exemption applied: the emulator treats every request to a Requester Pays bucket as a
non-owner's, which is what a sync from another account's public data set meets. Bucket
configuration requests (HeadBucket, GetBucketWebsite, ...) are not held to it: S3 documents the
header for object and listing requests. A HEAD answered 403 has no body, as on S3.

Each behaviour has a switch in :class:`harness.strictness.Strictness` (off: moto's own).
"""

from __future__ import annotations

import threading
from typing import Any
from xml.etree import ElementTree

from moto.s3.exceptions import S3AccessDeniedError, S3ClientError
from moto.s3.models import FakeBucket
from moto.s3.responses import S3Response

from harness import s3_fidelity, strictness

__all__ = ["apply"]

_applied = False
_lock = threading.Lock()

_EXPECTED_OWNER = "x-amz-expected-bucket-owner"
_EXPECTED_SOURCE_OWNER = "x-amz-source-expected-bucket-owner"
_REQUEST_PAYER = "x-amz-request-payer"
_REQUESTER = "Requester"
# Query parameters of the listings (ListObjects, ListObjectsV2, ListObjectVersions,
# ListMultipartUploads): a bucket GET with no other parameter reads the bucket's keys.
_LISTING_PARAMETERS = frozenset(
    {
        "list-type",
        "prefix",
        "delimiter",
        "marker",
        "max-keys",
        "start-after",
        "continuation-token",
        "fetch-owner",
        "encoding-type",
        "versions",
        "uploads",
        "key-marker",
        "version-id-marker",
        "upload-id-marker",
        "max-uploads",
    }
)


def _bucket(response: S3Response, name: str | None) -> FakeBucket | None:
    if not name:
        return None
    try:
        return response.backend.get_bucket(name)
    except S3ClientError:
        return None  # moto's own handler reports the missing bucket


def _copy_source_bucket(response: S3Response) -> FakeBucket | None:
    named = s3_fidelity.copy_source(response)
    return _bucket(response, named[0]) if named is not None else None


def _refused(response: S3Response, bucket: FakeBucket | None, reads_objects: bool) -> bool:
    """True when S3 would answer this request 403 for its owner checks or Requester Pays."""
    limits = strictness.current()
    headers = response.headers
    source = _copy_source_bucket(response)
    if limits.expected_bucket_owner:
        expected = headers.get(_EXPECTED_OWNER)
        if bucket is not None and expected and expected != bucket.account_id:
            return True
        expected_source = headers.get(_EXPECTED_SOURCE_OWNER)
        if source is not None and expected_source and expected_source != source.account_id:
            return True
    if limits.requester_pays and (headers.get(_REQUEST_PAYER) or "").lower() != "requester":
        payers = [source] + ([bucket] if reads_objects else [])
        if any(candidate is not None and candidate.payer == _REQUESTER for candidate in payers):
            return True
    return False


def _denial(response: S3Response, method: str) -> Any:
    if method == "HEAD":
        return 403, {}, ""
    raise S3AccessDeniedError()


# --- PutBucketRequestPayment / GetBucketRequestPayment (moto stores neither) ------------------


def _request_payment(response: S3Response, bucket: FakeBucket, method: str) -> Any:
    if method == "PUT":
        try:
            root = ElementTree.fromstring(response.body or b"")
        except ElementTree.ParseError:
            root = None
        # botocore sends the element in S3's namespace; a hand-written body may leave it out.
        payer = next(
            (node.text for node in (root.iter() if root is not None else ()) if node.tag.endswith("Payer")),
            None,
        )
        if payer not in ("Requester", "BucketOwner"):
            raise S3ClientError("MalformedXML", "The XML you provided was not well-formed")
        bucket.payer = payer
        return 200, {}, ""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<RequestPaymentConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"<Payer>{bucket.payer}</Payer></RequestPaymentConfiguration>"
    )
    return 200, {}, body


# --- the patches ---------------------------------------------------------------------------------


def _checked_bucket_response(original: Any) -> Any:
    def bucket_response(self: S3Response, request: Any, full_url: str) -> Any:
        bucket = _bucket(self, self.parse_bucket_name_from_url(request, full_url))
        if bucket is None:
            return original(self, request, full_url)
        query = self._get_querystring(request, full_url)
        method = request.method
        if "requestPayment" in query and method in ("PUT", "GET"):
            return _request_payment(self, bucket, method)
        reads_objects = (method == "GET" and not set(query) - _LISTING_PARAMETERS) or (
            method == "POST" and "delete" in query
        )
        if _refused(self, bucket, reads_objects):
            return _denial(self, method)
        return original(self, request, full_url)

    return bucket_response


def _checked_key_response(original: Any) -> Any:
    def key_response(self: S3Response, request: Any, full_url: str) -> Any:
        method = request.method
        bucket = _bucket(self, self.parse_bucket_name_from_url(request, full_url))
        if method != "OPTIONS" and _refused(self, bucket, reads_objects=True):
            return _denial(self, method)
        return original(self, request, full_url)

    return key_response


def apply() -> None:
    """Install the patches once per process (they act on moto's class, so on every backend)."""
    global _applied
    with _lock:
        if _applied:
            return
        S3Response._bucket_response = _checked_bucket_response(S3Response._bucket_response)  # type: ignore[method-assign]
        S3Response._key_response = _checked_key_response(S3Response._key_response)  # type: ignore[method-assign]
        _applied = True
