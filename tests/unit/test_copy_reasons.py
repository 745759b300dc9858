"""The reason a failed copy is named with: which condition failed, and SSE-C only when S3 says so."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from bucket_sync.copy_reasons import (
    DESTINATION_CHANGED,
    EITHER_CHANGED,
    EITHER_DELETED,
    SOURCE_CHANGED,
    SOURCE_DELETED,
    SSE_C,
    reason_for,
)
from harness.buckets import snapshot
from harness.s3_fidelity import SSE_C_REQUIRED_MESSAGE
from tests.unit.support import put, run_config
from tests.unit.test_range_step import sync_all


def error(code: str, message: str = "", **extra: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message, **extra}}, "CopyObject")


@pytest.mark.parametrize(
    ("answer", "overwrite", "reason"),
    [
        (error("PreconditionFailed", Condition="x-amz-copy-source-If-Match"), False, SOURCE_CHANGED),
        (error("PreconditionFailed", Condition="If-Match"), True, DESTINATION_CHANGED),
        (error("PreconditionFailed", Condition="If-None-Match"), False, DESTINATION_CHANGED),
        (error("PreconditionFailed"), True, EITHER_CHANGED),
        (error("412"), False, SOURCE_CHANGED),  # a HEAD's: only the source is read with HEAD
        (error("NoSuchKey"), False, SOURCE_DELETED),
        (error("NoSuchKey"), True, EITHER_DELETED),  # If-Match on a destination deleted meanwhile
        (error("InvalidRequest", SSE_C_REQUIRED_MESSAGE), False, SSE_C),
    ],
)
def test_reason_for(answer: ClientError, overwrite: bool, reason: str) -> None:
    assert reason_for(answer, overwrite) == reason


@pytest.mark.parametrize(
    "answer",
    [
        error("InvalidRequest", "The encryption parameters are not applicable to this object."),
        error("InvalidArgument", "Invalid encryption algorithm"),
        error("400", "Bad Request"),
    ],
)
def test_other_400s_are_not_called_sse_c(answer: ClientError) -> None:
    reason = reason_for(answer)
    assert "SSE-C" not in reason and "customer-provided" not in reason
    assert reason.startswith(answer.response["Error"]["Code"]) or "400 Bad Request" in reason


def answer_400(s3: Any, operations: list[str], code: str = "400", message: str = "Bad Request") -> None:
    """Answer every request of `operations` with a 400 (a bare one, as HEAD's, by default)."""

    class Response:
        status_code = 400

    def hook(**_: Any) -> Any:
        return Response(), {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {}}

    for operation in operations:
        s3.meta.events.register(f"before-call.s3.{operation}", hook)


def test_a_bare_400_head_of_a_readable_object_is_reported_as_such(s3: Any) -> None:
    put(s3, "src", "k")
    answer_400(s3, ["HeadObject"])
    progress = sync_all(s3, run_config(readRedirects=True))
    [failure] = progress["failures"]
    assert "400 Bad Request" in failure["reason"] and "SSE-C" not in failure["reason"]
    assert "GET of it succeeds" in failure["reason"]


def test_a_400_the_probe_cannot_explain_names_no_cause(s3: Any) -> None:
    put(s3, "src", "k")
    answer_400(s3, ["HeadObject", "GetObject"])
    [failure] = sync_all(s3, run_config(readRedirects=True))["failures"]
    assert "400 Bad Request without detail" in failure["reason"] and "SSE-C" not in failure["reason"]


def test_a_copy_refused_with_another_invalid_request_carries_s3s_words(s3: Any) -> None:
    put(s3, "src", "k")
    answer_400(s3, ["CopyObject"], "InvalidRequest", "The encryption parameters are not applicable")
    [failure] = sync_all(s3, run_config(readRedirects=False))["failures"]
    assert failure["reason"] == "InvalidRequest: The encryption parameters are not applicable"
    assert snapshot(s3, "dst") == {}
