"""Typed shapes of the state payload, mirroring statemachine.asl.json exactly.

Only values of bounded size travel here (run options, range numbers, counts, a byte-capped
sample of failures): keys are listed by each step itself, and range bounds and cursors live in
the run table (runstore), so every payload stays under Step Functions' 256 KiB at any bucket
size and any `max_concurrency` (budget.py; README "Payload budget").
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class ReportTarget(TypedDict):
    """Where a run writes its report (report.py): a bucket and the run's own prefix in it."""

    bucket: str
    prefix: str


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
    # Glob patterns relative to prefix (scope.py); listPrefix is prefix plus the literal start
    # every include pattern shares: the part of the key space the run lists.
    include: list[str]
    exclude: list[str]
    listPrefix: str
    # Overrides of the copies: None keeps the source's storage class / the bucket's encryption.
    storageClass: str | None
    sseKmsKeyId: str | None
    # Where the run writes its report (report.py), or None.
    report: ReportTarget | None
    # Whether copies read the source's headers to keep its website redirect (Validate decides).
    readRedirects: bool
    sourceRegion: str
    destinationRegion: str
    # True while a guarded run counts its orphans before it may delete any.
    countingOnly: bool
    # Share of the destination objects in scope a run may delete (None: no such guard).
    maxDeletePercent: NotRequired[float | None]
    # The deletes the real pass may reserve (run table), once counting has set it; None: any.
    deleteLimit: NotRequired[int | None]
    # Accounts that must own each bucket (ExpectedBucketOwner), and "requester" when the run pays
    # for the source's requests; every step's S3 clients add them (expectations.py).
    sourceBucketOwner: NotRequired[str | None]
    destinationBucketOwner: NotRequired[str | None]
    requestPayer: NotRequired[str | None]
    # When Validate started the run (seconds since the epoch): the report's copies per second.
    startedAt: NotRequired[float]


class KeyRange(TypedDict):
    """Keys k with after < k <= upTo (upTo None: no upper bound), under the run's prefix."""

    after: str
    upTo: str | None
    # Rounds in which this stretch of keys already stopped on an error (tally.MAX_RANGE_ATTEMPTS).
    attempts: NotRequired[int]


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
    # Destination objects in the run's scope that the listings saw (maxDeletePercent's base).
    inDestination: int
    # S3 requests answered 503 SlowDown (each attempt, botocore's retries included).
    slowDowns: int


class PausedUpload(TypedDict):
    """A multipart copy a step paused when its time ran out: the upload stays open."""

    key: str
    etag: str
    uploadId: str
    # The source's part sizes as [size, count] runs (multipart.run_lengths), so the step that
    # resumes the copy need not read them again; left out when they do not fit the budget.
    parts: NotRequired[list[list[int]]]


class Progress(TypedDict):
    """Where a range's step loop stands; returned by every SyncRange step."""

    cursor: str
    done: bool
    steps: int
    counts: Counts
    failures: list[Failure]
    # Paused multipart copies the next step resumes (budget.UPLOADS_BYTES at most).
    uploads: NotRequired[list[PausedUpload]]
    # Windows in a row that could not pass their first key (S3 kept failing it transiently).
    stalls: NotRequired[int]
    # Keys a window copied above where it was cut: the next window counts them as copied when it
    # lists them unchanged (range_step.AHEAD_BYTES at most).
    copiedAhead: NotRequired[list[str]]
    # True when a window's report lines could not be written.
    reportIncomplete: NotRequired[bool]


class RangeState(TypedDict):
    """The state of one Distributed Map child: which range of which round, and once its first
    step has read them from the run table, its bounds and progress so far."""

    run: RunConfig
    round: int
    index: int
    range: NotRequired[KeyRange]
    progress: NotRequired[Progress]
    # Set by the child's Catch: the error that stopped the range (RecordRangeError stores it).
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
    # Failed objects (and failed ranges) not named in `failures`: the sample is cut by bytes.
    failuresNotListed: int
    # s3://bucket/prefix/ of the run's report, or None when it writes none.
    reportLocation: str | None
    # S3 requests answered 503 SlowDown, and objects copied per second of the run's time.
    slowDowns: NotRequired[int]
    copiesPerSecond: NotRequired[float]
    # True when some of the report's action lines could not be written (the sync is unaffected).
    reportIncomplete: NotRequired[bool]


class RunState(TypedDict):
    """The parent execution's state between rounds."""

    run: RunConfig
    round: int
    totals: Counts
    failures: list[Failure]
    # The round whose unfinished ranges the next round goes on with; None: the whole key space
    # from the run's startAfter (the first round, and the real pass after a counting pass).
    resumeRound: int | None
    # Numbers of this round's ranges (their bounds are in the run table): the Map's items.
    ranges: NotRequired[list[int]]
    more: NotRequired[bool]
    # The totals of a finished counting pass (maxDeletes), kept while the real pass runs.
    counted: NotRequired[Counts]
    failedAny: NotRequired[bool]
    # Some window's report lines could not be written (the run's report is incomplete).
    reportIncomplete: NotRequired[bool]
    report: NotRequired[Report]
    reportText: NotRequired[str]


def zero_counts() -> Counts:
    """Counts of a run or range that has done nothing yet."""
    return Counts(copied=0, copiedBytes=0, deleted=0, unchanged=0, failed=0, inDestination=0, slowDowns=0)


def add_counts(total: Counts, more: Counts) -> Counts:
    """Field-wise sum of two Counts."""
    return Counts(**{field: total[field] + more.get(field, 0) for field in total})  # type: ignore[typeddict-item]
