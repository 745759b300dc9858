"""PlanRanges: cut the pending key ranges into the children of the next round."""

from __future__ import annotations

from typing import Any

from ..clients import s3_client
from ..keyspace import split_range
from ..logs import log
from ..payloads import KeyRange, RunState
from ..settings import Settings, load_settings


def plan_ranges(state: RunState, s3: Any, settings: Settings) -> RunState:
    """Split each pending range so the round has about `max_ranges` ranges in all."""
    pending = state["pending"]
    parts_each = max(1, settings.max_ranges // max(1, len(pending)))
    ranges: list[KeyRange] = []
    for key_range in pending:
        ranges.extend(split_range(s3, state["run"]["source"], state["run"]["prefix"], key_range, parts_each))
    return RunState(**{**state, "pending": [], "ranges": ranges, "round": state["round"] + 1})  # type: ignore[typeddict-item]


def handler(event: RunState, context: Any) -> RunState:
    state = plan_ranges(event, s3_client(event["run"]["sourceRegion"]), load_settings())
    log(
        "round.planned",
        execution=state["run"]["execution"],
        round=state["round"],
        ranges=len(state["ranges"]),
    )
    return state
