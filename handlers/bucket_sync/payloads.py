"""Typed shapes of the state payload, mirroring statemachine.asl.json exactly.

Only small values travel here (run options, range bounds, counts): keys are listed by each
step itself, so the payload stays far below Step Functions' 256 KiB limit at any bucket size.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class RunConfig(TypedDict):
    """A validated execution input plus what Validate found out about the buckets."""

    # ARN of the run's execution, so every log line of every step can name its run.
    execution: str
    source: str
    destination: str
    prefix: str
    startAfter: str
    deleteOrphans: bool
    dryRun: bool
    maxDeletes: int | None
    allowEmptySource: bool
    sourceRegion: str
    destinationRegion: str
    # True while a guarded run counts its orphans before it may delete any.
    countingOnly: bool


class KeyRange(TypedDict):
    """Keys k with after < k <= upTo (upTo None: no upper bound), under the run's prefix."""

    after: str
    upTo: str | None


class Failure(TypedDict):
    """One object (or a whole range, when key is None) that could not be synced."""

    key: str | None
    reason: str


class Counts(TypedDict):
    copied: int
    copiedBytes: int
    deleted: int
    unchanged: int
    failed: int


class Progress(TypedDict):
    """Where a range's step loop stands; returned by every SyncRange step."""

    cursor: str
    done: bool
    steps: int
    counts: Counts
    failures: list[Failure]


class RangeState(TypedDict):
    """The state of one Distributed Map child: its range and its progress so far."""

    run: RunConfig
    range: KeyRange
    progress: NotRequired[Progress]
    error: NotRequired[dict[str, str]]


class Report(TypedDict):
    """The output of a finished run: the execution contract's output (DESIGN §4)."""

    source: str
    destination: str
    prefix: str
    dryRun: bool
    copied: int
    copiedBytes: int
    deleted: int
    unchanged: int
    failed: int
    failures: list[Failure]


class RunState(TypedDict):
    """The parent execution's state between rounds."""

    run: RunConfig
    round: int
    totals: Counts
    failures: list[Failure]
    pending: list[KeyRange]
    ranges: NotRequired[list[KeyRange]]
    results: NotRequired[list[RangeState | None]]
    more: NotRequired[bool]
    failedAny: NotRequired[bool]
    report: NotRequired[Report]
    reportText: NotRequired[str]


def zero_counts() -> Counts:
    """Counts of a run or range that has done nothing yet."""
    return Counts(copied=0, copiedBytes=0, deleted=0, unchanged=0, failed=0)


def add_counts(total: Counts, more: Counts) -> Counts:
    """Field-wise sum of two Counts."""
    return Counts(**{field: total[field] + more[field] for field in total})  # type: ignore[typeddict-item]
