"""Adding up a round's ranges, and deciding what the run does next."""

from __future__ import annotations

import json
import math
import time

from .budget import CAUSE_LIMIT_CHARS, sample_failures, short_reason
from .errors import DeleteGuardTripped
from .payloads import Counts, Failure, KeyRange, Report, RunConfig, RunState, add_counts, zero_counts
from .report import location
from .runstore import RangeRecord


def _describe(key_range: KeyRange) -> str:
    end = "the end" if key_range["upTo"] is None else repr(key_range["upTo"])
    return f"keys after {key_range['after']!r} up to {end}"


def _range_failure(record: RangeRecord) -> Failure:
    """A range whose child stopped on an error: named as a whole, since its keys are unknown."""
    error = record.error or {}
    cause = error.get("Cause", "")
    try:
        cause = json.loads(cause).get("errorMessage", cause)
    except (ValueError, AttributeError):
        pass
    return Failure(
        key=None, reason=short_reason(f"{error.get('Error', 'error')}: {cause}; {_describe(record.range)}")
    )


# Rounds a stretch of keys may stop on an error (a throttle or 5xx that outlived every retry of
# its window, a crash) before it is named as failed: each time, the next round plans it again
# from its cursor. Bounded, so a run always ends.
MAX_RANGE_ATTEMPTS = 3


def planned_again(record: RangeRecord) -> bool:
    """Whether a range that stopped on an error goes on in the next round (from its cursor)."""
    error = record.error or {}
    if error.get("Error") == DeleteGuardTripped.__name__:
        return False
    return record.range.get("attempts", 0) + 1 < MAX_RANGE_ATTEMPTS


def tally_round(state: RunState, records: list[RangeRecord]) -> RunState:
    """Fold the round's ranges (as the run table holds them) into the totals.

    A range that stopped on an error is taken up again by the next round from its cursor, up to
    MAX_RANGE_ATTEMPTS rounds; then it counts as one failure, so a run always ends. One whose
    child ran out of steps (or whose error could not be recorded) goes on in the next round too.
    A range that could not reserve its deletes ends the run DeleteGuardTripped. When a guarded
    run has finished counting, this is where the guard is checked: before the first delete of
    the real pass.
    """
    run = state["run"]
    totals: Counts = state["totals"]
    failures = state["failures"]
    unfinished = 0
    guard_stops = 0
    report_incomplete = bool(state.get("reportIncomplete"))
    for record in sorted(records, key=lambda r: r.index):
        progress = record.progress
        if progress is not None:
            totals = add_counts(totals, progress["counts"])
            failures = sample_failures(failures, progress["failures"])
            report_incomplete = report_incomplete or bool(progress.get("reportIncomplete"))
        finished = progress is not None and progress["done"]
        if record.error is not None and not finished:
            if (record.error or {}).get("Error") == DeleteGuardTripped.__name__:
                guard_stops += 1
            elif planned_again(record):
                unfinished += 1
            else:
                totals = add_counts(totals, Counts(**{**zero_counts(), "failed": 1}))
                failures = sample_failures(failures, [_range_failure(record)])
        elif not finished:
            unfinished += 1
    if guard_stops:
        limit = run.get("deleteLimit")
        raise DeleteGuardTripped(
            f"deleting stopped at the run's limit of {limit} deletes (maxDeletes/maxDeletePercent): "
            f"{totals['deleted']} destination objects were deleted and more orphans were found than "
            "the guard allows (the source changed since the orphans were counted?). Check the source, "
            "then run again, with a higher limit if the deletes are wanted (maxDeletes; bucket-sync run "
            "--max-deletes N)"
        )
    base = {key: value for key, value in state.items() if key != "ranges"}
    next_state = RunState(
        **{
            **base,
            "totals": totals,
            "failures": failures,
            "resumeRound": state["round"] if unfinished else None,
            "more": unfinished > 0,
            "reportIncomplete": report_incomplete,
        }
    )  # type: ignore[typeddict-item]
    if unfinished:
        return next_state
    if run["countingOnly"]:
        return _after_counting(next_state)
    return _finished(next_state)


def _after_counting(state: RunState) -> RunState:
    """Trip the delete guard, or start the real pass from the beginning."""
    run = state["run"]
    orphans, limit = state["totals"]["deleted"], delete_limit(run, state["totals"])
    if limit is not None and orphans > limit:
        raise DeleteGuardTripped(
            f"{orphans} destination objects would be deleted, more than "
            f"{_guard_words(run, state['totals'])}; "
            "nothing was written. Raise the limit (maxDeletes; bucket-sync run --max-deletes N) or "
            "keep the orphans with deleteOrphans: false (--no-delete)"
        )
    run = {**run, "deleteLimit": limit}  # type: ignore[typeddict-item]
    if run["dryRun"]:
        # The counting pass of a dry run already is the whole answer.
        return _finished(RunState(**{**state, "run": {**run, "countingOnly": False}}))  # type: ignore[typeddict-item]
    return RunState(
        run={**run, "countingOnly": False},
        round=state["round"],
        totals=zero_counts(),
        failures=[],
        resumeRound=None,
        more=True,
        # What the counting pass found, for whoever follows the run (the CLI's progress line).
        counted=state["totals"],
    )


def delete_limit(run: RunConfig, counted: Counts) -> int | None:
    """The most deletes the run allows, from maxDeletes and maxDeletePercent of the destination
    objects in scope that the counting pass saw; None when neither is set."""
    limits = []
    if run["maxDeletes"] is not None:
        limits.append(run["maxDeletes"])
    percent = run.get("maxDeletePercent")
    if percent is not None:
        limits.append(math.floor(counted["inDestination"] * percent / 100))
    return min(limits) if limits else None


def _guard_words(run: RunConfig, counted: Counts) -> str:
    parts = []
    if run["maxDeletes"] is not None:
        parts.append(f"maxDeletes={run['maxDeletes']} (--max-deletes)")
    if run.get("maxDeletePercent") is not None:
        parts.append(
            f"maxDeletePercent={run['maxDeletePercent']}% of {counted['inDestination']} destination "
            "objects (the module's max_delete_percent unless the input sets it)"
        )
    return " and ".join(parts)


def report_of(state: RunState, failures: list[Failure]) -> Report:
    """The execution contract's output for the run's totals, naming `failures`."""
    run, totals = state["run"], state["totals"]
    return Report(
        source=run["source"],
        destination=run["destination"],
        prefix=run["prefix"],
        dryRun=run["dryRun"],
        copied=totals["copied"],
        copiedBytes=totals["copiedBytes"],
        deleted=totals["deleted"],
        unchanged=totals["unchanged"],
        failed=totals["failed"],
        failures=failures,
        failuresNotListed=totals["failed"] - len(failures),
        reportLocation=location(run["report"]),
        slowDowns=totals.get("slowDowns", 0),
        copiesPerSecond=_per_second(totals["copied"], run.get("startedAt")),
        reportIncomplete=bool(state.get("reportIncomplete")),
    )


def _per_second(count: int, started: float | None) -> float:
    if not started:
        return 0.0
    return round(count / max(time.time() - started, 1e-3), 2)


def _finished(state: RunState) -> RunState:
    failures = state["failures"]
    report = report_of(state, failures)
    text = json.dumps(report)
    # The sample's byte cap keeps the report far inside a failure cause's 32,768 characters;
    # this only guards that promise, should the caps ever be changed carelessly.
    while len(text) > CAUSE_LIMIT_CHARS and failures:
        failures = failures[: len(failures) // 2]
        report = report_of(state, failures)
        text = json.dumps(report)
    return RunState(
        **{**state, "report": report, "reportText": text, "failedAny": state["totals"]["failed"] > 0}  # type: ignore[typeddict-item]
    )
