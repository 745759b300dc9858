"""The phases of one window (range_step, window_keys), each on its own: list both sides, copy
and delete, unstall, cut at the first unfinished key, count copies made ahead, move the cursor."""

from datetime import UTC, datetime

from bucket_sync.copy_options import CopyOutcome
from bucket_sync.deleter import DeleteOutcome
from bucket_sync.diff import Plan
from bucket_sync.listing import Entry
from bucket_sync.range_step import MAX_STALLS, copy_and_delete, next_progress, start_progress, unstall
from bucket_sync.window_keys import Acted, Window, count_copied_ahead, cut_window, list_window
from tests.unit.support import put, run_config, settings, whole_range


def entry(key: str) -> Entry:
    return Entry(key, 1, '"e"', datetime(2026, 1, 1, tzinfo=UTC), "STANDARD")


def window(source: list[str], destination: list[str], end: str | None = "z", done: bool = False) -> Window:
    return Window([entry(k) for k in source], [entry(k) for k in destination], end, done, 1, 1)


def acted(copies: CopyOutcome, deletes: DeleteOutcome | None = None, plan: Plan | None = None) -> Acted:
    plan = plan or Plan(unchanged=[])
    return Acted(plan, [], copies, deletes or DeleteOutcome(), [], [], 0, 0)


def test_a_window_ends_at_the_last_key_of_a_side_that_has_more(s3):
    for key in "abcde":
        put(s3, "src", key)
    for key in "bd":
        put(s3, "dst", key)
    listed = list_window(s3, s3, run_config(), "", None, 3)
    assert (listed.end, listed.done) == ("c", False)
    assert [e.key for e in listed.source] == ["a", "b", "c"] and [e.key for e in listed.destination] == ["b"]


def test_a_window_that_reaches_the_ranges_end_is_done(s3):
    put(s3, "src", "a")
    listed = list_window(s3, s3, run_config(), "", "m", 3)
    assert (listed.end, listed.done, listed.source_lists, listed.destination_lists) == ("m", True, 1, 1)


def test_copy_and_delete_copies_missing_keys_and_deletes_orphans(s3):
    put(s3, "src", "a")
    put(s3, "dst", "b")
    listed = list_window(s3, s3, run_config(), "", None, 10)
    done = copy_and_delete(s3, s3, run_config(), listed, [], settings(), lambda: 300.0, None, None)
    assert [e.key for e in done.copies.copied] == ["a"] and done.deletes.deleted == 1
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="dst")["Contents"]] == ["a"]
    assert done.cutoff() is None


def test_a_window_stalled_on_its_first_key_counts_the_stall_then_names_the_key():
    stuck = CopyOutcome(deferred=[entry("a")], transient={"a": "SlowDown"})
    listed = window(["a", "b"], [])
    assert unstall(None, run_config(), listed, acted(stuck), 0) == 1
    named = acted(CopyOutcome(deferred=[entry("a")], transient={"a": "SlowDown"}))
    assert unstall(None, run_config(), listed, named, MAX_STALLS - 1) == 0
    assert [f["key"] for f in named.copies.failures] == ["a"] and named.cutoff() is None


def test_a_window_that_passed_keys_before_its_cutoff_is_not_stalled():
    stuck = acted(CopyOutcome(deferred=[entry("b")], transient={"b": "SlowDown"}))
    assert unstall(None, run_config(), window(["a", "b"], []), stuck, MAX_STALLS - 1) == 0
    assert stuck.copies.failures == [] and stuck.cutoff() == "b"


def test_a_window_is_cut_before_its_first_held_delete():
    held = DeleteOutcome(retry=[entry("c")], failures=[{"key": "d", "reason": "x"}])
    copies = CopyOutcome(copied=[entry("a"), entry("e")])
    cut = cut_window(window(["a", "e"], ["c", "d"]), acted(copies, held), "")
    assert (cut.end, cut.done) == ("a", False)
    assert [e.key for e in cut.copies.copied] == ["a"] and cut.copied_ahead == ["e"]
    assert cut.delete_failures == []


def test_a_window_without_a_cutoff_is_kept_whole():
    cut = cut_window(window(["a"], [], end=None, done=True), acted(CopyOutcome(copied=[entry("a")])), "")
    assert (cut.end, cut.done, cut.copied_ahead) == (None, True, [])


def test_keys_copied_ahead_count_as_copied_once_seen_and_wait_while_past_the_window():
    plan = Plan(unchanged=["a", "b"])
    cut = cut_window(window(["a", "b"], ["a", "b"], end="b"), acted(CopyOutcome(), plan=plan), "")
    count_copied_ahead(cut, window(["a", "b"], ["a", "b"], end="b"), {"b", "q"})
    assert cut.plan.unchanged == ["a"] and [e.key for e in cut.copies.copied] == ["b"]
    assert cut.copied_ahead == ["q"]


def test_the_next_progress_moves_the_cursor_to_the_cut_and_keeps_stalls_and_uploads():
    before = start_progress(whole_range())
    cut = cut_window(window(["a"], [], end="a"), acted(CopyOutcome()), "")
    counts = {**before["counts"], "copied": 2}
    upload = {"key": "k", "etag": '"e-2"', "uploadId": "u"}
    after = next_progress(before, cut, counts, [], [upload], 1)
    assert (after["cursor"], after["done"], after["steps"], after["stalls"]) == ("a", False, 1, 1)
    assert after["uploads"] == [upload] and after["counts"]["copied"] == 2
