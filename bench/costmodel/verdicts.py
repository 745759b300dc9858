"""The issue's targets judged by the model, its sensitivities, and "Beyond one listing"."""

from __future__ import annotations

import math
from dataclasses import replace

from bucket_sync.listing import PAGE_SIZE
from bucket_sync.steps.plan_ranges import RANGES_PER_CHILD

from .assumptions import (
    ACCOUNT_LAMBDA_CONCURRENCY,
    ARCHITECTURE,
    BOTOCORE_TIMESTAMPS_PER_LISTED_KEY_MS,
    CHUNK_SIZE,
    INVENTORY,
    LAMBDA_GB_SECOND,
    LIST_SECONDS,
    MAX_CONCURRENCY,
    MAX_STEPS_PER_RANGE,
    MEMORY_MB,
    S3_READ_RATE,
    S3_WRITE_RATE,
    SCALES,
    SENSITIVITY_COPY_SECONDS,
    SENSITIVITY_LIST_SECONDS,
    TARGET_INITIAL_100M_SECONDS,
    TARGET_NOOP_100M_SECONDS,
    TARGET_NOOP_PER_MILLION,
    TIER1,
    Cpu,
    Setup,
)
from .scale import scale
from .tables import duration

ONE_PARTITION = Setup(destination_partitions=1)


def noop_verdicts(cpu: Cpu) -> list[str]:
    noop = scale(100_000_000, "noop", cpu)
    ok = noop["wall"] <= TARGET_NOOP_100M_SECONDS
    return [
        f"- **No-op re-sync of 100M objects within 20 minutes: {'met' if ok else 'NOT met'}** in the model: "
        f"{duration(noop['wall'])} ({noop['rounds']} round(s) of {noop['children'] // noop['rounds']} "
        "ranges, "
        f"{MAX_CONCURRENCY} at a time, each range {noop['window']['seconds']:.2f} s per window, after "
        f"{duration(noop['planner_seconds'])} of PlanRanges sampling {noop['planner_lists']} pages). What "
        "binds "
        f"is the engine: each range lists its two sides at once, each side {noop['window']['lists'] // 2} "
        "pages "
        f"of {LIST_SECONDS * 1000:.0f} ms one after another (the next one requested while the last is "
        "parsed), "
        f"and parses {2 * CHUNK_SIZE:,} keys at {cpu.per_listed_key_ms:.3f} ms each. S3 is far from its "
        f"limit: about {noop['list_rate']:,.0f} LISTs per second per bucket against {S3_READ_RATE:,} per "
        f"partition; Lambda uses {MAX_CONCURRENCY} of the account's default "
        f"{ACCOUNT_LAMBDA_CONCURRENCY:,} concurrent executions."
    ]


def initial_verdicts(cpu: Cpu) -> list[str]:
    initial = scale(100_000_000, "initial", cpu)
    throttled = scale(100_000_000, "initial", cpu, ONE_PARTITION)
    engine_ok = initial["wall"] <= TARGET_INITIAL_100M_SECONDS
    s3_ok = throttled["wall"] <= TARGET_INITIAL_100M_SECONDS
    needed_rate = 100_000_000 / TARGET_INITIAL_100M_SECONDS
    verdict = (
        "met"
        if engine_ok and s3_ok
        else "met by the engine, NOT on one S3 partition"
        if engine_ok
        else "NOT met"
    )
    copies = ", ".join(
        f"{duration(scale(100_000_000, 'initial', cpu, Setup(copy_seconds=x))['wall'])} at {x * 1000:.0f} ms"
        for x in SENSITIVITY_COPY_SECONDS
    )
    return [
        f"- **Initial copy of 100M small objects within 6 hours: {verdict}.** The engine copies about "
        f"{initial['copy_rate']:,.0f} objects per second at max_concurrency {MAX_CONCURRENCY} "
        f"({initial['window']['copy_bound']}), {duration(initial['wall'])} for 100M. 6 hours need "
        f"{needed_rate:,.0f} copies per second, more than the {S3_WRITE_RATE:,} PUT/COPY per second of one "
        f"partitioned prefix. Into a fresh destination that S3 has not yet split, the handlers' limiters "
        f"hold the copies near that rate (SlowDown answers lower it, successes raise it) and the run "
        f"completes in about {duration(throttled['wall'])} for ${throttled['total']:,.2f} (the Lambdas wait "
        "for "
        f"tokens: {throttled['invocations']:,} invocations against {initial['invocations']:,}). S3 splits a "
        f"prefix under sustained load on its own schedule; the target holds once the destination's keys "
        f"span at least {math.ceil(needed_rate / S3_WRITE_RATE)} partitions (the engine alone would use "
        f"{initial['partitions_needed']}).",
        f"  Sensitivity of the engine-bound 100M initial copy to the COPY latency: {copies}.",
    ]


def bill_verdicts(cpu: Cpu) -> list[str]:
    per_million = {o: scale(o, "noop", cpu)["total"] * 1_000_000 / o for o in SCALES}
    floor = 2 * 1000 * TIER1
    m = scale(100_000_000, "noop", cpu)
    ok = per_million[100_000_000] <= TARGET_NOOP_PER_MILLION
    lists = ", ".join(
        f"${scale(100_000_000, 'noop', cpu, Setup(list_seconds=x))['total'] / 100:.4f} at {x * 1000:.0f} ms"
        for x in SENSITIVITY_LIST_SECONDS
    )
    dateutil = Cpu(BOTOCORE_TIMESTAMPS_PER_LISTED_KEY_MS, cpu.per_copied_ms, cpu.source, cpu.planner_page_ms)
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
        ("neither read-ahead nor the timestamp parser", dateutil, Setup(read_ahead=False)),
        (
            "the two sides listed one after the other as well",
            dateutil,
            Setup(read_ahead=False, parallel_sides=False),
        ),
        ("environments kept warm between runs (no cold starts)", cpu, Setup(cold_starts=False)),
    ]
    options = "; ".join(
        f"{label}: ${scale(100_000_000, 'noop', c, setup)['total'] / 100:.4f}" for label, c, setup in what_if
    )
    zero_wait = TARGET_NOOP_PER_MILLION - floor
    gb = MEMORY_MB / 1024
    max_cpu_ms = zero_wait / LAMBDA_GB_SECOND[ARCHITECTURE] / gb / 2_000_000 * 1000
    cpu_cost = 2_000_000 * cpu.per_listed_key_ms / 1000 * gb * LAMBDA_GB_SECOND[ARCHITECTURE]
    small = scale(1_000_000, "noop", cpu, Setup(max_concurrency=10))
    one = scale(1_000_000, "noop", cpu)
    return [
        f"- **No-op bill ≤ ${TARGET_NOOP_PER_MILLION:.3f} per 1M objects: {'met' if ok else 'NOT met'}** at "
        "100M: "
        + ", ".join(f"${v:.4f} at {o:,}" for o, v in per_million.items())
        + f". The floor is the LISTs, ${floor:.3f} per 1M; at 100M the rest is Lambda "
        f"${m['lambda'] / 100:.4f}, Step Functions ${m['sfn'] / 100:.5f} and DynamoDB ${m['ddb'] / 100:.5f} "
        "per 1M. "
        f"Lambda bills {m['window']['seconds']:.2f} s per window of {CHUNK_SIZE:,} objects at {MEMORY_MB:,} "
        "MB: "
        f"{m['window']['list_wait']:.2f} s of LIST pages per side, under which "
        f"{m['window']['cpu_seconds']:.2f} s "
        "of CPU parses and compares the keys.",
        f"  Sensitivity of the 100M no-op bill per 1M to the LIST page latency: {lists}.",
        f"  The same no-op per 1M at 100M, one change at a time: {options}. The ${zero_wait:.3f} above the "
        f"LIST floor would buy {max_cpu_ms:.3f} ms of CPU per listed key with no wait at all; the measured "
        f"{cpu.per_listed_key_ms:.3f} ms cost ${cpu_cost:.4f} per 1M.",
        f"  At 1M objects PlanRanges' {one['planner_lists']} pages (${one['planner_lists'] * TIER1:.4f}) "
        "and the "
        f"{MAX_CONCURRENCY} child executions weigh: max_concurrency 10 samples "
        f"{small['planner_lists']} pages and brings a 1M no-op to ${small['total']:.4f} in "
        f"{duration(small['wall'])}.",
    ]


def verdicts(cpu: Cpu) -> list[str]:
    return [*noop_verdicts(cpu), *initial_verdicts(cpu), *bill_verdicts(cpu)]


def beyond_one_listing(cpu: Cpu) -> list[str]:
    billion = 1_000_000_000
    noop = scale(billion, "noop", cpu)
    initial = scale(billion, "initial", cpu)
    throttled = scale(billion, "initial", cpu, ONE_PARTITION)
    wide = Setup(max_concurrency=1000)
    noop_wide = scale(billion, "noop", cpu, wide)
    initial_wide = scale(billion, "initial", cpu, wide)
    lists = 2 * billion / PAGE_SIZE * TIER1
    inventory = 2 * billion * INVENTORY
    keys_per_round = RANGES_PER_CHILD * MAX_CONCURRENCY * MAX_STEPS_PER_RANGE * CHUNK_SIZE
    sixteen = scale(billion, "initial", cpu, replace(Setup(), max_concurrency=16))
    return [
        "## Beyond one listing",
        "",
        f"A run lists both buckets in full, so its floor grows with the bucket: 2 LISTs per 1,000 keys, "
        f"${lists:,.2f} and {noop['lists']:,} requests for a 1B-object no-op. How to run it at 1B and "
        "beyond, with the model's figures:",
        "",
        f"- **Rounds, not one listing.** A round covers at most {RANGES_PER_CHILD} x max_concurrency x "
        f"max_steps_per_range x chunk_size = {keys_per_round:,} keys; a 1B-object run at the defaults is "
        f"{noop['rounds']} rounds, each a fresh set of child executions, so no execution's history grows "
        "with "
        f"the bucket. No-op: {duration(noop['wall'])}, ${noop['total']:,.2f}; initial copy: "
        f"{duration(initial['wall'])} engine-bound, ${initial['total']:,.2f} (of which "
        f"${initial['copies'] * TIER1:,.0f} are the COPYs).",
        f"- **Wider rounds.** max_concurrency 1000 (the account's whole default Lambda concurrency: raise "
        f"the quota first) cuts the no-op to {duration(noop_wide['wall'])} (${noop_wide['total']:,.2f}; "
        f"PlanRanges samples {noop_wide['planner_lists']} pages in {duration(noop_wide['planner_seconds'])}) "
        f"and the engine-bound initial copy to {duration(initial_wide['wall'])}: the bill follows requests "
        f"and Lambda seconds, not parallelism. Its listing, about {noop_wide['list_rate']:,.0f} LISTs per "
        f"second per bucket, still fits one partition's {S3_READ_RATE:,}.",
        f"- **S3's request-rate partitions bind first.** {S3_WRITE_RATE:,} COPY/PUT/DELETE and "
        f"{S3_READ_RATE:,} GET/HEAD/LIST per second per partitioned prefix. At the defaults the engine "
        f"copies about {initial['copy_rate']:,.0f} objects per second, {initial['partitions_needed']} "
        "partitions' "
        f"worth; held to one partition by the limiters, 1B copies take {duration(throttled['wall'])} "
        f"(${throttled['total']:,.2f}). Keys that start with many distinct prefixes (a hash or date prefix) "
        "let S3 split the destination. A first copy into a fresh bucket at a lower max_concurrency waits "
        f"less on tokens: 16 ranges copy about {sixteen['copy_rate']:,.0f} objects per second "
        f"({duration(sixteen['wall'])} for 1B, ${sixteen['total']:,.2f}). Each run's ranges are contiguous "
        "key "
        "stretches, so once S3 has split a bucket the load spreads over its partitions. Listing is no "
        f"limit: about {noop['list_rate']:,.0f} LISTs per second per bucket at the defaults.",
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
