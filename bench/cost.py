"""What a sync costs and how long it takes on AWS at 1M, 100M and 1B objects, from measured CPU.

    .venv/bin/python bench/cost.py [results.json] [--docs PATH]   # prints, and appends to the docs

The benchmark runs on a local emulator, whose wall times say nothing about AWS. What carries over
is what the handlers themselves spend: the Lambda workers report their CPU seconds, and the
request and object counts of each run turn those into CPU milliseconds per listed key and per
copied object (cpu_figures()). The model (model_text(), scale()) puts them together with the
engine's loop as it is now (windows of chunk_size keys per side, as many per invocation as the
Lambda's time allows, at most max_steps_per_range per child, max_concurrency ranges per round) and
assumed S3 latencies, and prices S3, Step Functions, Lambda and DynamoDB at the module's defaults.
Every assumption is a named constant below and is printed into the docs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "handlers"))

# The planner's own rules and constants, so the model cannot drift from the code.
from bucket_sync.keysample import PROBES_AT_ONCE  # noqa: E402
from bucket_sync.keyspace import MAX_PROBES, probe_count, range_count  # noqa: E402
from bucket_sync.listing import PAGE_SIZE as S3_PAGE_KEYS  # noqa: E402
from bucket_sync.steps.plan_ranges import MIN_WINDOWS, RANGES_PER_CHILD  # noqa: E402

DOCS = ROOT / "docs" / "BENCHMARKS.md"
RESULTS = ROOT / "bench" / "results"
MARK = "<!-- cost.py -->"

# -- prices (us-east-1 list) ----------------------------------------------------------------------
TIER1 = 0.005 / 1000  # S3 LIST, PUT, COPY, POST (DeleteObjects), bucket-level calls
TIER2 = 0.0004 / 1000  # S3 GET, HEAD
SFN = 0.025 / 1000  # Step Functions Standard, per state transition
LAMBDA_REQUEST = 0.20 / 1_000_000
LAMBDA_GB_SECOND = {"arm64": 0.0000133334, "x86_64": 0.0000166667}
DDB_WRITE = 1.25 / 1_000_000  # on-demand, per write request unit (an item up to 1 KB)
DDB_READ = 0.25 / 1_000_000  # on-demand, per read request unit (a consistent read of up to 4 KB)
INVENTORY = 0.0025 / 1_000_000  # S3 Inventory, per object listed (paper only: "Beyond one listing")

# -- the module's defaults ------------------------------------------------------------------------
MEMORY_MB = 1769  # one full vCPU
FULL_VCPU_MB = 1769
ARCHITECTURE = "arm64"
MAX_CONCURRENCY = 100  # ranges per round, children at once
CHUNK_SIZE = 5000  # keys per side in one window
MAX_STEPS_PER_RANGE = 100  # windows a child runs before it hands its range back
LAMBDA_TIMEOUT = 300.0
STOP_MARGIN = min(45.0, LAMBDA_TIMEOUT / 3)  # sync_range.py: no window starts inside it
COPY_THREADS = 16
ACCOUNT_LAMBDA_CONCURRENCY = 1000  # the default regional quota

# -- assumptions (not measured here) --------------------------------------------------------------
LIST_SECONDS = 0.150  # one ListObjectsV2 page of 1,000 keys on real S3 (typically 100-300 ms)
COPY_SECONDS = 0.075  # one CopyObject of a small object (typically 50-100 ms)
HEAD_SECONDS = 0.020  # one HeadObject (typically 10-30 ms)
DDB_SECONDS = 0.010  # one DynamoDB PutItem / GetItem
MAP_START_SECONDS = 5.0  # the Distributed Map starting a round's children, and TallyRound
PLANNER_PROBES_FIRST_ROUND = 6  # PlanRanges: one page, ~5 one-key probes for the ceiling ...
# ... plus max_concurrency - 1 sample pages; later rounds re-split only ranges that have room.
KEYS_PER_ROUND = RANGES_PER_CHILD * MAX_CONCURRENCY * MAX_STEPS_PER_RANGE * CHUNK_SIZE
TRANSITIONS_PER_INVOCATION = 3  # Task (entered, exited) and the Choice; the emulator sees 2 entered
VALIDATE_REQUESTS = 4  # two bucket checks, one LIST (the empty-source guard), GetBucketWebsite (auto)
# S3 request rates per partitioned prefix.
S3_WRITE_RATE = 3500  # COPY / PUT / DELETE per second
S3_READ_RATE = 5500  # GET / HEAD / LIST per second

# CPU per listed key of the engine before clients.parse_timestamp (botocore parsed every
# LastModified through dateutil), measured by bench/run.py on 2026-11-29: for the what-if only.
BOTOCORE_TIMESTAMPS_PER_LISTED_KEY_MS = 0.098

SCALES = (1_000_000, 100_000_000, 1_000_000_000)
SENSITIVITY_LIST_SECONDS = (0.100, 0.150, 0.300)
SENSITIVITY_COPY_SECONDS = (0.050, 0.075, 0.100)

# The targets, at the defaults.
TARGET_NOOP_100M_SECONDS = 20 * 60
TARGET_INITIAL_100M_SECONDS = 6 * 3600
TARGET_NOOP_PER_MILLION = 0.015
SYNC_RANGE = "sync-range"

# 2017 sample (derived from its state machine; it is not deployed here).
SAMPLE_PAGE_KEYS = 1024
SAMPLE_MEMORY_GB = 128 / 1024
TIER2_OPS = {"HeadObject", "GetObject"}
FREE_OPS = {"DeleteObject", "AbortMultipartUpload"}


@dataclass(frozen=True)
class Cpu:
    """Handler CPU, measured: milliseconds per listed key and per copied object (one core)."""

    per_listed_key_ms: float
    per_copied_ms: float
    source: str  # which runs they come from


@dataclass(frozen=True)
class Setup:
    """One deployment and one set of S3 latencies."""

    max_concurrency: int = MAX_CONCURRENCY
    chunk_size: int = CHUNK_SIZE
    max_steps_per_range: int = MAX_STEPS_PER_RANGE
    lambda_timeout: float = LAMBDA_TIMEOUT
    memory_mb: int = MEMORY_MB
    architecture: str = ARCHITECTURE
    copy_threads: int = COPY_THREADS
    read_redirects: bool = False  # keep_website_redirects "auto" on a source without a website
    parallel_sides: bool = True  # a window lists its source and destination at once (range_step.py)
    read_ahead: bool = True  # a page is requested while the one before is parsed (pageahead.py)
    list_seconds: float = LIST_SECONDS
    copy_seconds: float = COPY_SECONDS
    head_seconds: float = HEAD_SECONDS


# -- measured CPU ---------------------------------------------------------------------------------


def engine_runs(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r for r in runs if r["tool"].startswith("engine") and SYNC_RANGE in r.get("lambda_by_function", {})
    ]


def listed_keys(run: dict[str, Any]) -> int:
    """Keys SyncRange listed: the source's N, plus the destination's N when it holds a copy."""
    return run["n"] if run["scenario"] == "initial" else 2 * run["n"]


def cpu_rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per engine variant and N: SyncRange CPU ms per listed key (no-op) and per copied object
    (initial, less its listing's share at the no-op's rate; with keep_website_redirects true
    that includes a HEAD per copy)."""
    rows = []
    for index, run in enumerate(engine_runs(runs)):
        if run["scenario"] != "initial":
            continue
        # The no-op that followed this initial copy (a file may hold the same variant twice).
        noop = next(
            (
                r
                for r in engine_runs(runs)[index + 1 :]
                if r["scenario"] == "noop"
                and (r["tool"], r["n"], r["latency_ms"], r.get("latency_profile"))
                == (run["tool"], run["n"], run["latency_ms"], run.get("latency_profile"))
            ),
            None,
        )
        if noop is None:
            continue
        per_key = 1000 * noop["lambda_by_function"][SYNC_RANGE]["cpu_seconds"] / listed_keys(noop)
        cpu = 1000 * run["lambda_by_function"][SYNC_RANGE]["cpu_seconds"]
        copied = (run.get("output") or {}).get("copied") or run["n"]
        rows.append(
            {
                "tool": run["tool"]
                + (f", profile {run['latency_profile']}" if run.get("latency_profile") else ""),
                "n": run["n"],
                "latency_ms": run["latency_ms"],
                "noop_cpu_s": noop["lambda_by_function"][SYNC_RANGE]["cpu_seconds"],
                "noop_listed": listed_keys(noop),
                "per_listed_key_ms": per_key,
                "initial_cpu_s": cpu / 1000,
                "copied": copied,
                "per_copied_ms": (cpu - per_key * listed_keys(run)) / copied,
                "heads": bool(run.get("keep_website_redirects", True)),
                "default_chunk": run.get("chunk_size", 1000) == CHUNK_SIZE,
                "max_concurrency": run.get("max_concurrency", 10),
                "index": index,
            }
        )
    return rows


def cpu_figures(runs: list[dict[str, Any]]) -> Cpu | None:
    """The model's CPU figures: from the largest N measured (fixed costs weigh least there),
    preferring runs without a HEAD per copy (the default "auto" on a source without a website);
    None without an engine initial + no-op pair."""
    # The benchmark's own max_concurrency (10 workers on 2 cores); the newest such run, since the
    # engine changes between runs appended to one file.
    rows = [r for r in cpu_rows(runs) if r["max_concurrency"] == 10]
    if not rows:
        return None
    best = max(rows, key=lambda r: (not r["heads"], r["n"], r["default_chunk"], -r["latency_ms"], r["index"]))
    source = f"{best['tool']}, N = {best['n']:,}, {best['latency_ms']:g} ms"
    if best["heads"]:
        source += "; its copies include a HEAD each, so the figure per copy is high"
    return Cpu(best["per_listed_key_ms"], best["per_copied_ms"], source)


def cpu_table(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| run | N | no-op: SyncRange CPU s / keys listed (both sides) | **CPU ms per listed key** "
        "| initial: SyncRange CPU s / objects copied | HEAD per copy "
        "| **CPU ms per copied object** (listing's share taken off) |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for r in cpu_rows(runs):
        lines.append(
            f"| {r['tool']}, {r['latency_ms']:g} ms | {r['n']:,} "
            f"| {r['noop_cpu_s']:.2f} / {r['noop_listed']:,} "
            f"| **{r['per_listed_key_ms']:.3f}** | {r['initial_cpu_s']:.2f} / {r['copied']:,} "
            f"| {'yes' if r['heads'] else 'no'} | **{r['per_copied_ms']:.2f}** |"
        )
    return lines


# -- the scale model ------------------------------------------------------------------------------


def window(scenario: str, cpu: Cpu, s: Setup, keys: int | None = None) -> dict[str, float]:
    """One window of `keys` (default chunk_size) keys per side: its S3 requests and its seconds."""
    keys = s.chunk_size if keys is None else keys
    pages_source = max(1, math.ceil(keys / S3_PAGE_KEYS))
    # A no-op lists the same keys on the destination; an initial copy finds it empty (one page).
    pages_destination = pages_source if scenario == "noop" else 1
    listed = keys * (2 if scenario == "noop" else 1)
    copies = keys if scenario == "initial" else 0
    heads = copies if s.read_redirects else 0
    # Below 1,769 MB Lambda gives CPU in proportion to memory: the same work takes longer.
    slower = max(1.0, FULL_VCPU_MB / s.memory_mb)
    cpu_list = listed * cpu.per_listed_key_ms / 1000 * slower
    # The CPU a full page costs (the no-op's CPU per listed key: parse, merge, bookkeeping); an
    # initial copy's destination page is empty.
    page_cpu = S3_PAGE_KEYS * cpu.per_listed_key_ms / 1000 * slower
    source_chain = side_seconds(pages_source, page_cpu, s)
    destination_chain = side_seconds(pages_destination, page_cpu if scenario == "noop" else 0.0, s)
    if s.parallel_sides:
        # Each side waits for its own pages; both share one vCPU, so never less than all the CPU.
        list_seconds = max(source_chain, destination_chain, cpu_list)
    else:
        list_seconds = source_chain + destination_chain
    # Copies run on copy_threads threads sharing one vCPU: bound by their latency or by the CPU.
    copy_wait = (copies * s.copy_seconds + heads * s.head_seconds) / s.copy_threads
    copy_cpu = copies * cpu.per_copied_ms / 1000 * slower
    seconds = list_seconds + max(copy_wait, copy_cpu) + DDB_SECONDS
    return {
        "lists": pages_source + pages_destination,
        "copies": copies,
        "heads": heads,
        "list_seconds": list_seconds,
        "list_wait": max(pages_source, pages_destination) * s.list_seconds,
        "cpu_seconds": cpu_list + copy_cpu,
        "copy_phase": max(copy_wait, copy_cpu),
        "seconds": seconds,
        "copy_bound": "CPU" if copy_cpu > copy_wait else "copy latency / copy_threads",
    }


def side_seconds(pages: int, page_cpu: float, s: Setup) -> float:
    """One side's pages, one after another: with read-ahead a page's request waits under the
    parse of the page before, so the side takes one LIST, then the slower of LIST and parse per
    further page, then the last parse; without it, LIST + parse per page."""
    if s.read_ahead:
        return s.list_seconds + (pages - 1) * max(s.list_seconds, page_cpu) + page_cpu
    return pages * (s.list_seconds + page_cpu)


def planned_ranges(keys: int, s: Setup) -> int:
    """PlanRanges' cut of `keys` keys (keyspace.split_range), taken as even."""
    return range_count(
        keys, RANGES_PER_CHILD * s.max_concurrency, MIN_WINDOWS * s.chunk_size, s.max_concurrency
    )


def windows_per_invocation(window_seconds: float, s: Setup) -> int:
    """sync_range.py: a window starts only while twice the longest one is left before the
    timeout's margin; at most max_steps_per_range per child."""
    usable = s.lambda_timeout - min(45.0, s.lambda_timeout / 3)
    return max(1, min(s.max_steps_per_range, math.floor(usable / window_seconds) - 1))


def scale(objects: int, scenario: str, cpu: Cpu, s: Setup = Setup()) -> dict[str, Any]:
    """A run over `objects` keys (no-op: both sides equal; initial: empty destination), with the
    planner's cuts taken as even."""
    w = window(scenario, cpu, s)
    per_invocation = windows_per_invocation(w["seconds"], s)
    left, rounds, children, invocations, wall, planner_lists = objects, 0, 0, 0, 0.0, 0
    ranges = 0
    sync_seconds, total_windows, window_lists, busy = 0.0, 0, 0, 0
    while left > 0:
        rounds += 1
        # Round 1: PlanRanges' cut; later rounds get back the ranges that reached
        # max_steps_per_range (with even cuts, all of them), which it does not split again.
        ranges = planned_ranges(left, s) if rounds == 1 else ranges
        keys_each = math.ceil(left / ranges)
        per_window = min(s.chunk_size, keys_each)
        this = w if per_window == s.chunk_size else window(scenario, cpu, s, per_window)
        each = min(s.max_steps_per_range, math.ceil(keys_each / per_window))
        done = min(left, ranges * each * per_window)
        # Round 1 samples the key space; later rounds get their pending ranges back (even cuts
        # reach the step limit together), which PlanRanges does not split again.
        probes = PLANNER_PROBES_FIRST_ROUND + probe_count(ranges) if rounds == 1 else 0
        planner_lists += probes
        calls = math.ceil(each / windows_per_invocation(this["seconds"], s))
        children += ranges
        invocations += ranges * calls
        total_windows += ranges * each
        # + one page per side where a range's listing runs into the next range's keys
        window_lists += ranges * (each * this["lists"] + 2)
        busy = max(busy, min(ranges, s.max_concurrency))
        # The Map runs max_concurrency children at once and starts the next range when one ends.
        waves = math.ceil(ranges / s.max_concurrency)
        sync_seconds += ranges * each * this["seconds"] + ranges * calls * DDB_SECONDS  # + GetItem
        child_seconds = each * this["seconds"] + calls * DDB_SECONDS
        wall += (
            math.ceil(probes / PROBES_AT_ONCE) * s.list_seconds + MAP_START_SECONDS + waves * child_seconds
        )
        left -= done
    other_invocations = 1 + 2 * rounds  # ValidateInput; PlanRanges and TallyRound per round
    other_seconds = VALIDATE_REQUESTS * s.list_seconds + planner_lists * s.list_seconds + rounds * 2 * 0.5
    wall += VALIDATE_REQUESTS * s.list_seconds
    lambda_seconds = sync_seconds + other_seconds
    gb_seconds = lambda_seconds * s.memory_mb / 1024
    # Step Functions: parent = ValidateInput + 4 per round (PlanRanges, Map, TallyRound, Choice)
    # + AnyObjectFailed + ReturnReport; each child = its start (billed by the Distributed Map)
    # + 3 per invocation + the closing Pass.
    parent = 1 + 4 * rounds + 2
    transitions = parent + children * 2 + invocations * TRANSITIONS_PER_INVOCATION
    # DynamoDB: one PutItem per window, one consistent GetItem per invocation, one item per
    # range written by PlanRanges and read back by TallyRound's consistent Query (1 KB items).
    wru = total_windows + children
    rru = invocations + sum(math.ceil(min(s.max_concurrency, 1000) / 4) for _ in range(rounds))
    lists = window_lists + planner_lists + 1
    copies = objects if scenario == "initial" else 0
    heads = objects if scenario == "initial" and s.read_redirects else 0
    other_s3 = VALIDATE_REQUESTS - 1
    s3 = (lists + copies + other_s3) * TIER1 + heads * TIER2
    lam = (invocations + other_invocations) * LAMBDA_REQUEST + gb_seconds * LAMBDA_GB_SECOND[s.architecture]
    sfn = transitions * SFN
    ddb = wru * DDB_WRITE + rru * DDB_READ
    # Rates against S3's per-prefix limits, with every range busy at once.
    copy_rate = busy * w["copies"] / w["seconds"]
    list_rate = busy * w["lists"] / w["seconds"] / 2  # per bucket: half the pages are each side's
    s3_floor = copies / S3_WRITE_RATE  # every copy into one partition of the destination
    return {
        "objects": objects,
        "scenario": scenario,
        "window": w,
        "windows": total_windows,
        "windows_per_invocation": per_invocation,
        "rounds": rounds,
        "children": children,
        "invocations": invocations + other_invocations,
        "transitions": transitions,
        # What the emulator records: states entered (no child starts, 2 per invocation).
        "states_entered": parent + children + invocations * 2,
        "lists": lists,
        "copies": copies,
        "heads": heads,
        "wru": wru,
        "rru": rru,
        "gb_seconds": gb_seconds,
        "sync_seconds": sync_seconds,
        "wall": wall,
        "copy_rate": copy_rate,
        "list_rate": list_rate,
        "partitions_needed": max(1, math.ceil(copy_rate / S3_WRITE_RATE)) if copies else 1,
        "wall_one_partition": max(wall, s3_floor),
        "s3": s3,
        "sfn": sfn,
        "lambda": lam,
        "ddb": ddb,
        "total": s3 + sfn + lam + ddb,
    }


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def scale_table(cpu: Cpu, s: Setup = Setup()) -> list[str]:
    lines = [
        "| objects | scenario | windows | windows an invocation can run | rounds | children "
        "| Lambda invocations "
        "| state transitions | S3 LIST | S3 COPY | wall, engine-bound | aggregate COPY/s "
        "| wall, destination on one S3 partition | S3 | Step Functions | Lambda (GB-s) | DynamoDB "
        "| **total** | **per 1M objects** |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for objects in SCALES:
        for scenario, label in (("noop", "no-op re-sync"), ("initial", "initial copy, small objects")):
            m = scale(objects, scenario, cpu, s)
            lines.append(
                f"| {objects:,} | {label} | {m['windows']:,} | {m['windows_per_invocation']} | {m['rounds']} "
                f"| {m['children']:,} | {m['invocations']:,} | {m['transitions']:,} | {m['lists']:,} "
                f"| {m['copies']:,} | {duration(m['wall'])} | {m['copy_rate']:,.0f} "
                f"| {duration(m['wall_one_partition'])} | ${m['s3']:,.4f} | ${m['sfn']:,.4f} "
                f"| ${m['lambda']:,.4f} ({m['gb_seconds']:,.0f}) | ${m['ddb']:,.4f} | **${m['total']:,.4f}** "
                f"| **${m['total'] * 1_000_000 / objects:.4f}** |"
            )
    return lines


def check_table(runs: list[dict[str, Any]], cpu: Cpu) -> list[str]:
    """The model at the benchmark's own settings against what the emulator counted. Not its
    seconds: the emulator's own overhead (worker processes sharing 2 cores with moto, ~12 s per
    SyncRange invocation at 0 ms in the 2026-11-29 runs) dwarfs a sub-second window."""
    lines = [
        "| run | N | chunk_size | scenario | windows per range (model) | states entered, measured / model "
        "| Lambda invocations, measured / model | LISTs, measured / model |",
        "|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for run in engine_runs(runs):
        if run["scenario"] == "change":
            continue
        setup = Setup(
            max_concurrency=run.get("max_concurrency", 10),
            chunk_size=run.get("chunk_size", 1000),
            read_redirects=run.get("keep_website_redirects", True),
        )
        m = scale(run["n"], run["scenario"], cpu, setup)
        lines.append(
            f"| {run['tool']}{', aws profile' if run.get('latency_profile') else ''} | {run['n']:,} "
            f"| {setup.chunk_size:,} | {run['scenario']} "
            f"| {m['windows'] / m['children']:g} "
            f"| {run['state_transitions']} / {m['states_entered']} "
            f"| {run['lambda_invocations']} / {m['invocations']} "
            f"| {run['requests'].get('ListObjectsV2', 0)} / {m['lists']} |"
        )
    return lines


def window_table(cpu: Cpu, s: Setup = Setup()) -> list[str]:
    lines = [
        "| scenario | LIST pages | LIST wait | CPU (listing + copies) | copy phase | window | bound by "
        "| windows per invocation |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for scenario, label in (("noop", "no-op re-sync"), ("initial", "initial copy")):
        w = window(scenario, cpu, s)
        bound = w["copy_bound"] if w["copies"] else "LIST latency + CPU per listed key"
        lines.append(
            f"| {label} | {w['lists']} | {w['list_seconds']:.2f} s | {w['cpu_seconds']:.2f} s "
            f"| {w['copy_phase']:.2f} s | {w['seconds']:.2f} s | {bound} "
            f"| {windows_per_invocation(w['seconds'], s)} |"
        )
    return lines


def verdicts(cpu: Cpu) -> list[str]:
    noop = scale(100_000_000, "noop", cpu)
    initial = scale(100_000_000, "initial", cpu)
    per_million = {o: scale(o, "noop", cpu)["total"] * 1_000_000 / o for o in SCALES}
    floor = 2 * 1000 * TIER1
    out = []
    ok = noop["wall"] <= TARGET_NOOP_100M_SECONDS
    out.append(
        f"- **No-op re-sync of 100M objects within 20 minutes: {'met' if ok else 'NOT met'}** in the model: "
        f"{duration(noop['wall'])} ({noop['rounds']} round(s) of "
        f"{noop['children'] // noop['rounds']} ranges, "
        f"{MAX_CONCURRENCY} at a time, each range "
        f"{noop['window']['seconds']:.2f} s per window). What binds is the engine: each range lists its "
        f"two sides at once, each side {noop['window']['lists'] // 2} pages of {LIST_SECONDS * 1000:.0f} ms "
        "one after another (the next one requested while the last is parsed), "
        f"and parses {2 * CHUNK_SIZE:,} keys at {cpu.per_listed_key_ms:.3f} ms each. S3 is far from its "
        f"limit: about {noop['list_rate']:,.0f} LISTs per second per bucket against {S3_READ_RATE:,} per "
        "partition; Lambda uses "
        f"{MAX_CONCURRENCY} of the account's default {ACCOUNT_LAMBDA_CONCURRENCY:,} concurrent executions."
    )
    engine_ok = initial["wall"] <= TARGET_INITIAL_100M_SECONDS
    s3_ok = initial["wall_one_partition"] <= TARGET_INITIAL_100M_SECONDS
    needed_rate = 100_000_000 / TARGET_INITIAL_100M_SECONDS
    initial_verdict = (
        "met"
        if engine_ok and s3_ok
        else "met by the engine, NOT guaranteed by S3"
        if engine_ok
        else "NOT met"
    )
    out.append(
        f"- **Initial copy of 100M small objects within 6 hours: "
        f"{initial_verdict}.** "
        f"The engine copies about {initial['copy_rate']:,.0f} objects per second at max_concurrency "
        f"{MAX_CONCURRENCY} ({initial['window']['copy_bound']}), {duration(initial['wall'])} for 100M. "
        f"6 hours need {needed_rate:,.0f} copies per second, more than the {S3_WRITE_RATE:,} PUT/COPY per "
        f"second of one partitioned prefix: into a fresh destination that S3 has not yet split, the "
        f"copies are throttled (503 SlowDown, retried by the handlers) to about "
        f"{duration(initial['wall_one_partition'])}. S3 splits a prefix under sustained load on its own "
        f"schedule; the target holds once the destination's keys span at least "
        f"{math.ceil(needed_rate / S3_WRITE_RATE)} partitions (the engine alone would use "
        f"{initial['partitions_needed']}). S3's per-prefix limit binds next, not the engine."
    )
    ok = per_million[100_000_000] <= TARGET_NOOP_PER_MILLION
    m = scale(100_000_000, "noop", cpu)
    out.append(
        f"- **No-op bill ≤ ${TARGET_NOOP_PER_MILLION:.3f} per 1M objects: {'met' if ok else 'NOT met'}**: "
        + ", ".join(f"${v:.4f} at {o:,}" for o, v in per_million.items())
        + f". The floor is the LISTs, ${floor:.3f} per 1M; at 100M the rest is Lambda "
        f"${m['lambda'] / 100:.4f}, Step Functions ${m['sfn'] / 100:.5f} and DynamoDB "
        f"${m['ddb'] / 100:.5f} per 1M. "
        f"Lambda bills {m['window']['seconds']:.2f} s per window of {CHUNK_SIZE:,} objects at {MEMORY_MB:,} "
        f"MB: {m['window']['list_wait']:.2f} s of LIST pages per side, under which "
        f"{m['window']['cpu_seconds']:.2f} s of CPU parses and compares the keys. At 1M the child "
        "executions' own transitions weigh more (below)."
    )
    lists = ", ".join(
        f"${scale(100_000_000, 'noop', cpu, Setup(list_seconds=x))['total'] / 100:.4f} at {x * 1000:.0f} ms"
        for x in SENSITIVITY_LIST_SECONDS
    )
    out.append(f"  Sensitivity of the 100M no-op bill per 1M to the LIST page latency: {lists}.")
    dateutil = Cpu(BOTOCORE_TIMESTAMPS_PER_LISTED_KEY_MS, cpu.per_copied_ms, cpu.source)
    what_if = [
        (
            "lambda_memory_size 512 (a no-op's LIST wait costs less memory, its CPU the same GB-s)",
            cpu,
            Setup(memory_mb=512),
        ),
        ("no read-ahead: each page requested only after the last is parsed", cpu, Setup(read_ahead=False)),
        (
            f"botocore parsing every LastModified through dateutil ({BOTOCORE_TIMESTAMPS_PER_LISTED_KEY_MS} "
            "ms per listed key measured before clients.parse_timestamp)",
            dateutil,
            Setup(),
        ),
        (
            "neither read-ahead nor the timestamp parser (the engine at the start of 2026-11-29)",
            dateutil,
            Setup(read_ahead=False),
        ),
        (
            "the two sides listed one after the other as well",
            dateutil,
            Setup(read_ahead=False, parallel_sides=False),
        ),
    ]
    options = "; ".join(
        f"{label}: ${scale(100_000_000, 'noop', c, setup)['total'] / 100:.4f}" for label, c, setup in what_if
    )
    zero_wait = TARGET_NOOP_PER_MILLION - floor
    gb = MEMORY_MB / 1024
    max_cpu_ms = zero_wait / LAMBDA_GB_SECOND[ARCHITECTURE] / gb / 2_000_000 * 1000
    cpu_cost = 2_000_000 * cpu.per_listed_key_ms / 1000 * gb * LAMBDA_GB_SECOND[ARCHITECTURE]
    out.append(
        f"  The same no-op per 1M at 100M, one change at a time: {options}. The ${zero_wait:.3f} "
        f"above the LIST floor would buy {max_cpu_ms:.3f} ms of CPU per listed key with no wait at all; "
        f"the measured {cpu.per_listed_key_ms:.3f} ms cost ${cpu_cost:.4f} per 1M. With read-ahead a no-op "
        "window is bound by its LIST pages, one side's after another, and the parse hides under them."
    )
    small = scale(1_000_000, "noop", cpu, Setup(max_concurrency=10))
    out.append(
        f"  At 1M objects the {MAX_CONCURRENCY} child executions weigh: max_concurrency 10 brings a 1M "
        "no-op to "
        f"${small['total']:.4f} in {duration(small['wall'])}."
    )
    copies = ", ".join(
        f"{duration(scale(100_000_000, 'initial', cpu, Setup(copy_seconds=x))['wall'])} at {x * 1000:.0f} ms"
        for x in SENSITIVITY_COPY_SECONDS
    )
    out.append(f"  Sensitivity of the engine-bound 100M initial copy to the COPY latency: {copies}.")
    return out


def model_text(cpu: Cpu) -> str:
    usable = LAMBDA_TIMEOUT - STOP_MARGIN
    return f"""\
Prices (us-east-1 list):
  S3   LIST, PUT, COPY, POST, bucket-level calls $0.005 / 1,000;  GET, HEAD $0.0004 / 1,000
  Step Functions Standard                        $0.025 / 1,000 state transitions
  Lambda   $0.20 / 1M requests + $0.0000133334 / GB-s (arm64; x86_64 $0.0000166667)
  DynamoDB on demand   $1.25 / 1M write request units (an item up to 1 KB)
                       $0.25 / 1M read request units (a consistent read up to 4 KB)

The module's defaults: lambda_memory_size {MEMORY_MB:,} MB (one vCPU), {ARCHITECTURE},
max_concurrency {MAX_CONCURRENCY} (ranges per round), chunk_size {CHUNK_SIZE:,}, max_steps_per_range
{MAX_STEPS_PER_RANGE}, lambda_timeout {LAMBDA_TIMEOUT:.0f} s, copy_threads {COPY_THREADS},
keep_website_redirects "auto" (a source without a website configuration: no HEAD per copy; one
GetBucketWebsite per run), no report_bucket.

Measured (bench/run.py, {cpu.source}): SyncRange CPU {cpu.per_listed_key_ms:.3f} ms per listed key,
{cpu.per_copied_ms:.2f} ms per copied object. Assumed: one core of the benchmark machine = the one
vCPU Lambda gives at {MEMORY_MB:,} MB (arm64 Graviton may be somewhat slower per core).

Assumed S3 latencies (real S3, same region): LIST page {LIST_SECONDS * 1000:.0f} ms (typically 100-300),
COPY of a small object {COPY_SECONDS * 1000:.0f} ms (50-100), HEAD {HEAD_SECONDS * 1000:.0f} ms (10-30);
DynamoDB {DDB_SECONDS * 1000:.0f} ms a request; the Map starting a round's children plus TallyRound
{MAP_START_SECONDS:.0f} s a round.

A window (range_step.sync_window) lists up to chunk_size keys of the source and of the
destination at once, each side one 1,000-key page after another, the next page requested while
the last is parsed (pageahead.py); copies on copy_threads threads, which share one vCPU, take
max(copies x COPY / threads, copies x CPU per copy); then one PutItem.
  a side = LIST + (pages - 1) x max(LIST, page CPU) + page CPU   (page CPU = 1,000 x CPU per key)
  window seconds = max(source side, destination side, all listing CPU) + copy phase + PutItem
An invocation runs windows while twice the longest is left of lambda_timeout less its margin
(min(45 s, a third): {usable:.0f} s usable), and at most max_steps_per_range in its child;
windows per invocation = min(max_steps_per_range, floor({usable:.0f} / window) - 1).
Rounds: PlanRanges cuts the key space into up to {RANGES_PER_CHILD} x max_concurrency ranges, each of
{MIN_WINDOWS} windows of keys or more but one per slot while each keeps a page, taken as even (skew
costs at most a round); the Map runs max_concurrency of them at once. A range runs at most
max_steps_per_range windows per round, so a round covers up to {RANGES_PER_CHILD} x max_concurrency x
max_steps_per_range x chunk_size = {KEYS_PER_ROUND:,} keys.
The first round's planner lists {PLANNER_PROBES_FIRST_ROUND} + 1.25 x ranges - 1 pages (at most {MAX_PROBES});
later rounds get their ranges back and cut none.
  wall = sum over rounds (planner pages / {PROBES_AT_ONCE} x LIST + Map start
                          + ceil(ranges / max_concurrency) x windows per range x window)

Counted and priced:
- Step Functions: parent 1 (ValidateInput) + 4 per round (PlanRanges, SyncRanges, TallyRound,
  RangesLeftToSync) + 2 (AnyObjectFailed, ReturnReport); per child execution 1 for its start
  (billed by the Distributed Map) + {TRANSITIONS_PER_INVOCATION} per invocation (SyncNextWindow and
  MoreWindowsInRange; the emulator records 2 states entered per invocation, 3 is the safe count)
  + 1 (RangeSynced).
- Lambda: invocations = SyncRange's + 1 + 2 per round; GB-s = seconds x {MEMORY_MB:,} / 1,024, the
  seconds being every window's, one GetItem per invocation, and the other steps' requests.
- DynamoDB: one PutItem per window and one per range and round (PlanRanges' BatchWriteItem),
  1 WRU each; one consistent GetItem per invocation and TallyRound's consistent Query of a
  round's items (1 KB each: 1 RRU per 4 items), RRU.
- S3: LIST pages per window (no-op: {math.ceil(CHUNK_SIZE / S3_PAGE_KEYS)} per side; initial:
  {math.ceil(CHUNK_SIZE / S3_PAGE_KEYS)} of the source and 1 empty page of the destination), the
  planner's pages, ValidateInput's {VALIDATE_REQUESTS} requests; one COPY per copied object.
  A report (report_bucket, off by default) would add one PUT per window with actions: $0.005 per
  1,000 windows, 100M copied objects = 20,000 PUTs = $0.10.
- S3 request rates: {S3_WRITE_RATE:,} COPY/PUT/DELETE and {S3_READ_RATE:,} GET/HEAD/LIST per second per
  partitioned prefix. "Wall, destination on one S3 partition" is the larger of the engine-bound
  wall and copies / {S3_WRITE_RATE:,} (a fresh bucket before S3 splits it); throttled copies keep the
  Lambdas waiting, so that case also costs more Lambda time than the table's engine-bound figure.
- Lambda concurrency: max_concurrency SyncRange invocations at once, {MAX_CONCURRENCY} of the
  account's default {ACCOUNT_LAMBDA_CONCURRENCY:,}."""


# -- the 2017 sample, for comparison --------------------------------------------------------------


def sample_cost(run: dict[str, Any], objects: int = 1_000_000) -> dict[str, float]:
    """The 2017 state machine at `objects`: its S3 requests as measured, scaled per object; 12
    states per run + 3 per listed page and side; 4 + 2 Lambda invocations per page and side at its
    128 MB (x86) for the measured per-page seconds against moto."""
    scale_by = objects / run["n"]
    pages = 2 * math.ceil(objects / SAMPLE_PAGE_KEYS)
    transitions = 12 + 3 * pages
    invocations = 4 + 2 * pages
    timings = run.get("sync_2017", {})
    seconds = (timings.get("list_seconds", 0.0) + timings.get("work_seconds", 0.0)) * scale_by
    tier1 = sum(n for op, n in run["requests"].items() if op not in TIER2_OPS | FREE_OPS) * scale_by
    tier2 = sum(n for op, n in run["requests"].items() if op in TIER2_OPS) * scale_by
    s3 = tier1 * TIER1 + tier2 * TIER2
    lam = invocations * LAMBDA_REQUEST + seconds * SAMPLE_MEMORY_GB * LAMBDA_GB_SECOND["x86_64"]
    return {"s3": s3, "sfn": transitions * SFN, "lambda": lam, "total": s3 + transitions * SFN + lam}


def sample_lines(runs: list[dict[str, Any]], source: str, cpu: Cpu) -> list[str]:
    found = {
        scenario: max(
            (r for r in runs if r["tool"] == "2017" and r["scenario"] == scenario),
            key=lambda r: (r["n"], r["latency_ms"]),
            default=None,
        )
        for scenario in ("noop", "initial")
    }
    if not any(found.values()):
        return []
    lines = [
        f"The 2017 sample's algorithm at 1M objects, for comparison (its requests measured in `{source}`, "
        "its Step Functions and Lambda usage derived from its state machine, Lambda at its 128 MB x86):",
        "",
        "| scenario | 2017 sample: S3 | Step Functions | Lambda | total | bucket-sync (model above) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scenario, run in found.items():
        if run is None:
            continue
        c = sample_cost(run)
        ours = scale(1_000_000, scenario, cpu)["total"]
        lines.append(
            f"| {scenario} | ${c['s3']:.4f} | ${c['sfn']:.4f} | ${c['lambda']:.4f} | ${c['total']:.4f} "
            f"| ${ours:.4f} |"
        )
    return [*lines, ""]


def newest_with(tool: str, exclude: Path | None = None) -> tuple[Path, list[dict[str, Any]]] | None:
    for path in sorted(RESULTS.glob("*.json"), reverse=True):
        if exclude is not None and path.resolve() == exclude.resolve():
            continue
        runs = json.loads(path.read_text())["runs"]
        if any(r["tool"] == tool for r in runs):
            return path, runs
    return None


# -- output ---------------------------------------------------------------------------------------


def render(results: dict[str, Any], source: Path | None = None) -> str:
    runs = results["runs"]
    cpu = cpu_figures(runs)
    if cpu is None:
        return "\n".join(
            [
                MARK,
                "## At AWS scale (bench/cost.py)",
                "",
                "These results hold no engine initial + no-op pair, so no CPU figures and no model: run "
                "`bench/run.py --tools engine --keep-website-redirects false`.",
                "",
            ]
        )
    sample = [r for r in runs if r["tool"] == "2017"]
    sample_source = str(source.relative_to(ROOT)) if source and source.is_relative_to(ROOT) else "results"
    if not sample:
        found = newest_with("2017", exclude=source)
        if found is not None:
            sample_source, sample = str(found[0].relative_to(ROOT)), found[1]
    return "\n".join(
        [
            MARK,
            "## At AWS scale: 1M, 100M and 1B objects (bench/cost.py)",
            "",
            "The handlers' own CPU, measured on the emulator (the Lambda workers report it), per listed "
            "key and per copied object:",
            "",
            *cpu_table(runs),
            "",
            "The model, with every assumption:",
            "",
            "```",
            model_text(cpu),
            "```",
            "",
            "The model at the benchmark's own settings (max_concurrency 10) against what the emulator "
            "counted: states entered (billed transitions add one per child started and, counted "
            "safely, one more per invocation), Lambda invocations and LISTs (the model adds a page "
            "per side where a range ends and the planner's full sample, so it overcounts small runs):",
            "",
            *check_table(runs, cpu),
            "",
            "Where a range takes several windows (chunk_size 1,000: two windows of 1,000 keys per "
            "2,000-key range), one invocation runs them: the same states and invocations as one "
            "window. The engine of the 2026-11-26 results ran one window per invocation and took 71 "
            "states and 27 SyncRange invocations for that run.",
            "",
            "One full window at the defaults:",
            "",
            *window_table(cpu),
            "",
            "At the defaults (max_concurrency 100, 1,769 MB arm64, chunk_size 5,000, keep_website_redirects "
            '"auto" on a source without a website configuration):',
            "",
            *scale_table(cpu),
            "",
            "The issue's targets:",
            "",
            *verdicts(cpu),
            "",
            *sample_lines(sample, sample_source, cpu),
            *beyond_one_listing(cpu),
        ]
    )


def beyond_one_listing(cpu: Cpu) -> list[str]:
    billion = 1_000_000_000
    noop = scale(billion, "noop", cpu)
    initial = scale(billion, "initial", cpu)
    wide = Setup(max_concurrency=1000)
    noop_wide = scale(billion, "noop", cpu, wide)
    initial_wide = scale(billion, "initial", cpu, wide)
    lists = 2 * billion / S3_PAGE_KEYS * TIER1
    inventory = 2 * billion * INVENTORY
    keys_per_round = KEYS_PER_ROUND
    return [
        "## Beyond one listing",
        "",
        f"A run lists both buckets in full, so its floor grows with the bucket: 2 LISTs per 1,000 keys, "
        f"${lists:,.2f} and {noop['lists']:,} requests for a 1B-object no-op. How to run it at 1B and "
        "beyond, with the model's figures:",
        "",
        f"- **Rounds, not one listing.** A round covers at most {RANGES_PER_CHILD} x max_concurrency x "
        "max_steps_per_range x "
        f"chunk_size = {keys_per_round:,} keys; a 1B-object run at the defaults is {noop['rounds']} rounds, "
        f"each a fresh set of child executions, so no execution's history grows with the bucket. "
        f"No-op: {duration(noop['wall'])}, ${noop['total']:,.2f}; initial copy: {duration(initial['wall'])} "
        f"engine-bound, ${initial['total']:,.2f} (of which ${initial['copies'] * TIER1:,.0f} are the COPYs).",
        f"- **Wider rounds.** max_concurrency 1000 (the account's whole default Lambda concurrency: raise "
        f"the quota first) cuts the no-op to {duration(noop_wide['wall'])} (${noop_wide['total']:,.2f}) "
        f"and the engine-bound initial copy to {duration(initial_wide['wall'])}, at about the same cost: "
        "the bill follows requests and Lambda seconds, not parallelism. Its listing, about "
        f"{noop_wide['list_rate']:,.0f} LISTs per second per bucket, still fits one partition's "
        f"{S3_READ_RATE:,}.",
        f"- **S3's request-rate partitions bind first.** {S3_WRITE_RATE:,} COPY/PUT/DELETE and "
        f"{S3_READ_RATE:,} GET/HEAD/LIST per second per partitioned prefix. At the defaults the engine "
        "copies about "
        f"{initial['copy_rate']:,.0f} objects per second, {initial['partitions_needed']} partitions' worth; "
        f"one partition alone takes {duration(initial['wall_one_partition'])} for 1B copies. Keys that start "
        "with many distinct prefixes (a hash or date prefix) let S3 split the destination; a first copy "
        "into a fresh bucket can be started at a lower max_concurrency (16 ranges copy about "
        f"{16 * initial['window']['copies'] / initial['window']['seconds']:,.0f} objects per second, one "
        "partition's worth) and raised once S3 stops answering 503 SlowDown. Each run's ranges are "
        "contiguous key stretches, so once S3 has split a bucket the load spreads over its partitions. "
        f"Listing is no limit: about {noop['list_rate']:,.0f} LISTs per second per bucket at the defaults.",
        f"- **S3 Inventory as a listing source (on paper, not built).** A daily or weekly inventory "
        f"manifest of both buckets costs ${INVENTORY * 1_000_000:.4f} per 1M objects listed, "
        f"${inventory:,.2f} for 1B objects on both sides against ${lists:,.2f} of LISTs, and reading its "
        "CSV/Parquet files would replace the LIST latency that dominates a no-op window. But an inventory "
        "is up to a day or a week old: it cannot tell what changed since, so it could only plan ranges "
        "and find candidates, and the changed keys would still have to be listed or HEADed before a copy "
        "or a delete (a delete on a stale listing is unsafe). It halves the floor at best; it is not "
        "built.",
        "- **Per prefix.** Several schedules over disjoint prefixes (the run input's `prefix`) split a "
        "bucket into runs that each fit a window of time; the bill is the same.",
        "",
    ]


def append_to_docs(results: dict[str, Any], docs: Path = DOCS, source: Path | None = None) -> None:
    text = docs.read_text() if docs.exists() else "# Benchmarks\n"
    text = text.split(MARK, 1)[0].rstrip() + "\n\n" + render(results, source)
    docs.write_text(text)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import report

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", help="results file (default: the newest in bench/results)")
    parser.add_argument(
        "--docs", default=str(DOCS), help="markdown file to append to (default docs/BENCHMARKS.md)"
    )
    args = parser.parse_args()
    path = Path(args.results) if args.results else report.newest_results()
    results = json.loads(path.read_text())
    print(render(results, path.resolve()).split("\n", 1)[1])
    docs = Path(args.docs)
    append_to_docs(results, docs, path.resolve())
    print(f"\nappended to {report.shown(docs)}")


if __name__ == "__main__":
    main()
