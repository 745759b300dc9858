"""Make moto's S3 behave like S3 where the sync's correctness depends on it.

moto 5.2.5 computes every single-part ETag as the MD5 of the content (SSE-KMS included),
ignores the ETag condition of DeleteObjects and ``x-amz-copy-source-if-match`` on CopyObject and
UploadPartCopy, and serves and copies SSE-C objects without their key; S3 does none of these.
Without these patches, tests could not tell a sync that re-copies every SSE-KMS object forever,
deletes or copies an object rewritten since it was listed, or "copies" an object it could never
read, from a correct one.

AWS facts relied on:

* Conditional deletes (docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html):
  "If the ETag value ... doesn't match ... the operation fails" with "412 Precondition Failed";
  DeleteObjects takes the condition as the ETag element of each object and reports each
  object's status in the response body. A condition on a key that no longer exists gives
  404 NoSuchKey (same page, on concurrent deletes), so DeleteObjects lists that key with Code
  NoSuchKey. A refused key is left in place.
* CopyObject / UploadPartCopy: "x-amz-copy-source-if-match: Copies the object if its entity tag
  (ETag) matches the specified tag", otherwise 412 PreconditionFailed (Add preconditions to S3
  operations with conditional requests, .../userguide/conditional-requests.html).
* "If the source object for the copy is stored in Amazon S3 using SSE-C, you must provide the
  necessary encryption information in your request so that Amazon S3 can decrypt the object for
  copying" (CopyObjectRequest.copySourceSseCustomerAlgorithm / copySourceSseCustomerKey, AWS SDK
  API reference); S3 answers 400 InvalidRequest, and GET/HEAD without the key are 400 too.
* DeleteObject with ``If-Match`` (general purpose buckets since 2025; same conditional-deletes
  page): an ETag that matches the current version deletes (204), one that does not is
  412 PreconditionFailed, ``*`` means "if it exists", and with no current object the answer is
  404 NoSuchKey. moto 5.2.5 checks the ETag form (412, 404) but refuses ``*`` with 412.
* DeleteObjects takes an XML 1.0 body, and S3 refuses one that is not well-formed, e.g. a key
  holding U+0001 sent raw or as ``&#x1;``, with 400 MalformedXML "The XML you provided was not
  well-formed or did not validate against our published schema", deleting nothing (reported
  against S3 in boto/boto3#2005 and aws/aws-sdk-java#333 for raw control characters, and in
  basho/riak_cs#974 for ``&#x1;``). botocore sends such a key raw; moto 5.2.5 answers 500.
  Only single PUTs and copies record SSE-C here; multipart uploads with SSE-C are not tracked.
* ListObjectsV2's StartAfter names a key, and a key "is a sequence of Unicode characters whose
  UTF-8 encoding is at most 1024 bytes long" (Naming Amazon S3 objects, .../userguide/
  object-keys.html); S3 refuses a longer one with 400, where moto lists as if it were valid.
  The error code S3 gives is not documented; KeyTooLongError, its answer to a key over the
  limit, stands in for it.
* Conditional writes on CopyObject and CompleteMultipartUpload: harness/s3_conditions.py.

Multipart ETags need no patch: moto computes them as S3 does, the MD5 of the parts' binary MD5s
followed by "-<parts>", one part included, whether the parts were uploaded or copied
(tests/harness/test_strict_s3.py checks it, since the sync's "copy over the same part boundaries"
rule depends on it).

Each behaviour has a switch in :class:`harness.strictness.Strictness` (off: moto's own).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from xml.parsers import expat

from moto.core.responses import ActionResult, BaseResponse
from moto.s3.exceptions import MissingKey, PreconditionFailed, S3ClientError
from moto.s3.models import FakeKey, S3Backend
from moto.s3.responses import S3Response
from werkzeug.datastructures import Headers

from harness import s3_conditions, strictness, wsgi_io

__all__ = ["MALFORMED_XML_MESSAGE", "SSE_C_REQUIRED_MESSAGE", "apply", "copy_source", "refuse_malformed_xml"]

_applied = False
_lock = threading.Lock()
_OPAQUE_ETAG_ENCRYPTION = ("aws:kms", "aws:kms:dsse")

_SSE_C_ALGORITHM = "x-amz-server-side-encryption-customer-algorithm"
_SSE_C_KEY_MD5 = "x-amz-server-side-encryption-customer-key-MD5"
_COPY_SOURCE_SSE_C_ALGORITHM = "x-amz-copy-source-server-side-encryption-customer-algorithm"
_COPY_SOURCE_IF_MATCH = "x-amz-copy-source-if-match"
# Set on a FakeKey written with a customer-provided key: the key's MD5 (S3 keeps only that).
_SSE_C_ATTRIBUTE = "_harness_sse_c_key_md5"

SSE_C_REQUIRED_MESSAGE = (
    "The object was stored using a form of Server Side Encryption. "
    "The correct parameters must be provided to retrieve the object."
)


MALFORMED_XML_MESSAGE = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


class _SseCKeyRequired(S3ClientError):
    code = "InvalidRequest"

    def __init__(self) -> None:
        super().__init__("InvalidRequest", SSE_C_REQUIRED_MESSAGE)


class _StartAfterTooLong(S3ClientError):
    code = "KeyTooLongError"

    def __init__(self) -> None:
        super().__init__("KeyTooLongError", "Your key is too long")


class _RefusedDelete(str):
    """A key DeleteObjects did not delete, carrying the per-key error S3 reports for it."""

    code: str
    message: str

    def __new__(cls, key: str, code: str, message: str) -> _RefusedDelete:
        refused = super().__new__(cls, key)
        refused.code, refused.message = code, message
        return refused


# --- ETags of SSE-KMS objects ---------------------------------------------------------------


def _kms_aware_etag(md5_etag: property) -> property:
    def etag(self: FakeKey) -> str:
        plain = md5_etag.fget(self)  # type: ignore[misc]
        if self.encryption not in _OPAQUE_ETAG_ENCRYPTION or "-" in plain:
            return plain
        # S3 gives an SSE-KMS object an ETag that is no MD5 of its content, new with every write.
        salt = self.__dict__.setdefault("_write_salt", os.urandom(8).hex())
        return '"' + hashlib.md5((salt + plain).encode()).hexdigest() + '"'

    return property(etag)


# --- DeleteObjects with per-object ETag -----------------------------------------------------


def _conditional_delete_objects(original: Any) -> Any:
    def delete_objects(
        self: S3Backend, bucket_name: str, objects: list[dict[str, Any]], bypass_retention: bool = False
    ) -> tuple[list[Any], list[str]]:
        if not strictness.current().delete_objects_etag:
            return original(self, bucket_name, objects, bypass_retention)
        current: list[dict[str, Any]] = []
        refused: list[str] = []
        keys = self.get_bucket(bucket_name).keys
        for obj in objects:
            expected = obj.get("ETag")
            if expected and not obj.get("VersionId"):
                key = keys.get(obj["Key"])
                if key is None:
                    refused.append(
                        _RefusedDelete(obj["Key"], "NoSuchKey", "The specified key does not exist.")
                    )
                    continue
                if key.etag.strip('"') != expected.strip('"'):
                    refused.append(
                        _RefusedDelete(
                            obj["Key"],
                            "PreconditionFailed",
                            "At least one of the pre-conditions you specified did not hold",
                        )
                    )
                    continue
            current.append(obj)
        deleted, errors = original(self, bucket_name, current, bypass_retention)
        return deleted, errors + refused

    return delete_objects


def _serialized(original: Any) -> Any:
    def serialized(self: S3Response, action_result: ActionResult) -> Any:
        # moto labels every key its backend did not delete AccessDenied; give ours their own code.
        result = action_result.result
        if self.data.get("Action") == "DeleteObjects" and isinstance(result, dict):
            for error in result.get("Errors") or []:
                key = error.get("Key")
                if isinstance(key, _RefusedDelete):
                    error.update(Key=str(key), Code=key.code, Message=key.message)
        return original(self, action_result)

    return serialized


# --- DeleteObject with If-Match --------------------------------------------------------------


def _conditional_delete_object(original: Any) -> Any:
    def delete_object(self: S3Response) -> Any:
        condition = self.headers.get("If-Match")
        if not condition:
            return original(self)
        if strictness.current().delete_object_if_match:
            # Evaluated against the current version; a delete marker is no current object.
            key_name = self.parse_key_name()
            current = self.backend.get_object(self.bucket_name, key_name)
            if current is None:
                raise MissingKey(key=key_name)
            if condition.strip() != "*" and condition.strip().strip('"') != current.etag.strip('"'):
                raise PreconditionFailed("If-Match")
        # Settled above (or ignored when lax): moto's own check would refuse "*".
        saved = self.headers
        unconditional = Headers(saved)
        unconditional.remove("If-Match")
        self.headers = unconditional
        try:
            return original(self)
        finally:
            self.headers = saved

    return delete_object


# --- XML request bodies ------------------------------------------------------------------------


def _is_delete_objects(environ: dict[str, Any]) -> bool:
    query = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
    return environ.get("REQUEST_METHOD") == "POST" and "delete" in query


def refuse_malformed_xml(environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
    """Answer a DeleteObjects request whose body is not well-formed XML 1.0 with 400 MalformedXML,
    as S3 does; None (the body left for moto to read) otherwise. Called by the WSGI hook in
    harness/moto_patches.py for requests moto routed to S3."""
    if not strictness.current().xml_body or not _is_delete_objects(environ):
        return None
    body = wsgi_io.read_body(environ)
    try:
        # expat implements XML 1.0: it refuses U+0001-U+001F (but TAB, LF, CR) raw and as
        # character references, like S3's parser.
        expat.ParserCreate().Parse(body, True)
    except expat.ExpatError:
        return wsgi_io.s3_error(environ, start_response, 400, "MalformedXML", MALFORMED_XML_MESSAGE)
    return None


# --- ListObjectsV2: StartAfter within a key's length ---------------------------------------

# S3's limit on a key, in UTF-8 bytes.
MAX_KEY_BYTES = 1024


def _bounded_start_after(original: Any) -> Any:
    def list_objects_v2(self: S3Response) -> Any:
        start_after = self.querystring.get("start-after", [""])[0]
        if isinstance(start_after, str):
            start_after = start_after.encode("utf-8", "surrogatepass")
        if strictness.current().start_after_length and len(start_after) > MAX_KEY_BYTES:
            raise _StartAfterTooLong()
        return original(self)

    return list_objects_v2


# --- copies: CopySourceIfMatch and SSE-C sources --------------------------------------------


def copy_source(response: S3Response) -> tuple[str, str, str | None] | None:
    """The bucket, key and version id the request's ``x-amz-copy-source`` names (CopyObject,
    UploadPartCopy), or None without one. harness/s3_ownership.py reads its bucket too."""
    header = response.headers.get("x-amz-copy-source")
    if isinstance(header, bytes):
        header = header.decode("utf-8")
    if not header:
        return None
    parsed = urlparse(header)
    src_bucket, _, src_key = unquote(parsed.path).lstrip("/").partition("/")
    return src_bucket, src_key, parse_qs(parsed.query).get("versionId", [None])[0]


def _copy_source_key(response: S3Response) -> FakeKey | None:
    named = copy_source(response)
    if named is None:
        return None
    src_bucket, src_key, version_id = named
    try:
        return response.backend.get_object(src_bucket, src_key, version_id=version_id)
    except S3ClientError:
        return None  # moto's own handler reports the missing bucket/key/version


def _check_copy_source(response: S3Response) -> None:
    source = _copy_source_key(response)
    if source is None:
        return
    limits = strictness.current()
    if (
        limits.sse_c
        and getattr(source, _SSE_C_ATTRIBUTE, None)
        and not response.headers.get(_COPY_SOURCE_SSE_C_ALGORITHM)
    ):
        raise _SseCKeyRequired()
    expected = response.headers.get(_COPY_SOURCE_IF_MATCH)
    if limits.copy_source_if_match and expected and expected.strip('"') != source.etag.strip('"'):
        raise PreconditionFailed(failed_condition="x-amz-copy-source-If-Match")


def _record_sse_c(response: S3Response) -> None:
    # Remember that the key just written needs its customer key to be read or copied again.
    if not response.headers.get(_SSE_C_ALGORITHM):
        return
    key = response.backend.get_object(response.bucket_name, response.parse_key_name())
    if key is not None:
        setattr(key, _SSE_C_ATTRIBUTE, response.headers.get(_SSE_C_KEY_MD5) or "?")


def _checked_copy(original: Any) -> Any:
    def copy(self: S3Response) -> Any:
        _check_copy_source(self)
        return original(self)

    return copy


def _recording_write(original: Any) -> Any:
    def write(self: S3Response) -> Any:
        result = original(self)
        _record_sse_c(self)
        return result

    return write


# --- reads of SSE-C objects ------------------------------------------------------------------


def _needs_customer_key(key: Any, headers: Any) -> bool:
    return bool(
        strictness.current().sse_c
        and getattr(key, _SSE_C_ATTRIBUTE, None)
        and not headers.get(_SSE_C_ALGORITHM)
    )


def _checked_get_key(original: Any) -> Any:
    def get_key(self: S3Response, validate_storage_class: bool = True) -> Any:
        key, not_modified = original(self, validate_storage_class)
        if _needs_customer_key(key, self.headers):
            raise _SseCKeyRequired()
        return key, not_modified

    return get_key


def _checked_head(original: Any) -> Any:
    def head_object(
        self: S3Response, bucket_name: str, query: dict[str, Any], key_name: str, headers: dict[str, Any]
    ) -> Any:
        version_id = query.get("versionId", [None])[0]
        try:
            key = self.backend.get_object(bucket_name, key_name, version_id=version_id)
        except S3ClientError:
            key = None
        if _needs_customer_key(key, headers):
            return 400, {}, ""  # a HEAD error has no body
        return original(self, bucket_name, query, key_name, headers)

    return head_object


def apply() -> None:
    """Install the patches once per process (they act on moto's classes, so on every backend)."""
    global _applied
    with _lock:
        if _applied:
            return
        FakeKey.etag = _kms_aware_etag(FakeKey.etag)  # type: ignore[method-assign,assignment]
        S3Backend.delete_objects = _conditional_delete_objects(S3Backend.delete_objects)  # type: ignore[method-assign]
        S3Response.serialized = _serialized(BaseResponse.serialized)  # type: ignore[method-assign]
        S3Response.copy_object = _recording_write(  # type: ignore[method-assign]
            _checked_copy(s3_conditions.conditional_copy_destination(S3Response.copy_object))
        )
        S3Response._key_response_post = s3_conditions.conditional_complete(S3Response._key_response_post)  # type: ignore[method-assign]
        S3Response.upload_part_copy = _checked_copy(S3Response.upload_part_copy)  # type: ignore[method-assign]
        S3Response.put_object = _recording_write(S3Response.put_object)  # type: ignore[method-assign]
        S3Response._get_key = _checked_get_key(S3Response._get_key)  # type: ignore[method-assign]
        S3Response.head_object = _checked_head(S3Response.head_object)  # type: ignore[method-assign]
        S3Response.delete_object = _conditional_delete_object(S3Response.delete_object)  # type: ignore[method-assign]
        S3Response.list_objects_v2 = _bounded_start_after(S3Response.list_objects_v2)  # type: ignore[method-assign]
        _applied = True
