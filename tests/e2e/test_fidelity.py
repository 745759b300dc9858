"""Exact change detection and faithful copies, end to end on the emulator."""

from __future__ import annotations

import json

from harness.buckets import backdate, put_objects
from tests.deployment import DST, SRC
from tests.unit.support import MIB, put_multipart


def test_mixed_bucket_is_copied_faithfully_and_never_recopied(sync):
    s3 = sync.s3
    put_objects(s3, SRC, {f"plain/{i:03}": b"p%03d" % i for i in range(40)})
    put_objects(s3, SRC, {f"kms/{i:03}": b"k%03d" % i for i in range(20)}, ServerSideEncryption="aws:kms")
    multipart_etags = {
        "multi/even": put_multipart(s3, SRC, "multi/even", [5 * MIB, 5 * MIB, 100]),
        "multi/uneven": put_multipart(
            s3, SRC, "multi/uneven", [7 * MIB, 5 * MIB], Metadata={"kind": "uneven"}
        ),
    }
    put_objects(
        s3,
        SRC,
        {"site/moved.html": b""},
        WebsiteRedirectLocation="/site/new.html",
        ContentType="text/html",
        CacheControl="max-age=300",
        Metadata={"owner": "web"},
        Tagging="team=web",
        StorageClass="STANDARD_IA",
    )

    first = sync.run(source=SRC, destination=DST)
    assert first.status == "SUCCEEDED", first.cause
    assert first.output["copied"] == 63

    destination = sync.snapshot(DST)
    for key, etag in multipart_etags.items():
        assert destination[key][1] == etag, "multipart copies keep the source's part layout and ETag"
    kms_source, kms_copy = sync.snapshot(SRC)["kms/000"], destination["kms/000"]
    assert kms_source[0] == kms_copy[0] and kms_source[1] != kms_copy[1], "KMS copies get ETags of their own"
    head = s3.head_object(Bucket=DST, Key="site/moved.html")
    assert head["WebsiteRedirectLocation"] == "/site/new.html"
    assert (head["ContentType"], head["CacheControl"], head["Metadata"]) == (
        "text/html",
        "max-age=300",
        {"owner": "web"},
    )
    assert head["StorageClass"] == "STANDARD_IA"
    assert s3.get_object_tagging(Bucket=DST, Key="site/moved.html")["TagSet"] == [
        {"Key": "team", "Value": "web"}
    ]
    assert s3.head_object(Bucket=DST, Key="multi/uneven")["Metadata"] == {"kind": "uneven"}

    again = sync.run(source=SRC, destination=DST)
    assert again.status == "SUCCEEDED", again.cause
    print(
        "re-run of a mixed bucket:",
        json.dumps({k: again.output[k] for k in ("copied", "unchanged", "deleted")}),
    )
    assert (again.output["copied"], again.output["unchanged"]) == (0, 63)


def test_multipart_sources_of_one_two_and_three_parts_keep_their_etags_and_are_not_copied_again(sync):
    s3 = sync.s3
    etags = {
        "parts/1": put_multipart(s3, SRC, "parts/1", [100]),
        "parts/2": put_multipart(s3, SRC, "parts/2", [5 * MIB, 100]),
        "parts/3": put_multipart(s3, SRC, "parts/3", [5 * MIB, 5 * MIB, 100]),
    }
    assert [etag.strip('"').rsplit("-", 1)[1] for etag in etags.values()] == ["1", "2", "3"]

    first = sync.run(source=SRC, destination=DST)
    assert first.status == "SUCCEEDED", first.cause
    assert first.output["copied"] == 3
    destination = sync.snapshot(DST)
    assert {key: destination[key][1] for key in etags} == etags, "each copy has its source's ETag"

    again = sync.run(source=SRC, destination=DST)
    assert again.status == "SUCCEEDED", again.cause
    assert (again.output["copied"], again.output["unchanged"]) == (0, 3)


def test_same_size_edits_on_either_side_are_recopied(sync):
    put_objects(sync.s3, SRC, {"a": b"1111", "b": b"2222", "c": b"3333"})
    sync.run(source=SRC, destination=DST)
    put_objects(sync.s3, SRC, {"a": b"AAAA"})  # the source changed
    put_objects(sync.s3, DST, {"b": b"BBBB"})  # the destination was overwritten
    result = sync.run(source=SRC, destination=DST)
    assert (result.output["copied"], result.output["unchanged"]) == (2, 1)
    assert sync.snapshot(DST) == sync.snapshot(SRC)


def test_headers_changed_in_place_reach_the_copy_and_then_cost_nothing(sync):
    s3 = sync.s3
    put_objects(s3, SRC, {"page.html": b"<p>", "data.csv": b"a,b"}, ContentType="text/plain")
    assert sync.run(source=SRC, destination=DST).output["copied"] == 2
    for key in ("page.html", "data.csv"):
        backdate(DST, key)
    # A copy onto itself keeps the ETag: only LastModified says the headers may have changed.
    s3.copy_object(
        Bucket=SRC,
        Key="page.html",
        CopySource={"Bucket": SRC, "Key": "page.html"},
        MetadataDirective="REPLACE",
        ContentType="text/html",
        Metadata={"reviewed": "yes"},
    )
    put_objects(s3, SRC, {"data.csv": b"a,b"}, ContentType="text/plain")  # re-uploaded as it was

    changed = sync.run(source=SRC, destination=DST)
    assert changed.status == "SUCCEEDED", changed.cause
    assert (changed.output["copied"], changed.output["unchanged"]) == (1, 1)
    head = s3.head_object(Bucket=DST, Key="page.html")
    assert (head["ContentType"], head["Metadata"]) == ("text/html", {"reviewed": "yes"})

    again = sync.run(source=SRC, destination=DST)
    assert (again.output["copied"], again.output["unchanged"]) == (0, 2)
