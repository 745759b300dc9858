"""Validate: check the input and the buckets before anything is written."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..buckets import bucket_region, check_readable, has_website
from ..clients import s3_client, stepfunctions_client
from ..emptyguard import check_empty_source
from ..errors import BucketRegionsNotEqual
from ..expectations import REQUESTER, BucketRules, rules_for
from ..logs import log
from ..overlap import refuse_overlapping_runs
from ..payloads import ReportTarget, RunConfig, RunState, zero_counts
from ..run_input import parse_input
from ..settings import Settings, load_settings
from ..transient import named_transient


def validate(
    event: Any,
    clients_for: Callable[[BucketRules], Callable[[str | None], Any]],
    settings: Settings,
    execution: str = "",
) -> RunState:
    """Turn an execution input into the first state of the run, or raise a named error.

    `clients_for(rules)` gives the run's `s3_for(region)`: an S3 client for a region (None: the
    function's own) whose requests follow the run's rules (expected owners, Requester Pays:
    expectations.py).
    """
    options = parse_input(event, settings)
    s3_for = clients_for(rules_for(options))
    s3 = s3_for(None)
    # HeadBucket carries the expected owners: a bucket of another account stops the run here.
    source_region = bucket_region(s3, options["source"], options["sourceBucketOwner"])
    destination_region = bucket_region(s3, options["destination"], options["destinationBucketOwner"])
    check_readable(
        s3_for(source_region),
        options["source"],
        options["listPrefix"],
        options["sourceBucketOwner"],
        options["requestPayer"] == REQUESTER,
    )
    if source_region != destination_region and not settings.allow_cross_region:
        raise BucketRegionsNotEqual(
            f"source is in {source_region} and destination in {destination_region}; "
            "set allow_cross_region = true on the module to sync across regions"
        )
    if options["deleteOrphans"] and not options["allowEmptySource"]:
        check_empty_source(options, s3_for(source_region), s3_for(destination_region))
    # Redirects take effect where a website is served: a source served as a site, or a private
    # staging source synced into the bucket that serves the site.
    redirects = settings.keep_website_redirects
    read_redirects = redirects == "true" or (
        redirects == "auto"
        and (
            has_website(s3_for(source_region), options["source"])
            or has_website(s3_for(destination_region), options["destination"])
        )
    )
    wants_report = options.pop("report")
    report = None
    if wants_report and settings.report_bucket:
        report = ReportTarget(
            bucket=settings.report_bucket, prefix=f"{settings.report_prefix}{execution.rsplit(':', 1)[-1]}/"
        )
    run = RunConfig(
        execution=execution,
        **options,
        report=report,
        readRedirects=read_redirects,
        sourceRegion=source_region,
        destinationRegion=destination_region,
        countingOnly=options["deleteOrphans"]
        and (options["maxDeletes"] is not None or options["maxDeletePercent"] is not None),
        startedAt=time.time(),
    )
    return RunState(
        run=run,
        round=0,
        totals=zero_counts(),
        failures=[],
        resumeRound=None,
    )


def run_clients(rules: BucketRules) -> Callable[[str | None], Any]:
    """The handler's S3 clients for a run with `rules`, by region."""
    return lambda region: s3_client(region, rules=rules)


@named_transient
def handler(event: dict[str, Any], context: Any) -> RunState:
    """`event` is {"input": <the execution input>, "execution": <its ARN>} (see the ASL)."""
    execution = event.get("execution", "")
    state = validate(event.get("input"), run_clients, load_settings(), execution)
    run = state["run"]
    refuse_overlapping_runs(stepfunctions_client(), execution, run["destination"], run["prefix"])
    log("run.validated", execution=state["run"]["execution"], run=state["run"])
    return state
