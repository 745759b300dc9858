"""Headers changed in place (same ETag, newer source) reach the destination, and a pair found
equal by its headers costs its two HEADs once, not on every run (verified.py)."""

from __future__ import annotations

from typing import Any

import pytest

from bucket_sync.heads import Kept
from bucket_sync.range_step import start_progress, sync_window
from bucket_sync.verified import Verified
from harness.buckets import backdate
from tests.unit.support import put, run_config, settings, whole_range


class Heads:
    """Counts HeadObject requests made by a client."""

    def __init__(self, s3: Any) -> None:
        self.count = 0
        s3.meta.events.register("before-call.s3.HeadObject", self._seen)

    def _seen(self, **_: Any) -> None:
        self.count += 1


@pytest.fixture
def verified(s3: Any, run_table: Any) -> Verified:
    return Verified(run_table, "src", "dst", Kept())


def one_window(s3: Any, verified: Verified | None = None, **run: Any) -> dict:
    progress, requests = sync_window(
        s3,
        s3,
        run_config(**run),
        whole_range(),
        start_progress(whole_range()),
        settings(),
        verified=verified,
    )
    return {**progress["counts"], **{name: requests[name] for name in ("settled", "remembered")}}


def change_in_place(s3: Any, key: str, **headers: Any) -> None:
    s3.copy_object(
        Bucket="src",
        Key=key,
        CopySource={"Bucket": "src", "Key": key},
        MetadataDirective="REPLACE",
        **headers,
    )


def test_headers_changed_in_place_are_copied_and_then_settled(s3, verified):
    put(s3, "src", "page", b"<html>", ContentType="text/html", Metadata={"v": "1"})
    assert one_window(s3, verified)["copied"] == 1
    backdate("dst", "page")
    change_in_place(s3, "page", ContentType="text/html; charset=utf-8", Metadata={"v": "2"})
    assert (
        s3.head_object(Bucket="src", Key="page")["ETag"] == s3.head_object(Bucket="dst", Key="page")["ETag"]
    )

    counts = one_window(s3, verified)
    assert (counts["copied"], counts["unchanged"], counts["settled"]) == (1, 0, 1)
    copy = s3.head_object(Bucket="dst", Key="page")
    assert (copy["ContentType"], copy["Metadata"]) == ("text/html; charset=utf-8", {"v": "2"})

    heads = Heads(s3)
    counts = one_window(s3, verified)
    assert (counts["copied"], counts["unchanged"], heads.count) == (0, 1, 0)


@pytest.mark.parametrize(
    "change",
    [
        {"CacheControl": "max-age=60"},
        {"ContentDisposition": "attachment"},
        {"Metadata": {"owner": "them"}},
        {"WebsiteRedirectLocation": "/new"},
        {"StorageClass": "STANDARD_IA"},
    ],
)
def test_every_field_a_copy_keeps_is_compared(s3, change):
    put(s3, "src", "k", b"body")
    one_window(s3)
    backdate("dst", "k")
    change_in_place(s3, "k", **change)
    assert one_window(s3)["copied"] == 1


def test_a_redirect_the_run_does_not_keep_is_not_compared(s3):
    put(s3, "src", "k", b"body")
    one_window(s3, readRedirects=False)
    backdate("dst", "k")
    change_in_place(s3, "k", WebsiteRedirectLocation="/new")
    counts = one_window(s3, readRedirects=False)
    assert (counts["copied"], counts["unchanged"]) == (0, 1)


def test_an_identical_re_upload_costs_two_heads_once(s3, verified):
    put(s3, "src", "k", b"same", ContentType="text/plain")
    one_window(s3, verified)
    backdate("dst", "k")
    put(s3, "src", "k", b"same", ContentType="text/plain")

    heads = Heads(s3)
    counts = one_window(s3, verified)
    assert (counts["copied"], counts["unchanged"], counts["remembered"], heads.count) == (0, 1, 0, 2)
    counts = one_window(s3, verified)
    assert (counts["copied"], counts["unchanged"], counts["remembered"], heads.count) == (0, 1, 1, 2)


def test_without_the_memory_every_run_reads_the_headers_again(s3):
    put(s3, "src", "k", b"same")
    one_window(s3)
    backdate("dst", "k")
    put(s3, "src", "k", b"same")
    heads = Heads(s3)
    one_window(s3)
    one_window(s3)
    assert heads.count == 4


def test_a_write_after_the_verification_is_seen(s3, verified):
    put(s3, "src", "k", b"same")
    one_window(s3, verified)
    backdate("dst", "k")
    put(s3, "src", "k", b"same")
    assert one_window(s3, verified)["unchanged"] == 1
    backdate("dst", "k", 120)
    backdate("src", "k", 60)
    change_in_place(s3, "k", Metadata={"changed": "yes"})
    counts = one_window(s3, verified)
    assert (counts["copied"], counts["remembered"]) == (1, 0)
    assert s3.head_object(Bucket="dst", Key="k")["Metadata"] == {"changed": "yes"}


def test_a_verification_is_not_shared_with_a_run_that_keeps_more(s3, run_table):
    put(s3, "src", "k", b"same")
    one_window(s3)
    backdate("dst", "k")
    put(s3, "src", "k", b"same")
    one_window(s3, Verified(run_table, "src", "dst", Kept(redirects=False)), readRedirects=False)
    counts = one_window(s3, Verified(run_table, "src", "dst", Kept()))
    assert counts["remembered"] == 0
