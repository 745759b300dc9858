"""Keys a DeleteObjects body (XML 1.0) cannot carry are deleted one at a time with DeleteObject,
on the listed ETag (If-Match), while every other key still goes in DeleteObjects batches."""

import pytest

from bucket_sync import deleter
from bucket_sync.deleter import REWRITTEN, xml_can_carry
from bucket_sync.listing import list_range
from harness.buckets import snapshot
from tests.unit.support import delete_all, put
from tests.unit.xml_strict import answer_malformed_bodies, record

CONTROL = "a\x01b"  # U+0001: no XML 1.0 document can hold it, not even as &#1;
# TAB, LF and CR are XML (botocore writes LF and CR as references), so they stay in batches.
XML_SAFE = ["tab\tkey", "lf\nkey", "cr\rkey", "plain"]


@pytest.fixture
def strict_s3(s3):
    """The moto client, answering a body XML cannot carry as S3 does (see xml_strict)."""
    answer_malformed_bodies(s3)
    return s3


def listed(s3):
    return list_range(s3, "dst", "", "", None, 100).entries


def test_which_keys_xml_can_carry():
    assert [xml_can_carry(key) for key in [CONTROL, "\x1f", "\x00", *XML_SAFE]] == [False] * 3 + [True] * 4


def test_a_key_xml_cannot_carry_is_deleted_alone_on_its_listed_etag(strict_s3):
    for key in [CONTROL, *XML_SAFE]:
        put(strict_s3, "dst", key)
    singles, batches = record(strict_s3, "DeleteObject"), record(strict_s3, "DeleteObjects")
    entries = listed(strict_s3)
    outcome = delete_all(strict_s3, "dst", entries, threads=2, dry_run=False)
    assert (outcome.deleted, outcome.failures, outcome.retry) == (5, [], [])
    assert snapshot(strict_s3, "dst") == {}
    etag = next(entry.etag for entry in entries if entry.key == CONTROL)
    assert singles == [{"Bucket": "dst", "Key": CONTROL, "IfMatch": etag}]
    assert sorted(o["Key"] for o in batches[0]["Delete"]["Objects"]) == sorted(XML_SAFE)


def test_a_key_xml_cannot_carry_rewritten_since_listed_is_kept_and_named(strict_s3):
    put(strict_s3, "dst", CONTROL, b"old")
    entries = listed(strict_s3)
    put(strict_s3, "dst", CONTROL, b"rewritten by someone else")
    outcome = delete_all(strict_s3, "dst", entries, threads=1, dry_run=False)
    assert outcome.deleted == 0 and outcome.failures == [{"key": CONTROL, "reason": REWRITTEN}]
    assert set(snapshot(strict_s3, "dst")) == {CONTROL}


def test_a_key_xml_cannot_carry_deleted_by_someone_else_first_counts_as_deleted(strict_s3):
    put(strict_s3, "dst", CONTROL)
    entries = listed(strict_s3)
    strict_s3.delete_object(Bucket="dst", Key=CONTROL)
    outcome = delete_all(strict_s3, "dst", entries, threads=1, dry_run=False)
    assert (outcome.deleted, outcome.failures, outcome.retry) == (1, [], [])


@pytest.fixture
def sdk_without_if_match(monkeypatch):
    """As in a runtime whose botocore has no If-Match on DeleteObject (1.34.162 has none)."""
    monkeypatch.setattr(deleter, "supports_if_match", lambda s3: False)


def test_without_if_match_a_key_xml_cannot_carry_is_kept_and_named(strict_s3, sdk_without_if_match):
    put(strict_s3, "dst", CONTROL)
    put(strict_s3, "dst", "plain")
    singles = record(strict_s3, "DeleteObject")
    outcome = delete_all(strict_s3, "dst", listed(strict_s3), threads=1, dry_run=False)
    assert singles == [] and set(snapshot(strict_s3, "dst")) == {CONTROL}
    assert outcome.deleted == 1 and [f["key"] for f in outcome.failures] == [CONTROL]
    assert "cannot make a delete conditional" in outcome.failures[0]["reason"]


def test_without_if_match_opting_in_deletes_it_unconditionally(strict_s3, sdk_without_if_match):
    put(strict_s3, "dst", CONTROL)
    singles = record(strict_s3, "DeleteObject")
    outcome = delete_all(
        strict_s3, "dst", listed(strict_s3), threads=1, dry_run=False, allow_unconditional=True
    )
    assert outcome.deleted == 1 and snapshot(strict_s3, "dst") == {}
    assert singles == [{"Bucket": "dst", "Key": CONTROL}]


def test_a_batch_s3_calls_malformed_is_deleted_one_key_at_a_time_on_one_reservation(s3):
    refused = answer_malformed_bodies(s3, always=True)
    for key in ["k1", "k2"]:
        put(s3, "dst", key)
    entries = listed(s3)
    singles = record(s3, "DeleteObject")
    reserved: list[int] = []
    outcome = delete_all(
        s3,
        "dst",
        entries,
        threads=2,
        dry_run=False,
        reserve=lambda batch: reserved.append(len(batch)) or True,
    )
    assert len(refused) == 1 and snapshot(s3, "dst") == {}
    assert (outcome.deleted, outcome.failures) == (2, [])
    assert sorted((p["Key"], p["IfMatch"]) for p in singles) == [(e.key, e.etag) for e in entries]
    assert reserved == [2]
