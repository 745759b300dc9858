"""Summarize: fold a round's ranges into the run; plan another round or report."""

from __future__ import annotations

from typing import Any

from ..clients import s3_client
from ..logs import log
from ..payloads import RunState
from ..report import write_summary
from ..runstore import RunStore, run_table
from ..settings import load_settings
from ..tally import tally_round


def handler(event: RunState, context: Any) -> RunState:
    store = RunStore(run_table(load_settings().run_table), event["run"]["execution"])
    state = tally_round(event, store.read_round(event["round"]))
    target = state["run"]["report"]
    if "report" in state and target is not None:
        write_summary(s3_client(None), target, dict(state["report"]))
    log(
        "round.tallied",
        execution=state["run"]["execution"],
        round=state["round"],
        more=state["more"],
        counts=state["totals"],
    )
    return state
