"""Summarize: fold a round's ranges into the run; plan another round or report."""

from __future__ import annotations

from typing import Any

from ..clients import s3_client
from ..logs import log
from ..payloads import RunState
from ..reconcile import publish_missed
from ..report import mark_report_incomplete, write_summary
from ..runstore import RunStore, run_table
from ..settings import load_settings
from ..tally import tally_round
from ..transient import named_transient


@named_transient
def handler(event: RunState, context: Any) -> RunState:
    store = RunStore(run_table(load_settings().run_table), event["run"]["execution"])
    # Exactly the ranges this round planned (the Map's items), never more.
    state = tally_round(event, store.read_round(event["round"], len(event.get("ranges", []))))
    target = state["run"]["report"]
    if "report" in state and target is not None:
        # The summary is the report's last word, but not the run's: a write that still fails
        # after its retries is logged, and the run's output says the report is incomplete.
        if not write_summary(s3_client(None), target, dict(state["report"])):
            state = mark_report_incomplete(state)
    publish_missed(state)
    log(
        "round.tallied",
        execution=state["run"]["execution"],
        round=state["round"],
        more=state["more"],
        counts=state["totals"],
    )
    return state
