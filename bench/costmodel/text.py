"""The model written out, with every price, default and assumption, for docs/BENCHMARKS.md."""

from __future__ import annotations

import math

from bucket_sync.keysample import PROBES_AT_ONCE
from bucket_sync.keyspace import MAX_PROBES, probe_count
from bucket_sync.listing import PAGE_SIZE
from bucket_sync.steps.plan_ranges import MIN_WINDOWS, RANGES_PER_CHILD

from .assumptions import (
    ACCOUNT_LAMBDA_CONCURRENCY,
    ARCHITECTURE,
    CHUNK_SIZE,
    COPY_SECONDS,
    COPY_THREADS,
    COVER_PROBES_PER_PAGE,
    DDB_SECONDS,
    HEAD_SECONDS,
    INIT_SECONDS,
    KEY_LENGTH,
    LAMBDA_TIMEOUT,
    LIST_SECONDS,
    MAP_START_SECONDS,
    MAX_CONCURRENCY,
    MAX_STEPS_PER_RANGE,
    MEMORY_MB,
    S3_READ_RATE,
    S3_WRITE_RATE,
    SLOW_DOWN_SHARE,
    STEP_SECONDS,
    STOP_MARGIN,
    THROTTLED_SHARE,
    VALIDATE_REQUESTS,
    Cpu,
    Setup,
)
from .planner import ceiling_probes
from .scale import transitions


def model_text(cpu: Cpu) -> str:
    usable = LAMBDA_TIMEOUT - STOP_MARGIN
    t = transitions()
    keys_per_round = RANGES_PER_CHILD * MAX_CONCURRENCY * MAX_STEPS_PER_RANGE * CHUNK_SIZE
    probes = probe_count(RANGES_PER_CHILD * MAX_CONCURRENCY)
    return f"""\
Prices (us-east-1 list):
  S3   LIST, PUT, COPY, POST, bucket-level calls $0.005 / 1,000;  GET, HEAD $0.0004 / 1,000;
       5xx answers (503 SlowDown) are not billed
  Step Functions Standard                        $0.025 / 1,000 state transitions
  Lambda   $0.20 / 1M requests + $0.0000133334 / GB-s (arm64; x86_64 $0.0000166667); the INIT
           phase of a cold start is billed as duration
  DynamoDB on demand   $1.25 / 1M write request units (an item up to 1 KB)
                       $0.25 / 1M read request units (a consistent read up to 4 KB)

The module's defaults (read from variables.tf): lambda_memory_size {MEMORY_MB:,} MB (one vCPU),
{ARCHITECTURE}, max_concurrency {MAX_CONCURRENCY} (ranges per round), chunk_size {CHUNK_SIZE:,},
max_steps_per_range {MAX_STEPS_PER_RANGE}, lambda_timeout {LAMBDA_TIMEOUT:.0f} s, copy_threads {COPY_THREADS},
keep_website_redirects "auto" (a source without a website configuration: no HEAD per copy; one
GetBucketWebsite per run), no report_bucket.

Measured (bench/run.py, {cpu.source}): SyncRange CPU {cpu.per_listed_key_ms:.3f} ms per listed key,
{cpu.per_copied_ms:.2f} ms per copied object; PlanRanges {cpu.planner_page_ms:.1f} ms per LIST page
(parsing and sampling, measured on ~50 pages; bench/planner_cpu.py finds the sample's own
bookkeeping about constant per page up to 506 pages, so it holds at 500). Assumed: one core of
the benchmark machine = the one vCPU Lambda gives at {MEMORY_MB:,} MB (arm64 Graviton may be
somewhat slower per core).

Assumed S3 latencies (real S3, same region): LIST page {LIST_SECONDS * 1000:.0f} ms (typically 100-300),
COPY of a small object {COPY_SECONDS * 1000:.0f} ms (50-100), HEAD {HEAD_SECONDS * 1000:.0f} ms (10-30);
DynamoDB {DDB_SECONDS * 1000:.0f} ms a request; the Map starting a round's children {MAP_START_SECONDS:.0f} s;
TallyRound {STEP_SECONDS:g} s; a cold start's INIT {INIT_SECONDS:g} s (the runtime's start and importing
boto3 and the handlers; `python -X importtime` shows the imports' share), every environment cold at
the start of a run (runs further apart than Lambda keeps environments): max_concurrency SyncRange
environments + 3 others.

A window (range_step.sync_window) lists up to chunk_size keys of the source and of the
destination at once, each side one 1,000-key page after another, the next page requested while
the last is parsed (pageahead.py); then its copies on copy_threads threads that share one vCPU;
then one PutItem.
  a side = LIST + (pages - 1) x max(LIST, page CPU) + page CPU   (page CPU = 1,000 x CPU per key)
  window seconds = max(source side, destination side, all listing CPU) + copy phase + PutItem
  copy phase = copies / throughput, the throughput of copy_threads threads that each wait COPY
  and then need the CPU per copy of the one vCPU, by mean-value analysis of that closed queue
  (a thread's CPU cannot overlap its own wait; the old model's max(copies x COPY / threads,
  copies x CPU) assumed it could, shown in brackets in the window table).
An invocation runs windows while twice the longest is left of lambda_timeout less its margin
(min(45 s, a third): {usable:.0f} s usable), and at most max_steps_per_range in its child;
windows per invocation = min(max_steps_per_range, floor({usable:.0f} / window) - 1).
Rounds: PlanRanges cuts the key space into up to {RANGES_PER_CHILD} x max_concurrency ranges, each of
{MIN_WINDOWS} windows of keys or more but one per slot while each keeps a page, taken as even (skew
costs at most a round); the Map runs max_concurrency of them at once. A range runs at most
max_steps_per_range windows per round, so a round covers up to {RANGES_PER_CHILD} x max_concurrency x
max_steps_per_range x chunk_size = {keys_per_round:,} keys.
PlanRanges (keyspace.split_range, keysample.sample_keys) in the first round: 1 page, then
1 + floor(log2(key length)) one-key probes one after another for a ceiling
({ceiling_probes(KEY_LENGTH)} at {KEY_LENGTH} characters), then
probe_count({RANGES_PER_CHILD} x max_concurrency) sampled pages ({probes} at the defaults, at most
{MAX_PROBES}) whatever the bucket's size, {PROBES_AT_ONCE} at a time: a batch waits one LIST, then its
pages are parsed one after another before the next batch is chosen. A bucket whose gaps run
out first takes about {COVER_PROBES_PER_PAGE:g} probes per page (the check rows). Later rounds get
their ranges back whole and list nothing.
  PlanRanges = LIST + page CPU + ceiling x LIST + batches x (LIST + {PROBES_AT_ONCE} x page CPU) + its writes
  wall = Validate + sum over rounds (PlanRanges + Map start + ceil(ranges / max_concurrency)
         x a range's windows + TallyRound) + 4 cold starts (one per step on the critical path)

Counted and priced:
- Step Functions, counted from statemachine.asl.json's successful path: the parent enters
  {t.parent.path} states in a one-round run and {t.parent.turn} more per further round; each child
  {t.child.path} states for one SyncRange invocation and {t.child.turn} more per further invocation
  (SyncNextWindow and MoreWindowsInRange); plus 1 billed transition per child the Distributed Map
  starts. The emulator records the states entered, not the child starts.
- Lambda: invocations = SyncRange's + 1 + 2 per round; GB-s = seconds x {MEMORY_MB:,} / 1,024, the
  seconds being every window's, one GetItem per invocation, ValidateInput's requests, PlanRanges
  and TallyRound, and every cold start's INIT.
- DynamoDB: one PutItem per window and one item per range and round (PlanRanges' BatchWriteItem),
  1 WRU each; one consistent GetItem per invocation and TallyRound's consistent Query of a
  round's items (1 KB each: 1 RRU per 4 items), RRU.
- S3: LIST pages per window (no-op: {math.ceil(CHUNK_SIZE / PAGE_SIZE)} per side; initial:
  {math.ceil(CHUNK_SIZE / PAGE_SIZE)} of the source and 1 empty page of the destination), PlanRanges'
  pages, ValidateInput's {VALIDATE_REQUESTS} requests; one COPY per copied object.
  A report (report_bucket, off by default) would add one PUT per window with actions: $0.005 per
  1,000 windows, 100M copied objects = 20,000 PUTs = $0.10.
- S3 request rates: {S3_WRITE_RATE:,} COPY/PUT/DELETE and {S3_READ_RATE:,} GET/HEAD/LIST per second per
  partitioned prefix. "Initial copy onto one S3 partition": the handlers' limiters
  (backpressure.py) hold the destination's writes near its rate instead of failing the run; the
  model takes {THROTTLED_SHARE:.1%} of {S3_WRITE_RATE:,}/s, what bench/backpressure.py measured with 10
  containers against a 40 writes/s bucket ({SLOW_DOWN_SHARE:.0%} of the requests answered SlowDown, not
  billed), shared by the busy ranges, each waiting for its tokens inside its copy phase: longer windows,
  fewer per invocation, and the waiting billed as Lambda duration.
- Lambda concurrency: max_concurrency SyncRange invocations at once, {Setup().max_concurrency} of the
  account's default {ACCOUNT_LAMBDA_CONCURRENCY:,}."""
