"""What a conditional delete's answers mean, and deleting nothing unconditionally by default."""

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from bucket_sync import deleter
from bucket_sync.listing import Entry, list_range
from bucket_sync.range_step import start_progress, sync_window
from bucket_sync.settings import load_settings
from harness.buckets import snapshot
from tests.unit.support import REGION, delete_all, put, run_config, settings, whole_range


def entry(key: str, etag: str = '"e1"') -> Entry:
    return Entry(key, 1, etag, datetime(2024, 1, 1, tzinfo=UTC), "STANDARD")


def answer_delete_with(errors: list[dict]):
    """A client whose one DeleteObjects call is answered with these per-object errors."""
    client = boto3.client("s3", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_response("delete_objects", {"Errors": errors})
    stubber.activate()
    return client, stubber


def test_an_orphan_someone_else_deleted_first_counts_as_deleted():
    s3, stubber = answer_delete_with([{"Key": "gone", "Code": "NoSuchKey", "Message": "not there"}])
    outcome = delete_all(s3, "dst", [entry("gone"), entry("other")], threads=1, dry_run=False)
    assert (outcome.deleted, outcome.failures) == (2, [])
    stubber.assert_no_pending_responses()


def test_an_orphan_rewritten_since_listed_is_kept_and_named_with_the_reason():
    s3, _ = answer_delete_with([{"Key": "new", "Code": "PreconditionFailed", "Message": "At least one"}])
    outcome = delete_all(s3, "dst", [entry("new"), entry("old")], threads=1, dry_run=False)
    assert outcome.deleted == 1
    assert outcome.failures == [
        {
            "key": "new",
            "reason": "not deleted: rewritten since it was listed (ETag no longer matches); "
            "the next run decides",
        }
    ]


def test_other_refusals_are_named_with_their_code():
    s3, _ = answer_delete_with([{"Key": "locked", "Code": "AccessDenied", "Message": "Access Denied"}])
    outcome = delete_all(s3, "dst", [entry("locked")], threads=1, dry_run=False)
    assert outcome.deleted == 0
    assert outcome.failures[0]["reason"] == "delete refused: AccessDenied: Access Denied"


def test_each_delete_carries_the_listed_etag(s3):
    put(s3, "dst", "orphan")
    sent = []
    s3.meta.events.register("provide-client-params.s3.DeleteObjects", lambda params, **_: sent.append(params))
    listed = list_range(s3, "dst", "", "", None, 10).entries
    delete_all(s3, "dst", listed, threads=1, dry_run=False)
    assert sent[0]["Delete"]["Objects"] == [{"Key": "orphan", "ETag": listed[0].etag}]


@pytest.fixture
def sdk_without_etag_condition(monkeypatch):
    """As in a Lambda runtime whose botocore predates DeleteObjects' ETag condition."""
    monkeypatch.setattr(deleter, "supports_etag_condition", lambda s3: False)


def count_deletes(s3) -> list[dict]:
    sent: list[dict] = []
    s3.meta.events.register("provide-client-params.s3.DeleteObjects", lambda params, **_: sent.append(params))
    return sent


def test_without_the_etag_condition_nothing_is_deleted_and_each_orphan_is_named(
    s3, sdk_without_etag_condition
):
    put(s3, "dst", "orphan")
    sent = count_deletes(s3)
    listed = list_range(s3, "dst", "", "", None, 10).entries
    outcome = delete_all(s3, "dst", listed, threads=1, dry_run=False)
    assert sent == [] and set(snapshot(s3, "dst")) == {"orphan"}
    assert outcome.deleted == 0 and outcome.failures[0]["key"] == "orphan"
    reason = outcome.failures[0]["reason"]
    assert "cannot make a delete conditional" in reason and "allow_unconditional_deletes" in reason


def test_without_the_etag_condition_a_log_line_says_why(s3, sdk_without_etag_condition, capsys):
    put(s3, "dst", "orphan")
    listed = list_range(s3, "dst", "", "", None, 10).entries
    delete_all(s3, "dst", listed, threads=1, dry_run=False, execution="arn:run")
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[-1]["event"] == "delete.refused_without_etag_condition"
    assert (records[-1]["bucket"], records[-1]["objects"], records[-1]["execution"]) == ("dst", 1, "arn:run")


def test_opting_in_deletes_without_the_etag_condition(s3, sdk_without_etag_condition):
    put(s3, "dst", "orphan")
    sent = count_deletes(s3)
    listed = list_range(s3, "dst", "", "", None, 10).entries
    outcome = delete_all(s3, "dst", listed, threads=1, dry_run=False, allow_unconditional=True)
    assert outcome.deleted == 1 and snapshot(s3, "dst") == {}
    assert sent[0]["Delete"]["Objects"] == [{"Key": "orphan"}]


def test_a_step_passes_the_deployments_opt_in_to_its_deletes(s3, sdk_without_etag_condition):
    put(s3, "dst", "orphan")
    progress, _ = sync_window(
        s3,
        s3,
        run_config(),
        whole_range(),
        start_progress(whole_range()),
        settings(allow_unconditional_deletes=True),
    )
    assert progress["counts"]["deleted"] == 1 and snapshot(s3, "dst") == {}


def test_unconditional_deletes_are_off_unless_the_environment_opts_in():
    assert load_settings({}).allow_unconditional_deletes is False
    assert load_settings({"ALLOW_UNCONDITIONAL_DELETES": "true"}).allow_unconditional_deletes is True
