from datetime import UTC, datetime, timedelta

from bucket_sync.compare import Verdict, classify, is_multipart, part_count, settle
from bucket_sync.diff import merge
from bucket_sync.heads import Kept
from bucket_sync.listing import Entry

T0 = datetime(2026, 1, 1, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)


def entry(key: str, size: int = 1, etag: str = '"aa"', modified: datetime = T0) -> Entry:
    return Entry(key=key, size=size, etag=etag, last_modified=modified, storage_class="STANDARD")


def head(etag: str = '"aa"', modified: datetime = T0, **fields) -> dict:
    return {"ETag": etag, "LastModified": modified, **fields}


KEPT = Kept()


def test_part_count_reads_multipart_etags():
    assert part_count('"d41d8cd98f00b204e9800998ecf8427e"') == 1
    assert part_count('"d41d8cd98f00b204e9800998ecf8427e-12"') == 12


def test_a_one_part_multipart_etag_is_multipart():
    assert (
        is_multipart('"d41d8cd98f00b204e9800998ecf8427e-1"')
        and part_count('"d41d8cd98f00b204e9800998ecf8427e-1"') == 1
    )
    assert is_multipart('"d41d8cd98f00b204e9800998ecf8427e-10000"')
    assert not is_multipart('"d41d8cd98f00b204e9800998ecf8427e"')
    assert not is_multipart('"d41d8cd98f00b204e9800998ecf8427e-0"')
    assert not is_multipart('"d41d8cd98f00b204e9800998ecf8427e-x"')


def test_a_plain_copy_of_a_one_part_source_is_copied_again_into_its_shape():
    # Equal content gives different ETags in the two shapes: one more copy makes them equal.
    assert settle(head('"aa-1"'), head('"bb"'), KEPT) is False
    assert settle(head('"bb"'), head('"aa-1"'), KEPT) is False


def test_size_change_is_a_change_even_with_equal_etags():
    assert classify(entry("k", size=1), entry("k", size=2)) is Verdict.CHANGED


def test_equal_size_and_etag_with_the_copy_written_later_is_unchanged_without_a_request():
    assert classify(entry("k"), entry("k", modified=LATER)) is Verdict.UNCHANGED
    assert classify(entry("k"), entry("k")) is Verdict.UNCHANGED


def test_a_source_written_after_its_copy_with_the_same_etag_needs_the_headers():
    # Re-uploaded, or its headers changed in place (a copy onto itself keeps the ETag).
    assert classify(entry("k", modified=LATER), entry("k")) is Verdict.UNSURE


def test_same_size_edit_of_the_source_is_a_change_without_any_request():
    assert classify(entry("k", etag='"new"', modified=LATER), entry("k", etag='"old"')) is Verdict.CHANGED


def test_destination_written_later_with_another_etag_needs_the_headers():
    assert classify(entry("k", etag='"aa"'), entry("k", etag='"kms"', modified=LATER)) is Verdict.UNSURE


def test_equal_checksums_settle_kms_objects_as_unchanged():
    kms = {"ServerSideEncryption": "aws:kms", "ChecksumCRC32": "AAAAAA==", "ChecksumType": "FULL_OBJECT"}
    assert settle(head('"x1"', **kms), head('"x2"', **kms), KEPT)


def test_different_checksums_are_a_change():
    assert not settle(head('"a"', ChecksumCRC32="AAAA"), head('"b"', ChecksumCRC32="BBBB"), KEPT)


def test_md5_etags_over_the_same_layout_decide_without_checksums():
    assert not settle(head('"aa"'), head('"bb"'), KEPT)
    assert not settle(head('"aa-3"'), head('"bb-3"'), KEPT)


def test_without_checksums_opaque_etags_fall_back_to_the_later_write():
    assert settle(head('"aa"', ServerSideEncryption="aws:kms"), head('"bb"'), KEPT)
    assert settle(head('"aa-3"'), head('"bb-4"'), KEPT)
    assert settle(head('"aa"', SSECustomerAlgorithm="AES256"), head('"bb"'), KEPT)


def test_merge_sorts_every_key_into_exactly_one_outcome():
    source = [entry("a"), entry("b"), entry("c", etag='"new"', modified=LATER), entry("d"), entry("e")]
    destination = [entry("b"), entry("c"), entry("d", etag='"kms"', modified=LATER), entry("f")]
    plan = merge(source, destination)
    assert [e.key for e in plan.to_copy] == ["a", "c", "e"]
    assert [e.key for e in plan.to_delete] == ["f"]
    assert [(s.key, d.key) for s, d in plan.unsure] == [("d", "d")]
    assert plan.unchanged == ["b"]


def newer(**fields) -> dict:
    return head(modified=LATER, **fields)


def test_a_newer_source_with_the_same_headers_is_unchanged():
    same = {"ContentType": "text/html", "Metadata": {"a": "1"}, "TagCount": 2}
    assert settle(newer(**same), head(**same), KEPT)


def test_a_newer_source_whose_headers_changed_in_place_is_a_change():
    base = {"ContentType": "text/html", "Metadata": {"a": "1"}}
    assert not settle(newer(**{**base, "ContentType": "text/plain"}), head(**base), KEPT)
    assert not settle(newer(**{**base, "Metadata": {"a": "2"}}), head(**base), KEPT)
    assert not settle(newer(**base, CacheControl="no-cache"), head(**base), KEPT)
    assert not settle(newer(**base, TagCount=1), head(**base), KEPT)
    assert not settle(newer(**base, StorageClass="STANDARD_IA"), head(**base), KEPT)


def test_only_what_the_run_keeps_is_compared():
    redirect = newer(WebsiteRedirectLocation="/elsewhere")
    assert not settle(redirect, head(), KEPT)
    assert settle(redirect, head(), Kept(redirects=False))
    moved = newer(StorageClass="GLACIER_IR")
    assert settle(moved, head(StorageClass="STANDARD_IA"), Kept(storage_class=False))


def test_headers_are_compared_only_when_the_source_is_newer():
    # A destination written after its source was copied by a run that kept what it keeps.
    assert settle(head('"aa"', ServerSideEncryption="aws:kms", ContentType="a"), newer(etag='"bb"'), KEPT)
