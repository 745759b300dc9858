"""What a copy keeps, how multipart objects are copied, and what cannot be copied."""

import pytest

from bucket_sync.copier import CopyOptions, copy_objects
from bucket_sync.copy_reasons import SSE_C
from bucket_sync.deleter import delete_objects
from bucket_sync.listing import list_range
from harness.buckets import snapshot
from tests.unit.support import MIB, put, put_multipart, run_config
from tests.unit.test_range_step import sync_all


def test_multipart_source_is_copied_over_its_own_part_boundaries(s3):
    etag = put_multipart(s3, "src", "big.bin", [6 * MIB, 5 * MIB, 1234])
    counts = sync_all(s3)["counts"]
    assert counts["copied"] == 1
    assert snapshot(s3, "dst")["big.bin"] == (11 * MIB + 1234, etag)
    assert s3.head_object(Bucket="dst", Key="big.bin", PartNumber=1)["ContentLength"] == 6 * MIB
    assert sync_all(s3)["counts"]["copied"] == 0


def record(s3, operation: str) -> list[dict]:
    sent: list[dict] = []
    s3.meta.events.register(f"provide-client-params.s3.{operation}", lambda params, **_: sent.append(params))
    return sent


def test_a_one_part_multipart_source_is_copied_part_by_part_and_never_again(s3):
    small = put_multipart(s3, "src", "one/small", [100])
    large = put_multipart(s3, "src", "one/large", [6 * MIB])
    copy_objects_sent, part_copies = record(s3, "CopyObject"), record(s3, "UploadPartCopy")
    assert sync_all(s3)["counts"]["copied"] == 2
    assert copy_objects_sent == [] and sorted(p["CopySourceRange"] for p in part_copies) == [
        "bytes=0-6291455",
        "bytes=0-99",
    ]
    assert snapshot(s3, "dst") == {"one/small": (100, small), "one/large": (6 * MIB, large)}
    again = sync_all(s3)["counts"]
    assert (again["copied"], again["unchanged"]) == (0, 2)


def test_a_plain_copy_of_a_one_part_source_is_replaced_once_by_a_copy_of_its_shape(s3):
    etag = put_multipart(s3, "src", "one", [100])
    put(s3, "dst", "one", bytes([1]) * 100)  # the same content, as CopyObject once copied it
    heads = record(s3, "HeadObject")
    assert sync_all(s3)["counts"]["copied"] == 1
    assert snapshot(s3, "dst")["one"] == (100, etag)
    heads.clear()
    again = sync_all(s3)["counts"]
    assert (again["copied"], again["unchanged"], heads) == (0, 1, [])


def test_multipart_copy_carries_headers_metadata_tags_class_and_redirect(s3):
    put_multipart(
        s3,
        "src",
        "doc.bin",
        [5 * MIB, 10],
        ContentType="application/pdf",
        CacheControl="no-cache",
        ContentDisposition="attachment",
        ContentEncoding="identity",
        ContentLanguage="fr",
        Metadata={"origin": "scanner"},
        Tagging="class=secret",
        StorageClass="STANDARD_IA",
        WebsiteRedirectLocation="/new/place.html",
    )
    sync_all(s3)
    head = s3.head_object(Bucket="dst", Key="doc.bin")
    assert (head["ContentType"], head["CacheControl"], head["ContentDisposition"]) == (
        "application/pdf",
        "no-cache",
        "attachment",
    )
    assert (head["ContentEncoding"], head["ContentLanguage"]) == ("identity", "fr")
    assert head["Metadata"] == {"origin": "scanner"} and head["StorageClass"] == "STANDARD_IA"
    assert head["WebsiteRedirectLocation"] == "/new/place.html"
    assert s3.get_object_tagging(Bucket="dst", Key="doc.bin")["TagSet"] == [
        {"Key": "class", "Value": "secret"}
    ]


def test_single_part_copy_keeps_the_website_redirect(s3):
    put(s3, "src", "old.html", b"", WebsiteRedirectLocation="https://example.com/new.html")
    sync_all(s3)
    assert (
        s3.head_object(Bucket="dst", Key="old.html")["WebsiteRedirectLocation"]
        == "https://example.com/new.html"
    )


def test_a_copy_pinned_to_an_outdated_etag_is_refused_and_named(s3):
    put(s3, "src", "k", b"version 1")
    listed = list_range(s3, "src", "", "", None, 10).entries
    put(s3, "src", "k", b"version 2 (written after the listing)")
    outcome = copy_objects(s3, s3, "src", "dst", listed, CopyOptions(threads=2))
    assert outcome.copied == [] and snapshot(s3, "dst") == {}
    assert "changed since it was listed" in outcome.failures[0]["reason"]


@pytest.mark.parametrize("read_redirects", [True, False], ids=["HEAD first", "CopyObject only"])
def test_sse_c_objects_are_named_with_the_reason(s3, read_redirects):
    # The emulator answers as S3 does without the customer key: a HEAD with a bare 400, a GET or
    # a copy with 400 InvalidRequest saying so (harness/s3_fidelity.py).
    s3.put_object(
        Bucket="src", Key="secret", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=b"k" * 32
    )
    put(s3, "src", "plain")
    progress = sync_all(s3, run_config(readRedirects=read_redirects))
    assert set(snapshot(s3, "dst")) == {"plain"}
    assert progress["counts"]["failed"] == 1
    assert progress["failures"] == [{"key": "secret", "reason": SSE_C}]


def test_mixed_bucket_resyncs_with_zero_copies(s3):
    put(s3, "src", "single", b"plain object")
    put_multipart(s3, "src", "multi", [5 * MIB, 5 * MIB, 7])
    for i in range(3):
        put(s3, "src", f"kms-{i}", b"encrypted %d" % i, ServerSideEncryption="aws:kms")
    first = sync_all(s3)["counts"]
    assert first["copied"] == 5
    src, dst = snapshot(s3, "src"), snapshot(s3, "dst")
    assert src["kms-0"][1] != dst["kms-0"][1], "the emulator must give KMS copies their own ETags"
    again = sync_all(s3)["counts"]
    assert (again["copied"], again["unchanged"]) == (0, 5)


def test_a_same_size_overwrite_of_the_destination_is_detected(s3):
    put(s3, "src", "k", b"aaaa")
    sync_all(s3)
    put(s3, "dst", "k", b"bbbb")  # written after the source, same size
    assert sync_all(s3)["counts"]["copied"] == 1
    assert s3.get_object(Bucket="dst", Key="k")["Body"].read() == b"aaaa"


def test_a_multipart_copy_that_cannot_finish_in_the_step_is_paused_not_lost(s3):
    put_multipart(s3, "src", "huge", [5 * MIB, 5 * MIB])
    listed = list_range(s3, "src", "", "", None, 10).entries
    outcome = copy_objects(s3, s3, "src", "dst", listed, CopyOptions(threads=2, seconds_left=lambda: 0.0))
    assert outcome.copied == [] and outcome.failures == [] and outcome.deferred == listed
    [upload] = s3.list_multipart_uploads(Bucket="dst")["Uploads"]
    assert outcome.paused == {"huge": upload["UploadId"]}
    assert snapshot(s3, "dst") == {}


def test_an_orphan_rewritten_after_the_listing_is_kept_and_named(s3):
    put(s3, "dst", "orphan", b"old")
    listed = list_range(s3, "dst", "", "", None, 10).entries
    put(s3, "dst", "orphan", b"written concurrently")
    outcome = delete_objects(s3, "dst", listed, threads=1, dry_run=False)
    assert outcome.deleted == 0 and outcome.failures[0]["key"] == "orphan"
    assert s3.get_object(Bucket="dst", Key="orphan")["Body"].read() == b"written concurrently"
