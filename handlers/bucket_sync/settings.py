"""Deployment settings, read once from the Lambda environment that Terraform sets."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Tuning values and policy of one deployment; the defaults suit handler unit tests."""

    source_buckets: tuple[str, ...] = ()
    destination_buckets: tuple[str, ...] = ()
    default_delete_orphans: bool = True
    default_max_deletes: int | None = None
    # Share (percent) of the destination objects in scope a run may delete; None: no such guard.
    default_max_delete_percent: float | None = None
    allow_cross_region: bool = False
    # Keys listed per side in one SyncRange step; keys never travel through the state payload.
    chunk_size: int = 5000
    # Parallel copy and delete requests inside one step.
    copy_threads: int = 16
    # Ranges planned per round; the Distributed Map runs this many children at once.
    max_ranges: int = 10
    # Windows a child runs before it hands its range back to be split again (the ASL checks
    # the same budget between invocations).
    max_steps_per_range: int = 100
    # Windows one invocation runs at most (its time is the other bound); 1: a step per window.
    max_windows_per_step: int = 1000
    # The functions' timeout in seconds (the module's lambda_timeout): the time a fresh invocation
    # has, so a copy no invocation could finish is named as failed, not deferred forever
    # (copytime.py). Default: Lambda's maximum, so handler tests refuse nothing for time.
    lambda_timeout: int = 900
    # Read each copied object's headers first, to carry x-amz-website-redirect-location over:
    # "true", "false", or "auto" (when the source bucket has a website configuration).
    keep_website_redirects: str = "auto"
    # Include and exclude patterns of runs that do not give their own (scope.py).
    default_include: tuple[str, ...] = ()
    default_exclude: tuple[str, ...] = ()
    # Destination overrides for runs that do not say (overrides.py), and the KMS keys a run may
    # name (the module's destination_kms_key_arns plus destination_sse_kms_key_arn).
    default_storage_class: str | None = None
    default_sse_kms_key_id: str | None = None
    destination_kms_keys: tuple[str, ...] = ()
    # Where runs write their reports (report.py); None: no reports.
    report_bucket: str | None = None
    report_prefix: str = ""
    # DynamoDB table that holds each run's range bounds, cursors and failures (runstore).
    run_table: str = ""
    # Accounts that must own the source / destination bucket (ExpectedBucketOwner on every
    # request), and "requester" to pay for the source's requests (Requester Pays), for runs that
    # do not say (expectations.py); None: no such expectation.
    default_source_bucket_owner: str | None = None
    default_destination_bucket_owner: str | None = None
    default_request_payer: str | None = None
    # Delete orphans without the ETag condition when the runtime's SDK cannot send it (a risk:
    # an object rewritten since it was listed is lost). Off: such orphans are kept and named.
    allow_unconditional_deletes: bool = False
    # Copy without the destination condition (If-Match / If-None-Match) when the runtime's SDK
    # cannot send it (a risk: a destination object written since it was listed is overwritten).
    # Off: such copies are not made and their keys are named.
    allow_unconditional_copies: bool = False


def _flag(raw: str | None, default: bool) -> bool:
    return default if raw is None else raw.strip().lower() == "true"


def _optional_int(raw: str | None) -> int | None:
    return None if raw in (None, "", "null") else int(raw)


def _optional_float(raw: str | None) -> float | None:
    return None if raw in (None, "", "null") else float(raw)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build Settings from environment variables (see lambda.tf for the names)."""
    env = os.environ if environ is None else environ
    base = Settings()
    return Settings(
        source_buckets=tuple(json.loads(env.get("SOURCE_BUCKETS", "[]"))),
        destination_buckets=tuple(json.loads(env.get("DESTINATION_BUCKETS", "[]"))),
        default_delete_orphans=_flag(env.get("DEFAULT_DELETE_ORPHANS"), base.default_delete_orphans),
        default_max_deletes=_optional_int(env.get("DEFAULT_MAX_DELETES")),
        default_max_delete_percent=_optional_float(env.get("DEFAULT_MAX_DELETE_PERCENT")),
        allow_cross_region=_flag(env.get("ALLOW_CROSS_REGION"), base.allow_cross_region),
        chunk_size=int(env.get("CHUNK_SIZE", base.chunk_size)),
        copy_threads=int(env.get("COPY_THREADS", base.copy_threads)),
        max_ranges=int(env.get("MAX_RANGES", base.max_ranges)),
        max_steps_per_range=int(env.get("MAX_STEPS_PER_RANGE", base.max_steps_per_range)),
        max_windows_per_step=int(env.get("MAX_WINDOWS_PER_STEP", base.max_windows_per_step)),
        lambda_timeout=int(env.get("LAMBDA_TIMEOUT", base.lambda_timeout)),
        keep_website_redirects=env.get("KEEP_WEBSITE_REDIRECTS", base.keep_website_redirects).lower(),
        run_table=env.get("RUN_TABLE", base.run_table),
        report_bucket=env.get("REPORT_BUCKET") or None,
        report_prefix=env.get("REPORT_PREFIX", base.report_prefix),
        default_storage_class=env.get("DEFAULT_STORAGE_CLASS") or None,
        default_sse_kms_key_id=env.get("DEFAULT_SSE_KMS_KEY_ID") or None,
        destination_kms_keys=tuple(json.loads(env.get("DESTINATION_KMS_KEYS", "[]"))),
        default_include=tuple(json.loads(env.get("DEFAULT_INCLUDE", "[]"))),
        default_exclude=tuple(json.loads(env.get("DEFAULT_EXCLUDE", "[]"))),
        default_source_bucket_owner=env.get("SOURCE_BUCKET_OWNER") or None,
        default_destination_bucket_owner=env.get("DESTINATION_BUCKET_OWNER") or None,
        default_request_payer=env.get("REQUEST_PAYER") or None,
        allow_unconditional_deletes=_flag(
            env.get("ALLOW_UNCONDITIONAL_DELETES"), base.allow_unconditional_deletes
        ),
        allow_unconditional_copies=_flag(
            env.get("ALLOW_UNCONDITIONAL_COPIES"), base.allow_unconditional_copies
        ),
    )
