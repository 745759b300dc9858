"""The run flags that set copy and report options become the contract's input fields (fast:
StartExecution is replaced, nothing is started)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from bucket_sync_cli import main as cli_main
from bucket_sync_cli.inputs import STORAGE_CLASSES as CLI_STORAGE_CLASSES

from bucket_sync.overrides import STORAGE_CLASSES

STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:sync"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def started_with(monkeypatch: pytest.MonkeyPatch, *flags: str) -> dict[str, Any]:
    """The input `bucket-sync run ... FLAGS --no-wait` starts its execution with."""
    started: dict[str, Any] = {}

    def start(sfn: Any, arn: str, run_input: dict[str, Any], name: str) -> str:
        started.update(run_input)
        return f"{arn.replace(':stateMachine:', ':execution:')}:{name}"

    monkeypatch.setattr(cli_main, "start_execution", start)
    err = io.StringIO()
    args = ["run", "--state-machine-arn", STATE_MACHINE, "-s", "src", "-d", "dst", "--no-wait", *flags]
    assert cli_main.main(args, io.StringIO(), err) == cli_main.EXIT_OK, err.getvalue()
    return started


def test_storage_class_key_and_report_become_input_fields(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_input = started_with(
        monkeypatch, "--storage-class", "GLACIER_IR", "--sse-kms-key-id", KEY, "--no-report"
    )
    assert run_input == {
        "source": "src",
        "destination": "dst",
        "storageClass": "GLACIER_IR",
        "sseKmsKeyId": KEY,
        "report": False,
    }


def test_the_words_for_no_override_send_null(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    run_input = started_with(
        monkeypatch, "--storage-class", "source", "--sse-kms-key-id", "bucket-default", "--report"
    )
    assert (run_input["storageClass"], run_input["sseKmsKeyId"], run_input["report"]) == (None, None, True)


def test_unset_flags_leave_the_module_defaults(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert started_with(monkeypatch) == {"source": "src", "destination": "dst"}


@pytest.mark.parametrize(
    "flags",
    [["--storage-class", "GLACIER_DEEP"], ["--storage-class", "glacier"], ["--report", "--no-report"]],
)
def test_bad_flags_are_usage_errors(flags: list[str]) -> None:
    args = ["run", "--state-machine-arn", STATE_MACHINE, "-s", "src", "-d", "dst", *flags]
    assert cli_main.main(args, io.StringIO(), io.StringIO()) == cli_main.EXIT_USAGE


def test_the_cli_offers_the_storage_classes_the_handlers_accept() -> None:
    assert set(CLI_STORAGE_CLASSES) == STORAGE_CLASSES
