from datetime import UTC, datetime, timedelta

from bucket_sync.compare import etags_comparable, is_unchanged, part_count
from bucket_sync.diff import merge
from bucket_sync.listing import Entry

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def entry(key: str, size: int = 1, etag: str = '"aa"', modified: datetime = T0) -> Entry:
    return Entry(key=key, size=size, etag=etag, last_modified=modified, storage_class="STANDARD")


def test_part_count_reads_multipart_etags():
    assert part_count('"d41d8cd98f00b204e9800998ecf8427e"') == 1
    assert part_count('"d41d8cd98f00b204e9800998ecf8427e-12"') == 12


def test_etags_compare_only_with_the_same_part_layout():
    assert etags_comparable('"aa"', '"bb"')
    assert etags_comparable('"aa-3"', '"bb-3"')
    assert not etags_comparable('"aa-3"', '"bb"')
    assert not etags_comparable('"aa-3"', '"bb-4"')


def test_same_size_different_content_is_a_change():
    assert not is_unchanged(entry("k", etag='"aa"'), entry("k", etag='"bb"'))


def test_size_change_is_a_change_even_with_equal_etags():
    assert not is_unchanged(entry("k", size=1), entry("k", size=2))


def test_equal_size_and_etag_is_unchanged_whatever_the_dates():
    assert is_unchanged(entry("k", modified=T0 + timedelta(days=1)), entry("k", modified=T0))


def test_incomparable_etags_fall_back_to_last_modified():
    source = entry("k", etag='"aa-2"', modified=T0)
    assert is_unchanged(source, entry("k", etag='"bb"', modified=T0 + timedelta(seconds=1)))
    assert not is_unchanged(source, entry("k", etag='"bb"', modified=T0 - timedelta(seconds=1)))


def test_merge_sorts_every_key_into_exactly_one_outcome():
    source = [entry("a"), entry("b"), entry("c", etag='"new"'), entry("e")]
    destination = [entry("b"), entry("c"), entry("d"), entry("f")]
    plan = merge(source, destination)
    assert [e.key for e in plan.to_copy] == ["a", "c", "e"]
    assert [e.key for e in plan.to_delete] == ["d", "f"]
    assert plan.unchanged == 1
