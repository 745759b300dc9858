"""S3's answer to a DeleteObjects body XML 1.0 cannot parse, which moto does not give.

In process, moto 5.2.5 lets its XML parser's ExpatError escape from a DeleteObjects body that
holds U+0001 (S3 answers 400 MalformedXML), so tests that send such bodies answer them here,
before the request reaches moto, from a botocore `before-send` handler.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse

# Bytes XML 1.0 cannot hold (C0 controls but TAB, LF, CR); botocore writes them raw.
NOT_XML = frozenset(range(0x20)) - {0x09, 0x0A, 0x0D}


class _Raw:
    """Just enough of urllib3's response for botocore to read a body."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *_: Any, **__: Any) -> Any:
        yield self._body


def error_response(url: str, status: int, code: str, message: str) -> AWSResponse:
    """An S3 XML error answer, as the wire would carry it."""
    body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>test</RequestId></Error>"
    return AWSResponse(url, status, {"Content-Type": "application/xml"}, _Raw(body.encode()))


def malformed_xml(url: str) -> AWSResponse:
    return error_response(url, 400, "MalformedXML", "The XML you provided was not well-formed")


def answer_malformed_bodies(s3: Any, always: bool = False) -> list[bytes]:
    """Make `s3` answer 400 MalformedXML, as S3 does, to a DeleteObjects body holding a byte XML
    cannot carry (to every DeleteObjects when `always`). Returns the bodies it refused."""
    refused: list[bytes] = []

    def check(request: Any, **_: Any) -> AWSResponse | None:
        body = bytes(request.body or b"")
        if always or NOT_XML.intersection(body):
            refused.append(body)
            return malformed_xml(request.url)
        return None

    s3.meta.events.register("before-send.s3.DeleteObjects", check)
    return refused


def record(s3: Any, operation: str) -> list[dict]:
    """The parameters of every `operation` request `s3` makes, as the caller gave them."""
    sent: list[dict] = []

    def keep(params: dict, **_: Any) -> None:
        sent.append(dict(params))

    s3.meta.events.register(f"provide-client-params.s3.{operation}", keep)
    return sent
