"""RecordRangeError: the Distributed Map child's Catch hands it the error that stopped a range,
which it stores on the range's item (TallyRound reads it back and names the range as failed)."""

from __future__ import annotations

from typing import Any

from ..budget import short_reason
from ..logs import log
from ..payloads import RangeState
from ..runstore import RunStore, run_table
from ..settings import load_settings
from ..transient import named_transient


def record_range_error(store: RunStore, event: RangeState) -> bool:
    """Store the event's error (Error and Cause, shortened) on its range; False when the range
    item does not exist (nothing is written then)."""
    error = {name: short_reason(str(event["error"].get(name, ""))) for name in ("Error", "Cause")}  # type: ignore[typeddict-item]
    recorded = store.record_error(event["round"], event["index"], error)
    log(
        "range.failed",
        execution=event["run"]["execution"],
        round=event["round"],
        index=event["index"],
        error=error,
        recorded=recorded,
    )
    return recorded


@named_transient
def handler(event: RangeState, context: Any) -> dict:
    """`event` is the child's state with the Catch's `error`; the result is empty, like a range
    that finished (the round's outcome is in the run table)."""
    store = RunStore(run_table(load_settings().run_table), event["run"]["execution"])
    record_range_error(store, event)
    return {}
