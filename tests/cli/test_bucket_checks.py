"""The run flags for expected bucket owners and Requester Pays become the run input's fields."""

from __future__ import annotations

import io
from typing import Any

import pytest
from botocore.exceptions import ClientError
from bucket_sync_cli import main as cli_main

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:nightly"


def started_input(monkeypatch: pytest.MonkeyPatch, *flags: str) -> tuple[int, dict[str, Any] | None]:
    """The exit status of `bucket-sync run ... flags`, and the input it would start with."""
    sent: dict[str, Any] = {}

    def start(sfn: Any, arn: str, run_input: dict[str, Any], name: str) -> str:
        sent.update(run_input)
        raise ClientError(
            {"Error": {"Code": "Stopped", "Message": "not started in this test"}}, "StartExecution"
        )

    monkeypatch.setattr(cli_main, "start_execution", start)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    argv = ["run", "--state-machine", ARN, "-s", "photos", "-d", "vault", *flags]
    code = cli_main.main(argv, stdout=io.StringIO(), stderr=io.StringIO())
    return code, (sent or None)


def test_owner_and_payer_flags_become_the_input_fields(monkeypatch):
    flags = (
        "--source-bucket-owner",
        "111122223333",
        "--destination-bucket-owner",
        "444455556666",
        "--request-payer",
        "requester",
    )
    _, sent = started_input(monkeypatch, *flags)
    assert sent == {
        "source": "photos",
        "destination": "vault",
        "sourceBucketOwner": "111122223333",
        "destinationBucketOwner": "444455556666",
        "requestPayer": "requester",
    }


def test_without_the_flags_the_module_defaults_apply(monkeypatch):
    _, sent = started_input(monkeypatch)
    assert sent == {"source": "photos", "destination": "vault"}


@pytest.mark.parametrize(
    "flags",
    [
        ("--source-bucket-owner", "12345678901"),
        ("--destination-bucket-owner", "arn:aws:iam::123456789012:root"),
        ("--request-payer", "owner"),
    ],
)
def test_a_bad_owner_or_payer_is_a_usage_error_before_anything_starts(monkeypatch, flags):
    assert started_input(monkeypatch, *flags) == (2, None)
