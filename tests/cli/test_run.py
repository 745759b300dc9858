"""``bucket-sync run`` against the real module applied into the emulator."""

from __future__ import annotations

import json
import re

from harness.buckets import put_objects
from harness.faults import ACCESS_DENIED
from tests.cli.conftest import run_args, run_in_pipe, subprocess_env
from tests.deployment import DST, GHOST, OUTSIDE, SRC

NAME = re.compile(r":execution:[^:]+:bucket-sync-\d{8}T\d{6}Z-[0-9a-f]{6}$")
# The --json document has these keys whatever the outcome (docs/CLI.md).
SCHEMA = {
    "status",
    "error",
    "cause",
    "executionArn",
    "stateMachineArn",
    "start",
    "stop",
    "seconds",
    "source",
    "destination",
    "prefix",
    "dryRun",
    "copied",
    "copiedBytes",
    "deleted",
    "unchanged",
    "failed",
    "failures",
    "failuresNotListed",
    "reportLocation",
    "slowDowns",
    "copiesPerSecond",
    "reportIncomplete",
}
COUNTS = ("copied", "copiedBytes", "deleted", "unchanged", "failed", "failures", "failuresNotListed")


def bodies(count: int, prefix: str = "obj/", size: int = 64) -> dict[str, bytes]:
    return {f"{prefix}{i:05}": f"{i:0{size}}".encode() for i in range(count)}


def row(stdout: str, label: str) -> str:
    """The value of one row of the summary table."""
    match = re.search(rf"^{re.escape(label)} +(.*)$", stdout, re.MULTILINE)
    assert match, f"no {label!r} row in:\n{stdout}"
    return match.group(1)


def test_a_sync_prints_the_summary_table_and_exits_0(sync, cli):
    put_objects(sync.s3, SRC, bodies(30, size=100))
    put_objects(sync.s3, DST, {"orphan-1": b"x", "orphan-2": b"y"})
    result = cli(*run_args(sync.state_machine_arn, SRC, DST))
    assert result.code == 0, result.stderr
    # Off a terminal, stderr says which execution runs; the progress lines come every 30 s.
    assert re.fullmatch(r"bucket-sync: following arn:aws:states:\S+\n", result.stderr)
    assert row(result.stdout, "status") == "SUCCEEDED"
    assert (row(result.stdout, "source"), row(result.stdout, "destination")) == (SRC, DST)
    assert (row(result.stdout, "prefix"), row(result.stdout, "dry run")) == ("(all keys)", "no")
    assert row(result.stdout, "copied") == "30"
    assert row(result.stdout, "bytes") == "3,000 (2.9 KiB)"
    assert (row(result.stdout, "deleted"), row(result.stdout, "unchanged")) == ("2", "0")
    assert row(result.stdout, "failed") == "0"
    assert re.fullmatch(r"\d+:\d\d \(\d+\.\d s\)", row(result.stdout, "elapsed"))
    assert NAME.search(row(result.stdout, "execution"))
    assert "\r" not in result.stdout and "\x1b" not in result.stdout  # capsys is no terminal
    assert sync.snapshot(DST) == sync.snapshot(SRC)


def test_json_output_is_the_contract_output_plus_the_execution_facts(sync, cli):
    put_objects(sync.s3, SRC, bodies(10) | bodies(5, prefix="other/"))
    result = cli(
        *run_args(sync.state_machine_arn, SRC, DST),
        "--prefix",
        "obj/",
        "--json",
    )
    assert result.code == 0, result.stderr
    document = result.json()
    described = sync.sfn.describe_execution(executionArn=document["executionArn"])
    assert set(document) == SCHEMA
    assert document == {
        **json.loads(described["output"]),
        "executionArn": described["executionArn"],
        "stateMachineArn": sync.state_machine_arn,
        "status": "SUCCEEDED",
        "error": None,
        "cause": None,
        "start": described["startDate"].isoformat(),
        "stop": described["stopDate"].isoformat(),
        "seconds": round((described["stopDate"] - described["startDate"]).total_seconds(), 1),
    }
    assert (document["prefix"], document["copied"], document["failures"]) == ("obj/", 10, [])
    # Only the fields that were set travel in the input.
    assert json.loads(described["input"]) == {"source": SRC, "destination": DST, "prefix": "obj/"}
    assert NAME.search(document["executionArn"])


def test_options_become_the_contract_input(sync, cli):
    put_objects(sync.s3, SRC, bodies(3))
    result = cli(
        *run_args(sync.state_machine_arn, SRC, DST),
        "--start-after",
        "obj/00000",
        "--no-delete",
        "--max-deletes",
        "5",
        "--allow-empty-source",
        "--json",
    )
    assert result.code == 0, result.stderr
    described = sync.sfn.describe_execution(executionArn=result.json()["executionArn"])
    assert json.loads(described["input"]) == {
        "source": SRC,
        "destination": DST,
        "startAfter": "obj/00000",
        "deleteOrphans": False,
        "maxDeletes": 5,
        "allowEmptySource": True,
    }
    assert result.json()["copied"] == 2


def test_a_dry_run_writes_nothing(sync, cli):
    put_objects(sync.s3, SRC, bodies(12))
    put_objects(sync.s3, DST, {"orphan": b"o"})
    before = sync.snapshot(DST)
    result = cli(
        *run_args(sync.state_machine_arn, SRC, DST),
        "--dry-run",
    )
    assert result.code == 0, result.stderr
    assert row(result.stdout, "dry run") == "yes"
    assert (row(result.stdout, "copied"), row(result.stdout, "deleted")) == ("12", "1")
    assert sync.snapshot(DST) == before
    # This instance has no report_bucket: the table says how to get the list of keys.
    assert "when the module has a report_bucket" in result.stdout


def test_a_dry_run_shows_what_it_would_copy_and_delete_and_where_the_full_list_is(wide, cli):
    put_objects(wide.s3, SRC, bodies(30))
    put_objects(wide.s3, DST, {"orphan": b"o"})
    result = cli(*run_args(wide.state_machine_arn, SRC, DST), "--dry-run")
    assert result.code == 0, result.stderr
    planned = result.stdout.split("would delete (1):\n", 1)[1].splitlines()
    assert planned[:2] == ["  would delete  orphan", "would copy (first 20 of 30; -v lists all):"]
    assert planned[2].startswith("  would copy    obj/0") and planned[2].endswith("(64 bytes)")
    assert sum(line.startswith("  would copy ") for line in planned) == 20
    every = cli(*run_args(wide.state_machine_arn, SRC, DST), "--dry-run", "-v")
    assert sum(line.startswith("  would copy ") for line in every.stdout.splitlines()) == 30
    location = re.search(r"^full list: (s3://e2e-reports/runs/\S+/actions/)$", result.stdout, re.MULTILINE)
    assert location, result.stdout
    as_json = cli(*run_args(wide.state_machine_arn, SRC, DST), "--dry-run", "--json").json()
    assert as_json["reportLocation"].startswith("s3://e2e-reports/runs/") and as_json["deleted"] == 1


def test_a_rejected_run_exits_5_and_names_the_error(sync, cli):
    result = cli(*run_args(sync.state_machine_arn, OUTSIDE, DST))
    assert result.code == 5
    assert row(result.stdout, "status") == "FAILED"
    assert row(result.stdout, "error") == "AccessDenied"
    assert result.stderr.splitlines()[-1].startswith("error: AccessDenied: ")
    assert "source_bucket_names" in result.stderr
    assert "rejected before any write: nothing was copied or deleted" in result.stderr
    # The guard of a counting pass trips in TallyRound, still before any write.
    put_objects(sync.s3, SRC, bodies(2))
    put_objects(sync.s3, DST, {f"orphan/{i}": b"o" for i in range(3)})
    guarded = cli(*run_args(sync.state_machine_arn, SRC, DST), "--max-deletes", "1")
    assert (guarded.code, row(guarded.stdout, "error")) == (5, "DeleteGuardTripped"), guarded.stderr
    assert sync.s3.list_objects_v2(Bucket=DST)["KeyCount"] == 3


def test_a_rejected_run_in_json_has_the_same_keys_with_null_counts(sync, cli):
    result = cli(
        *run_args(sync.state_machine_arn, GHOST, DST),
        "--json",
    )
    assert result.code == 5
    document = result.json()
    assert set(document) == SCHEMA
    assert (document["status"], document["error"]) == ("FAILED", "BucketNotFound")
    assert GHOST in document["cause"]
    assert (document["source"], document["destination"], document["prefix"]) == (GHOST, DST, "")
    assert [document[name] for name in COUNTS] == [None] * len(COUNTS)
    assert document["start"] and document["stop"] and document["seconds"] >= 0
    assert "BucketNotFound" not in result.stderr, "with --json the error is in the document"


def test_objects_that_fail_exit_4_with_the_counts_in_place(sync, cli):
    put_objects(sync.s3, SRC, bodies(8))
    with sync.emulator.faults(fail_keys={"obj/00003": ACCESS_DENIED}, fail_keys_bucket=SRC):
        table = cli(*run_args(sync.state_machine_arn, SRC, DST))
        as_json = cli(
            *run_args(sync.state_machine_arn, SRC, DST),
            "--json",
        )
    assert table.code == 4
    assert (row(table.stdout, "status"), row(table.stdout, "copied"), row(table.stdout, "failed")) == (
        "FAILED",
        "7",
        "1",
    )
    assert re.search(r"^failures:\n  obj/00003: .+", table.stdout, re.MULTILINE)
    assert table.stderr.splitlines()[-1].startswith("error: ObjectsFailed: 1 object(s) could not be synced")
    assert as_json.code == 4
    document = as_json.json()
    assert set(document) == SCHEMA
    assert (document["status"], document["error"]) == ("FAILED", "ObjectsFailed")
    # The table run copied the seven; this one finds them unchanged.
    assert (document["unchanged"], document["failed"], document["failuresNotListed"]) == (7, 1, 0)
    assert [failure["key"] for failure in document["failures"]] == ["obj/00003"]
    assert json.loads(document["cause"])["failed"] == 1


def test_no_wait_prints_the_execution_arn_and_exits_0(sync, cli):
    result = cli(
        *run_args(sync.state_machine_arn, SRC, DST),
        "--no-wait",
        "--allow-empty-source",
    )
    assert result.code == 0, result.stderr
    arn = result.stdout.strip()
    assert NAME.search(arn)
    assert sync.sfn.describe_execution(executionArn=arn)["stateMachineArn"] == sync.state_machine_arn


def test_usage_errors_exit_2(deployment, cli):
    arn = deployment.state_machine_arn
    missing_source = cli("run", "--state-machine-arn", arn, "--destination", DST)
    assert missing_source.code == 2 and "--source" in missing_source.stderr
    both_targets = cli(
        "run", "--state-machine-arn", arn, "--from-terraform", ".", "--source", SRC, "--destination", DST
    )
    assert both_targets.code == 2 and "not allowed with" in both_targets.stderr
    negative = cli(*run_args(arn, SRC, DST), "--max-deletes", "-1")
    assert negative.code == 2 and "--max-deletes" in negative.stderr
    no_command = cli()
    assert no_command.code == 2


def test_a_state_machine_that_does_not_exist_exits_2_before_starting(deployment, cli):
    missing = deployment.state_machine_arn + "-missing"
    result = cli(*run_args(missing, SRC, DST))
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: could not start the execution:")
    assert "StateMachineDoesNotExist" in result.stderr


def test_as_a_subprocess_exit_codes_and_plain_progress_lines_on_stderr(sync):
    put_objects(sync.s3, SRC, bodies(40))
    with sync.emulator.faults(fail_keys={"obj/00003": ACCESS_DENIED}, fail_keys_bucket=SRC):
        partial = run_in_pipe(
            [*run_args(sync.state_machine_arn, SRC, DST), "--progress-interval", "0.5"],
            subprocess_env(sync.emulator.endpoint),
        )
    assert partial.code == 4, partial.stderr
    assert partial.stdout.startswith("status       FAILED\n")
    assert "\r" not in partial.stdout and "\x1b" not in partial.stdout
    assert "\r" not in partial.stderr and "\x1b" not in partial.stderr
    lines = partial.stderr.splitlines()
    assert re.fullmatch(r"bucket-sync: following arn:aws:states:.+", lines[0])
    assert any(re.fullmatch(r"bucket-sync: \d+:\d\d  \S.*", line) for line in lines[1:-1]), lines
    assert lines[-1].startswith("error: ObjectsFailed: 1 object(s)")

    env = subprocess_env(sync.emulator.endpoint)
    ok = run_in_pipe(run_args(sync.state_machine_arn, SRC, DST), env)
    assert ok.code == 0, ok.stderr
    assert ok.stdout.startswith("status       SUCCEEDED\n")
    # At the default interval (30 s) a short run says only which execution it follows.
    assert re.fullmatch(r"bucket-sync: following arn:aws:states:\S+\n", ok.stderr)

    failed = run_in_pipe(run_args(sync.state_machine_arn, OUTSIDE, DST), env)
    assert failed.code == 5
    assert failed.stderr.splitlines()[-1].startswith("error: AccessDenied: ")

    quiet = run_in_pipe(
        [*run_args(sync.state_machine_arn, SRC, DST), "-q", "--progress-interval", "0.5"], env
    )
    assert (quiet.code, quiet.stderr) == (0, "")

    usage = run_in_pipe(["run", "--state-machine-arn", sync.state_machine_arn, "--destination", DST], env)
    assert usage.code == 2
    assert usage.stdout == ""
