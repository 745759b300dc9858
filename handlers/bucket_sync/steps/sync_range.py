"""SyncRange: one step of a range's loop (the Distributed Map child's Task), or, when the
child's Catch hands it an error, recording that error against the range."""

from __future__ import annotations

from typing import Any

from ..budget import short_reason
from ..clients import s3_client
from ..logs import log
from ..payloads import RangeState
from ..range_step import start_progress, sync_window
from ..runstore import RunStore, run_table
from ..settings import load_settings

STOP_MARGIN_SECONDS = 45.0


def handler(event: RangeState, context: Any) -> RangeState | dict:
    run, round_number, index = event["run"], event["round"], event["index"]
    settings = load_settings()
    store = RunStore(run_table(settings.run_table), run["execution"])
    if "error" in event:
        error = {name: short_reason(str(event["error"].get(name, ""))) for name in ("Error", "Cause")}
        store.record_error(round_number, index, error)
        log("range.failed", execution=run["execution"], round=round_number, index=index, error=error)
        return {}
    key_range = event.get("range") or store.read_range(round_number, index)
    progress = event.get("progress") or start_progress(key_range)
    # Stop starting copies while there is still time to finish the ones under way and report:
    # one object's requests may take ~30 s of botocore backoff before they give up.
    margin = min(STOP_MARGIN_SECONDS, context.get_remaining_time_in_millis() / 1000 / 3)
    progress, requests = sync_window(
        s3_client(run["sourceRegion"]),
        s3_client(run["destinationRegion"]),
        run,
        key_range,
        progress,
        settings,
        seconds_left=lambda: context.get_remaining_time_in_millis() / 1000 - margin,
    )
    store.save_progress(round_number, index, key_range, progress)
    log(
        "range.step",
        execution=run["execution"],
        source=run["source"],
        destination=run["destination"],
        round=round_number,
        index=index,
        range=key_range,
        cursor=progress["cursor"],
        done=progress["done"],
        steps=progress["steps"],
        counts=progress["counts"],
        **requests,
    )
    return RangeState(run=run, round=round_number, index=index, range=key_range, progress=progress)
