"""Archived objects (GLACIER, DEEP_ARCHIVE) are copied while restored, and only then.

moto 5.2.5 accepts OptionalObjectAttributes=["RestoreStatus"] but never returns RestoreStatus,
so where the listing's answer matters a hook adds what S3 sends; elsewhere the HEAD fallback
reads moto's real Restore header.
"""

import moto.s3.models
import pytest

from bucket_sync.listing import list_range
from bucket_sync.range_step import start_progress, sync_window
from harness.buckets import snapshot
from tests.unit.support import put, put_multipart, run_config, settings, whole_range
from tests.unit.test_range_step import sync_all


def restore_status_in_listings(s3, statuses: dict[str, bool]) -> None:
    """Answer ListObjectsV2 rows of these keys with RestoreStatus (value: restore in progress)."""

    def after_call(parsed, **_):
        for row in parsed.get("Contents", []):
            if row["Key"] in statuses:
                row["RestoreStatus"] = {"IsRestoreInProgress": statuses[row["Key"]]}

    s3.meta.events.register("after-call.s3.ListObjectsV2", after_call)


def record(s3, operation: str) -> list[dict]:
    sent: list[dict] = []
    s3.meta.events.register(f"provide-client-params.s3.{operation}", lambda params, **_: sent.append(params))
    return sent


def test_listings_ask_for_the_restore_status(s3):
    sent = record(s3, "ListObjectsV2")
    list_range(s3, "src", "", "", None, 10)
    assert sent[0]["OptionalObjectAttributes"] == ["RestoreStatus"]


def test_a_listed_restore_status_is_recorded_on_the_entry(s3):
    for key in ("done", "going", "never"):
        put(s3, "src", key, StorageClass="GLACIER")
    restore_status_in_listings(s3, {"done": False, "going": True})
    entries = list_range(s3, "src", "", "", None, 10).entries
    assert {e.key: e.restore for e in entries} == {"done": "restored", "going": "ongoing", "never": None}


def test_a_restored_glacier_object_is_copied_and_stays_in_glacier(s3):
    put(s3, "src", "thawed", b"cold data", StorageClass="GLACIER")
    s3.restore_object(Bucket="src", Key="thawed", RestoreRequest={"Days": 1})
    progress = sync_all(s3)
    assert progress["counts"]["copied"] == 1 and progress["counts"]["failed"] == 0
    assert snapshot(s3, "dst") == snapshot(s3, "src")
    assert s3.head_object(Bucket="dst", Key="thawed")["StorageClass"] == "GLACIER"


def test_a_restored_multipart_deep_archive_object_is_copied_over_its_parts(s3, monkeypatch):
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)
    etag = put_multipart(s3, "src", "big", [4, 4, 2], StorageClass="DEEP_ARCHIVE")
    s3.restore_object(Bucket="src", Key="big", RestoreRequest={"Days": 1})
    assert sync_all(s3)["counts"]["copied"] == 1
    head = s3.head_object(Bucket="dst", Key="big")
    assert (head["ETag"], head["StorageClass"]) == (etag, "DEEP_ARCHIVE")


def test_an_archived_object_not_restored_is_named_with_the_reason(s3):
    put(s3, "src", "cold", StorageClass="DEEP_ARCHIVE")
    progress = sync_all(s3)
    assert snapshot(s3, "dst") == {}
    assert progress["failures"] == [
        {"key": "cold", "reason": "stored in DEEP_ARCHIVE: restore it before it can be copied"}
    ]


def test_a_restore_in_progress_is_named_without_reading_headers(s3):
    put(s3, "src", "going", StorageClass="GLACIER")
    restore_status_in_listings(s3, {"going": True})
    heads = record(s3, "HeadObject")
    progress = sync_all(s3)
    assert heads == [] and snapshot(s3, "dst") == {}
    assert "restore in progress" in progress["failures"][0]["reason"]


def test_a_restore_the_listing_reports_needs_no_head(s3):
    put(s3, "src", "thawed", StorageClass="GLACIER")
    s3.restore_object(Bucket="src", Key="thawed", RestoreRequest={"Days": 1})
    restore_status_in_listings(s3, {"thawed": False})
    heads = record(s3, "HeadObject")
    whole = whole_range()
    no_redirects = run_config(readRedirects=False)
    progress, _ = sync_window(s3, s3, no_redirects, whole, start_progress(whole), settings())
    assert progress["counts"]["copied"] == 1 and heads == []


@pytest.mark.parametrize(("restored", "copied", "failed"), [(True, 1, 0), (False, 0, 1)])
def test_a_dry_run_counts_archived_objects_by_their_restore(s3, restored, copied, failed):
    put(s3, "src", "cold", StorageClass="GLACIER")
    if restored:
        s3.restore_object(Bucket="src", Key="cold", RestoreRequest={"Days": 1})
    counts = sync_all(s3, run=run_config(dryRun=True))["counts"]
    assert (counts["copied"], counts["failed"]) == (copied, failed) and snapshot(s3, "dst") == {}
