"""Print the worst-case size of every state's input and output, the error path included (README
"Payload budget"): 1,024-byte keys, prefixes and start keys of a character JSON escapes six-fold,
4,000 ranges, every object failing, the paused uploads, copied-ahead keys and failures a child
carries filled to their byte budgets, and the largest error a Catch can pass on. The sizes are
measured on the real handler code, not estimated; `python scripts/payload_budget.py`.
"""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "handlers"))

from bucket_sync.budget import (  # noqa: E402
    CAUSE_LIMIT_CHARS,
    FAILURES_SAMPLE_BYTES,
    MAX_KEY_BYTES,
    PAYLOAD_LIMIT_BYTES,
    REASON_CHARS,
    UPLOADS_BYTES,
    json_size,
    sample_failures,
)
from bucket_sync.copier import CopyOutcome  # noqa: E402
from bucket_sync.listing import Entry  # noqa: E402
from bucket_sync.payloads import RangeState, RunConfig, RunState, zero_counts  # noqa: E402
from bucket_sync.range_step import AHEAD_BYTES, bounded_keys, paused_uploads, start_progress  # noqa: E402
from bucket_sync.runstore import RangeRecord  # noqa: E402
from bucket_sync.scope import check_scope  # noqa: E402
from bucket_sync.steps.plan_ranges import RANGES_PER_CHILD  # noqa: E402
from bucket_sync.tally import tally_round  # noqa: E402

MAX_CONCURRENCY = 1000
# PlanRanges plans up to RANGES_PER_CHILD ranges per child of max_concurrency.
MAX_RANGES = MAX_CONCURRENCY * RANGES_PER_CHILD
# A character JSON writes as \u0001: six bytes for one of a key's 1,024.
WORST = "\x01"
# What a Catch passes on: Step Functions' error name (at most 256 characters) and cause (at most
# 32,768, LambdaFunctionFailedEventDetails). A Lambda function's cause is the runtime's JSON error
# document, ASCII, so a character takes at most two bytes as JSON (a quote or backslash escaped).
ERROR = {"Error": "E" * 256, "Cause": '"' * CAUSE_LIMIT_CHARS}
# The labels of measure()'s rows that are states' inputs and outputs (the rest are fields).
STATES = ("ValidateInput", "PlanRanges", "SyncRanges", "SyncNextWindow", "RecordRangeError", "TallyRound")
STATES += ("ReturnReport", "Catch's error", "ObjectsFailed")
EXECUTION = "arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:" + "n" * 80 + ":" + "e" * 80


def worst_key(n: int, length: int = MAX_KEY_BYTES) -> str:
    return (f"{n:06}" + WORST * length)[:length]


def worst_run() -> RunConfig:
    return RunConfig(
        execution=EXECUTION,
        source="s" * 63,
        destination="d" * 63,
        prefix=WORST * MAX_KEY_BYTES,
        startAfter=WORST * MAX_KEY_BYTES,
        deleteOrphans=True,
        dryRun=False,
        maxDeletes=10**15,
        maxDeletePercent=99.99999,
        allowEmptySource=False,
        # As many patterns as run_input accepts: 16 KiB of JSON for both lists together.
        include=[WORST * 1024] * 2,
        exclude=[WORST * 680],
        # The prefix plus the patterns' literal start, cut to a key's length (run_input).
        listPrefix=WORST * MAX_KEY_BYTES,
        readRedirects=True,
        storageClass="INTELLIGENT_TIERING",
        sseKmsKeyId="arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/" + "k" * 64,
        # report_prefix (at most 512 characters, variables.tf) plus the execution's name.
        report={"bucket": "r" * 63, "prefix": WORST * 512 + "e" * 80 + "/"},
        sourceRegion="ap-southeast-5",
        destinationRegion="ap-southeast-5",
        countingOnly=False,
        sourceBucketOwner="123456789012",
        destinationBucketOwner="123456789012",
        requestPayer="requester",
        deleteLimit=10**15,
        startedAt=1.0e10,
    )


def worst_input(run: RunConfig) -> dict[str, Any]:
    """ValidateInput's input: the largest execution input Validate accepts, and the ARN."""
    fields = ("source", "destination", "prefix", "startAfter", "deleteOrphans", "dryRun", "maxDeletes")
    given = {name: run[name] for name in fields}  # type: ignore[literal-required]
    given |= {
        "maxDeletePercent": run["maxDeletePercent"],
        "allowEmptySource": True,
        "report": True,
        "include": run["include"],
        "exclude": run["exclude"],
        "storageClass": run["storageClass"],
        "sseKmsKeyId": run["sseKmsKeyId"],
    }
    return {"input": given, "execution": EXECUTION}


class _NoS3:
    """paused_uploads aborts the uploads that do not fit; here there is nothing to abort."""

    def abort_multipart_upload(self, **_: Any) -> None:
        return None


def worst_failures(index: int = 0) -> list[Any]:
    """A range's failure sample filled to its budget: keys and reasons JSON escapes six-fold."""
    failing = [{"key": worst_key(index * 100 + n, 40), "reason": WORST * REASON_CHARS} for n in range(100)]
    return sample_failures([], failing, FAILURES_SAMPLE_BYTES)


def worst_progress(run: RunConfig, index: int) -> dict[str, Any]:
    """A child's progress at its largest: cursor, failures, paused uploads and copied-ahead keys,
    each filled to its budget by the handler code that bounds it."""
    etag, written = '"' + "f" * 32 + '-10000"', datetime(2026, 1, 1, tzinfo=UTC)
    deferred = [Entry(worst_key(n, 60), 5 * 2**40, etag, written, "STANDARD") for n in range(80)]
    copies = CopyOutcome(deferred=deferred, paused={e.key: "u" * 128 for e in deferred})
    with redirect_stdout(io.StringIO()):  # the log lines of the uploads aborted
        uploads = paused_uploads(_NoS3(), run, copies, [])
    ahead = bounded_keys([worst_key(n, 100) for n in range(100)], AHEAD_BYTES)
    progress: dict[str, Any] = {**start_progress({"after": worst_key(index), "upTo": None})}
    progress |= {
        "cursor": worst_key(index + 1),
        "steps": 10**6,
        "counts": {**zero_counts(), **dict.fromkeys(zero_counts(), 10**15)},
        "failures": worst_failures(),
        "uploads": uploads,
        "stalls": 10**6,
        "copiedAhead": ahead,
        "reportIncomplete": True,
    }
    return progress


def records(done: bool) -> list[RangeRecord]:
    """The run table's view of a round of MAX_RANGES ranges whose every object failed."""
    made = []
    for index in range(MAX_RANGES):
        progress = {**start_progress({"after": worst_key(index), "upTo": None}), "done": done}
        progress["counts"] = {**zero_counts(), "failed": 10**9}
        progress["failures"] = worst_failures(index)
        made.append(
            RangeRecord(index, {"after": worst_key(index), "upTo": worst_key(index + 1)}, progress, None)
        )
    return made


def measure() -> list[tuple[str, int]]:
    """(what, JSON bytes) of every state's input and output; the cause in characters."""
    run = worst_run()
    check_scope(run["include"], run["exclude"])  # the largest patterns Validate accepts
    ranges = list(range(MAX_RANGES))
    validated = RunState(run=run, round=0, totals=zero_counts(), failures=[], resumeRound=None)
    first = RunState(**{**validated, "ranges": ranges, "round": 1})  # type: ignore[typeddict-item]
    between = tally_round(first, records(done=False))  # a round with ranges left: PlanRanges again
    planned = RunState(**{**between, "ranges": ranges, "round": 2})  # type: ignore[typeddict-item]
    final = tally_round(planned, records(done=True))
    item = {"run": run, "round": 2, "index": MAX_RANGES - 1}
    whole = records(done=False)[MAX_RANGES - 1].range
    child = RangeState(**item, range=whole, progress=worst_progress(run, MAX_RANGES - 1))  # type: ignore[typeddict-item]
    return [
        ("run (in every state)", json_size(run)),
        ("ranges (range numbers)", json_size(ranges)),
        ("failures sample (parent)", json_size(final["failures"])),
        ("report", json_size(final["report"])),
        ("a child's range and progress", json_size(child) - json_size(item)),
        ("ValidateInput input", json_size(worst_input(run))),
        ("ValidateInput output", json_size(validated)),
        ("PlanRanges input (a later round)", json_size(between)),
        ("PlanRanges output = SyncRanges input and output", json_size(planned)),
        (f"SyncRanges Map result ({MAX_RANGES} x {{}})", json_size([{}] * MAX_RANGES)),
        ("SyncNextWindow input (Map item)", json_size(item)),
        ("SyncNextWindow input and output (largest)", json_size(child)),
        ("RecordRangeError input (state + Catch's error)", json_size({**child, "error": ERROR})),
        ("TallyRound output (the last, largest)", json_size(final)),
        ("ReturnReport output", json_size(final["report"])),
        ("Catch's error (RunCrashed, ExplainRejection)", json_size(ERROR)),
        ("ObjectsFailed cause (characters)", len(final["reportText"])),
    ]


def main() -> None:
    for label, size in measure():
        print(f"{label:<50} {size:>9,} bytes")
    print(f"{'limit':<50} {PAYLOAD_LIMIT_BYTES:>9,} bytes; cause {CAUSE_LIMIT_CHARS:,} characters")
    print(f"paused uploads at most {UPLOADS_BYTES:,} bytes, copied-ahead keys {AHEAD_BYTES:,}")


if __name__ == "__main__":
    main()
