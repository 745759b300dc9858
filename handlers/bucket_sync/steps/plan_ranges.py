"""PlanRanges: cut what is left of the key space into the ranges of the next round."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..clients import s3_client, stepfunctions_client
from ..expectations import rules_for
from ..leftovers import abort_leftover_uploads
from ..logs import log
from ..payloads import KeyRange, PausedUpload, RunState
from ..planner import SPLIT_CONNECTIONS, range_splitter, split_pending
from ..runstore import PausedUploads, RunStore, run_table
from ..settings import Settings, load_settings
from ..tally import planned_again
from ..transient import named_transient

RANGES_PER_CHILD = 4
MIN_WINDOWS = 2
# Share of an invocation's time PlanRanges may spend splitting. Under half, so that it returns
# within half of its timeout while the round's write takes under a tenth (4,000 ranges are 160
# BatchWriteItem requests, seconds where the timeout is minutes); a write slowed by throttling
# still has 60 % of the time.
SPLITTING_SHARE = 0.4


def pending_ranges(state: RunState, store: RunStore) -> tuple[list[KeyRange], list[PausedUpload]]:
    """The key ranges still to sync: the whole space from startAfter, or what the round named
    by `resumeRound` left unfinished (each from its cursor); and the multipart copies those
    ranges had paused, which the new ranges resume."""
    pending, uploads, _ = carried_over(state, store)
    return pending, uploads


def carried_over(state: RunState, store: RunStore) -> tuple[list[KeyRange], list[PausedUpload], list[str]]:
    """pending_ranges, and the keys those ranges had copied above their cursors (copiedAhead),
    which the new ranges count as copied when they list them unchanged."""
    resume = state["resumeRound"]
    if resume is None:
        return [KeyRange(after=state["run"]["startAfter"], upTo=None)], [], []
    pending: list[KeyRange] = []
    uploads: list[PausedUpload] = []
    ahead: list[str] = []
    for record in store.read_round(resume):
        if record.progress is not None and record.progress["done"]:
            continue  # done, even if a retry after its last window then stopped on an error
        if record.error is not None and not planned_again(record):
            continue
        after = record.progress["cursor"] if record.progress is not None else record.range["after"]
        attempts = record.range.get("attempts", 0) + (1 if record.error is not None else 0)
        key_range = KeyRange(after=after, upTo=record.range["upTo"])
        if attempts:
            key_range["attempts"] = attempts
        pending.append(key_range)
        if record.progress is not None:
            uploads.extend(record.progress.get("uploads", []))
            ahead.extend(record.progress.get("copiedAhead", []))
    return pending, uploads, ahead


def inherit_attempts(pending: list[KeyRange], ranges: list[KeyRange]) -> list[KeyRange]:
    """The round's ranges, each carrying the rounds its pending range already failed in (pending
    ranges are disjoint, and each new range lies inside one of them)."""
    failed = [p for p in pending if p.get("attempts")]
    if not failed:
        return ranges

    def inside(part: KeyRange, whole: KeyRange) -> bool:
        ends_inside = whole["upTo"] is None or (part["upTo"] is not None and part["upTo"] <= whole["upTo"])
        return whole["after"] <= part["after"] and ends_inside

    marked: list[KeyRange] = []
    for part in ranges:
        holder = next((whole for whole in failed if inside(part, whole)), None)
        marked.append(part if holder is None else KeyRange(**{**part, "attempts": holder["attempts"]}))
    return marked


def _holder(ranges: list[KeyRange], key: str) -> int:
    """The index of the range (after, upTo] that holds `key`."""
    return next(
        i for i, r in enumerate(ranges) if r["after"] < key and (r["upTo"] is None or key <= r["upTo"])
    )


def plan_ranges(
    state: RunState,
    s3: Any,
    store: RunStore,
    settings: Settings,
    seconds_left: Callable[[], float] = lambda: math.inf,
) -> RunState:
    """Split the pending ranges so the round has about `max_ranges` ranges in all, store them,
    and put only their numbers into the state (the Map's items).

    Splitting stops when `seconds_left()` reaches zero: the ranges not split by then are stored
    whole (planner.split_pending), so the round is written and returned in time.

    Idempotent: a retried PlanRanges whose first attempt stored the round whole (its header)
    hands out that round again rather than cutting a different one.
    """
    round_number = state["round"] + 1
    stored = store.planned_count(round_number)
    if stored is not None:
        return RunState(**{**state, "ranges": list(range(stored)), "round": round_number})  # type: ignore[typeddict-item]
    pending, uploads, ahead = carried_over(state, store)
    # More ranges than children (RANGES_PER_CHILD per slot of max_concurrency): the Distributed
    # Map starts the next range when a child ends, so a range cut too large delays the round by
    # a fraction of itself, not by all of it. Each range has at least MIN_WINDOWS windows of work,
    # so small buckets are not cut into children that cost more to start than they do, except
    # that every slot gets a range while each range keeps a page of keys: a child costs about
    # $0.0001 of transitions, while one range copying 20,000 objects alone is 10x slower.
    parts_each = max(1, settings.max_ranges * RANGES_PER_CHILD // max(1, len(pending)))
    slots_each = max(1, settings.max_ranges // max(1, len(pending)))
    min_keys = MIN_WINDOWS * settings.chunk_size
    split = range_splitter(
        s3, state["run"]["source"], state["run"]["listPrefix"], parts_each, min_keys, slots_each
    )
    planned = split_pending(pending, split, seconds_left)
    ranges = planned.ranges
    if planned.unsplit:
        # Out of time: these ranges run whole this round and are split again in the next.
        log(
            "round.unsplit",
            execution=state["run"]["execution"],
            unsplit=planned.unsplit,
            pending=len(pending),
        )
    ranges = inherit_attempts(pending, ranges)
    carried: dict[int, list[PausedUpload]] = {}
    for upload in uploads:
        carried.setdefault(_holder(ranges, upload["key"]), []).append(upload)
    copied_ahead: dict[int, list[str]] = {}
    for key in ahead:
        copied_ahead.setdefault(_holder(ranges, key), []).append(key)
    store.write_round(round_number, ranges, carried, copied_ahead)
    return RunState(**{**state, "ranges": list(range(len(ranges))), "round": round_number})  # type: ignore[typeddict-item]


def splitting_time(context: Any) -> Callable[[], float]:
    """Seconds left for splitting: SPLITTING_SHARE of what the invocation had at its start; the
    rest is for writing the round and returning the state."""
    kept = context.get_remaining_time_in_millis() / 1000 * (1 - SPLITTING_SHARE)
    return lambda: context.get_remaining_time_in_millis() / 1000 - kept


@named_transient
def handler(event: RunState, context: Any) -> RunState:
    settings = load_settings()
    run = event["run"]
    store = RunStore(run_table(settings.run_table), run["execution"])
    if event["round"] == 0 and not run["dryRun"]:
        # The run's first step that may write: copies that stopped runs left half done go first.
        registry = PausedUploads(run_table(settings.run_table), run["destination"])
        destination_s3 = s3_client(run["destinationRegion"], rules=rules_for(run))
        abort_leftover_uploads(
            destination_s3, stepfunctions_client(), registry, run["destination"], run["execution"]
        )
    s3 = s3_client(run["sourceRegion"], threads=SPLIT_CONNECTIONS, rules=rules_for(run))
    state = plan_ranges(event, s3, store, settings, splitting_time(context))
    log(
        "round.planned",
        execution=state["run"]["execution"],
        round=state["round"],
        ranges=len(state["ranges"]),
    )
    return state
