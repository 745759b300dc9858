"""What a new user meets first, without the emulator: the region from AWS_REGION, no abbreviated
options, and exit 5 only for a run rejected before any write."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from bucket_sync_cli import main as cli_main
from bucket_sync_cli.rejection import rejected_before_writes
from bucket_sync_cli.runner import Outcome

EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:sync:e"


def client_region(*argv: str) -> str:
    args = cli_main.build_parser().parse_args(["watch", "some-execution", *argv])
    return cli_main._client(args, None).meta.region_name


@pytest.mark.parametrize(
    ("environment", "argv", "region"),
    [
        ({"AWS_REGION": "eu-west-2"}, [], "eu-west-2"),
        ({"AWS_DEFAULT_REGION": "ap-south-1"}, [], "ap-south-1"),
        ({"AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "ap-south-1"}, [], "eu-west-2"),
        ({"AWS_REGION": "eu-west-2"}, ["--region", "us-west-1"], "us-west-1"),
    ],
)
def test_the_region_comes_from_aws_region_then_aws_default_region(
    aws_env: None, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], argv: list[str], region: str
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert client_region(*argv) == region


def test_the_arn_region_wins_over_the_environment(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-2")
    args = cli_main.build_parser().parse_args(["watch", EXECUTION])
    assert cli_main._client(args, EXECUTION).meta.region_name == "us-east-1"


def test_without_any_region_the_error_names_aws_region(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    err = io.StringIO()
    code = cli_main.main(["watch", "not-an-arn"], io.StringIO(), err)
    assert code == cli_main.EXIT_USAGE
    assert "set AWS_REGION" in err.getvalue()


@pytest.mark.parametrize(
    "flags",
    [["--output", "json"], ["--output-n", "x"], ["--dry"], ["--max-del", "3"], ["--prog", "1"]],
)
def test_abbreviated_options_are_refused(flags: list[str]) -> None:
    err = io.StringIO()
    argv = ["run", "--from-terraform", ".", "-s", "a", "-d", "b", *flags]
    with pytest.raises(SystemExit):
        # argparse writes its message to sys.stderr; main() turns the exit into a status.
        cli_main.build_parser().parse_args(argv)
    assert cli_main.main(argv, io.StringIO(), err) == cli_main.EXIT_USAGE


def test_output_json_is_named_in_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main.main(["run", "--from-terraform", ".", "-s", "a", "-d", "b", "--output", "json"])
    assert code == cli_main.EXIT_USAGE
    assert "unrecognized arguments: --output json" in capsys.readouterr().err


def test_short_flags_still_combine() -> None:
    args = cli_main.build_parser().parse_args(["run", "--from-terraform", ".", "-s", "a", "-d", "b", "-nj"])
    assert (args.dry_run, args.json) == (True, True)


class History:
    """GetExecutionHistory, newest first, for a run that failed after entering ``states``."""

    def __init__(self, *states: tuple[str, dict[str, Any] | None], broken: bool = False) -> None:
        self.states, self.broken = states, broken

    def get_execution_history(self, **kwargs: Any) -> dict[str, Any]:
        if self.broken:
            raise RuntimeError("throttled")
        assert kwargs["reverseOrder"] is True
        events: list[dict[str, Any]] = []
        for number, (name, state_input) in enumerate(self.states, start=1):
            details = {"name": name, "input": json.dumps(state_input or {})}
            events.append({"id": 2 * number, "type": "TaskStateEntered", "stateEnteredEventDetails": details})
            events.append({"id": 2 * number + 1, "type": "LambdaFunctionSucceeded"})
        events[-1]["type"] = "LambdaFunctionFailed"
        events.append(
            {"id": 99, "type": "PassStateEntered", "stateEnteredEventDetails": {"name": "ExplainRejection"}}
        )
        events.append(
            {"id": 100, "type": "FailStateEntered", "stateEnteredEventDetails": {"name": "RunRejected"}}
        )
        return {"events": list(reversed(events))}


def failed(error: str) -> Outcome:
    return Outcome(EXECUTION, "FAILED", error=error, cause="...")


COUNTING = {"run": {"countingOnly": True, "dryRun": False}}
SYNCING = {"run": {"countingOnly": False, "dryRun": False}}


def test_a_rejection_by_validate_or_by_a_counting_pass_wrote_nothing() -> None:
    assert rejected_before_writes(History(("ValidateInput", {"source": "a"})), failed("InvalidInput"))
    counted = History(("ValidateInput", None), ("PlanRanges", None), ("TallyRound", COUNTING))
    assert rejected_before_writes(counted, failed("DeleteGuardTripped"))
    assert cli_main.exit_status(failed("DeleteGuardTripped"), True) == cli_main.EXIT_REJECTED == 5


def test_a_guard_tripped_mid_run_after_deletes_is_not_a_rejection() -> None:
    # The counting pass ended, the sync pass deleted, then a range's reservation was refused.
    history = History(
        ("ValidateInput", None), ("TallyRound", COUNTING), ("PlanRanges", SYNCING), ("TallyRound", SYNCING)
    )
    assert not rejected_before_writes(history, failed("DeleteGuardTripped"))
    assert cli_main.exit_status(failed("DeleteGuardTripped"), False) == cli_main.EXIT_FAILED


def test_other_errors_and_unreadable_histories_are_not_rejections() -> None:
    validate_only = History(("ValidateInput", None))
    assert not rejected_before_writes(validate_only, failed("ObjectsFailed"))
    assert not rejected_before_writes(validate_only, failed("States.TaskFailed"))
    assert not rejected_before_writes(validate_only, Outcome(EXECUTION, "ABORTED"))
    assert not rejected_before_writes(History(broken=True), failed("InvalidInput"))
    # A named error raised by a state that writes (RunCrashed routes it) is not one either.
    assert not rejected_before_writes(History(("PlanRanges", SYNCING)), failed("AccessDenied"))
