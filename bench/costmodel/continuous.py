"""What continuous sync costs per month and per million changes, from list prices.

Per change the event path is: S3 sends one event to EventBridge, the rule sends it to the queue
(one SendMessage), the consumer's event source mapping receives it (ReceiveMessage, up to 10
messages a request) and deletes it when done (DeleteMessageBatch, up to 10). The consumer
(steps/consume.py, applykeys.py) reads both sides with HEAD, copies (CopyObject, or a multipart
copy over the source's own parts) or deletes (DeleteObjects of up to DELETE_CHUNK keys, each
chunk reserved in the delete budget with one conditional UpdateItem), then HEADs the source
again. An object above inline_copy_max_bytes is handed to the state machine: a run scoped to
the key. Fixed a month: the queue's idle long polls, the alarms and the consumer's EMF metrics.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from bucket_sync.applykeys import DELETE_CHUNK
from bucket_sync.copytime import COPY_BYTES_PER_SECOND

from .assumptions import (
    ARCHITECTURE,
    CLOUDWATCH_ALARM_MONTH,
    CLOUDWATCH_LOGS_GB,
    CLOUDWATCH_METRIC_MONTH,
    COPY_SECONDS,
    COPY_THREADS,
    DDB_SECONDS,
    DDB_WRITE,
    EVENTBRIDGE_EVENT,
    FULL_VCPU_MB,
    HEAD_SECONDS,
    LAMBDA_GB_SECOND,
    LAMBDA_REQUEST,
    ROOT,
    SFN,
    SQS_REQUEST,
    TIER1,
    TIER2,
)
from .statemachine import transitions

MONTH_SECONDS = 30 * 24 * 3600
MIB = 1024 * 1024

# -- assumed (not measured) -----------------------------------------------------------------------
EMULATOR_SECONDS_PER_KEY = 0.1  # tests/e2e/test_continuous.py on moto: an upper bound on AWS
CPU_MS_PER_KEY = 5.0  # at a full vCPU: a run's ~2.6 ms per copied object plus three HEAD answers
INVOCATION_OVERHEAD_SECONDS = 0.010  # parsing the batch, the EMF and log lines
DELETE_OBJECTS_SECONDS = 0.075  # one DeleteObjects (bench's aws latency profile)
START_EXECUTION_SECONDS = 0.050
SQS_RECEIVE_MAX = 10  # messages a ReceiveMessage / DeleteMessageBatch carries
EVENT_BYTES = 1_500  # an S3 event as EventBridge delivers it: far below one 64 KiB chunk
# The event source mapping's pollers long-poll the queue while it is empty: 5 pollers, one
# 20-second ReceiveMessage each, all month.
IDLE_POLLERS = 5
LONG_POLL_SECONDS = 20
LOG_BYTES_PER_INVOCATION = 1_500  # START/END/REPORT, consume.batch, the EMF line
LOG_BYTES_PER_KEY = 12  # one lag value in the EMF line
# A run scoped to one handed-off key (handoff.py), at the sync functions' defaults: Validate,
# PlanRanges, one SyncRange, TallyRound; ValidateInput's 4 requests, one LIST page per side
# and PlanRanges' one; one PutItem per window and PlanRanges' write; a second each.
HANDOFF_INVOCATIONS = 4
HANDOFF_S3_TIER1 = 4 + 3
HANDOFF_DDB_WRITES = 2
HANDOFF_LAMBDA_GB_SECONDS = HANDOFF_INVOCATIONS * 1.0 * FULL_VCPU_MB / 1024

# The continuous resources' fixed parts (continuous.tf, steps/consume.py).
ALARMS = 5  # oldest message, DLQ depth, EventBridge failed invocations, deletes paused, missed changes
EMF_METRICS = 6  # Lag, Copied, Deleted, HandedOff, Requeued, DeletesPaused; one dimension set
# What a reconcile run publishes beside them (reconcile.py): MissedChanges, MissedCopies, MissedDeletes.
RECONCILE_METRICS = 3


def continuous_defaults(path: Path = ROOT / "variables.tf") -> dict[str, float]:
    """The numeric optional() defaults of variable "continuous_sync" as variables.tf writes them."""
    block = re.search(r'^variable "continuous_sync" \{\n(.*?)^\}', path.read_text(), re.S | re.M)
    assert block is not None, "variables.tf has no continuous_sync"
    found = re.findall(r"^\s*(\w+)\s*=\s*optional\(number,\s*([\d.]+)\)", block.group(1), re.M)
    return {name: float(value) for name, value in found}


_CS = continuous_defaults()
BATCH_SIZE = int(_CS["batch_size"])
BATCH_WINDOW = _CS["maximum_batching_window_seconds"]
CONSUMER_MEMORY_MB = int(_CS["consumer_memory_size"])
INLINE_COPY_MAX_BYTES = int(_CS["inline_copy_max_bytes"])


@dataclass(frozen=True)
class SizeClass:
    """A share of the changed objects: their size, and their part size if uploaded in parts."""

    share: float
    size: int
    part_size: int | None = None

    @property
    def parts(self) -> int:
        return 0 if self.part_size is None else math.ceil(self.size / self.part_size)


@dataclass(frozen=True)
class Workload:
    """Changes a month, their kinds (new keys, overwrites, deletes) and the objects' sizes."""

    changes: int
    sizes: tuple[SizeClass, ...]
    puts: float = 0.5
    overwrites: float = 0.4
    deletes: float = 0.1

    @property
    def written(self) -> float:
        """The share of changes that write an object (a copy on the destination)."""
        return self.puts + self.overwrites

    def gb_written(self) -> float:
        """GB the month's writes hold (what replication or DataSync carries)."""
        return self.changes * self.written * sum(c.share * c.size for c in self.sizes) / 1e9


@dataclass
class Requests:
    """Billed requests per change (expected values)."""

    head: float = 0.0  # HeadObject, GetObjectTagging: GET price
    write: float = 0.0  # CopyObject, multipart create / part copy / complete, DeleteObjects, LIST
    ddb_writes: float = 0.0
    handoffs: float = 0.0
    ops: dict[str, float] = field(default_factory=dict)

    def add(self, op: str, count: float, tier2: bool = False) -> None:
        self.ops[op] = self.ops.get(op, 0.0) + count
        if tier2:
            self.head += count
        else:
            self.write += count


def copy_requests(size: SizeClass, weight: float, r: Requests) -> None:
    """The requests of one written change of `size` (weighted by its share of changes)."""
    r.add("HeadObject", 3 * weight, tier2=True)  # both sides, then the source again
    if size.size > INLINE_COPY_MAX_BYTES:
        r.handoffs += weight
        r.add("HeadObject", size.parts * weight, tier2=True)  # the run's part-size HEADs
        r.add("GetObjectTagging", weight, tier2=True)
        r.add("UploadPartCopy", (max(1, size.parts) + 2) * weight)  # + create, complete
        r.add("run: LIST, validation", HANDOFF_S3_TIER1 * weight)
        r.ddb_writes += HANDOFF_DDB_WRITES * weight
    elif size.part_size is None:
        r.add("CopyObject", weight)
    else:
        r.add("HeadObject", size.parts * weight, tier2=True)  # HEAD ?partNumber=N
        r.add("GetObjectTagging", weight, tier2=True)
        r.add("UploadPartCopy", (size.parts + 2) * weight)  # + create, complete


def keys_per_invocation(w: Workload, batch_size: int = BATCH_SIZE, window: float = BATCH_WINDOW) -> float:
    """Messages a batch holds when changes arrive evenly: what the window gathers, 1 to batch_size."""
    return min(float(batch_size), max(1.0, w.changes / MONTH_SECONDS * window))


def delete_chunks(deletes: float) -> float:
    """DeleteObjects requests (and budget reservations) for `deletes` in one batch (expected)."""
    return deletes if deletes < 1 else math.ceil(deletes / DELETE_CHUNK)


def requests_per_change(w: Workload, batch: float) -> Requests:
    """S3 and DynamoDB requests per change, `batch` keys an invocation."""
    r = Requests()
    for size in w.sizes:
        copy_requests(size, w.written * size.share, r)
    r.add("HeadObject", 3 * w.deletes, tier2=True)  # source 404, destination, source again
    chunks = delete_chunks(batch * w.deletes) / batch
    r.add("DeleteObjects", chunks)
    r.ddb_writes += chunks  # the delete budget's conditional UpdateItem per chunk
    return r


def _rounds(count: float, threads: int) -> float:
    """Rounds of `threads` parallel requests for `count` of them (expected; below 1: a chance)."""
    return count if count < 1 else math.ceil(count / threads)


def copy_seconds(size: SizeClass, threads: int = COPY_THREADS) -> float:
    """One written change's copy, inline: CopyObject, or the multipart copy's steps."""
    if size.part_size is None:
        return COPY_SECONDS + size.size / COPY_BYTES_PER_SECOND
    part = COPY_SECONDS + size.part_size / COPY_BYTES_PER_SECOND
    rounds = _rounds(size.parts, threads)
    return HEAD_SECONDS * rounds + 2 * COPY_SECONDS + part * rounds


def invocation_seconds(w: Workload, batch: float, threads: int = COPY_THREADS) -> float:
    """One consumer invocation on AWS: reads, copies, hand-offs, delete chunks, re-reads, CPU."""
    inline = [s for s in w.sizes if s.size <= INLINE_COPY_MAX_BYTES]
    copies = batch * w.written * sum(s.share for s in inline)
    inline_share = max(1e-9, sum(s.share for s in inline))
    mean_copy = sum(s.share * copy_seconds(s, threads) for s in inline) / inline_share
    handoffs = batch * w.written * sum(s.share for s in w.sizes if s not in inline)
    slower = max(1.0, FULL_VCPU_MB / CONSUMER_MEMORY_MB)
    return (
        INVOCATION_OVERHEAD_SECONDS
        + _rounds(batch, threads) * 2 * HEAD_SECONDS
        + _rounds(copies, threads) * mean_copy
        + handoffs * START_EXECUTION_SECONDS
        + delete_chunks(batch * w.deletes) * (DDB_SECONDS + DELETE_OBJECTS_SECONDS)
        + _rounds(batch, threads) * HEAD_SECONDS
        + batch * CPU_MS_PER_KEY / 1000 * slower
    )


@dataclass(frozen=True)
class Bill:
    """A month of one workload: dollars by service, and the counts behind them."""

    sqs: float
    eventbridge: float
    lambda_: float
    s3: float
    ddb: float
    handoff: float
    cloudwatch: float
    invocations: float
    batch: float
    seconds: float  # per invocation
    requests: Requests

    @property
    def total(self) -> float:
        services = (
            self.sqs,
            self.eventbridge,
            self.lambda_,
            self.s3,
            self.ddb,
            self.handoff,
            self.cloudwatch,
        )
        return sum(services)


def fixed_month() -> dict[str, float]:
    """What the mode costs a month with no change at all."""
    idle_polls = IDLE_POLLERS * MONTH_SECONDS / LONG_POLL_SECONDS
    return {
        "sqs": idle_polls * SQS_REQUEST,
        "cloudwatch": ALARMS * CLOUDWATCH_ALARM_MONTH
        + (EMF_METRICS + RECONCILE_METRICS) * CLOUDWATCH_METRIC_MONTH,
    }


def continuous_bill(w: Workload, emulator_bound: bool = False) -> Bill:
    """The month of `w`; `emulator_bound` prices each key at the emulator's 0.1 s instead."""
    batch = keys_per_invocation(w)
    invocations = w.changes / batch
    seconds = batch * EMULATOR_SECONDS_PER_KEY if emulator_bound else invocation_seconds(w, batch)
    r = requests_per_change(w, batch)
    fixed = fixed_month()
    sqs_chunks = math.ceil(EVENT_BYTES / 65_536)
    # SendMessage per event; per batch ReceiveMessage and DeleteMessageBatch, 10 messages each.
    sqs_requests = w.changes * sqs_chunks + 2 * invocations * math.ceil(batch / SQS_RECEIVE_MAX)
    gb_seconds = invocations * seconds * CONSUMER_MEMORY_MB / 1024
    handoffs = w.changes * r.handoffs
    t = transitions()
    logs_gb = (invocations * LOG_BYTES_PER_INVOCATION + w.changes * LOG_BYTES_PER_KEY) / 1e9
    return Bill(
        sqs=fixed["sqs"] + sqs_requests * SQS_REQUEST,
        eventbridge=w.changes * EVENTBRIDGE_EVENT,
        lambda_=invocations * LAMBDA_REQUEST + gb_seconds * LAMBDA_GB_SECOND[ARCHITECTURE],
        s3=w.changes * (r.head * TIER2 + r.write * TIER1),
        ddb=w.changes * r.ddb_writes * DDB_WRITE,
        handoff=handoffs
        * (
            t.billed(rounds=1, children=1, invocations=1) * SFN
            + HANDOFF_INVOCATIONS * LAMBDA_REQUEST
            + HANDOFF_LAMBDA_GB_SECONDS * LAMBDA_GB_SECOND[ARCHITECTURE]
        ),
        cloudwatch=fixed["cloudwatch"] + logs_gb * CLOUDWATCH_LOGS_GB,
        invocations=invocations,
        batch=batch,
        seconds=seconds,
        requests=r,
    )
