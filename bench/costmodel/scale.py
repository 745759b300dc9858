"""A whole run at a given number of objects, round by round: invocations, state transitions,
requests, Lambda GB-s, DynamoDB units, wall time and the bill (no-op: both sides equal; initial:
an empty destination)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import statemachine
from .assumptions import (
    DDB_READ,
    DDB_SECONDS,
    DDB_WRITE,
    DEFAULTS,
    INIT_SECONDS,
    LAMBDA_GB_SECOND,
    LAMBDA_REQUEST,
    MAP_START_SECONDS,
    S3_WRITE_RATE,
    SFN,
    STEP_SECONDS,
    THROTTLED_SHARE,
    TIER1,
    TIER2,
    VALIDATE_REQUESTS,
    Cpu,
    Setup,
)
from .planner import PlannerPages, first_round_pages, planned_ranges, planner_seconds
from .window import window, windows_per_invocation

OTHER_FUNCTIONS = 3  # ValidateInput, PlanRanges, TallyRound: one environment each


@cache
def transitions() -> statemachine.Transitions:
    return statemachine.transitions()


@dataclass
class _Round:
    """One round's ranges (taken as even) and what each of them does."""

    ranges: int
    windows: int  # per range
    invocations: int  # per range
    seconds: float  # per range: its windows and one GetItem per invocation
    lists: int  # per range
    keys: int  # per range


def _round(left: int, ranges: int, scenario: str, cpu: Cpu, s: Setup, rate_cap: float) -> _Round:
    keys = min(math.ceil(left / ranges), s.max_steps_per_range * s.chunk_size)
    full, rest = divmod(keys, s.chunk_size)
    parts = [window(scenario, cpu, s, s.chunk_size, rate_cap)] * full
    if rest:
        parts.append(window(scenario, cpu, s, rest, rate_cap))
    each = windows_per_invocation(max(p["seconds"] for p in parts), s)
    invocations = math.ceil(len(parts) / each)
    seconds = sum(p["seconds"] for p in parts) + invocations * DDB_SECONDS
    return _Round(ranges, len(parts), invocations, seconds, sum(p["lists"] for p in parts), keys)


def scale(objects: int, scenario: str, cpu: Cpu, s: Setup = DEFAULTS) -> dict[str, Any]:
    """A run over `objects` keys with the planner's cuts taken as even."""
    first_ranges = planned_ranges(objects, s)
    busy = min(first_ranges, s.max_concurrency)
    rate_cap = math.inf
    if s.destination_partitions is not None and scenario == "initial":
        # The handlers' limiters hold the destination near its rate (backpressure.py): the busy
        # ranges share it, and each waits for its tokens inside its copy phase.
        rate_cap = s.destination_partitions * S3_WRITE_RATE * THROTTLED_SHARE / busy
    w = window(scenario, cpu, s, rate_cap=rate_cap)
    left, rounds, children, invocations, windows, window_lists = objects, 0, 0, 0, 0, 0
    sync_seconds, planner_total, planner_pages, wall, wru, rru = 0.0, 0.0, 0, 0.0, 0, 0
    while left > 0:
        rounds += 1
        ranges = first_ranges
        pages = first_round_pages(left, s) if rounds == 1 else PlannerPages(0, 0, 0)
        planning = planner_seconds(pages, ranges, cpu, s) if rounds == 1 else STEP_SECONDS
        r = _round(left, ranges, scenario, cpu, s, rate_cap)
        children += ranges
        invocations += ranges * r.invocations
        windows += ranges * r.windows
        window_lists += ranges * r.lists
        sync_seconds += ranges * r.seconds
        planner_total += planning
        planner_pages += pages.total
        # PlanRanges writes an item per range; SyncRange a PutItem per window and a consistent
        # GetItem per invocation; TallyRound reads the round's 1 KB items, 4 to a read unit.
        wru += ranges + ranges * r.windows
        rru += ranges * r.invocations + math.ceil(ranges / 4)
        # The Map runs max_concurrency children at once and starts the next range when one ends.
        wall += (
            planning + MAP_START_SECONDS + math.ceil(ranges / s.max_concurrency) * r.seconds + STEP_SECONDS
        )
        left -= min(left, ranges * r.keys)
    cold = busy + OTHER_FUNCTIONS if s.cold_starts else 0
    # Validate, the first PlanRanges and TallyRound, and the first wave of SyncRange start cold.
    wall += VALIDATE_REQUESTS * s.list_seconds + (4 * INIT_SECONDS if s.cold_starts else 0.0)
    other_seconds = VALIDATE_REQUESTS * s.list_seconds + planner_total + rounds * STEP_SECONDS
    lambda_seconds = sync_seconds + other_seconds + cold * INIT_SECONDS
    gb_seconds = lambda_seconds * s.memory_mb / 1024
    other_invocations = 1 + 2 * rounds  # ValidateInput; PlanRanges and TallyRound per round
    t = transitions()
    lists = window_lists + planner_pages + 1
    copies = objects if scenario == "initial" else 0
    heads = copies if s.read_redirects else 0
    s3 = (lists + copies + VALIDATE_REQUESTS - 1) * TIER1 + heads * TIER2
    lam = (invocations + other_invocations) * LAMBDA_REQUEST + gb_seconds * LAMBDA_GB_SECOND[s.architecture]
    sfn = t.billed(rounds, children, invocations) * SFN
    ddb = wru * DDB_WRITE + rru * DDB_READ
    copy_rate = busy * w["copies"] / w["seconds"]
    list_rate = busy * w["lists"] / w["seconds"] / 2  # per bucket: half the pages are each side's
    return {
        "objects": objects,
        "scenario": scenario,
        "window": w,
        "windows": windows,
        "windows_per_invocation": windows_per_invocation(w["seconds"], s),
        "rounds": rounds,
        "children": children,
        "sync_invocations": invocations,
        "invocations": invocations + other_invocations,
        "transitions": t.billed(rounds, children, invocations),
        "states_entered": t.entered(rounds, children, invocations),  # what the emulator records
        "lists": lists,
        "planner_lists": planner_pages,
        "planner_seconds": planner_total,
        "copies": copies,
        "heads": heads,
        "cold_starts": cold,
        "wru": wru,
        "rru": rru,
        "gb_seconds": gb_seconds,
        "sync_seconds": sync_seconds,
        "wall": wall,
        "copy_rate": copy_rate,
        "list_rate": list_rate,
        "partitions_needed": max(1, math.ceil(copy_rate / S3_WRITE_RATE)) if copies else 1,
        "s3": s3,
        "sfn": sfn,
        "lambda": lam,
        "ddb": ddb,
        "total": s3 + sfn + lam + ddb,
    }
