"""The run table: what a round stores, what its children update, what the tally reads back."""

import pytest

from bucket_sync.errors import InvalidInput
from bucket_sync.payloads import RunState, zero_counts
from bucket_sync.range_step import start_progress
from bucket_sync.run_input import parse_input
from bucket_sync.runstore import RunStore
from bucket_sync.steps import record_range_error, sync_range
from bucket_sync.steps.plan_ranges import pending_ranges, plan_ranges
from tests.unit.support import Context, run_config, settings, whole_range

EXECUTION = run_config()["execution"]
LONG = "k" * 1024


def state(resume):
    return RunState(run=run_config(), round=2, totals=zero_counts(), failures=[], resumeRound=resume)


def test_a_round_reads_back_in_key_order_with_its_progress(run_table):
    store = RunStore(run_table, EXECUTION)
    ranges = [{"after": f"{LONG}{n:04}", "upTo": f"{LONG}{n + 1:04}"} for n in range(30)]
    store.write_round(1, ranges)
    progress = {**start_progress(ranges[7]), "cursor": ranges[7]["after"] + "x", "steps": 1}
    store.save_progress(1, 7, ranges[7], progress)
    records = store.read_round(1)
    assert [r.range for r in records] == ranges
    assert records[7].progress == progress and records[8].progress is None
    assert RunStore(run_table, "another-run").read_round(1) == []


def test_a_recorded_error_keeps_the_progress_so_far(run_table):
    store = RunStore(run_table, EXECUTION)
    store.write_round(3, [whole_range()])
    progress = {**start_progress(whole_range()), "steps": 2}
    store.save_progress(3, 0, whole_range(), progress)
    store.record_error(3, 0, {"Error": "States.Timeout", "Cause": ""})
    [record] = store.read_round(3)
    assert record.error == {"Error": "States.Timeout", "Cause": ""} and record.progress == progress


def test_the_next_round_resumes_unfinished_ranges_from_their_cursors(run_table):
    store = RunStore(run_table, EXECUTION)
    ranges = [
        {"after": "", "upTo": "f"},
        {"after": "f", "upTo": "m"},
        {"after": "m", "upTo": "t"},
        {"after": "t", "upTo": None},
    ]
    store.write_round(1, ranges)
    store.save_progress(1, 0, ranges[0], {**start_progress(ranges[0]), "done": True})
    store.save_progress(1, 1, ranges[1], {**start_progress(ranges[1]), "cursor": "h", "steps": 8})
    store.save_progress(1, 2, ranges[2], start_progress(ranges[2]))
    store.record_error(1, 2, {"Error": "Lambda.Unknown", "Cause": "boom"})
    # Range 2 stopped on an error: it goes on from its cursor, one attempt spent. Range 3 never
    # reported (its error could not be recorded): it starts over from its bound.
    assert pending_ranges(state(1), store) == (
        [
            {"after": "h", "upTo": "m"},
            {"after": "m", "upTo": "t", "attempts": 1},
            {"after": "t", "upTo": None},
        ],
        [],
    )
    assert pending_ranges(state(None), store) == ([{"after": "", "upTo": None}], [])


def test_paused_copies_of_a_range_handed_back_go_to_the_new_range_that_holds_them(s3, run_table):
    for key in ("a", "c", "e", "g", "i", "k"):
        s3.put_object(Bucket="src", Key=key, Body=b"1")
    store = RunStore(run_table, EXECUTION)
    store.write_round(1, [whole_range()])
    paused = {"key": "i", "etag": '"x-2"', "uploadId": "u-1"}
    store.save_progress(
        1,
        0,
        whole_range(),
        {**start_progress(whole_range()), "cursor": "b", "steps": 100, "uploads": [paused]},
    )
    next_state = plan_ranges(state(1), s3, store, settings(max_ranges=3, chunk_size=1))
    records = store.read_round(next_state["round"])
    holders = [r for r in records if r.progress is not None]
    assert len(records) > 1 and [h.progress["uploads"] for h in holders] == [[paused]]
    [holder] = holders
    assert holder.range["after"] < "i" and (holder.range["upTo"] is None or "i" <= holder.range["upTo"])
    assert holder.progress["cursor"] == holder.range["after"] and holder.progress["steps"] == 0


def test_the_childs_catch_records_the_error_and_returns_nothing(run_table):
    store = RunStore(run_table, EXECUTION)
    store.write_round(1, [whole_range()])
    event = {
        "run": run_config(),
        "round": 1,
        "index": 0,
        "error": {"Error": "Sandbox.Timedout", "Cause": "c" * 5000},
    }
    assert record_range_error.handler(event, Context()) == {}
    [record] = store.read_round(1)
    assert record.error["Error"] == "Sandbox.Timedout" and len(record.error["Cause"]) <= 300


def test_a_step_reads_its_bounds_once_and_stores_its_progress(s3, run_table):
    s3.put_object(Bucket="src", Key="b", Body=b"1")
    s3.put_object(Bucket="src", Key="n", Body=b"2")
    store = RunStore(run_table, EXECUTION)
    store.write_round(1, [{"after": "", "upTo": "m"}])
    result = sync_range.handler({"run": run_config(), "round": 1, "index": 0}, Context())
    assert result["range"] == {"after": "", "upTo": "m"} and result["progress"]["done"] is True
    [record] = store.read_round(1)
    assert record.progress == result["progress"] and record.progress["counts"]["copied"] == 1


@pytest.mark.parametrize("field", ["prefix", "startAfter"])
def test_a_prefix_or_start_longer_than_any_key_is_invalid(field):
    too_long = "é" * 513  # 1,026 bytes in UTF-8
    with pytest.raises(InvalidInput, match="1024 bytes"):
        parse_input({"source": "src", "destination": "dst", field: too_long}, settings())
    assert parse_input({"source": "src", "destination": "dst", field: "é" * 512}, settings())[field]


def test_one_invocation_runs_windows_until_the_range_is_done(s3, run_table, monkeypatch):
    for i in range(25):
        s3.put_object(Bucket="src", Key=f"k{i:02}", Body=b"v")
    monkeypatch.setenv("CHUNK_SIZE", "4")
    RunStore(run_table, EXECUTION).write_round(1, [whole_range()])
    result = sync_range.handler({"run": run_config(), "round": 1, "index": 0}, Context())
    assert result["progress"]["done"] is True and result["progress"]["steps"] == 7
    assert result["progress"]["counts"]["copied"] == 25


def test_an_invocation_stops_at_the_step_budget_or_when_its_time_runs_short(s3, run_table, monkeypatch):
    for i in range(25):
        s3.put_object(Bucket="src", Key=f"k{i:02}", Body=b"v")
    monkeypatch.setenv("CHUNK_SIZE", "4")
    monkeypatch.setenv("MAX_STEPS_PER_RANGE", "3")
    store = RunStore(run_table, EXECUTION)
    store.write_round(1, [whole_range()])
    first = sync_range.handler({"run": run_config(), "round": 1, "index": 0}, Context())
    assert (first["progress"]["steps"], first["progress"]["done"]) == (3, False)
    monkeypatch.setenv("MAX_STEPS_PER_RANGE", "100")
    # The invocation's time runs short once it has stored two windows: it starts no third.
    context = ShortOfTime()
    saving = sync_range.store_progress

    def store_progress(*args):
        context.windows += 1
        return saving(*args)

    monkeypatch.setattr(sync_range, "store_progress", store_progress)
    again = sync_range.handler({**first, "run": run_config()}, context)
    assert again["progress"]["steps"] == 5 and again["progress"]["cursor"] > first["progress"]["cursor"]


class ShortOfTime(Context):
    """Plenty of time until two windows are stored, then a millisecond."""

    windows = 0

    def get_remaining_time_in_millis(self) -> int:
        return 300_000 if self.windows < 2 else 1


def test_a_retried_invocation_resumes_from_the_last_window_it_stored(s3, run_table, monkeypatch):
    for i in range(12):
        s3.put_object(Bucket="src", Key=f"k{i:02}", Body=b"v")
    monkeypatch.setenv("CHUNK_SIZE", "4")
    store = RunStore(run_table, EXECUTION)
    store.write_round(1, [whole_range()])
    # The crashed invocation had done two windows (8 keys) and stored them; its input is older.
    stored = {**start_progress(whole_range()), "cursor": "k07", "steps": 2}
    stored["counts"] = {**stored["counts"], "copied": 8}
    store.save_progress(1, 0, whole_range(), stored)
    result = sync_range.handler({"run": run_config(), "round": 1, "index": 0}, Context())
    assert result["progress"]["done"] is True and result["progress"]["counts"]["copied"] == 12


def test_a_round_plans_more_ranges_than_children_but_none_too_small(s3, run_table):
    for i in range(40):
        s3.put_object(Bucket="src", Key=f"k{i:02}", Body=b"1")
    store = RunStore(run_table, EXECUTION)
    many = plan_ranges(state(None), s3, store, settings(max_ranges=3, chunk_size=1))
    assert len(many["ranges"]) == 12  # 4 per child of max_concurrency 3
    # Another run (a run plans each round once: test_run_table_writes.py).
    few = plan_ranges(state(None), s3, RunStore(run_table, "other"), settings(max_ranges=3, chunk_size=10))
    assert len(few["ranges"]) == 2  # each range has at least 2 windows of keys
