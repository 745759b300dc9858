"""Consume: the continuous-sync consumer. Lambda hands it a batch of SQS records, each an S3
change of the watched source (EventBridge event or S3 Event Notification); it applies each
distinct key (applykeys.py) and reports the messages of keys to try again as batch item
failures (ReportBatchItemFailures), so only those return to the queue."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from functools import partial
from typing import Any, NotRequired, TypedDict

from ..applykeys import Applied, Target, apply_keys
from ..changes import Hints, hints_of
from ..clients import s3_client, stepfunctions_client
from ..copytime import STOP_MARGIN_SECONDS, usable_seconds
from ..deletebudget import DeleteBudget
from ..emf import publish
from ..expectations import rules_for
from ..follow import Follow, load_follow
from ..handoff import hand_off
from ..heads import Kept
from ..jobs import step_pool
from ..logs import log
from ..overrides import Destination
from ..runstore import run_table
from ..settings import Settings, load_settings


class ItemFailure(TypedDict):
    itemIdentifier: str


class BatchResponse(TypedDict):
    batchItemFailures: list[ItemFailure]


class SqsRecord(TypedDict):
    messageId: str
    body: str
    attributes: NotRequired[dict[str, str]]


class SqsEvent(TypedDict):
    Records: list[SqsRecord]


def target_for(follow: Follow, settings: Settings, seconds_left: Any) -> Target:
    """How this deployment applies keys: the run's defaults for what a copy keeps and overrides."""
    redirects = settings.keep_website_redirects != "false"
    # The deployment's expected owners and Requester Pays, as its runs apply them by default.
    rules = rules_for(
        {
            "source": follow.source,
            "destination": follow.destination,
            "sourceBucketOwner": settings.default_source_bucket_owner,
            "destinationBucketOwner": settings.default_destination_bucket_owner,
            "requestPayer": settings.default_request_payer,
        }
    )
    # One client serves both sides: the rules tell the buckets apart.
    s3 = s3_client(None, rules=rules)
    return Target(
        source_s3=s3,
        destination_s3=s3,
        source=follow.source,
        destination=follow.destination,
        # The source's HEAD is read anyway, so redirects are carried at no extra request.
        kept=Kept(redirects=redirects, storage_class=settings.default_storage_class is None),
        overrides=Destination(settings.default_storage_class, settings.default_sse_kms_key_id),
        delete_orphans=follow.delete_orphans,
        inline_copy_max_bytes=follow.inline_copy_max_bytes,
        threads=settings.copy_threads,
        hand_off=partial(
            hand_off,
            stepfunctions_client(),
            follow.state_machine_arn,
            follow.source,
            follow.destination,
            delete_orphans=follow.delete_orphans,
        ),
        allow_unconditional=settings.allow_unconditional_copies,
        allow_unconditional_deletes=settings.allow_unconditional_deletes,
        seconds_left=seconds_left,
        invocation_seconds=usable_seconds(settings.lambda_timeout, STOP_MARGIN_SECONDS),
    )


def failures_of(hints: Hints, retry: list[tuple[str, str]]) -> list[ItemFailure]:
    """The messages that named a key to try again (each once, in batch order of first naming)."""
    ids: list[str] = []
    for pair in retry:
        ids.extend(i for i in hints.messages.get(pair, []) if i not in ids)
    return [ItemFailure(itemIdentifier=i) for i in ids]


def lags_ms(hints: Hints, pairs: list[tuple[str, str]], now: datetime) -> list[float]:
    """Applied time minus each settled key's earliest event time, in milliseconds."""
    times = [hints.earliest[pair] for pair in pairs if pair in hints.earliest]
    return [max(0.0, (now - at).total_seconds() * 1000) for at in times]


def publish_metrics(follow: Follow, function_name: str, applied: Applied, lags: list[float]) -> None:
    """Lag per applied key, and what the batch did, as EMF lines (no API call)."""
    counts = {
        "Copied": applied.copied,
        "Deleted": applied.deleted,
        "HandedOff": applied.handed_off,
        "Requeued": applied.retry,
        "DeletesPaused": applied.paused,
    }
    publish(
        follow.metric_namespace,
        {"Consumer": function_name},
        {"Lag": lags, **{name: [len(keys)] for name, keys in counts.items()}},
        {"Lag": "Milliseconds", **dict.fromkeys(counts, "Count")},
    )


def handler(event: SqsEvent, context: Any) -> BatchResponse:
    follow, settings = load_follow(), load_settings()
    hints = hints_of(list(event.get("Records", [])))
    ours = {pair for pair in hints.messages if follow.covers(*pair)}
    margin = min(STOP_MARGIN_SECONDS, context.get_remaining_time_in_millis() / 1000 / 3)

    def seconds_left() -> float:
        return context.get_remaining_time_in_millis() / 1000 - margin

    budget = DeleteBudget(
        run_table(settings.run_table), follow.destination, follow.delete_budget, follow.delete_window_seconds
    )
    keys = sorted(key for _, key in ours)
    with step_pool(settings.copy_threads) as pool:
        applied = apply_keys(target_for(follow, settings, seconds_left), keys, budget.reserve, pool)
    now = datetime.now(UTC)
    settled = [(follow.source, key) for key in applied.settled()]
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "consumer")
    publish_metrics(follow, function_name, applied, lags_ms(hints, settled, now))
    log(
        "consume.batch",
        records=len(event.get("Records", [])),
        keys=len(hints.messages),
        outOfScope=len(hints.messages) - len(ours),
        ignored=hints.ignored,
        copied=len(applied.copied),
        deleted=len(applied.deleted),
        handedOff=len(applied.handed_off),
        unchanged=len(applied.unchanged),
        kept=dict(list(applied.kept.items())[:20]),
        retry=dict(list(applied.retry.items())[:20]),
        paused=len(applied.paused),
        at=time.time(),
    )
    retry = [(follow.source, key) for key in applied.retry]
    return BatchResponse(batchItemFailures=failures_of(hints, retry))
