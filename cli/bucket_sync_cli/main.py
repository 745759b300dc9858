"""``bucket-sync``: the command line entry point (argument parsing and exit codes)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from bucket_sync_cli import __version__
from bucket_sync_cli.progress import ProgressDisplay
from bucket_sync_cli.runner import Outcome, build_input, execution_name, follow, start_execution
from bucket_sync_cli.summary import error_line, format_table, json_document
from bucket_sync_cli.terraform import TerraformOutputError, state_machine_arn_from_terraform

__all__ = ["EXIT_FAILED", "EXIT_LOST", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOST = 0, 1, 2, 3
EXIT_INTERRUPTED = 130

EPILOG = """\
exit status:
  0  the execution SUCCEEDED (or, with --no-wait, was started)
  1  the execution FAILED, TIMED_OUT or was ABORTED (table mode prints "error: <Name>: <cause>"
     to stderr; --json prints status, error, cause and, for ObjectsFailed, the parsed report)
  2  usage or configuration error: bad arguments, no state_machine_arn in the terraform output,
     AWS credentials, region or client errors before the execution started
  3  the execution started but could not be followed to its end (it may still be running)

AWS access uses boto3's standard credential chain (environment, profile, SSO, instance role).
--endpoint-url or AWS_ENDPOINT_URL points it elsewhere, e.g. at a local emulator. The region is
--region, else the state machine ARN's region, else the configured default.
"""


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``bucket-sync`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="bucket-sync", description="Run and follow bucket-sync executions (S3 bucket to bucket sync)."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="start a sync execution and follow it to its end",
        description="Start a sync execution of the deployed state machine, follow it, print the summary.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = run.add_mutually_exclusive_group(required=True)
    target.add_argument("--state-machine-arn", metavar="ARN", help="the sync state machine")
    target.add_argument(
        "--from-terraform",
        metavar="DIR",
        help="read output state_machine_arn of the Terraform root module applied in DIR",
    )
    run.add_argument("--source", required=True, help="bucket to read from")
    run.add_argument("--destination", required=True, help="bucket to make equal to the source")
    run.add_argument("--prefix", help="sync only keys under this prefix, on both sides")
    run.add_argument("--start-after", metavar="KEY", help="leave keys up to and including KEY alone")
    run.add_argument("--dry-run", action="store_true", help="write nothing; count what a real run would do")
    run.add_argument(
        "--no-delete",
        dest="delete_orphans",
        action="store_const",
        const=False,
        default=None,
        help="keep destination objects the source does not have (default: the module's delete_orphans)",
    )
    run.add_argument(
        "--max-deletes",
        type=_non_negative,
        metavar="N",
        help="fail with DeleteGuardTripped, deleting nothing, if more than N objects would be deleted",
    )
    run.add_argument(
        "--allow-empty-source", action="store_true", help="let a run proceed when the source has no object"
    )
    run.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    run.add_argument("--no-wait", action="store_true", help="print the execution ARN and exit at once")
    run.add_argument("--region", help="AWS region (default: the state machine ARN's region)")
    run.add_argument(
        "--endpoint-url", metavar="URL", help="Step Functions endpoint (default: AWS_ENDPOINT_URL)"
    )
    return parser


def _region_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 4 and parts[0] == "arn" and parts[3] else None


def _client(args: argparse.Namespace, state_machine_arn: str) -> Any:
    session = boto3.session.Session(region_name=args.region or _region_of(state_machine_arn))
    return session.client("stepfunctions", endpoint_url=args.endpoint_url or None)


def _say_error(stderr: TextIO, message: str) -> None:
    print(f"error: {message}", file=stderr)


def _run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.from_terraform is not None:
        try:
            state_machine_arn = state_machine_arn_from_terraform(args.from_terraform)
        except TerraformOutputError as error:
            _say_error(stderr, str(error))
            return EXIT_USAGE
    else:
        state_machine_arn = args.state_machine_arn
    run_input = build_input(
        args.source,
        args.destination,
        prefix=args.prefix,
        start_after=args.start_after,
        dry_run=args.dry_run,
        delete_orphans=args.delete_orphans,
        max_deletes=args.max_deletes,
        allow_empty_source=args.allow_empty_source,
    )
    try:
        sfn = _client(args, state_machine_arn)
        execution_arn = start_execution(sfn, state_machine_arn, run_input, execution_name())
    except (BotoCoreError, ClientError) as error:
        _say_error(stderr, f"could not start the execution: {error}")
        return EXIT_USAGE

    if args.no_wait:
        if args.json:
            print(json.dumps({"executionArn": execution_arn, "status": "RUNNING"}), file=stdout)
        else:
            print(execution_arn, file=stdout)
        return EXIT_OK

    display = ProgressDisplay(stdout)
    try:
        outcome = follow(sfn, execution_arn, display.update if display.active else None)
    except KeyboardInterrupt:
        display.close()
        print(f"interrupted; the execution keeps running: {execution_arn}", file=stderr)
        return EXIT_INTERRUPTED
    except (BotoCoreError, ClientError) as error:
        display.close()
        _say_error(stderr, f"lost track of execution {execution_arn}: {error}")
        return EXIT_LOST
    display.close()
    return _report(outcome, run_input, args.json, stdout, stderr)


def _report(
    outcome: Outcome, run_input: dict[str, Any], as_json: bool, stdout: TextIO, stderr: TextIO
) -> int:
    if as_json:
        print(json.dumps(json_document(outcome)), file=stdout)
    else:
        print(format_table(outcome, run_input), file=stdout)
    if outcome.status == "SUCCEEDED":
        return EXIT_OK
    if not as_json:
        print(error_line(outcome), file=stderr)
    return EXIT_FAILED


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the command, return the exit status."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        # argparse exits 2 on a usage error and 0 after --help; return it instead.
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    return _run(args, out, err)
