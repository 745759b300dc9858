"""The live progress display: what it draws on a terminal, that it draws nothing elsewhere, and
how the progress is read from map runs and the execution history."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from bucket_sync_cli.progress import ProgressDisplay, render_line
from bucket_sync_cli.runner import Progress, ProgressProbe, follow

EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:sm:run-1"
TOTALS = {"copied": 1200, "copiedBytes": 3 * 1024 * 1024, "deleted": 7, "unchanged": 40, "failed": 1}


class Stream(io.StringIO):
    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def test_render_line_puts_failed_first_then_counts_rate_and_ranges():
    progress = Progress(
        rounds=2,
        ranges_total=8,
        ranges_succeeded=5,
        ranges_failed=1,
        ranges_running=2,
        totals=TOTALS,
        rate=12.4,
    )
    assert render_line(75.4, progress) == (
        "1:15  failed 1  copied 1,200 (3.0 MiB)  deleted 7  unchanged 40  12/s  "
        "round 2  ranges 6/8 done, 2 running, 1 failed"
    )
    # What matters is within 80 columns.
    assert "failed 1" in render_line(75.4, progress)[:78]


def test_render_line_before_anything_is_known_while_counting_and_with_an_eta():
    assert render_line(3, None) == "0:03  starting"
    counting = Progress(
        rounds=1,
        ranges_total=4,
        ranges_running=4,
        counting=True,
        counted={**dict.fromkeys(TOTALS, 0), "unchanged": 900, "deleted": 12},
        rate=300.0,
    )
    assert render_line(3725, counting) == (
        "1:02:05  counting orphans: 12 found, 912 listed (300/s)  round 1  ranges 0/4 done, 4 running"
    )
    assert "counting orphans" in render_line(1, Progress(counting=True))
    syncing = Progress(rounds=3, ranges_total=4, totals=TOTALS, counted=TOTALS, rate=2.0, eta=65.0)
    assert render_line(10, syncing).endswith("  2/s  ~1:05 left  round 3  ranges 0/4 done  7 orphans counted")


def test_on_a_terminal_each_update_redraws_one_line_and_close_erases_it():
    stream = Stream(terminal=True)
    display = ProgressDisplay(stream)
    assert display.active and display.terminal
    display.update(1.0, None)
    display.update(2.0, Progress(rounds=1, ranges_total=4, ranges_running=4))
    display.close()
    assert stream.getvalue() == (
        "\r\x1b[K| 0:01  starting" + "\r\x1b[K/ 0:02  round 1  ranges 0/4 done, 4 running" + "\r\x1b[K"
    )
    assert "\n" not in stream.getvalue()


def test_off_a_terminal_a_plain_line_every_interval_and_nothing_when_quiet():
    stream = Stream(terminal=False)
    display = ProgressDisplay(stream, interval=30)
    assert display.active and not display.terminal
    for second in range(0, 95, 5):
        display.update(float(second), Progress(rounds=1, totals=TOTALS))
    display.close()
    lines = stream.getvalue().splitlines()
    stamps = [line.split("  ")[0] for line in lines]
    assert stamps == ["bucket-sync: 0:30", "bucket-sync: 1:00", "bucket-sync: 1:30"]
    assert all("failed 1  copied 1,200" in line for line in lines)
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()

    for quiet, interval in ((True, 30.0), (False, 0.0)):
        silent = Stream(terminal=False)
        display = ProgressDisplay(silent, interval=interval, quiet=quiet)
        assert not display.active
        display.update(100.0, Progress(rounds=1, totals=TOTALS))
        assert silent.getvalue() == ""
    quiet_terminal = Stream(terminal=True)
    ProgressDisplay(quiet_terminal, quiet=True).update(1.0, None)
    assert quiet_terminal.getvalue() == ""


class FakeStepFunctions:
    """Map runs and a reverse-ordered, paged history, as the Step Functions API returns them."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.map_runs: dict[str, dict] = {}
        self.describe_calls: list[str] = []
        self.status = "RUNNING"
        self.fail = False

    def add_state(self, name: str, *events: dict) -> None:
        self._event({"type": "TaskStateEntered", "stateEnteredEventDetails": {"name": name}})
        for event in events:
            self._event(event)

    def _event(self, event: dict) -> None:
        self.events.append({"id": len(self.events) + 1, **event})

    def list_map_runs(self, executionArn: str, nextToken: str | None = None) -> dict:
        if self.fail:
            raise RuntimeError("throttled")
        return {"mapRuns": [{"mapRunArn": arn} for arn in self.map_runs]}

    def describe_map_run(self, mapRunArn: str) -> dict:
        self.describe_calls.append(mapRunArn)
        return self.map_runs[mapRunArn]

    def get_execution_history(self, executionArn: str, reverseOrder: bool, maxResults: int, nextToken=None):
        if self.fail:
            raise RuntimeError("throttled")
        ordered = list(reversed(self.events))
        start = int(nextToken or 0)
        page = ordered[start : start + 2]  # tiny pages, to exercise paging
        more = start + 2 < len(ordered)
        return {"events": page, **({"nextToken": str(start + 2)} if more else {})}

    def describe_execution(self, executionArn: str) -> dict:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        described = {"executionArn": executionArn, "status": self.status, "startDate": start}
        if self.status != "RUNNING":
            described |= {"stopDate": start + timedelta(seconds=42), "output": json.dumps({"copied": 1})}
        return described


def lambda_succeeded(output: object) -> dict:
    text = output if isinstance(output, str) else json.dumps(output)
    return {"type": "LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails": {"output": text}}


def test_the_probe_adds_up_map_runs_and_reads_tally_totals_from_the_history():
    sfn = FakeStepFunctions()
    sfn.map_runs["run-1"] = {
        "status": "SUCCEEDED",
        "itemCounts": {"total": 4, "succeeded": 3, "failed": 1, "running": 0, "pending": 0},
    }
    sfn.map_runs["run-2"] = {
        "status": "RUNNING",
        "itemCounts": {"total": 3, "succeeded": 1, "failed": 0, "timedOut": 0, "running": 1, "pending": 1},
    }
    # PlanRanges output also carries totals; only TallyRound's count.
    sfn.add_state("PlanRanges", lambda_succeeded({"totals": dict.fromkeys(TOTALS, 99)}))
    sfn.add_state("TallyRound", lambda_succeeded({"run": {"countingOnly": False}, "totals": TOTALS}))
    probe = ProgressProbe(sfn, EXECUTION)
    progress = probe.poll()
    assert (progress.rounds, progress.ranges_total, progress.ranges_done) == (2, 7, 5)
    assert (progress.ranges_failed, progress.ranges_running) == (1, 2)
    assert progress.totals == TOTALS and progress.counting is False

    # A later round, through arn:aws:states:::lambda:invoke (Payload), read incrementally.
    later = {**TOTALS, "copied": 1500}
    sfn.add_state("PlanRanges", lambda_succeeded({"totals": dict.fromkeys(TOTALS, 0)}))
    sfn.add_state(
        "TallyRound",
        {
            "type": "TaskSucceeded",
            "taskSucceededEventDetails": {"output": json.dumps({"Payload": {"totals": later}})},
        },
    )
    assert probe.poll().totals == later
    # A finished map run is described once; a running one on every poll.
    assert sfn.describe_calls.count("run-1") == 1 and sfn.describe_calls.count("run-2") == 2


def test_the_probe_ignores_garbage_and_keeps_figures_through_api_errors():
    sfn = FakeStepFunctions()
    sfn.add_state("TallyRound", lambda_succeeded({"run": {"countingOnly": False}, "totals": {"copied": 5}}))
    probe = ProgressProbe(sfn, EXECUTION)
    first = probe.poll()
    assert first.totals == {"copied": 5, "copiedBytes": 0, "deleted": 0, "unchanged": 0, "failed": 0}
    sfn.add_state("TallyRound", lambda_succeeded("not json"), lambda_succeeded({"totals": "nope"}))
    assert probe.poll().totals == first.totals
    sfn.fail = True
    assert probe.poll().totals == first.totals


def at(seconds: float, event: dict) -> dict:
    return {**event, "timestamp": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)}


def tally(seconds: float, counting: bool, **counts: int) -> dict:
    totals = dict.fromkeys(TOTALS, 0) | counts
    return at(seconds, lambda_succeeded({"run": {"countingOnly": counting}, "totals": totals}))


def test_the_counting_pass_is_named_and_the_sync_counts_never_go_backwards():
    sfn = FakeStepFunctions()
    sfn._event(at(0, {"type": "ExecutionStarted"}))
    # ValidateInput already says a counting pass comes first.
    sfn.add_state("ValidateInput", lambda_succeeded({"run": {"countingOnly": True}, "totals": {}}))
    probe = ProgressProbe(sfn, EXECUTION)
    assert probe.poll().counting is True and probe.progress.totals is None
    sfn.add_state("TallyRound", tally(10, True, unchanged=900, deleted=100))
    progress = probe.poll()
    assert (progress.counting, progress.counted["deleted"], progress.totals) == (True, 100, None)
    assert progress.rate == 100.0  # 1,000 objects listed in 10 s
    # The counting pass ends: its tally hands the sync pass zero totals.
    sfn.add_state("TallyRound", tally(20, False))
    progress = probe.poll()
    assert (progress.counting, progress.totals, progress.counted["unchanged"]) == (False, None, 900)
    sfn.add_state("TallyRound", tally(30, False, unchanged=400, deleted=100))
    progress = probe.poll()
    assert progress.totals["unchanged"] == 400
    assert progress.rate == 50.0 and progress.eta == 10.0  # 500 of 1,000 objects in 10 s
    # A tally reporting less (a re-planned round) does not make the display count backwards.
    sfn.add_state("TallyRound", tally(40, False, unchanged=300, deleted=100, copied=50))
    progress = probe.poll()
    assert (progress.totals["unchanged"], progress.totals["copied"]) == (400, 50)


def test_follow_ticks_the_display_until_the_execution_ends():
    sfn = FakeStepFunctions()
    now = [0.0]
    ticks: list[float] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds
        if now[0] >= 3.0:
            sfn.status = "SUCCEEDED"

    outcome = follow(
        sfn, EXECUTION, lambda elapsed, progress: ticks.append(elapsed), clock=lambda: now[0], sleep=sleep
    )
    assert (outcome.status, outcome.output, outcome.seconds) == ("SUCCEEDED", {"copied": 1}, 42.0)
    assert ticks == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]


def test_follow_without_a_display_only_reads_the_status():
    sfn = FakeStepFunctions()
    sfn.status = "FAILED"
    sfn.fail = True  # any progress read would raise
    outcome = follow(sfn, EXECUTION, None, sleep=lambda seconds: None)
    assert outcome.status == "FAILED"
