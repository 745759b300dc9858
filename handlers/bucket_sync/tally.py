"""Adding up a round's ranges, and deciding what the run does next."""

from __future__ import annotations

import json

from .budget import CAUSE_LIMIT_CHARS, sample_failures, short_reason
from .errors import DeleteGuardTripped
from .payloads import Counts, Failure, KeyRange, Report, RunState, add_counts, zero_counts
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


def tally_round(state: RunState, records: list[RangeRecord]) -> RunState:
    """Fold the round's ranges (as the run table holds them) into the totals.

    A range that failed as a whole counts as one failure and is not retried, so a run always
    ends; one whose child ran out of steps (or whose error could not be recorded) is taken up
    again by the next round from its cursor. When a guarded run has finished counting, this is
    where the guard is checked: before the first delete of the real pass.
    """
    run = state["run"]
    totals: Counts = state["totals"]
    failures = state["failures"]
    unfinished = 0
    for record in sorted(records, key=lambda r: r.index):
        progress = record.progress
        if progress is not None:
            totals = add_counts(totals, progress["counts"])
            failures = sample_failures(failures, progress["failures"])
        if record.error is not None:
            totals = add_counts(totals, Counts(**{**zero_counts(), "failed": 1}))
            failures = sample_failures(failures, [_range_failure(record)])
        elif progress is None or not progress["done"]:
            unfinished += 1
    base = {key: value for key, value in state.items() if key != "ranges"}
    next_state = RunState(
        **{
            **base,
            "totals": totals,
            "failures": failures,
            "resumeRound": state["round"] if unfinished else None,
            "more": unfinished > 0,
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
    orphans, limit = state["totals"]["deleted"], run["maxDeletes"]
    if limit is not None and orphans > limit:
        raise DeleteGuardTripped(
            f"{orphans} destination objects would be deleted, more than maxDeletes={limit}; "
            "nothing was written. Raise maxDeletes or pass deleteOrphans: false"
        )
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
    )


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
