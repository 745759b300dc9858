import json

import pytest

from bucket_sync.errors import DeleteGuardTripped
from bucket_sync.payloads import Counts, RunState, zero_counts
from bucket_sync.tally import tally_round
from tests.unit.support import run_config, settings


def counts(**values):
    return Counts(**{**zero_counts(), **values})


def round_state(ranges, results, run=None, totals=None):
    return RunState(
        run=run or run_config(),
        round=1,
        totals=totals or zero_counts(),
        failures=[],
        pending=[],
        ranges=ranges,
        results=results,
    )


def result(key_range, done=True, cursor="", **values):
    return {
        "run": run_config(),
        "range": key_range,
        "progress": {"cursor": cursor, "done": done, "steps": 3, "counts": counts(**values), "failures": []},
    }


R1 = {"after": "", "upTo": "m"}
R2 = {"after": "m", "upTo": None}


def test_finished_round_reports_the_contract_output():
    state = tally_round(
        round_state([R1, R2], [result(R1, copied=2, copiedBytes=10), result(R2, unchanged=5)]), settings()
    )
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
    }
    assert json.loads(state["reportText"]) == state["report"]
    assert "ranges" not in state and "results" not in state


def test_unfinished_ranges_are_queued_from_their_cursor():
    state = tally_round(
        round_state([R1, R2], [result(R1, done=False, cursor="f", copied=1), result(R2)]), settings()
    )
    assert state["more"] is True and state["pending"] == [{"after": "f", "upTo": "m"}]
    assert state["totals"]["copied"] == 1


def test_a_failed_range_is_named_and_counted_not_retried():
    crashed = {
        **result(R1, done=False, cursor="c", copied=4),
        "error": {"Error": "Lambda.Unknown", "Cause": '{"errorMessage": "boom"}'},
    }
    state = tally_round(round_state([R1, R2], [crashed, None]), settings())
    assert state["more"] is False and state["failedAny"] is True
    assert state["totals"]["failed"] == 2 and state["totals"]["copied"] == 4
    reasons = [f["reason"] for f in state["failures"]]
    assert "Lambda.Unknown: boom" in reasons[0] and "without a result" in reasons[1]


def test_counting_pass_trips_the_guard_before_any_delete():
    run = run_config(maxDeletes=2, countingOnly=True)
    with pytest.raises(DeleteGuardTripped, match="3 destination objects"):
        tally_round(round_state([R1], [result(R1, deleted=3)], run=run), settings())


def test_counting_pass_within_the_limit_restarts_for_real():
    run = run_config(maxDeletes=5, countingOnly=True, startAfter="b")
    state = tally_round(round_state([R1], [result(R1, deleted=3, copied=7)], run=run), settings())
    assert state["more"] is True and state["run"]["countingOnly"] is False
    assert state["totals"] == zero_counts() and state["pending"] == [{"after": "b", "upTo": None}]


def test_counting_pass_of_a_dry_run_is_the_report():
    run = run_config(maxDeletes=5, countingOnly=True, dryRun=True)
    state = tally_round(round_state([R1], [result(R1, deleted=3)], run=run), settings())
    assert state["more"] is False and state["report"]["deleted"] == 3
