"""The named phases of the step handlers and of listing and input parsing, each on its own."""

from datetime import UTC, datetime

import pytest

from bucket_sync.errors import AccessDenied, DeleteGuardTripped, InvalidInput, TransientError
from bucket_sync.listing import first_page, take_rows
from bucket_sync.payloads import ReportTarget
from bucket_sync.range_step import start_progress
from bucket_sync.run_input import check_buckets, check_fields
from bucket_sync.runstore import RunStore
from bucket_sync.steps.record_range_error import record_range_error
from bucket_sync.steps.sync_range import RangeStep, stop_on_guard_or_stall, time_left
from bucket_sync.steps.validate import reads_redirects, report_target
from tests.unit.support import Context, run_config, settings, whole_range

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def row(key: str) -> dict:
    return {"Key": key, "Size": 1, "ETag": '"e"', "LastModified": WHEN}


def test_the_first_page_starts_after_the_cursor_and_asks_no_more_than_the_limit():
    first = first_page("src", "p/", "p/k", 10)
    assert (first["StartAfter"], first["MaxKeys"], first["Prefix"]) == ("p/k", 10, "p/")
    assert (
        "StartAfter" not in first_page("src", "", "", 5000)
        and first_page("src", "", "", 5000)["MaxKeys"] == 1000
    )


def test_a_page_adds_the_keys_after_the_cursor_up_to_the_bound():
    entries = []
    page = {"Contents": [row("a"), row("b"), {**row("c"), "RestoreStatus": {"IsRestoreInProgress": True}}]}
    assert take_rows(page, "a", None, entries) is True
    assert [(e.key, e.restore) for e in entries] == [("b", None), ("c", "ongoing")]
    assert take_rows({"Contents": [row("d"), row("f")]}, "c", "e", entries) is False
    assert [e.key for e in entries] == ["b", "c", "d"]


def test_an_input_must_be_an_object_of_known_fields_with_both_buckets():
    with pytest.raises(InvalidInput, match="JSON object"):
        check_fields([])
    with pytest.raises(InvalidInput, match="unknown input field"):
        check_fields({"source": "a", "destination": "b", "prefx": ""})
    with pytest.raises(InvalidInput, match="'destination' is required"):
        check_fields({"source": "a"})
    check_fields({"source": "a", "destination": "b", "prefix": "p/"})


def test_the_buckets_must_differ_and_be_the_deployments():
    with pytest.raises(InvalidInput, match="same bucket"):
        check_buckets("src", "src", settings(destination_buckets=("src",)))
    with pytest.raises(AccessDenied, match="destination_bucket_names"):
        check_buckets("src", "other", settings())
    check_buckets("src", "dst", settings())


def test_redirects_are_read_as_configured_and_auto_asks_about_websites_only_when_needed():
    asked = []

    def serves() -> bool:
        asked.append(1)
        return True

    assert reads_redirects("true", serves) and not reads_redirects("false", serves) and asked == []
    assert reads_redirects("auto", serves) and asked == [1]


def test_a_report_goes_to_a_folder_named_after_the_execution():
    target = report_target(
        True, settings(report_bucket="reports", report_prefix="runs/"), "arn:x:execution:sm:run-7"
    )
    assert target == ReportTarget(bucket="reports", prefix="runs/run-7/")
    assert report_target(False, settings(report_bucket="reports"), "e") is None
    assert report_target(True, settings(), "e") is None


def test_the_time_left_keeps_a_margin_of_at_most_a_third_of_the_invocation():
    class Short(Context):
        def get_remaining_time_in_millis(self) -> int:
            return 30_000

    assert time_left(Short())() == pytest.approx(20.0)
    assert time_left(Context())() < 300.0


def test_a_step_ends_on_the_delete_guard_or_on_a_key_s3_keeps_failing():
    step = RangeStep(run_config(deleteLimit=5), 1, 0, whole_range(), settings(), None, None, None)  # type: ignore[arg-type]
    progress = start_progress(whole_range())
    with pytest.raises(DeleteGuardTripped, match=r"delete limit \(5\)"):
        stop_on_guard_or_stall(step, progress, {"guardTripped": True, "stalled": False})
    with pytest.raises(TransientError, match="keeps failing"):
        stop_on_guard_or_stall(step, progress, {"guardTripped": False, "stalled": True})
    stop_on_guard_or_stall(step, {**progress, "done": True}, {"guardTripped": False, "stalled": True})


def test_a_ranges_error_is_stored_shortened_and_a_missing_range_is_not_created(run_table):
    store = RunStore(run_table, run_config()["execution"])
    store.write_round(1, [whole_range()])
    event = {
        "run": run_config(),
        "round": 1,
        "index": 0,
        "error": {"Error": "Lambda.Unknown", "Cause": "c" * 5000},
    }
    assert record_range_error(store, event) is True
    assert record_range_error(store, {**event, "index": 1}) is False
    [record] = store.read_round(1)
    assert record.error["Error"] == "Lambda.Unknown" and len(record.error["Cause"]) <= 300
