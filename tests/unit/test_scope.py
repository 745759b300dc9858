"""Include and exclude patterns: which keys a run covers, and what part of the key space it lists."""

import pytest

from bucket_sync.errors import InvalidInput
from bucket_sync.run_input import parse_input
from bucket_sync.scope import check_patterns, in_scope, literal_lead
from tests.unit.support import put, run_config, settings
from tests.unit.test_range_step import sync_all


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("logs/a.txt", True),
        ("logs/deep/b.txt", True),  # '*' crosses '/'
        ("logs/a.tmp", False),  # exclude wins
        ("logs/a.txt.tmp", False),
        ("img/a.txt", False),  # no include matches
        ("logs/x1.csv", True),
        ("logs/x12.csv", False),  # '?' is one character
    ],
)
def test_a_key_is_in_scope_when_an_include_matches_and_no_exclude(key, expected):
    include, exclude = ["logs/*.txt", "logs/*.tmp", "logs/x?.csv"], ["*.tmp"]
    assert in_scope(key, "", include, exclude) is expected


def test_patterns_match_the_key_relative_to_the_prefix_and_classes_work():
    assert in_scope("data/2024/a", "data/", ["202[0-4]/*"], []) is True
    assert in_scope("data/2025/a", "data/", ["202[0-4]/*"], []) is False
    assert in_scope("data/2025/a", "data/", ["202[!0-4]/*"], []) is True
    assert in_scope("data/anything", "data/", [], []) is True


def test_only_the_literal_start_all_includes_share_is_listed():
    assert literal_lead(["logs/2024/*.gz", "logs/2025/*.gz"]) == "logs/202"
    assert literal_lead(["logs/a", "img/b"]) == ""
    assert literal_lead(["*.gz"]) == "" and literal_lead([]) == ""
    options = parse_input(
        {"source": "src", "destination": "dst", "prefix": "p/", "include": ["x/*"]}, settings()
    )
    assert options["listPrefix"] == "p/x/" and options["prefix"] == "p/"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("*.tmp", "must be a list"),
        ([1], "must be a list"),
        ([""], "1 to 1024 characters"),
        (["a[bc"], "never closes"),
        (["*"] * 101, "at most 100"),
        (["é" * 1000] * 4, "bytes as JSON"),
    ],
)
def test_malformed_or_oversized_patterns_are_invalid_input(value, message):
    with pytest.raises(InvalidInput, match=message):
        parse_input({"source": "src", "destination": "dst", "exclude": value}, settings())


def test_a_closed_class_is_fine_even_with_a_leading_bracket():
    assert check_patterns("include", ["[]]x", "[!]]y", "a[b]c"]) == ["[]]x", "[!]]y", "a[b]c"]


def test_module_defaults_apply_when_the_run_gives_no_patterns():
    options = parse_input({"source": "src", "destination": "dst"}, settings(default_exclude=("*.tmp",)))
    assert options["exclude"] == ["*.tmp"] and options["include"] == []
    given = parse_input(
        {"source": "src", "destination": "dst", "exclude": []}, settings(default_exclude=("*.tmp",))
    )
    assert given["exclude"] == []


def test_out_of_scope_keys_are_neither_copied_nor_deleted(s3):
    for key in ("keep.txt", "skip.tmp"):
        put(s3, "src", key)
    for key in ("orphan.txt", "scratch.tmp"):
        put(s3, "dst", key)
    progress = sync_all(s3, run=run_config(exclude=["*.tmp"]))
    assert progress["counts"]["copied"] == 1 and progress["counts"]["deleted"] == 1
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket="dst")["Contents"]) == [
        "keep.txt",
        "scratch.tmp",
    ]
