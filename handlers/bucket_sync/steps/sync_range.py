"""SyncRange: one step of a range's loop (the Distributed Map child's only Task)."""

from __future__ import annotations

from typing import Any

from ..clients import s3_client
from ..logs import log
from ..payloads import RangeState
from ..range_step import start_progress, sync_window
from ..settings import load_settings


def handler(event: RangeState, context: Any) -> RangeState:
    run, key_range = event["run"], event["range"]
    progress = event.get("progress") or start_progress(key_range)
    progress, requests = sync_window(
        s3_client(run["sourceRegion"]),
        s3_client(run["destinationRegion"]),
        run,
        key_range,
        progress,
        load_settings(),
        seconds_left=lambda: context.get_remaining_time_in_millis() / 1000,
    )
    log(
        "range.step",
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
