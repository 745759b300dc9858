"""On real pseudo-terminals: progress is drawn on stderr, stdout holds only the result, Ctrl-C
says how to stop the run it leaves going."""

from __future__ import annotations

import json
import re
import shlex
import threading

from harness.buckets import put_objects
from harness.fill import fill_objects
from tests.cli.conftest import run_args, run_in_pipe, run_in_terminal, stop_requested, subprocess_env
from tests.deployment import DST, SRC

CLEAR = "\r\x1b[K"
FRAME = re.compile(r"[|/\\-] \d+:\d\d  \S.*")


def frames(stderr: str) -> list[str]:
    """The progress frames drawn on a terminal (each starts by clearing the line)."""
    drawn = stderr.split(CLEAR)
    return [frame for frame in drawn[1:] if frame]


def test_on_a_terminal_progress_is_drawn_on_stderr_then_erased_and_the_table_goes_to_stdout(sync):
    # Long enough (about 8 s) that the CLI's 2-second progress poll surely sees a round running:
    # 400 objects now finish within the first poll.
    fill_objects(sync.emulator, SRC, {f"obj/{i:05}": b"x" * 100 for i in range(1500)})
    screen = run_in_terminal(
        run_args(sync.state_machine_arn, SRC, DST), subprocess_env(sync.emulator.endpoint)
    )
    assert screen.code == 0, screen.out + screen.err
    drawn = frames(screen.err)
    assert screen.err.startswith(CLEAR) and screen.err.endswith(CLEAR), "drawn, then erased"
    assert drawn and all(FRAME.fullmatch(frame) for frame in drawn), drawn
    # The run's round shows while it runs (its ranges too, if a poll catches a Map Run going).
    assert any(re.search(r"round \d+\b", frame) for frame in drawn), drawn
    assert all(len(frame) <= 79 for frame in drawn), "cut to the 80-column terminal"
    # stdout is the table alone (the terminal turns "\n" into "\r\n").
    summary = screen.out.replace("\r\n", "\n")
    assert summary.startswith("status       SUCCEEDED\n")
    assert re.search(r"^copied +1,500$", summary, re.MULTILINE)
    assert "\x1b" not in summary


def test_on_a_terminal_json_stdout_is_only_the_document(sync):
    fill_objects(sync.emulator, SRC, {f"obj/{i:05}": b"x" for i in range(200)})
    env = subprocess_env(sync.emulator.endpoint)
    screen = run_in_terminal([*run_args(sync.state_machine_arn, SRC, DST), "--json"], env)
    assert screen.code == 0, screen.out + screen.err
    assert screen.out.endswith("\r\n") and screen.out.count("\n") == 1
    assert json.loads(screen.out)["copied"] == 200
    assert frames(screen.err), "the progress still shows, on stderr"
    # stdout piped, stderr on the terminal: the same.
    piped = run_in_terminal([*run_args(sync.state_machine_arn, SRC, DST), "-j"], env, stdout_tty=False)
    assert piped.code == 0, piped.err
    assert json.loads(piped.out)["unchanged"] == 200
    assert frames(piped.err)


def test_a_guarded_run_names_its_counting_pass(sync):
    # Enough keys for a counting pass of two rounds (ranges stop after 8 steps of 40 keys).
    fill_objects(sync.emulator, SRC, {f"obj/{i:05}": b"x" for i in range(1400)})
    put_objects(sync.s3, DST, {f"old/{i:03}": b"o" for i in range(5)})
    screen = run_in_terminal(
        [*run_args(sync.state_machine_arn, SRC, DST), "--max-deletes", "10"],
        subprocess_env(sync.emulator.endpoint),
    )
    assert screen.code == 0, screen.out + screen.err
    drawn = frames(screen.err)
    # The pass is named while it runs, and what it found stays on the line after it (a short
    # pass may end between two reads of the history).
    assert any("counting orphans: " in frame or "5 orphans counted" in frame for frame in drawn), drawn
    assert re.search(r"^deleted +5$", screen.out.replace("\r\n", "\n"), re.MULTILINE)


def test_quiet_draws_nothing_and_verbose_says_which_execution(sync):
    put_objects(sync.s3, SRC, {f"obj/{i:05}": b"x" for i in range(50)})
    env = subprocess_env(sync.emulator.endpoint)
    quiet = run_in_terminal([*run_args(sync.state_machine_arn, SRC, DST), "-q"], env)
    assert quiet.code == 0 and quiet.err == ""
    verbose = run_in_terminal([*run_args(sync.state_machine_arn, SRC, DST), "-v"], env)
    assert verbose.code == 0, verbose.err
    assert re.match(r"bucket-sync: following arn:aws:states:\S+:execution:\S+\r\n", verbose.err)


def test_ctrl_c_leaves_the_run_going_and_prints_the_stop_command_that_stops_it(sync):
    put_objects(sync.s3, SRC, {f"obj/{i:05}": b"x" for i in range(50)})
    env = subprocess_env(sync.emulator.endpoint)
    # The copy of the last key waits until the test is done, so round 1 cannot end before Ctrl-C
    # however loaded the machine (a run left to itself once won that race); the windows before
    # it end, so copies counted while round 1 runs come from the run table, not a tally.
    # The stop below is let through: moto aborts only once the task in flight returns.
    release, interrupted = threading.Event(), []

    def hold_the_last_copy(method: str, bucket: str | None, key: str | None, query: str) -> None:
        if method == "PUT" and bucket == DST and key == "obj/00049":
            while not release.wait(0.2):
                if interrupted and stop_requested(interrupted[0]):
                    return

    def copies_counted_in_round_1(stderr: bytes) -> bool:
        return re.search(rb"copied [1-9][\d,]* .*round 1 ", stderr) is not None

    with sync.emulator.faults(before_s3_request=hold_the_last_copy):
        try:
            screen = run_in_terminal(
                run_args(sync.state_machine_arn, SRC, DST), env, interrupt_when=copies_counted_in_round_1
            )
            assert screen.code == 130, screen.out + screen.err
            assert screen.out == ""
            match = re.search(r"stop it: +(bucket-sync stop \S+)", screen.err)
            assert match, screen.err
            assert re.search(r"follow it: +bucket-sync watch \S+", screen.err)
            arn = shlex.split(match.group(1))[2]
            assert sync.sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
            interrupted.append(arn)

            stopped = run_in_pipe(shlex.split(match.group(1))[1:], env)
        finally:
            release.set()
    assert stopped.code == 0, stopped.stderr
    lines = stopped.stdout.splitlines()
    assert lines[:2] == [f"stopped: {arn} (ABORTED)", f"  {SRC} -> {DST}, in round 1"], lines
    assert re.fullmatch(r"  so far: copied [1-9]\d* \(.+\), deleted 0, unchanged 0, failed 0", lines[2])
    assert sync.sfn.describe_execution(executionArn=arn)["status"] == "ABORTED"
