import json

import pytest

from bucket_sync.budget import CAUSE_LIMIT_CHARS, FAILURES_SAMPLE_BYTES, PAYLOAD_LIMIT_BYTES, json_size
from bucket_sync.errors import DeleteGuardTripped
from bucket_sync.payloads import Counts, RunState, zero_counts
from bucket_sync.runstore import RangeRecord
from bucket_sync.tally import MAX_RANGE_ATTEMPTS, tally_round
from tests.unit.support import run_config


def counts(**values):
    return Counts(**{**zero_counts(), **values})


def round_state(run=None, totals=None, ranges=2):
    return RunState(
        run=run or run_config(),
        round=1,
        totals=totals or zero_counts(),
        failures=[],
        resumeRound=None,
        ranges=list(range(ranges)),
    )


def record(index, key_range, done=True, cursor="", failures=(), error=None, **values):
    progress = {
        "cursor": cursor,
        "done": done,
        "steps": 3,
        "counts": counts(**values),
        "failures": list(failures),
    }
    return RangeRecord(index=index, range=key_range, progress=progress, error=error)


R1 = {"after": "", "upTo": "m"}
R2 = {"after": "m", "upTo": None}


def test_finished_round_reports_the_contract_output():
    state = tally_round(round_state(), [record(1, R2, unchanged=5), record(0, R1, copied=2, copiedBytes=10)])
    assert state["more"] is False and state["failedAny"] is False
    assert state["report"] == {
        "source": "src",
        "destination": "dst",
        "prefix": "",
        "dryRun": False,
        "copied": 2,
        "copiedBytes": 10,
        "deleted": 0,
        "unchanged": 5,
        "failed": 0,
        "failures": [],
        "failuresNotListed": 0,
        "reportLocation": None,
        "slowDowns": 0,
        "copiesPerSecond": 0.0,
        "reportIncomplete": False,
    }
    assert json.loads(state["reportText"]) == state["report"]
    assert "ranges" not in state


def test_unfinished_ranges_make_the_next_round_resume_this_one():
    state = tally_round(round_state(), [record(0, R1, done=False, cursor="f", copied=1), record(1, R2)])
    assert state["more"] is True and state["resumeRound"] == 1
    assert state["totals"]["copied"] == 1


def test_a_range_no_step_reported_is_unfinished():
    state = tally_round(round_state(), [RangeRecord(0, R1, None, None), record(1, R2)])
    assert state["more"] is True and state["resumeRound"] == 1


def test_a_failed_range_is_planned_again_then_named_and_counted():
    crashed = record(
        0,
        R1,
        done=False,
        cursor="c",
        copied=4,
        error={"Error": "Lambda.Unknown", "Cause": '{"errorMessage": "boom"}'},
    )
    never_ran = RangeRecord(1, R2, None, {"Error": "States.Timeout", "Cause": ""})
    again = tally_round(round_state(), [crashed, never_ran])
    assert again["more"] is True and again["totals"]["failed"] == 0 and again["totals"]["copied"] == 4
    # In its last allowed round, a range that stops on an error is named as a whole.
    last = {**R1, "attempts": MAX_RANGE_ATTEMPTS - 1}
    crashed = RangeRecord(0, last, crashed.progress, crashed.error)
    never_ran = RangeRecord(1, {**R2, "attempts": MAX_RANGE_ATTEMPTS - 1}, None, never_ran.error)
    state = tally_round(round_state(), [crashed, never_ran])
    assert state["more"] is False and state["failedAny"] is True
    assert state["totals"]["failed"] == 2 and state["totals"]["copied"] == 4
    reasons = [f["reason"] for f in state["failures"]]
    assert reasons[0].startswith("Lambda.Unknown: boom; keys after '' up to 'm'")
    assert reasons[1].startswith("States.Timeout")


def test_counting_pass_trips_the_guard_before_any_delete():
    run = run_config(maxDeletes=2, countingOnly=True)
    with pytest.raises(DeleteGuardTripped, match="3 destination objects"):
        tally_round(round_state(run=run, ranges=1), [record(0, R1, deleted=3)])


def test_counting_pass_within_the_limit_restarts_for_real():
    run = run_config(maxDeletes=5, countingOnly=True, startAfter="b")
    state = tally_round(round_state(run=run, ranges=1), [record(0, R1, deleted=3, copied=7)])
    assert state["more"] is True and state["run"]["countingOnly"] is False
    assert state["totals"] == zero_counts() and state["resumeRound"] is None


def test_counting_pass_of_a_dry_run_is_the_report():
    run = run_config(maxDeletes=5, countingOnly=True, dryRun=True)
    state = tally_round(round_state(run=run, ranges=1), [record(0, R1, deleted=3)])
    assert state["more"] is False and state["report"]["deleted"] == 3


def worst_key(n):
    # 1,024 UTF-8 bytes that JSON escapes to six characters each: the longest key there is.
    return (f"{n:06}" + "\x01" * 1024)[:1024]


def test_every_object_failing_with_the_longest_keys_stays_within_the_budget():
    """4,000 ranges (4 per child at the largest max_concurrency) whose every object failed, each range
    carrying a full sample of failures with 1,024-byte keys that JSON escapes six-fold."""
    prefix = "\x01" * 1024
    run = run_config(prefix=prefix, startAfter=prefix)
    records = []
    for index in range(4000):
        failures = [{"key": worst_key(index * 10 + n), "reason": "x" * 2000} for n in range(3)]
        records.append(
            record(index, {"after": worst_key(index), "upTo": None}, failures=failures, failed=500)
        )
    state = tally_round(round_state(run=run, ranges=4000), records)
    report = state["report"]
    assert report["failed"] == 2_000_000
    assert report["failuresNotListed"] == 2_000_000 - len(report["failures"]) > 0
    assert json_size(report["failures"]) <= FAILURES_SAMPLE_BYTES
    assert len(state["reportText"]) <= CAUSE_LIMIT_CHARS
    assert json_size(state) < PAYLOAD_LIMIT_BYTES // 2


def test_max_delete_percent_trips_on_the_share_of_destination_objects_in_scope():
    run = run_config(maxDeletePercent=10, countingOnly=True)
    with pytest.raises(DeleteGuardTripped, match="maxDeletePercent=10% of 100 destination objects"):
        tally_round(round_state(run=run, ranges=1), [record(0, R1, deleted=11, inDestination=100)])
    state = tally_round(round_state(run=run, ranges=1), [record(0, R1, deleted=10, inDestination=100)])
    # The real pass reserves its deletes against the smaller of the two limits.
    assert state["more"] is True and state["run"]["deleteLimit"] == 10
    both = run_config(maxDeletes=4, maxDeletePercent=10, countingOnly=True)
    state = tally_round(round_state(run=both, ranges=1), [record(0, R1, deleted=3, inDestination=100)])
    assert state["run"]["deleteLimit"] == 4


def test_the_guard_names_the_input_field_and_the_cli_flag():
    run = run_config(maxDeletes=2, countingOnly=True)
    with pytest.raises(DeleteGuardTripped) as tripped:
        tally_round(round_state(run=run, ranges=1), [record(0, R1, deleted=3)])
    message = str(tripped.value)
    assert "maxDeletes=2 (--max-deletes)" in message and "nothing was written" in message
    assert "bucket-sync run --max-deletes N" in message and "deleteOrphans: false (--no-delete)" in message
