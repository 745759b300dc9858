"""A DeleteObjects request S3 refuses as a whole becomes per-key outcomes, never an exception:
throttles, 5xx and timeouts mean "retry later" (no failure named), other refusals name each key."""

from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from bucket_sync.listing import Entry
from tests.unit.support import REGION, delete_all


def entry(key: str) -> Entry:
    return Entry(key, 1, '"e1"', datetime(2024, 1, 1, tzinfo=UTC), "STANDARD")


ENTRIES = [entry("a"), entry("b")]


def refusing(code: str, status: int, message: str = "no"):
    """A client whose one DeleteObjects request is refused as a whole (after botocore's attempts)."""
    client = boto3.client("s3", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_client_error("delete_objects", code, message, status)
    stubber.activate()
    return client


@pytest.mark.parametrize(
    ("code", "status"), [("SlowDown", 503), ("InternalError", 500), ("ServiceUnavailable", 503)]
)
def test_a_transient_refusal_returns_the_batch_to_retry_not_as_failures(code, status):
    outcome = delete_all(refusing(code, status, "Please reduce"), "dst", ENTRIES, 1, False)
    assert (outcome.deleted, outcome.failures, outcome.retry) == (0, [], ENTRIES)
    assert outcome.retry_reason == f"delete deferred: {code}: Please reduce"


def test_a_read_timeout_after_botocores_attempts_returns_the_batch_to_retry():
    client = boto3.client("s3", region_name=REGION)

    def time_out(**_):
        raise ReadTimeoutError(endpoint_url="https://s3.test")

    client.meta.events.register("before-call.s3.DeleteObjects", time_out)
    outcome = delete_all(client, "dst", ENTRIES, 1, False)
    assert (outcome.deleted, outcome.failures, outcome.retry) == (0, [], ENTRIES)


def test_a_permanent_refusal_names_each_key_with_the_reason():
    outcome = delete_all(refusing("AccessDenied", 403, "Access Denied"), "dst", ENTRIES, 1, False)
    reason = "delete refused: AccessDenied: Access Denied"
    assert outcome.deleted == 0 and outcome.retry == []
    assert outcome.failures == [{"key": "a", "reason": reason}, {"key": "b", "reason": reason}]


@pytest.mark.parametrize("code", ["SlowDown", "InternalError"])
def test_a_transient_error_for_one_key_in_a_200_answer_is_retried_later(code):
    client = boto3.client("s3", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_response("delete_objects", {"Errors": [{"Key": "b", "Code": code, "Message": "again"}]})
    stubber.activate()
    outcome = delete_all(client, "dst", ENTRIES, 1, False)
    assert (outcome.deleted, outcome.failures, outcome.retry) == (1, [], [ENTRIES[1]])
    assert outcome.kept_keys() == {"b"}
