"""Summarize: fold a round's results into the run; plan another round or report."""

from __future__ import annotations

from typing import Any

from ..logs import log
from ..payloads import RunState
from ..settings import load_settings
from ..tally import tally_round


def handler(event: RunState, context: Any) -> RunState:
    state = tally_round(event, load_settings())
    log(
        "round.tallied",
        execution=state["run"]["execution"],
        round=state["round"],
        more=state["more"],
        counts=state["totals"],
    )
    return state
