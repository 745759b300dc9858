"""Print the worst-case size of every field that travels through Step Functions (README "Payload
budget"): 1,024-byte keys of a character JSON escapes six-fold, 4,000 ranges, every object
failing. The sizes are measured on the real handler code, not estimated."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "handlers"))

from bucket_sync.budget import CAUSE_LIMIT_CHARS, PAYLOAD_LIMIT_BYTES, json_size  # noqa: E402
from bucket_sync.payloads import RangeState, RunConfig, RunState, zero_counts  # noqa: E402
from bucket_sync.range_step import start_progress  # noqa: E402
from bucket_sync.runstore import RangeRecord  # noqa: E402
from bucket_sync.scope import check_scope  # noqa: E402
from bucket_sync.steps.plan_ranges import RANGES_PER_CHILD  # noqa: E402
from bucket_sync.tally import tally_round  # noqa: E402

MAX_CONCURRENCY = 1000
# PlanRanges plans up to RANGES_PER_CHILD ranges per child of max_concurrency.
MAX_RANGES = MAX_CONCURRENCY * RANGES_PER_CHILD


def worst_key(n: int) -> str:
    return (f"{n:06}" + "\x01" * 1024)[:1024]


def worst_run() -> RunConfig:
    return RunConfig(
        execution="arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:" + "n" * 80 + ":" + "e" * 80,
        source="s" * 63,
        destination="d" * 63,
        prefix="\x01" * 1024,
        startAfter="\x01" * 1024,
        deleteOrphans=True,
        dryRun=False,
        maxDeletes=10**15,
        allowEmptySource=False,
        # As many patterns as run_input accepts: 16 KiB of JSON for both lists together.
        include=["\x01" * 1024] * 2,
        exclude=["\x01" * 680],
        listPrefix="\x01" * 1024,
        readRedirects=True,
        storageClass="INTELLIGENT_TIERING",
        sseKmsKeyId="arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/" + "k" * 64,
        # report_prefix (at most 512 characters, variables.tf) plus the execution's name.
        report={"bucket": "r" * 63, "prefix": "\x01" * 512 + "e" * 80 + "/"},
        sourceRegion="ap-southeast-5",
        destinationRegion="ap-southeast-5",
        countingOnly=False,
        sourceBucketOwner="123456789012",
        destinationBucketOwner="123456789012",
        requestPayer="requester",
    )


def main() -> None:
    run = worst_run()
    check_scope(run["include"], run["exclude"])  # the largest patterns Validate accepts
    failures = [{"key": worst_key(n), "reason": "r" * 1000} for n in range(100)]
    records = []
    for index in range(MAX_RANGES):
        progress = {**start_progress({"after": worst_key(index), "upTo": None}), "done": True}
        progress["counts"] = {**zero_counts(), "failed": 10**9}
        progress["failures"] = failures
        records.append(
            RangeRecord(index, {"after": worst_key(index), "upTo": worst_key(index + 1)}, progress, None)
        )
    ranges = list(range(MAX_RANGES))
    state = RunState(run=run, round=1, totals=zero_counts(), failures=[], resumeRound=None, ranges=ranges)
    final = tally_round(state, records)
    child_progress = {**records[0].progress, "failures": final["failures"], "cursor": worst_key(7)}
    child = RangeState(run=run, round=1, index=999, range=records[0].range, progress=child_progress)
    rows = [
        ("run (every state)", json_size(run)),
        (f"ranges ({MAX_RANGES} numbers)", json_size(ranges)),
        (f"Map result ({MAX_RANGES} x {{}})", json_size([{}] * MAX_RANGES)),
        ("failures sample", json_size(final["failures"])),
        ("report", json_size(final["report"])),
        ("reportText (characters; cause limit 32,768)", len(final["reportText"])),
        ("parent state before the Map", json_size(state)),
        ("parent state at the end (largest)", json_size(final)),
        ("a child's state (largest)", json_size(child)),
    ]
    for label, size in rows:
        print(f"{label:<46} {size:>9,} bytes")
    print(f"{'limit':<46} {PAYLOAD_LIMIT_BYTES:>9,} bytes; cause {CAUSE_LIMIT_CHARS:,} characters")
    print(
        f"failed {final['report']['failed']:,}, listed {len(final['failures'])}, "
        f"not listed {final['report']['failuresNotListed']:,}"
    )


if __name__ == "__main__":
    main()
