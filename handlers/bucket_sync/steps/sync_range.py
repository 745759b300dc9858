"""SyncRange: one step of a range's loop (the Distributed Map child's only Task)."""

from __future__ import annotations

from typing import Any

from ..clients import s3_client
from ..logs import log
from ..payloads import RangeState
from ..range_step import start_progress, sync_window
from ..settings import load_settings

STOP_MARGIN_SECONDS = 45.0


def handler(event: RangeState, context: Any) -> RangeState:
    run, key_range = event["run"], event["range"]
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
        load_settings(),
        seconds_left=lambda: context.get_remaining_time_in_millis() / 1000 - margin,
    )
    log(
        "range.step",
        execution=run["execution"],
        source=run["source"],
        destination=run["destination"],
        range=key_range,
        cursor=progress["cursor"],
        done=progress["done"],
        steps=progress["steps"],
        counts=progress["counts"],
        **requests,
    )
    return RangeState(run=run, range=key_range, progress=progress)
