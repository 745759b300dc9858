"""Every copy is conditioned on the destination state the merge compared (If-Match on the listed
destination ETag, If-None-Match "*" where the key was absent), on CopyObject and on
CompleteMultipartUpload; a destination written by another writer after the listing is kept and
its key named. The emulator enforces the conditions (harness/s3_fidelity.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from bucket_sync import conditions
from bucket_sync.copier import CopyOptions
from bucket_sync.copy_reasons import DESTINATION_CHANGED, SOURCE_CHANGED
from bucket_sync.diff import merge
from bucket_sync.listing import Entry, list_range
from bucket_sync.transient import is_transient
from harness.buckets import snapshot
from tests.unit.support import MIB, copy_all, put, put_multipart
from tests.unit.test_range_step import sync_all


def entry(key: str, etag: str, size: int = 1) -> Entry:
    return Entry(key, size, etag, datetime(2026, 1, 1, tzinfo=UTC), "STANDARD")


def sent(s3: Any, operation: str) -> list[dict[str, Any]]:
    """The parameters of every `operation` request the client sends from now on."""
    calls: list[dict[str, Any]] = []
    s3.meta.events.register(f"provide-client-params.s3.{operation}", lambda params, **_: calls.append(params))
    return calls


def before(s3: Any, operation: str, action: Any) -> None:
    """Run `action` once, right before the first `operation` request is sent: another writer
    acting between the listing and the copy."""
    done: list[bool] = []

    def hook(**_: Any) -> None:
        if not done:
            done.append(True)
            action()

    s3.meta.events.register(f"before-call.s3.{operation}", hook)


def answer_once(s3: Any, operation: str, status: int, code: str, message: str = "") -> None:
    """Answer the first `operation` request with an S3 error instead of sending it."""
    done: list[bool] = []

    class Response:
        status_code = status

    def hook(**_: Any) -> Any:
        if done:
            return None
        done.append(True)
        metadata = {"HTTPStatusCode": status}
        return Response(), {"Error": {"Code": code, "Message": message}, "ResponseMetadata": metadata}

    s3.meta.events.register(f"before-call.s3.{operation}", hook)


def body(s3: Any, bucket: str, key: str) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


# --- what the merge compared -------------------------------------------------------------------


def test_the_plan_carries_the_destination_etag_each_copy_was_compared_with() -> None:
    source = [entry("a", '"1"'), entry("b", '"2"', size=2), entry("c", '"3"')]
    destination = [entry("b", '"old"'), entry("c", '"3"'), entry("d", '"4"')]
    plan = merge(source, destination)
    assert [e.key for e in plan.to_copy] == ["a", "b"]
    assert plan.compared == {"a": None, "b": '"old"'}
    assert plan.before("b").compared == {"a": None}


def test_condition_is_if_match_on_the_compared_etag_or_if_none_match() -> None:
    compared = {"old": '"e"', "new": None}
    assert conditions.condition_for(entry("old", '"s"'), compared) == {"IfMatch": '"e"'}
    assert conditions.condition_for(entry("new", '"s"'), compared) == {"IfNoneMatch": "*"}
    assert conditions.condition_for(entry("unnamed", '"s"'), compared) == {"IfNoneMatch": "*"}


# --- the requests ------------------------------------------------------------------------------


def test_single_part_copies_send_the_destination_condition(s3: Any) -> None:
    put(s3, "src", "changed", b"new content")
    put(s3, "src", "new", b"n")
    put(s3, "dst", "changed", b"old")
    listed = s3.head_object(Bucket="dst", Key="changed")["ETag"]
    copies = sent(s3, "CopyObject")
    assert sync_all(s3)["counts"]["copied"] == 2
    conditions_sent = {c["Key"]: (c.get("IfMatch"), c.get("IfNoneMatch")) for c in copies}
    assert conditions_sent == {"changed": (listed, None), "new": (None, "*")}


def test_multipart_copies_send_it_on_complete_only(s3: Any) -> None:
    put_multipart(s3, "src", "big", [5 * MIB, 10])
    put_multipart(s3, "src", "fresh", [5 * MIB, 20])
    put(s3, "dst", "big", b"smaller, so changed")
    listed = s3.head_object(Bucket="dst", Key="big")["ETag"]
    completes, creates = sent(s3, "CompleteMultipartUpload"), sent(s3, "CreateMultipartUpload")
    assert sync_all(s3)["counts"]["copied"] == 2
    assert {c["Key"]: (c.get("IfMatch"), c.get("IfNoneMatch")) for c in completes} == {
        "big": (listed, None),
        "fresh": (None, "*"),
    }
    assert not any("IfMatch" in c or "IfNoneMatch" in c for c in creates)


def test_pairs_settled_by_head_are_conditioned_on_the_listed_destination(s3: Any) -> None:
    put(s3, "src", "k", b"aaaa")
    put(s3, "dst", "k", b"bbbb")  # same size, written after the source: the listings cannot tell
    listed = s3.head_object(Bucket="dst", Key="k")["ETag"]
    copies = sent(s3, "CopyObject")
    assert sync_all(s3)["counts"]["copied"] == 1
    assert [c.get("IfMatch") for c in copies] == [listed]


# --- another writer between the listing and the copy ------------------------------------------


def test_a_destination_overwritten_after_the_listing_is_kept_and_named(s3: Any) -> None:
    put(s3, "src", "k", b"source v2")
    put(s3, "dst", "k", b"dst v1")
    before(s3, "CopyObject", lambda: put(s3, "dst", "k", b"theirs"))
    progress = sync_all(s3)
    assert body(s3, "dst", "k") == b"theirs"
    assert (progress["counts"]["copied"], progress["counts"]["failed"]) == (0, 1)
    assert progress["failures"] == [{"key": "k", "reason": DESTINATION_CHANGED}]
    assert sync_all(s3)["counts"]["copied"] == 1, "the next run syncs it"
    assert body(s3, "dst", "k") == b"source v2"


def test_a_key_written_to_the_destination_after_the_listing_showed_it_absent_is_kept(s3: Any) -> None:
    put(s3, "src", "k", b"source")
    before(s3, "CopyObject", lambda: put(s3, "dst", "k", b"theirs"))
    progress = sync_all(s3)
    assert body(s3, "dst", "k") == b"theirs"
    assert progress["failures"] == [{"key": "k", "reason": DESTINATION_CHANGED}]


def test_a_retry_that_meets_its_own_landed_copy_counts_it_copied(s3: Any) -> None:
    # S3 completed an earlier attempt whose answer was lost (a timeout): the retry's
    # If-None-Match fails against the copy's own object, which holds exactly the source.
    put(s3, "src", "k", b"source")
    before(s3, "CopyObject", lambda: put(s3, "dst", "k", b"source"))
    progress = sync_all(s3)
    assert (progress["counts"]["copied"], progress["counts"]["failed"]) == (1, 0)
    assert progress["failures"] == []


def test_an_equal_size_object_of_another_writer_is_not_taken_for_the_copy(s3: Any) -> None:
    put(s3, "src", "k", b"source")
    before(s3, "CopyObject", lambda: put(s3, "dst", "k", b"theirs"))
    progress = sync_all(s3)
    assert progress["failures"] == [{"key": "k", "reason": DESTINATION_CHANGED}]


def test_a_multipart_copy_beaten_to_the_destination_is_aborted_and_named(s3: Any) -> None:
    put_multipart(s3, "src", "big", [5 * MIB, 10])
    before(s3, "CompleteMultipartUpload", lambda: put(s3, "dst", "big", b"theirs"))
    progress = sync_all(s3)
    assert body(s3, "dst", "big") == b"theirs"
    assert progress["failures"] == [{"key": "big", "reason": DESTINATION_CHANGED}]
    assert not s3.list_multipart_uploads(Bucket="dst").get("Uploads"), "the upload is aborted"


def test_a_source_rewritten_after_the_listing_is_still_told_apart(s3: Any) -> None:
    put(s3, "src", "k", b"v1")
    listed = list_range(s3, "src", "", "", None, 10).entries
    put(s3, "src", "k", b"v2, written after the listing")
    outcome = copy_all(s3, s3, "src", "dst", listed, CopyOptions(threads=1))
    assert outcome.failures == [{"key": "k", "reason": SOURCE_CHANGED}]


# --- 409 ConditionalRequestConflict -------------------------------------------------------------


def conflict() -> ClientError:
    return ClientError(
        {"Error": {"Code": "ConditionalRequestConflict"}, "ResponseMetadata": {"HTTPStatusCode": 409}},
        "CopyObject",
    )


def test_a_conflict_is_not_transient_for_the_step() -> None:
    # A TransientError would fail the whole step and slow its requests; 409 is about one key.
    assert not is_transient(conflict())


def test_a_copy_answered_409_is_tried_again_and_its_condition_decides(s3: Any) -> None:
    put(s3, "src", "k", b"source")
    answer_once(s3, "CopyObject", 409, "ConditionalRequestConflict", "A conflicting operation occurred")
    copies = sent(s3, "CopyObject")
    progress = sync_all(s3)
    assert (progress["counts"]["copied"], progress["counts"]["failed"]) == (1, 0)
    assert [c.get("IfNoneMatch") for c in copies] == ["*", "*"], "retried with the same condition"


def test_a_multipart_copy_answered_409_starts_a_new_upload(s3: Any) -> None:
    put_multipart(s3, "src", "big", [5 * MIB, 10])
    answer_once(s3, "CompleteMultipartUpload", 409, "ConditionalRequestConflict")
    creates = sent(s3, "CreateMultipartUpload")
    progress = sync_all(s3)
    assert (progress["counts"]["copied"], progress["counts"]["failed"]) == (1, 0)
    assert len(creates) == 2, "S3 asks for the upload to be made again after a 409"
    assert not s3.list_multipart_uploads(Bucket="dst").get("Uploads")
    assert snapshot(s3, "dst")["big"] == snapshot(s3, "src")["big"]


def test_a_key_that_keeps_conflicting_is_named_after_the_retries(s3: Any) -> None:
    put(s3, "src", "k", b"source")
    for _ in range(20):
        answer_once(s3, "CopyObject", 409, "ConditionalRequestConflict")
    progress = sync_all(s3)
    assert (progress["counts"]["copied"], progress["counts"]["failed"]) == (0, 1)
    assert "409 ConditionalRequestConflict" in progress["failures"][0]["reason"]
    assert "still failing after retries" in progress["failures"][0]["reason"]


# --- an SDK without the condition ----------------------------------------------------------------


def test_without_sdk_support_copies_are_refused_and_named(s3: Any, monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setattr(conditions, "supports_destination_condition", lambda *_: False)
    put(s3, "src", "k")
    copies = sent(s3, "CopyObject")
    listed = list_range(s3, "src", "", "", None, 10).entries
    outcome = copy_all(s3, s3, "src", "dst", listed, CopyOptions(threads=1))
    assert copies == [] and snapshot(s3, "dst") == {}
    assert "allow_unconditional_copies" in outcome.failures[0]["reason"]
    assert '"event": "copy.refused_without_destination_condition"' in capsys.readouterr().out


def test_without_sdk_support_a_deployment_that_opts_in_copies_unconditionally(
    s3: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(conditions, "supports_destination_condition", lambda *_: False)
    put(s3, "src", "k")
    copies = sent(s3, "CopyObject")
    listed = list_range(s3, "src", "", "", None, 10).entries
    outcome = copy_all(s3, s3, "src", "dst", listed, CopyOptions(threads=1, allow_unconditional=True))
    assert [e.key for e in outcome.copied] == ["k"]
    assert "IfMatch" not in copies[0] and "IfNoneMatch" not in copies[0]
