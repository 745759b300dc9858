"""``bucket-sync``: the command line entry point (argument parsing and exit codes)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from typing import Any, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from bucket_sync_cli.arguments import (
    EXIT_ATTENTION,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LOST,
    EXIT_OBJECTS_FAILED,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    INTERVAL_ENV,
    build_parser,
    seconds_value,
)
from bucket_sync_cli.inputs import bucket_checks, build_input, execution_name, start_execution
from bucket_sync_cli.livecounts import LiveCounts, run_table_of
from bucket_sync_cli.planned import COPY, DELETE, MAX_PLANNED_SHOWN, format_planned, planned_actions
from bucket_sync_cli.progress import DEFAULT_INTERVAL, ProgressDisplay
from bucket_sync_cli.rejection import rejected_before_writes
from bucket_sync_cli.runner import Outcome, ProgressProbe, describe, follow
from bucket_sync_cli.status import StatusError, Target, collect, format_status, problems, target_from_output
from bucket_sync_cli.stopped import counts_so_far, format_stopped
from bucket_sync_cli.summary import error_line, format_table, json_document, report_of
from bucket_sync_cli.terraform import (
    TerraformOutputError,
    output_value,
    read_outputs,
    state_machine_arn_from_terraform,
)

__all__ = [
    "EXIT_ATTENTION",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_LOST",
    "EXIT_OBJECTS_FAILED",
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_USAGE",
    "build_parser",
    "exit_status",
    "main",
]


class UsageError(Exception):
    """A configuration problem found before anything started (exit 2)."""


def _region_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 4 and parts[0] == "arn" and parts[3] else None


def _client(args: argparse.Namespace, arn: str | None, service: str = "stepfunctions") -> Any:
    # boto3 reads only AWS_DEFAULT_REGION; AWS_REGION is what the other SDKs and our own
    # messages name, so it comes first, then AWS_DEFAULT_REGION, then the profile's.
    region = (
        args.region
        or (_region_of(arn) if arn else None)
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or None
    )
    session = boto3.session.Session(profile_name=args.profile, region_name=region)
    if session.region_name is None:
        raise UsageError(
            "no AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION, or a profile's region), "
            "or give the full ARN"
        )
    return session.client(service, endpoint_url=args.endpoint_url or None)


def _resolve_state_machine(sfn: Any, name: str) -> str:
    """The ARN of the state machine called ``name`` in the client's region."""
    for page in sfn.get_paginator("list_state_machines").paginate():
        for machine in page.get("stateMachines", []):
            if machine.get("name") == name:
                return machine["stateMachineArn"]
    raise UsageError(f"no state machine named {name!r} in {sfn.meta.region_name}; pass its ARN or --region")


def _say_error(stderr: TextIO, message: str) -> None:
    print(f"error: {message}", file=stderr)


def _interval(args: argparse.Namespace) -> float:
    if args.progress_interval is not None:
        return args.progress_interval
    try:
        return seconds_value(os.environ.get(INTERVAL_ENV, "") or str(DEFAULT_INTERVAL))
    except argparse.ArgumentTypeError as error:
        raise UsageError(f"{INTERVAL_ENV}: {error}") from None


def exit_status(outcome: Outcome, rejected: bool = False) -> int:
    """0 succeeded (or still running), 4 ObjectsFailed, 5 ``rejected`` before any write, 1 any
    other end."""
    if outcome.status in ("SUCCEEDED", "RUNNING"):
        return EXIT_OK
    if outcome.status == "FAILED" and outcome.error == "ObjectsFailed":
        return EXIT_OBJECTS_FAILED
    return EXIT_REJECTED if rejected else EXIT_FAILED


def _live_counts(
    args: argparse.Namespace, sfn: Any, execution_arn: str, state_machine_arn: str | None
) -> LiveCounts | None:
    """The run table reader for the progress line, or None (counts then move per round).

    ``state_machine_arn`` is the execution's, when the caller already has it (else it is read)."""
    try:
        table = args.run_table
        if not table:
            if not state_machine_arn:
                state_machine_arn = sfn.describe_execution(executionArn=execution_arn)["stateMachineArn"]
            table = run_table_of(sfn, _client(args, execution_arn, "lambda"), state_machine_arn)
        return LiveCounts(_client(args, execution_arn, "dynamodb"), table, execution_arn) if table else None
    except (BotoCoreError, ClientError, UsageError, KeyError, ValueError):
        return None  # no permission to look, or an older module: progress per round still works


def _command(args: argparse.Namespace, verb: str, execution_arn: str) -> str:
    """The ``bucket-sync <verb> ARN`` line to type, with the options that reach the same place."""
    words = ["bucket-sync", verb, execution_arn]
    options = (
        ("--profile", args.profile),
        ("--endpoint-url", args.endpoint_url),
        ("--run-table", args.run_table),
    )
    for option, value in options:
        if value:
            words += [option, value]
    return shlex.join(words)


def _run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.from_terraform is not None:
        try:
            state_machine = state_machine_arn_from_terraform(
                args.from_terraform, output_name=args.output_name
            )
        except TerraformOutputError as error:
            raise UsageError(str(error)) from None
    else:
        state_machine = args.state_machine
    run_input = build_input(
        args.source,
        args.destination,
        prefix=args.prefix,
        start_after=args.start_after,
        dry_run=args.dry_run,
        delete_orphans=args.delete_orphans,
        max_deletes=args.max_deletes,
        allow_empty_source=args.allow_empty_source,
        include=args.include,
        exclude=args.exclude,
        storage_class=args.storage_class,
        sse_kms_key_id=args.sse_kms_key_id,
        report=args.report,
    )
    run_input.update(
        bucket_checks(args.source_bucket_owner, args.destination_bucket_owner, args.request_payer)
    )
    interval = _interval(args)
    is_arn = state_machine.startswith("arn:")
    try:
        sfn = _client(args, state_machine if is_arn else None)
        state_machine_arn = state_machine if is_arn else _resolve_state_machine(sfn, state_machine)
        execution_arn = start_execution(sfn, state_machine_arn, run_input, execution_name())
    except (BotoCoreError, ClientError) as error:
        raise UsageError(f"could not start the execution: {error}") from None

    if args.no_wait:
        if args.json:
            started = Outcome(
                execution_arn, "RUNNING", run_input=run_input, state_machine_arn=state_machine_arn
            )
            try:
                started = describe(sfn, execution_arn)
            except (BotoCoreError, ClientError):
                pass  # it started; the document says so without the dates
            print(json.dumps(json_document(started, run_input)), file=stdout)
        else:
            print(execution_arn, file=stdout)
        return EXIT_OK
    return _follow(args, sfn, execution_arn, state_machine_arn, run_input, interval, stdout, stderr)


def _follow(
    args: argparse.Namespace,
    sfn: Any,
    execution_arn: str,
    state_machine_arn: str | None,
    run_input: dict[str, Any] | None,
    interval: float,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    display = ProgressDisplay(stderr, interval=interval, quiet=args.quiet)
    if args.verbose or (display.active and not display.terminal):
        display.note(f"following {execution_arn}")
    try:
        live = _live_counts(args, sfn, execution_arn, state_machine_arn) if display.active else None
        outcome = follow(sfn, execution_arn, display.update if display.active else None, live=live)
    except KeyboardInterrupt:
        display.close()
        print(
            f"interrupted; the execution keeps running: {execution_arn}\n"
            f"  follow it: {_command(args, 'watch', execution_arn)}\n"
            f"  stop it:   {_command(args, 'stop', execution_arn)}",
            file=stderr,
        )
        return EXIT_INTERRUPTED
    except (BotoCoreError, ClientError) as error:
        display.close()
        _say_error(stderr, f"lost track of execution {execution_arn}: {error}")
        return EXIT_LOST
    display.close()
    return _report(sfn, outcome, run_input, args, stdout, stderr)


def _report(
    sfn: Any,
    outcome: Outcome,
    run_input: dict[str, Any] | None,
    args: argparse.Namespace,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    rejected = rejected_before_writes(sfn, outcome)
    if args.json:
        print(json.dumps(json_document(outcome, run_input)), file=stdout)
    else:
        print(format_table(outcome, run_input, verbose=args.verbose), file=stdout)
        _show_planned(outcome, args, stdout, stderr)
        if rejected:
            print("rejected before any write: nothing was copied or deleted", file=stderr)
        if outcome.status != "SUCCEEDED":
            print(error_line(outcome), file=stderr)
    return exit_status(outcome, rejected)


def _show_planned(outcome: Outcome, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> None:
    """After a dry run's table: the first deletes and copies it would make (-v: all), from its
    report."""
    report = report_of(outcome) or {}
    if not report.get("dryRun"):
        return
    location = report.get("reportLocation")
    if not location:
        print(
            "(the keys a dry run would copy or delete are listed when the module has a report_bucket)",
            file=stdout,
        )
        return
    try:
        expected = {DELETE: int(report.get("deleted") or 0), COPY: int(report.get("copied") or 0)}
        limit = None if args.verbose else MAX_PLANNED_SHOWN
        planned = planned_actions(_client(args, outcome.execution_arn, "s3"), location, expected, limit)
    except (BotoCoreError, ClientError) as error:
        _say_error(stderr, f"could not read the run report at {location}: {error}")
        return
    print("\n" + format_planned(planned, location), file=stdout)


def _watch(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    interval = _interval(args)
    try:
        sfn = _client(args, args.execution_arn)
        current = describe(sfn, args.execution_arn)
    except (BotoCoreError, ClientError) as error:
        raise UsageError(f"could not read execution {args.execution_arn}: {error}") from None
    if current.status not in ("RUNNING", "PENDING_REDRIVE"):
        return _report(sfn, current, None, args, stdout, stderr)
    return _follow(
        args, sfn, args.execution_arn, current.state_machine_arn, current.run_input, interval, stdout, stderr
    )


def _until_stopped(sfn: Any, execution_arn: str, seconds: float = 10.0) -> Outcome:
    """The execution once it reports its end (AWS does at once, emulators may lag), or as it is."""
    deadline = time.monotonic() + seconds
    current = describe(sfn, execution_arn)
    while current.status == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.2)
        current = describe(sfn, execution_arn)
    return current


def _stop(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        sfn = _client(args, args.execution_arn)
        current = describe(sfn, args.execution_arn)
        stopped = current.status == "RUNNING"
        if stopped:
            sfn.stop_execution(executionArn=args.execution_arn, error="bucket-sync stop", cause=args.cause)
            current = _until_stopped(sfn, args.execution_arn)
    except (BotoCoreError, ClientError) as error:
        raise UsageError(f"could not stop execution {args.execution_arn}: {error}") from None
    # What it had done: the history's tallies and, when readable, the running round's items.
    progress = (
        ProgressProbe(
            sfn, args.execution_arn, _live_counts(args, sfn, args.execution_arn, current.state_machine_arn)
        ).poll()
        if stopped
        else None
    )
    if args.json:
        document = json_document(current)
        if progress is not None:
            document.update(counts_so_far(progress) or {})
        print(json.dumps(document), file=stdout)
    elif progress is not None:
        print(format_stopped(current, progress), file=stdout)
    else:
        print(f"not running: {args.execution_arn} ({current.status})", file=stdout)
    return EXIT_OK


def _status_target(args: argparse.Namespace) -> Target:
    if args.from_terraform is None:
        return Target(args.queue_url, args.dlq_url, args.consumer)
    try:
        text = read_outputs(args.from_terraform)
        target = target_from_output(
            output_value(text, args.from_terraform, args.output_name), args.from_terraform, args.output_name
        )
    except (TerraformOutputError, StatusError) as error:
        raise UsageError(str(error)) from None
    return Target(
        target.queue_url, args.dlq_url or target.dlq_url, args.consumer or target.consumer, target.queue_arn
    )


def _status(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    target = _status_target(args)
    try:
        status = collect(
            _client(args, target.queue_arn, "sqs"),
            _client(args, target.queue_arn, "cloudwatch"),
            target,
            args.window,
        )
    except (BotoCoreError, ClientError) as error:
        raise UsageError(f"could not read continuous sync's state: {error}") from None
    found = problems(status, args.max_age)
    if args.json:
        print(json.dumps({**status, "problems": found}), file=stdout)
    else:
        print(format_status(status), file=stdout)
        for problem in found:
            print(f"attention: {problem}", file=stderr)
    return EXIT_ATTENTION if found else EXIT_OK


_COMMANDS = {"run": _run, "watch": _watch, "stop": _stop, "status": _status}


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the command, return the exit status."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        # argparse exits 2 on a usage error and 0 after --help; return it instead.
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        return _COMMANDS[args.command](args, out, err)
    except UsageError as error:
        _say_error(err, str(error))
        return EXIT_USAGE
    except BotoCoreError as error:  # e.g. no such profile, no credentials
        _say_error(err, str(error))
        return EXIT_USAGE
