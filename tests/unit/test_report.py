"""The run report: one JSON line per action, in objects of bounded size, and a summary."""

import json

import pytest

from bucket_sync import report
from bucket_sync.errors import InvalidInput
from bucket_sync.run_input import parse_input
from bucket_sync.runstore import RunStore
from bucket_sync.steps import sync_range
from tests.unit.support import Context, put, run_config, settings, whole_range
from tests.unit.test_range_step import sync_all

TARGET = {"bucket": "rep", "prefix": "reports/run-1/"}


def lines_of(s3, prefix="reports/run-1/actions/"):
    found = []
    for row in s3.list_objects_v2(Bucket="rep", Prefix=prefix).get("Contents", []):
        body = s3.get_object(Bucket="rep", Key=row["Key"])["Body"].read().decode()
        found.extend(json.loads(line) for line in body.splitlines())
    return found


def fill(s3):
    put(s3, "src", "new", b"12345")
    put(s3, "src", "cold", b"c", StorageClass="GLACIER")
    put(s3, "dst", "orphan", b"xy")


def test_every_action_of_a_run_is_a_line(s3):
    fill(s3)
    seen = []
    sync_all(s3, run=run_config(), on_actions=seen.extend)
    by_key = {line["key"]: line for line in seen}
    assert by_key["new"] == {"key": "new", "action": "copy", "size": 5, "etag": by_key["new"]["etag"]}
    assert by_key["orphan"]["action"] == "delete" and by_key["orphan"]["size"] == 2
    assert by_key["cold"]["action"] == "fail" and "GLACIER" in by_key["cold"]["reason"]


def test_a_dry_run_says_what_it_would_do(s3):
    fill(s3)
    seen = []
    sync_all(s3, run=run_config(dryRun=True), on_actions=seen.extend)
    assert {line["key"]: line["action"] for line in seen} == {
        "cold": "fail",
        "new": "would-copy",
        "orphan": "would-delete",
    }


def test_a_window_is_stored_in_parts_of_bounded_size(s3, monkeypatch):
    s3.create_bucket(Bucket="rep")
    monkeypatch.setattr(report, "PART_LINES", 2)
    lines = [{"key": f"k{i}", "action": "copy", "size": 1, "etag": '"e"'} for i in range(5)]
    report.write_window(s3, TARGET, "r000001-i000000-w000001", lines)
    keys = [row["Key"] for row in s3.list_objects_v2(Bucket="rep")["Contents"]]
    assert [k.rsplit("/", 1)[1] for k in keys] == [f"r000001-i000000-w000001-p000{n}.jsonl" for n in range(3)]
    assert lines_of(s3) == lines


def test_the_step_writes_its_windows_and_not_during_a_counting_pass(s3, run_table):
    s3.create_bucket(Bucket="rep")
    fill(s3)
    store = RunStore(run_table, run_config()["execution"])
    store.write_round(1, [whole_range()])
    counting = run_config(report=TARGET, countingOnly=True, maxDeletes=5)
    sync_range.handler({"run": counting, "round": 1, "index": 0}, Context())
    assert lines_of(s3) == []
    store.write_round(2, [whole_range()])
    sync_range.handler({"run": run_config(report=TARGET), "round": 2, "index": 0}, Context())
    assert sorted(line["action"] for line in lines_of(s3)) == ["copy", "delete", "fail"]


def test_a_report_needs_a_report_bucket():
    with pytest.raises(InvalidInput, match="report_bucket"):
        parse_input({"source": "src", "destination": "dst", "report": True}, settings())
    assert (
        parse_input({"source": "src", "destination": "dst"}, settings(report_bucket="rep"))["report"] is True
    )
    quiet = parse_input(
        {"source": "src", "destination": "dst", "report": False}, settings(report_bucket="rep")
    )
    assert quiet["report"] is False
