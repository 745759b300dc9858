"""Continuous sync's cost section, for docs/CONTINUOUS.md ("## Cost"): the assumptions, the
bill per month and per million changes, and S3 Replication and DataSync for the same changes."""

from __future__ import annotations

from .alternatives import (
    BUCKET_OBJECTS,
    DATASYNC_EXECUTIONS,
    NONCURRENT_DAYS,
    datasync_bill,
    replication_bill,
)
from .assumptions import (
    ARCHITECTURE,
    CLOUDWATCH_ALARM_MONTH,
    CLOUDWATCH_LOGS_GB,
    CLOUDWATCH_METRIC_MONTH,
    CONTINUOUS_PRICE_SOURCES,
    COPY_SECONDS,
    COPY_THREADS,
    DATASYNC_EXECUTION,
    DATASYNC_GB,
    DDB_SECONDS,
    DDB_WRITE,
    EVENTBRIDGE_EVENT,
    HEAD_SECONDS,
    LAMBDA_GB_SECOND,
    LAMBDA_REQUEST,
    REPLICATION_RTC_GB,
    S3_STANDARD_GB_MONTH,
    SQS_REQUEST,
    TIER1,
    TIER2,
)
from .continuous import (
    ALARMS,
    BATCH_SIZE,
    BATCH_WINDOW,
    CONSUMER_MEMORY_MB,
    CPU_MS_PER_KEY,
    DELETE_CHUNK,
    EMF_METRICS,
    EMULATOR_SECONDS_PER_KEY,
    HANDOFF_DDB_WRITES,
    HANDOFF_INVOCATIONS,
    HANDOFF_S3_TIER1,
    IDLE_POLLERS,
    INLINE_COPY_MAX_BYTES,
    LONG_POLL_SECONDS,
    MIB,
    RECONCILE_METRICS,
    SizeClass,
    Workload,
    continuous_bill,
    fixed_month,
)

SIZE_MIXES: dict[str, tuple[SizeClass, ...]] = {
    "1 MiB": (SizeClass(1.0, MIB),),
    "64 MiB in 8 MiB parts": (SizeClass(1.0, 64 * MIB, 8 * MIB),),
    "1 MiB, 1 % of 2 GiB handed off": (SizeClass(0.99, MIB), SizeClass(0.01, 2048 * MIB, 8 * MIB)),
}
RATES = (1_000_000, 10_000_000)


def workloads() -> list[tuple[str, Workload]]:
    """The table's rows: each change rate with each size mix, the default change mix."""
    return [
        (f"{changes // 1_000_000}M, {label}", Workload(changes, sizes))
        for changes in RATES
        for label, sizes in SIZE_MIXES.items()
    ]


def per_million(total: float, w: Workload) -> float:
    return total * 1_000_000 / w.changes


def bill_table() -> list[str]:
    lines = [
        "| changes a month, objects | keys an invocation | invocations | s an invocation (AWS est.) "
        "| SQS | EventBridge | Lambda | S3 | DynamoDB | hand-off runs | CloudWatch | **a month** "
        "| **per 1M changes** | per 1M changes at the emulator's 0.1 s a key |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, w in workloads():
        b, slow = continuous_bill(w), continuous_bill(w, emulator_bound=True)
        lines.append(
            f"| {label} | {b.batch:.1f} | {b.invocations:,.0f} | {b.seconds:.2f} | ${b.sqs:.2f} "
            f"| ${b.eventbridge:.2f} | ${b.lambda_:.2f} | ${b.s3:.2f} | ${b.ddb:.2f} | ${b.handoff:.2f} "
            f"| ${b.cloudwatch:.2f} | **${b.total:.2f}** | **${per_million(b.total, w):.2f}** "
            f"| ${per_million(slow.total, w):.2f} |"
        )
    return lines


def requests_table() -> list[str]:
    lines = [
        "| objects | HEAD (and GetObjectTagging) | CopyObject / multipart requests | DeleteObjects "
        "| DynamoDB writes | hand-offs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, sizes in SIZE_MIXES.items():
        r = continuous_bill(Workload(RATES[0], sizes)).requests
        copies = r.ops.get("CopyObject", 0) + r.ops.get("UploadPartCopy", 0)
        lines.append(
            f"| {label} | {r.head:.2f} | {copies:.2f} | {r.ops.get('DeleteObjects', 0):.3f} "
            f"| {r.ddb_writes:.3f} | {r.handoffs:.3f} |"
        )
    return lines


def comparison_table() -> list[str]:
    lines = [
        "| changes a month, objects | **bucket-sync continuous** | S3 Replication: replication PUTs "
        f"| + noncurrent versions ({NONCURRENT_DAYS} days, both buckets) | + RTC "
        f"| DataSync hourly ({BUCKET_OBJECTS // 1_000_000}M-object bucket) "
        "| per 1M changes: continuous / Replication (PUTs + versions) / DataSync |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, w in workloads():
        c, r, d = continuous_bill(w).total, replication_bill(w), datasync_bill(w)
        lines.append(
            f"| {label} | **${c:,.2f}** | ${r.puts:,.2f} | ${r.versions:,.2f} | ${r.rtc:,.2f} "
            f"| ${d.total:,.2f} | ${per_million(c, w):,.2f} / ${per_million(r.total, w):,.2f} "
            f"/ ${per_million(d.total, w):,.2f} |"
        )
    return lines


def assumptions_text() -> str:
    fixed = fixed_month()
    w = Workload(RATES[0], SIZE_MIXES["1 MiB"])
    sources = "\n".join(f"  {page}: {what}" for page, what in CONTINUOUS_PRICE_SOURCES.items())
    per_m, gb_s, inline_mib = 1_000_000, LAMBDA_GB_SECOND[ARCHITECTURE], INLINE_COPY_MAX_BYTES // MIB
    alarm, metric, logs = CLOUDWATCH_ALARM_MONTH, CLOUDWATCH_METRIC_MONTH, CLOUDWATCH_LOGS_GB
    head_ms, copy_ms, ddb_ms = HEAD_SECONDS * 1000, COPY_SECONDS * 1000, DDB_SECONDS * 1000
    slower = 1769 / CONSUMER_MEMORY_MB
    return f"""\
Prices (us-east-1 list), from these AWS pricing pages:
{sources}
  SQS ${SQS_REQUEST * per_m:.2f} / 1M requests, each 64 KiB of a request one request (the free 1M a
    month not counted).
  EventBridge ${EVENTBRIDGE_EVENT * per_m:.2f} / 1M events. The pricing page sets S3's events apart, as
    "AWS opt-in data events", from the free "AWS management events"; their rate was not in
    what was found, so the custom-event rate is assumed (too high if they turn out free).
  Lambda ${LAMBDA_REQUEST * per_m:.2f} / 1M requests + ${gb_s:.10f} / GB-s ({ARCHITECTURE}).
  S3 GET, HEAD ${TIER2 * 1000:.4f} / 1,000; PUT, COPY, POST, LIST ${TIER1 * 1000:.3f} / 1,000 (DeleteObjects
    is a POST; DeleteObject is free); Standard storage ${S3_STANDARD_GB_MONTH:.3f} / GB-month;
    Replication Time Control ${REPLICATION_RTC_GB:.3f} / GB.
  DynamoDB on demand ${DDB_WRITE * per_m:.2f} / 1M write request units.
  CloudWatch ${alarm:.2f} an alarm-month, ${metric:.2f} a custom metric-month, ${logs:.2f} / GB of
    logs ingested.
  DataSync Enhanced mode ${DATASYNC_GB:.3f} / GB copied + ${DATASYNC_EXECUTION:.2f} a task execution.

The consumer at the module's defaults (variables.tf): batch_size {BATCH_SIZE}, batching window
{BATCH_WINDOW:g} s, {CONSUMER_MEMORY_MB} MB, copy_threads {COPY_THREADS}; objects above {inline_mib:,} MiB
handed to the state machine. Default change mix: {w.puts:.0%} new keys, {w.overwrites:.0%} overwrites,
{w.deletes:.0%} deletes, arriving evenly (a batch holds what the window gathers; bursts fill
batches and cost less), every event delivered once (a duplicate or a re-queued key adds its
HEADs again).

Counted per change: 1 event, 1 SendMessage; per batch one ReceiveMessage and one
DeleteMessageBatch per 10 messages. Per written key 3 HEADs (both sides, then the source
again) and a CopyObject; a multipart source instead its part-size HEADs, GetObjectTagging,
CreateMultipartUpload, an UploadPartCopy per part and CompleteMultipartUpload. Per deleted
key 3 HEADs; per chunk of up to {DELETE_CHUNK} deletes of a batch one DeleteObjects and one conditional
UpdateItem of the delete budget. A key handed off starts a run scoped to it: its Step
Functions transitions, {HANDOFF_INVOCATIONS} invocations of 1 s at 1,769 MB, {HANDOFF_S3_TIER1} LIST and
validation requests, {HANDOFF_DDB_WRITES} DynamoDB writes, and the multipart copy's requests.
Fixed a month: {IDLE_POLLERS} pollers long-polling the empty queue, a request each {LONG_POLL_SECONDS} s
(${fixed["sqs"]:.2f}); {ALARMS} alarms and {EMF_METRICS + RECONCILE_METRICS} EMF metrics
(${fixed["cloudwatch"]:.2f}).
Not counted: KMS requests of a queue with a customer key (SSE-SQS is free); the daily
reconcile run (a no-op re-sync, priced in docs/BENCHMARKS.md); storing the objects (the same
for every option).

An invocation's time, AWS estimate: HEAD {head_ms:.0f} ms, COPY {copy_ms:.0f} ms + the size at 50 MB/s,
DynamoDB {ddb_ms:.0f} ms, DeleteObjects 75 ms; the batch's keys {COPY_THREADS} at a time through the
read, copy and re-read phases; CPU {CPU_MS_PER_KEY:g} ms a key at a full vCPU (assumed: a run's
measured ~2.6 ms a copied object and three HEAD answers), {slower:.2f} times slower at
{CONSUMER_MEMORY_MB} MB.
The other column: {EMULATOR_SECONDS_PER_KEY:g} s a key, what tests/e2e/test_continuous.py measured on the
emulator, an upper bound for batches of tens of keys; a batch of one or two keys takes longer
a key on AWS too (its phases run one after another), so there the AWS estimate is higher.

S3 Replication: versioning on both buckets; one replication PUT per written object (a
multipart object's parts not counted) and per delete marker (delete-marker replication on);
each overwrite and delete leaves the previous version on both buckets until a lifecycle rule
expires it ({NONCURRENT_DAYS} days assumed). It never deletes destination orphans, replicates neither
lifecycle expirations nor deletes of a version, and needs Batch Replication for objects
older than its rule.
DataSync: an Enhanced-mode task on its shortest schedule, hourly ({DATASYNC_EXECUTIONS} executions a month),
each listing both buckets of {BUCKET_OBJECTS:,} objects; per object written a GET and a PUT (parts
as PUTs); no per-object HEAD or verification read counted (a lower bound). Its destination is
up to an hour behind."""


def continuous_section() -> list[str]:
    return [
        "The model (bench/costmodel/continuous.py, alternatives.py), with every assumption:",
        "",
        "```",
        assumptions_text(),
        "```",
        "",
        "Requests per change at the default mix:",
        "",
        *requests_table(),
        "",
        "A month, by service, and per million changes:",
        "",
        *bill_table(),
        "",
        "Against S3 Replication and DataSync for the same changes (a month):",
        "",
        *comparison_table(),
    ]
