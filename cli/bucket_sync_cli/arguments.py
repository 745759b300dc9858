"""The command line's arguments and exit statuses: what `bucket-sync --help` documents."""

from __future__ import annotations

import argparse
from typing import Any

from bucket_sync_cli import __version__
from bucket_sync_cli.inputs import BUCKET_DEFAULT_KEY, KEEP_SOURCE_CLASS, STORAGE_CLASSES
from bucket_sync_cli.progress import DEFAULT_INTERVAL
from bucket_sync_cli.status import CONTINUOUS_OUTPUT, DEFAULT_WINDOW_MINUTES
from bucket_sync_cli.terraform import OUTPUT_NAME

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOST, EXIT_OBJECTS_FAILED, EXIT_REJECTED = 0, 1, 2, 3, 4, 5
EXIT_ATTENTION = 6
EXIT_INTERRUPTED = 130
INTERVAL_ENV = "BUCKET_SYNC_PROGRESS_INTERVAL"

EXIT_STATUSES = """\
exit status:
  0    the execution SUCCEEDED (run --no-wait: it started; stop: it is not running any more)
  1    the execution FAILED (other than ObjectsFailed or a rejection before any write),
       TIMED_OUT or was ABORTED: objects may have been copied or deleted
  2    usage or configuration error before anything started: bad arguments, no such Terraform
       output or state machine, no region, AWS credentials or client errors
  3    the execution started but could not be followed to its end (it may still be running)
  4    ObjectsFailed: some objects could not be synced, everything else was
  5    rejected, nothing written: the execution failed InvalidInput, BucketNotFound,
       AccessDenied, BucketRegionsNotEqual, DeleteGuardTripped or RunInProgress before its
       first copy or delete (a DeleteGuardTripped after deletes exits 1)
  130  interrupted (Ctrl-C): the execution keeps running; the stop command is printed
"""

# `status` reads, it runs nothing: its own three, numbered as above where they mean the same.
STATUS_EXIT_STATUSES = """\
exit status:
  0    continuous sync needs no attention (figures without data do not count)
  2    usage or configuration error: bad arguments, no such Terraform output, continuous sync
       off (the output is null), no region, AWS credentials or client errors
  6    needs attention: messages in the dead-letter queue, deletes paused in the window, or
       (with --max-age) the oldest message older than allowed
"""

EPILOG = (
    EXIT_STATUSES
    + f"""
output: the summary table or, with --json, one JSON document goes to stdout and nothing else;
progress goes to stderr: a line redrawn in place on a terminal, otherwise a plain line every
{DEFAULT_INTERVAL:.0f} s (--progress-interval, or {INTERVAL_ENV}; 0: none). --quiet: no progress.

AWS access uses boto3's standard credential chain (environment, --profile, SSO, instance role).
--endpoint-url or AWS_ENDPOINT_URL points it elsewhere, e.g. at a local emulator. The region is
--region, else the state machine ARN's region, else AWS_REGION, else AWS_DEFAULT_REGION,
else the profile's.
"""
)


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def _account_id(text: str) -> str:
    if not (len(text) == 12 and text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"not an AWS account ID (12 digits): {text!r}")
    return text


def seconds_value(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text}")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {value}")
    return value


def _aws_access(parser: argparse.ArgumentParser, endpoint: str) -> argparse._ArgumentGroup:
    aws = parser.add_argument_group("AWS access")
    aws.add_argument(
        "--region", help="AWS region (default: the ARN's, else AWS_REGION, AWS_DEFAULT_REGION, the profile's)"
    )
    aws.add_argument("--profile", help="named profile of the AWS config and credentials files")
    aws.add_argument("--endpoint-url", metavar="URL", help=f"{endpoint} endpoint (default: AWS_ENDPOINT_URL)")
    return aws


def _json_option(parser: argparse.ArgumentParser) -> argparse._ArgumentGroup:
    out = parser.add_argument_group("output")
    out.add_argument("-j", "--json", action="store_true", help="print exactly one JSON document on stdout")
    return out


def _common_options() -> argparse.ArgumentParser:
    """Options every command that follows an execution takes: AWS access, output and progress."""
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    aws = _aws_access(common, "Step Functions")
    aws.add_argument(
        "--run-table",
        metavar="NAME",
        help="the module's run table (output run_table_name), for counts that move while a round runs "
        "(default: looked up from the state machine's functions; unreadable: counts move per round)",
    )
    out = _json_option(common)
    loudness = out.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    loudness.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="say which execution runs (stderr) and list every failure the report names",
    )
    out.add_argument(
        "--progress-interval",
        type=seconds_value,
        metavar="SECONDS",
        help=f"seconds between plain progress lines when stderr is not a terminal "
        f"(default: {INTERVAL_ENV} or {DEFAULT_INTERVAL:.0f}; 0: none)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The ``bucket-sync`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="bucket-sync",
        # "--output json" must not pass as "--output-name json": no abbreviated options anywhere.
        allow_abbrev=False,
        description="Run and follow bucket-sync executions (S3 bucket to bucket sync); "
        "show continuous sync's status.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common_options()
    layout = {
        "allow_abbrev": False,
        "epilog": EPILOG,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
        "parents": [common],
    }
    run = commands.add_parser(
        "run",
        help="start a sync execution and follow it to its end",
        description="Start a sync execution of the deployed state machine, follow it, print the summary.",
        **layout,
    )
    target = run.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--state-machine-arn",
        "--state-machine",
        dest="state_machine",
        metavar="ARN_OR_NAME",
        help="the sync state machine: its ARN, or its name (looked up in the region)",
    )
    target.add_argument(
        "--from-terraform",
        metavar="DIR",
        help="read the state machine ARN from an output of the Terraform root module applied in DIR",
    )
    run.add_argument(
        "--output-name",
        default=OUTPUT_NAME,
        metavar="NAME",
        help=f"the output --from-terraform reads (default: {OUTPUT_NAME})",
    )
    run.add_argument("-s", "--source", required=True, help="bucket to read from")
    run.add_argument("-d", "--destination", required=True, help="bucket to make equal to the source")
    run.add_argument("-p", "--prefix", help="sync only keys under this prefix, on both sides")
    run.add_argument("--start-after", metavar="KEY", help="leave keys up to and including KEY alone")
    for side in ("source", "destination"):
        run.add_argument(
            f"--{side}-bucket-owner",
            type=_account_id,
            metavar="ACCOUNT",
            help=f"fail with AccessDenied, touching nothing, unless account ACCOUNT owns the {side} bucket",
        )
    run.add_argument(
        "--request-payer",
        choices=["requester"],
        help="pay for the requests to a Requester Pays source (and for its data transfer)",
    )
    run.add_argument(
        "-i",
        "--include",
        action="append",
        metavar="GLOB",
        help="sync only keys matching GLOB (relative to the prefix); repeatable",
    )
    run.add_argument(
        "-x",
        "--exclude",
        action="append",
        metavar="GLOB",
        help="leave keys matching GLOB (relative to the prefix) alone; repeatable",
    )
    run.add_argument(
        "-n", "--dry-run", action="store_true", help="write nothing; count what a real run would do"
    )
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
    run.add_argument(
        "--storage-class",
        choices=(*STORAGE_CLASSES, KEEP_SOURCE_CLASS),
        metavar="CLASS",
        help=f"write every copy in CLASS: {', '.join(STORAGE_CLASSES)}, or {KEEP_SOURCE_CLASS} "
        "(each copy keeps its source's class) (default: the module's destination_storage_class)",
    )
    run.add_argument(
        "--sse-kms-key-id",
        metavar="ARN",
        help="encrypt every copy with this KMS key (one the module allows), or "
        f"{BUCKET_DEFAULT_KEY} (the destination bucket's default encryption) "
        "(default: the module's destination_sse_kms_key_arn)",
    )
    reporting = run.add_mutually_exclusive_group()
    reporting.add_argument(
        "--report",
        dest="report",
        action="store_const",
        const=True,
        help="write the run's report to the module's report_bucket (default: whenever it has one)",
    )
    reporting.add_argument(
        "--no-report", dest="report", action="store_const", const=False, help="write no report"
    )
    run.add_argument("--no-wait", action="store_true", help="print the execution ARN and exit at once")

    watch = commands.add_parser(
        "watch",
        help="follow a running execution to its end, as run does",
        description="Follow an execution (started by run --no-wait, or left by Ctrl-C) to its end.",
        **layout,
    )
    watch.add_argument("execution_arn", metavar="EXECUTION_ARN")

    stop = commands.add_parser(
        "stop",
        help="stop a running execution",
        description="Stop a running execution (StopExecution). Objects already copied or deleted "
        "stay so; a later run picks up from the buckets as they are.",
        **layout,
    )
    stop.add_argument("execution_arn", metavar="EXECUTION_ARN")
    stop.add_argument("--cause", default="stopped with bucket-sync stop", help="the reason recorded")
    _status_parser(commands)
    return parser


def _status_parser(commands: Any) -> None:
    status_options = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    _aws_access(status_options, "SQS and CloudWatch")
    _json_option(status_options)
    status = commands.add_parser(
        "status",
        help="show continuous sync's queue depth, oldest message, recent lag and dead letters",
        description="Show how continuous sync is doing: its queue's depth and oldest message, the "
        "consumer's recent lag (p50, p99, max) and paused deletes, and the dead-letter queue.",
        allow_abbrev=False,
        epilog=STATUS_EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[status_options],
    )
    target = status.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--from-terraform",
        metavar="DIR",
        help=f"read the queues and consumer from the output {CONTINUOUS_OUTPUT} of the Terraform "
        "root module applied in DIR",
    )
    target.add_argument(
        "--queue-url", metavar="URL", help="the changes queue (output continuous_sync.queue_url)"
    )
    status.add_argument(
        "--output-name",
        default=CONTINUOUS_OUTPUT,
        metavar="NAME",
        help=f"the output --from-terraform reads (default: {CONTINUOUS_OUTPUT})",
    )
    status.add_argument(
        "--dlq-url",
        metavar="URL",
        help="the dead-letter queue (default: the one the queue's redrive policy names)",
    )
    status.add_argument(
        "--consumer",
        metavar="NAME_OR_ARN",
        help="the consumer function, whose Lag and DeletesPaused metrics to read "
        "(default with --from-terraform: the output's consumer_function_arn)",
    )
    status.add_argument(
        "--window",
        type=_positive,
        default=DEFAULT_WINDOW_MINUTES,
        metavar="MINUTES",
        help=f"the metrics of the last MINUTES (default: {DEFAULT_WINDOW_MINUTES})",
    )
    status.add_argument(
        "--max-age",
        type=seconds_value,
        metavar="SECONDS",
        help="exit 6 when the oldest message is older than SECONDS (its latest figure)",
    )
