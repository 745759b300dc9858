"""Hostile object keys, synced end to end: every byte of every key and body must survive.

Keys travel through URL paths (GET/PUT/COPY), query strings (StartAfter, Prefix), XML bodies
(ListObjectsV2 results, DeleteObjects requests) and, as range bounds, through the state
payload's JSON; each of those encodes differently, so each character class below stresses one.

Left out, because moto (5.2.5) cannot serve them, checked directly with boto3:
- ASCII control characters such as U+0001 as range bounds: ListObjectsV2 with such a StartAfter
  answers 500 in moto (it parses the query into XML 1.0). Listing such keys works: botocore asks
  for EncodingType=url on every ListObjectsV2 and decodes the keys, as S3 needs. Deleting them is
  covered elsewhere: DeleteObjects cannot carry them (the emulator answers 400 MalformedXML as S3
  does), so the deleter sends DeleteObject with If-Match one at a time (tests/unit/test_delete_xml_keys.py).
"""

from __future__ import annotations

import unicodedata

from harness.buckets import put_objects
from tests.deployment import DST, SRC

# 5 + 509 * 2 + 1 = 1,024 bytes in UTF-8: S3's longest key, with multi-byte characters.
LONGEST_KEY = "long-" + "é" * 509 + "x"

HOSTILE: dict[str, bytes] = {
    "with space/and more spaces": b"space",
    "plus+sign+a+b": b"plus",
    "percent%20not-an-escape%": b"percent",
    "percent%2Fslash%zz": b"percent-2",
    "question?mark=1": b"question",
    "hash#fragment": b"hash",
    "amp&equals=semi;colon": b"amp",
    "single'quote": b"single-quote",
    'double"quote': b"double-quote",
    "tilde~home": b"tilde",
    "xml<like>&amp;entities": b"xml",
    "back\\slash": b"backslash",
    "tab\there": b"tab",
    "café/naïve/Ångström/Øre": b"latin",
    "中文/日本語/한국어": b"cjk",
    "кириллица/Ёлка": b"cyrillic",
    "عربي/مرحبا": b"arabic",
    "emoji/😀🚀/👩‍👩‍👧": b"emoji, outside the BMP and with joiners",
    "double//slash": b"double slash",
    "//leading-slashes": b"leading slashes",
    "./leading-dot": b"leading dot",
    "../parent": b"dot dot",
    "a/./b/../c": b"dot segments inside",
    "folder/": b"",
    "folder/inside": b"folder content",
    "nested/folder/": b"",
    "trailing space ": b"trailing space",
    "trailing space": b"no trailing space",
    "trailing spaces   ": b"three trailing spaces",
    "no-break\u00a0space": b"nbsp",
    unicodedata.normalize("NFC", "é-composed"): b"nfc",
    unicodedata.normalize("NFD", "é-composed"): b"nfd",
    LONGEST_KEY: b"the longest key",
    "zero-byte": b"",
    "Case/Only": b"upper",
    "case/only": b"lower",
    "CASE/ONLY": b"shout",
}


def hostile_bodies() -> dict[str, bytes]:
    return dict(HOSTILE)


def assert_same_bodies(s3, keys) -> None:
    for key in keys:
        source = s3.get_object(Bucket=SRC, Key=key)["Body"].read()
        destination = s3.get_object(Bucket=DST, Key=key)["Body"].read()
        assert destination == source, key


def test_the_key_set_is_what_it_claims():
    assert len(LONGEST_KEY.encode()) == 1024
    assert len(set(HOSTILE)) == len(HOSTILE)
    assert len({k.lower() for k in HOSTILE}) < len(HOSTILE)  # case-only twins
    assert sum(1 for body in HOSTILE.values() if not body) >= 3


def test_hostile_keys_are_copied_byte_exactly_and_a_resync_copies_nothing(sync):
    put_objects(sync.s3, SRC, hostile_bodies())
    result = sync.run(source=SRC, destination=DST)
    assert result.status == "SUCCEEDED", result.cause
    expected = {
        "copied": len(HOSTILE),
        "copiedBytes": sum(len(body) for body in HOSTILE.values()),
        "deleted": 0,
        "unchanged": 0,
        "failed": 0,
        "failures": [],
        "failuresNotListed": 0,
    }
    assert {field: result.output[field] for field in expected} == expected
    assert set(sync.snapshot(DST)) == set(HOSTILE)
    assert sync.snapshot(DST) == sync.snapshot(SRC)
    assert_same_bodies(sync.s3, HOSTILE)

    again = sync.run(source=SRC, destination=DST)
    assert again.status == "SUCCEEDED", again.cause
    assert (again.output["copied"], again.output["deleted"], again.output["unchanged"]) == (
        0,
        0,
        len(HOSTILE),
    )


def test_a_same_size_change_to_a_hostile_key_is_recopied(sync):
    put_objects(sync.s3, SRC, hostile_bodies())
    assert sync.run(source=SRC, destination=DST).status == "SUCCEEDED"
    changed = [
        "emoji/😀🚀/👩‍👩‍👧",
        LONGEST_KEY,
        "trailing space ",
        'double"quote',
        "plus+sign+a+b",
        "case/only",
    ]
    put_objects(sync.s3, SRC, {key: bytes(reversed(HOSTILE[key])).upper() for key in changed})
    for key in changed:
        assert len(sync.s3.get_object(Bucket=SRC, Key=key)["Body"].read()) == len(HOSTILE[key])

    result = sync.run(source=SRC, destination=DST)
    assert result.status == "SUCCEEDED", result.cause
    assert (result.output["copied"], result.output["unchanged"]) == (
        len(changed),
        len(HOSTILE) - len(changed),
    )
    assert sync.snapshot(DST) == sync.snapshot(SRC)
    assert_same_bodies(sync.s3, HOSTILE)
    # The case twins of a changed key were left alone.
    assert sync.s3.get_object(Bucket=DST, Key="Case/Only")["Body"].read() == b"upper"


# Destination-only keys that are near neighbours of source keys: a byte apart, a case apart, a
# normalization apart, a prefix or an extension of one. Each must go, and nothing else.
ORPHANS: dict[str, bytes] = {
    "with space/and more spaces ": b"extra trailing space",
    "with%20space/and more spaces": b"percent-encoded twin",
    "with+space/and more spaces": b"plus twin",
    "plus sign a b": b"spaces for pluses",
    "hash": b"truncated at the hash",
    "question": b"truncated at the question mark",
    "case/Only": b"a fourth case",
    "folder": b"folder without its slash",
    "folder//": b"folder with two slashes",
    "double/slash": b"one slash fewer",
    "/leading-slashes": b"one leading slash fewer",
    "leading-dot": b"without ./",
    "cafe/naive/Angstrom/Ore": b"accents stripped",
    unicodedata.normalize("NFD", "café/naïve/Ångström/Øre"): b"decomposed twin",
    "emoji/😀": b"a prefix of a source key",
    "emoji/😀🚀/👩‍👩‍👧/": b"an extension of a source key",
    "中文/日本語/한국어 ": b"cjk with trailing space",
    "zero-byte\u200b": b"",
    LONGEST_KEY[:-1] + "y": b"the longest key, last byte changed",
    "zzz-after-everything/😀": b"last",
    " leading space": b"first",
}


def test_hostile_orphans_are_deleted_exactly(sync):
    assert not set(ORPHANS) & set(HOSTILE)
    put_objects(sync.s3, SRC, hostile_bodies())
    put_objects(sync.s3, DST, {**hostile_bodies(), **ORPHANS})
    result = sync.run(source=SRC, destination=DST)
    assert result.status == "SUCCEEDED", result.cause
    assert (result.output["deleted"], result.output["unchanged"], result.output["copied"]) == (
        len(ORPHANS),
        len(HOSTILE),
        0,
    )
    assert set(sync.snapshot(DST)) == set(HOSTILE)
    assert sync.snapshot(DST) == sync.snapshot(SRC)
    assert set(sync.snapshot(SRC)) == set(HOSTILE)


def test_a_hostile_prefix_limits_both_sides(sync):
    prefix = "中文 dir+/é?#/"
    inside = {prefix + key: body for key, body in HOSTILE.items() if len((prefix + key).encode()) <= 1024}
    outside = {"中文 dir+/é?#": b"the prefix without its slash", "中文 dir+/e?#/x": b"unaccented"}
    put_objects(sync.s3, SRC, {**inside, **outside})
    put_objects(sync.s3, DST, {prefix + "orphan ": b"in scope", "中文 dir+/é?#": b"out of scope"})
    result = sync.run(source=SRC, destination=DST, prefix=prefix)
    assert result.status == "SUCCEEDED", result.cause
    assert result.output["prefix"] == prefix
    assert (result.output["copied"], result.output["deleted"]) == (len(inside), 1)
    assert set(sync.snapshot(DST)) == set(inside) | {"中文 dir+/é?#"}
    assert sync.s3.get_object(Bucket=DST, Key="中文 dir+/é?#")["Body"].read() == b"out of scope"


def test_a_hostile_start_after_leaves_earlier_keys_alone(sync):
    put_objects(sync.s3, SRC, hostile_bodies())
    cut = "emoji/😀🚀/👩‍👩‍👧"
    later = {key for key in HOSTILE if key.encode() > cut.encode()}
    assert 0 < len(later) < len(HOSTILE)
    result = sync.run(source=SRC, destination=DST, startAfter=cut)
    assert result.status == "SUCCEEDED", result.cause
    assert result.output["copied"] == len(later)
    assert set(sync.snapshot(DST)) == later


# Scripts and separators for a bucket larger than one listing page, so PlanRanges bounds the
# highest key with one-key probes and cuts ranges at sampled or computed keys beyond ASCII.
SCRIPTS = ["a b", "a+b", "é", "Ø", "ж", "Ж", "ع", "中", "日", "한", "😀", "🚀", "%", "~", "'", '"']


def many_hostile_keys(count: int) -> dict[str, bytes]:
    objects = {}
    for i in range(count):
        script = SCRIPTS[i % len(SCRIPTS)]
        key = f"{script}/{SCRIPTS[(i * 7) % len(SCRIPTS)]}{i:05} {script}"
        objects[key] = f"{i}:{key}".encode()
    return objects


def test_more_than_a_page_of_hostile_keys_spread_over_ranges(sync):
    objects = many_hostile_keys(1300)
    put_objects(sync.s3, SRC, objects, threads=32)
    orphans = {key + "~orphan": b"x" for key in list(objects)[::97]}
    put_objects(sync.s3, DST, orphans)
    result = sync.run(source=SRC, destination=DST)
    assert result.status == "SUCCEEDED", result.cause
    assert (result.output["copied"], result.output["deleted"]) == (len(objects), len(orphans))
    assert sync.snapshot(DST) == sync.snapshot(SRC)
    assert len(sync.sfn.list_map_runs(executionArn=result.arn)["mapRuns"]) >= 2

    again = sync.run(source=SRC, destination=DST)
    assert (again.output["copied"], again.output["unchanged"]) == (0, len(objects))
