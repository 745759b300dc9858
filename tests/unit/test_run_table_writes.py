"""Run-table writes are idempotent and conditioned on the state they compared (issue 16): a retried
or duplicated step never moves progress backwards, counts twice, creates a partial item or reserves
a delete twice, and a run's items spread over partition keys."""

import pytest
from botocore.exceptions import ClientError

from bucket_sync.errors import DeleteGuardTripped, TransientError
from bucket_sync.payloads import RunState, zero_counts
from bucket_sync.range_step import start_progress
from bucket_sync.runstore import PARTITION_KEY, RunStore
from bucket_sync.steps import summarize, sync_range
from bucket_sync.steps.plan_ranges import pending_ranges, plan_ranges
from bucket_sync.tally import MAX_RANGE_ATTEMPTS, tally_round
from tests.unit.support import Context, run_config, settings, whole_range

EXECUTION = run_config()["execution"]
RANGES = [{"after": "", "upTo": "f"}, {"after": "f", "upTo": "m"}, {"after": "m", "upTo": None}]


def first_state(round_number=0, resume=None):
    return RunState(
        run=run_config(), round=round_number, totals=zero_counts(), failures=[], resumeRound=resume
    )


def test_each_range_of_a_run_is_a_partition_key_of_its_own(run_table):
    RunStore(run_table, EXECUTION).write_round(1, RANGES)
    keys = {item[PARTITION_KEY] for item in run_table.scan()["Items"]}
    assert len(keys) == len(RANGES) + 1  # one per range, and the round's header


def test_progress_never_moves_backwards(run_table):
    store = RunStore(run_table, EXECUTION)
    store.write_round(1, RANGES)
    ahead = {**start_progress(RANGES[0]), "cursor": "d", "steps": 3}
    assert store.save_progress(1, 0, RANGES[0], ahead)
    # A duplicate invocation that started from step 1 finishes its window late: nothing changes.
    stale = {**start_progress(RANGES[0]), "cursor": "b", "steps": 2}
    same_step = {**start_progress(RANGES[0]), "cursor": "c", "steps": 3}
    assert not store.save_progress(1, 0, RANGES[0], stale)
    assert not store.save_progress(1, 0, RANGES[0], same_step)
    assert store.read_range(1, 0).progress == ahead


def test_a_duplicate_invocation_stops_and_hands_back_the_stored_progress(s3, run_table):
    s3.put_object(Bucket="src", Key="a", Body=b"1")
    store = RunStore(run_table, EXECUTION)
    store.write_round(1, [whole_range()])
    # The other invocation already stored window 1 (it copied "a"); this one started from nothing.
    other = {**start_progress(whole_range()), "done": True, "steps": 1}
    other["counts"] = {**other["counts"], "copied": 1}
    store.save_progress(1, 0, whole_range(), other)
    event = {"run": run_config(), "round": 1, "index": 0, "progress": start_progress(whole_range())}
    event["progress"]["steps"] = 0
    result = sync_range.handler(event, Context())
    assert result["progress"] == other
    assert store.read_range(1, 0).progress["counts"]["copied"] == 1


def test_an_error_is_never_recorded_on_a_range_that_was_not_planned(run_table):
    store = RunStore(run_table, EXECUTION)
    assert not store.record_error(4, 0, {"Error": "States.Timeout", "Cause": ""})
    assert run_table.scan()["Items"] == []


def test_a_retried_plan_hands_out_the_round_its_first_attempt_stored(s3, run_table):
    for i in range(40):
        s3.put_object(Bucket="src", Key=f"k{i:02}", Body=b"1")
    store = RunStore(run_table, EXECUTION)
    first = plan_ranges(first_state(), s3, store, settings(max_ranges=3, chunk_size=1))
    ranges = [r.range for r in store.read_round(first["round"])]
    # The retry sees another bucket (more keys now), yet must not cut the round again.
    for i in range(40, 80):
        s3.put_object(Bucket="src", Key=f"k{i:02}", Body=b"1")
    again = plan_ranges(first_state(), s3, store, settings(max_ranges=10, chunk_size=1))
    assert again["ranges"] == first["ranges"] and [r.range for r in store.read_round(1)] == ranges


def test_the_tally_reads_exactly_the_ranges_its_round_planned(run_table):
    store = RunStore(run_table, EXECUTION)
    # A first PlanRanges attempt stored 3 ranges and crashed before its header; the retry cut 2.
    store.write_round(1, RANGES)
    store.write_round(1, [RANGES[0], {"after": "f", "upTo": None}])
    for index, key_range in enumerate([RANGES[0], {"after": "f", "upTo": None}]):
        store.save_progress(1, index, key_range, {**start_progress(key_range), "done": True, "steps": 1})
    state = {**first_state(round_number=1), "ranges": [0, 1]}
    assert summarize.handler(state, Context())["more"] is False


def test_a_range_stopped_by_an_error_is_planned_again_a_bounded_number_of_times(run_table):
    store = RunStore(run_table, EXECUTION)
    key_range = dict(RANGES[1])
    for attempt in range(MAX_RANGE_ATTEMPTS):
        store.write_round(attempt + 1, [key_range])
        progress = {**start_progress(key_range), "cursor": f"g{attempt}", "steps": 1}
        progress["counts"] = {**progress["counts"], "copied": 1}
        store.save_progress(attempt + 1, 0, key_range, progress)
        store.record_error(attempt + 1, 0, {"Error": "TransientError", "Cause": "SlowDown"})
        state = tally_round(first_state(round_number=attempt + 1), store.read_round(attempt + 1))
        if attempt + 1 < MAX_RANGE_ATTEMPTS:
            assert state["more"] and state["totals"]["failed"] == 0
            [key_range] = pending_ranges({**state, "resumeRound": attempt + 1}, store)[0]
            assert key_range == {"after": f"g{attempt}", "upTo": "m", "attempts": attempt + 1}
        else:
            assert not state["more"] and state["totals"]["failed"] == 1
            assert "TransientError" in state["failures"][0]["reason"]
    assert state["totals"]["copied"] == 1  # each round's own progress, added once


def test_a_range_that_hits_the_delete_guard_ends_the_run(run_table):
    store = RunStore(run_table, EXECUTION)
    store.write_round(1, RANGES[:1])
    store.record_error(1, 0, {"Error": "DeleteGuardTripped", "Cause": "limit"})
    with pytest.raises(DeleteGuardTripped, match="delete limit|limit of"):
        tally_round(first_state(round_number=1), store.read_round(1))


def test_a_delete_reservation_is_atomic_bounded_and_counted_once_per_batch(run_table):
    store = RunStore(run_table, EXECUTION)
    assert store.reserve_deletes("a\nb", 2, limit=5)
    assert store.reserve_deletes("a\nb", 2, limit=5), "a retried batch finds its reservation"
    assert store.reserve_deletes("c\nd\ne", 3, limit=5)
    assert not store.reserve_deletes("f", 1, limit=5), "the limit is reached"
    assert not store.reserve_deletes("g\nh\ni\nj\nk\nl", 6, limit=5)
    other = RunStore(run_table, "another-run")
    assert other.reserve_deletes("f", 1, limit=5), "each run has its own guard"


def test_a_throttle_that_outlives_botocore_leaves_a_step_as_a_transient_error(s3, run_table, monkeypatch):
    RunStore(run_table, EXECUTION).write_round(1, [whole_range()])

    def throttled(*args, **kwargs):
        raise ClientError(
            {"Error": {"Code": "SlowDown", "Message": "Reduce your request rate."}}, "ListObjectsV2"
        )

    monkeypatch.setattr(sync_range, "sync_window", throttled)
    with pytest.raises(TransientError, match="SlowDown"):
        sync_range.handler({"run": run_config(), "round": 1, "index": 0}, Context())


def test_a_reservation_that_meets_another_ranges_transaction_is_retried_not_a_crash(run_table, monkeypatch):
    from bucket_sync.transient import is_transient

    store = RunStore(run_table, EXECUTION)
    conflict = ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
            "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}],
        },
        "TransactWriteItems",
    )

    def conflicting(**_):
        raise conflict

    monkeypatch.setattr(run_table.meta.client, "transact_write_items", conflicting)
    with pytest.raises(ClientError) as raised:
        store.reserve_deletes("a", 1, limit=5)
    assert is_transient(raised.value), "the deleter hands such a batch back to retry later"


def test_keys_copied_ahead_of_a_cursor_go_to_the_new_range_that_holds_them(s3, run_table):
    for key in ("a", "c", "e", "g", "i", "k"):
        s3.put_object(Bucket="src", Key=key, Body=b"1")
    store = RunStore(run_table, EXECUTION)
    store.write_round(1, [whole_range()])
    handed_back = {**start_progress(whole_range()), "cursor": "b", "steps": 2, "copiedAhead": ["g", "i"]}
    store.save_progress(1, 0, whole_range(), handed_back)
    next_state = plan_ranges(
        first_state(round_number=1, resume=1), s3, store, settings(max_ranges=3, chunk_size=1)
    )
    carried = [r for r in store.read_round(next_state["round"]) if r.progress is not None]
    assert sorted(key for r in carried for key in r.progress["copiedAhead"]) == ["g", "i"]
    for record in carried:
        for key in record.progress["copiedAhead"]:
            assert record.range["after"] < key and (
                record.range["upTo"] is None or key <= record.range["upTo"]
            )
