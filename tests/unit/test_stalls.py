"""A key S3 keeps failing transiently holds its range back for at most MAX_STALLS windows (the
state machine backing off between them), then it alone is named as failed, with S3's answer."""

from __future__ import annotations

import pytest

from bucket_sync.errors import TransientError
from bucket_sync.range_step import MAX_STALLS, start_progress, sync_window
from bucket_sync.runstore import RunStore
from bucket_sync.steps import sync_range
from tests.unit.support import Context, put, run_config, settings, whole_range
from tests.unit.test_copy_transient import SLOWDOWN, Faults


def test_a_key_that_keeps_failing_stalls_the_range_then_is_named_alone(s3):
    for key in ("a", "b", "c"):
        put(s3, "src", key)
    faults = Faults(s3)
    faults.add("CopyObject", "b", SLOWDOWN)
    progress = start_progress(whole_range())
    # The first window copies "a" and stops before "b"; the next ones cannot pass "b".
    progress, requests = sync_window(s3, s3, run_config(), whole_range(), progress, settings())
    assert (progress["cursor"], progress["counts"]["copied"], requests["stalled"]) == ("a", 1, False)
    for stall in range(1, MAX_STALLS):
        progress, requests = sync_window(s3, s3, run_config(), whole_range(), progress, settings())
        assert (progress["cursor"], progress["stalls"], requests["stalled"]) == ("a", stall, True)
        assert progress["counts"]["failed"] == 0, "a transient answer is not a failure yet"
    progress, requests = sync_window(s3, s3, run_config(), whole_range(), progress, settings())
    assert progress["done"] and "stalls" not in progress
    # "c" was copied by the first window above its cut, and counted when a later window saw it.
    counts = progress["counts"]
    assert (counts["copied"], counts["unchanged"], counts["failed"]) == (2, 0, 1)
    [failure] = progress["failures"]
    assert failure["key"] == "b" and "SlowDown" in failure["reason"]


def test_a_stalled_window_is_stored_and_the_step_backs_off_through_the_state_machine(
    s3, run_table, monkeypatch
):
    monkeypatch.setattr(sync_range, "s3_client", lambda *args, **kwargs: s3)
    put(s3, "src", "b")
    Faults(s3).add("CopyObject", "b", SLOWDOWN)
    store = RunStore(run_table, run_config()["execution"])
    store.write_round(1, [whole_range()])
    with pytest.raises(TransientError, match="waits on a key"):
        sync_range.handler({"run": run_config(), "round": 1, "index": 0}, Context())
    assert store.read_range(1, 0).progress["stalls"] == 1
