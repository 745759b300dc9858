"""Small WSGI helpers for the emulator's request interceptors (faults, throttling, XML checks).

The interceptors sit in front of moto's per-service apps (harness/moto_patches.py ``_dispatch``)
and either answer a request themselves, like the AWS service would, or hand it on. These helpers
read or discard the request body correctly and build the two error shapes the interceptors send:
S3's XML ``<Error>`` and DynamoDB's JSON ``__type``/``message``.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import zlib
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

__all__ = [
    "caller_access_key",
    "drain",
    "dynamodb_error",
    "throughput_exceeded",
    "read_body",
    "request_target",
    "s3_error",
]

_REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    412: "Precondition Failed",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


def request_target(environ: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(bucket, key) an S3 request addresses; key is None for bucket- and service-level requests."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path = unquote(urlsplit(raw).path)
    else:
        # WSGI carries the decoded path as latin-1 text.
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
    host = str(environ.get("HTTP_HOST", "")).rsplit(":", 1)[0]
    virtual = ".s3." in host or ".s3-" in host or host.endswith(".localhost")
    if virtual:
        return host.split(".", 1)[0], path[1:] or None
    bucket, _, key = path[1:].partition("/")
    return bucket or None, key or None


def drain(environ: Mapping[str, Any]) -> None:
    """Consume the request body: on a keep-alive connection, unread body bytes would be read as
    the next request."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return
    if environ.get("wsgi.input_terminated"):
        while stream.read(65536):
            pass
        return
    try:
        remaining = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    while remaining > 0:
        chunk = stream.read(min(remaining, 65536))
        if not chunk:
            return
        remaining -= len(chunk)


def read_body(environ: dict[str, Any]) -> bytes:
    """The whole request body; the app the request goes on to reads the same bytes afresh."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunks: list[bytes] = []
        while length > 0:
            chunk = stream.read(min(length, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            length -= len(chunk)
        body = b"".join(chunks)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def caller_access_key(environ: Mapping[str, Any]) -> str | None:
    """The access key id a request is signed with (SigV4 header or presigned URL), if any."""
    match = _CREDENTIAL.search(str(environ.get("HTTP_AUTHORIZATION", "")))
    if match:
        return match.group(1)
    credential = parse_qs(str(environ.get("QUERY_STRING", ""))).get("X-Amz-Credential")
    if credential:
        return credential[0].split("/", 1)[0] or None
    return None


def _request_id() -> str:
    return uuid.uuid4().hex[:16].upper()


def s3_error(
    environ: Mapping[str, Any],
    start_response: Any,
    status: int,
    code: str,
    message: str,
    host_id: str = "emulator",
) -> Iterable[bytes]:
    """Answer like S3 does: the XML error document, and no body at all for a HEAD."""
    drain(environ)
    request_id = _request_id()
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{request_id}</RequestId><HostId>{escape(host_id)}</HostId></Error>"
    ).encode()
    if environ.get("REQUEST_METHOD") == "HEAD":
        body = b""  # S3 sends no body with a HEAD error; SDKs fall back to the status code
    start_response(
        f"{status} {_REASONS.get(status, 'Error')}",
        [
            ("Content-Type", "application/xml"),
            ("Content-Length", str(len(body))),
            ("x-amz-request-id", request_id),
            ("x-amz-id-2", host_id),
        ],
    )
    return [body]


def dynamodb_error(start_response: Any, error_type: str, message: str, status: int = 400) -> Iterable[bytes]:
    """Answer like DynamoDB does: JSON with the fully qualified ``__type``, and its CRC32 header
    (botocore checks it when present)."""
    body = json.dumps(
        {"__type": f"com.amazonaws.dynamodb.v20120810#{error_type}", "message": message}
    ).encode()
    start_response(
        f"{status} {_REASONS.get(status, 'Error')}",
        [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", _request_id()),
            ("x-amz-crc32", str(zlib.crc32(body))),
        ],
    )
    return [body]


THROUGHPUT_EXCEEDED = "ProvisionedThroughputExceededException"
# DynamoDB's words for an on-demand table's hot partition.
THROUGHPUT_EXCEEDED_MESSAGE = (
    "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
    "scaling your table or index so please try again shortly. If exceptions persist, check if "
    "you have a hot key."
)


def throughput_exceeded(start_response: Any) -> Iterable[bytes]:
    """DynamoDB's throttle answer: 400 ProvisionedThroughputExceededException."""
    return dynamodb_error(start_response, THROUGHPUT_EXCEEDED, THROUGHPUT_EXCEEDED_MESSAGE)
