"""What `bucket-sync stop` reports: the run it stopped and its counts so far (no emulator)."""

from __future__ import annotations

from bucket_sync_cli.runner import Outcome, Progress
from bucket_sync_cli.stopped import counts_so_far, format_stopped

ARN = "arn:aws:states:us-east-1:123456789012:execution:sm:run-1"
ZERO = {"copied": 0, "copiedBytes": 0, "deleted": 0, "unchanged": 0, "failed": 0}


def stopped(**asked: object) -> Outcome:
    return Outcome(ARN, "ABORTED", run_input={"source": "a", "destination": "b", **asked})


def test_the_counts_so_far_are_the_tallied_rounds_plus_the_running_one() -> None:
    progress = Progress(
        rounds=3,
        totals={**ZERO, "copied": 10, "copiedBytes": 2048, "unchanged": 4},
        running={**ZERO, "copied": 5, "deleted": 2},
    )
    assert counts_so_far(progress) == {
        **ZERO,
        "copied": 15,
        "copiedBytes": 2048,
        "deleted": 2,
        "unchanged": 4,
    }
    lines = format_stopped(stopped(prefix="logs/"), progress).splitlines()
    assert lines[0] == f"stopped: {ARN} (ABORTED)"
    assert lines[1] == "  a -> b (prefix logs/), in round 3"
    assert lines[2] == "  so far: copied 15 (2.0 KiB), deleted 2, unchanged 4, failed 0"


def test_a_run_stopped_while_counting_orphans_wrote_nothing() -> None:
    progress = Progress(rounds=1, counting=True, counted={**ZERO, "deleted": 3}, running=None)
    assert counts_so_far(progress) is None
    text = format_stopped(stopped(dryRun=True), progress)
    assert "a -> b, dry run, in round 1" in text
    assert "while counting orphans (3 found): nothing was written" in text


def test_a_run_stopped_before_any_round_says_nothing_was_counted() -> None:
    assert "so far: nothing counted yet" in format_stopped(stopped(), Progress())
