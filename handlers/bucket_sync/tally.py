"""Adding up a round's range results, and deciding what the run does next."""

from __future__ import annotations

import json

from .errors import DeleteGuardTripped
from .payloads import Counts, Failure, KeyRange, RangeState, Report, RunState, add_counts, zero_counts
from .settings import Settings


def _describe(key_range: KeyRange) -> str:
    end = "the end" if key_range["upTo"] is None else repr(key_range["upTo"])
    return f"keys after {key_range['after']!r} up to {end}"


def _range_failure(key_range: KeyRange, result: RangeState | None) -> Failure:
    """A range whose child stopped on an error: named as a whole, since its keys are unknown."""
    if result is None:
        return Failure(key=None, reason=f"{_describe(key_range)}: the child execution ended without a result")
    error = result.get("error", {})
    cause = error.get("Cause", "")
    try:
        cause = json.loads(cause).get("errorMessage", cause)
    except (ValueError, AttributeError):
        pass
    return Failure(key=None, reason=f"{_describe(key_range)}: {error.get('Error', 'error')}: {cause}")


def tally_round(state: RunState, settings: Settings) -> RunState:
    """Fold the round's results into the totals; queue unfinished ranges for the next round.

    A range that failed as a whole counts as one failure and is not retried, so a run always
    ends. When a guarded run has finished counting, this is where the guard is checked: before
    the first delete of the real pass.
    """
    run = state["run"]
    totals: Counts = state["totals"]
    failures = list(state["failures"])
    pending: list[KeyRange] = []
    for key_range, result in zip(state.get("ranges", []), state.get("results", []), strict=True):
        if result is None or "error" in result:
            totals = add_counts(totals, Counts(**{**zero_counts(), "failed": 1}))
            failures.append(_range_failure(key_range, result))
            if result is None or "progress" not in result:
                continue
        progress = result["progress"]
        totals = add_counts(totals, progress["counts"])
        failures.extend(progress["failures"])
        if not progress["done"] and "error" not in result:
            pending.append(KeyRange(after=progress["cursor"], upTo=key_range["upTo"]))
    failures = failures[: settings.max_failures_listed]
    base = {key: value for key, value in state.items() if key not in ("ranges", "results")}
    next_state = RunState(
        **{**base, "totals": totals, "failures": failures, "pending": pending, "more": bool(pending)}
    )  # type: ignore[typeddict-item]
    if pending:
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
        pending=[KeyRange(after=run["startAfter"], upTo=None)],
        more=True,
    )


def _finished(state: RunState) -> RunState:
    run, totals = state["run"], state["totals"]
    report = Report(
        source=run["source"],
        destination=run["destination"],
        prefix=run["prefix"],
        dryRun=run["dryRun"],
        copied=totals["copied"],
        copiedBytes=totals["copiedBytes"],
        deleted=totals["deleted"],
        unchanged=totals["unchanged"],
        failed=totals["failed"],
        failures=state["failures"],
    )
    return RunState(
        **{**state, "report": report, "reportText": json.dumps(report), "failedAny": totals["failed"] > 0}  # type: ignore[typeddict-item]
    )
