"""S3 clients, one per region, shared by every step in a Lambda container."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.parsers import DEFAULT_TIMESTAMP_PARSER

from . import backpressure, expectations
from .expectations import NO_RULES, BucketRules
from .settings import load_settings

# Why these values:
# - retries "standard", not "adaptive": adaptive is documented as experimental and keeps one rate
#   limiter per client, so a SlowDown on the destination's writes would also slow the source's
#   reads through the same client. Back-pressure is ours instead (backpressure.py, installed on
#   every S3 client below): one AIMD rate limiter per (bucket, read or write), as S3 partitions
#   its limits, paced in before-send and fed by needs-retry for every attempt, retries included.
#   Standard mode retries throttling (SlowDown), 5xx and connection errors with jittered
#   exponential backoff (capped at 20 s); we write no retry loops of our own.
# - MAX_ATTEMPTS 5 requests in all (the first and four retries, at most 1+2+4+8 = 15 s of backoff;
#   given as total_max_attempts, since botocore's "max_attempts" counts retries only): enough to ride
#   out a burst of SlowDown or 503, short enough that a request that keeps failing reaches the
#   engine within the step's stop margin; the engine retries what outlives them (a transient error
#   is errors.TransientError, never a failed object).
# - Both modes keep a retry quota per client (500 units; a retried throttle costs 5, another retry
#   more, a success gives 1 back) that a step's copy_threads threads share; Config has no switch to
#   turn it off. Unlimited, a SlowDown storm drained it in ~100 retries and then every error failed
#   at its first attempt. With the limiter a few percent of requests are answered SlowDown
#   (bench/backpressure.py), so successes refill the quota faster than throttles drain it; if it
#   still runs dry, the errors go to the engine's retry as above.
# - CONNECT_TIMEOUT 5 s: S3 accepts connections in milliseconds; a connection not made in 5 s is
#   better retried than waited for (botocore's default is 60 s).
# - READ_TIMEOUT 20 s: the longest S3 may stay silent on a socket. Long CopyObject, UploadPartCopy
#   and CompleteMultipartUpload requests keep the connection alive with whitespace while they work,
#   so a 20 s silence means a stuck connection; botocore's 60 s default would spend a minute of a
#   step per stall.
# - max_pool_connections = copy_threads + POOL_MARGIN: every worker of the step's one pool holds at
#   most one connection at a time (urllib3 discards connections beyond the pool, so a smaller pool
#   reconnects all the time and a much larger one only holds idle sockets and file descriptors).
MAX_ATTEMPTS = 5
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20
POOL_MARGIN = 4


def client_config(threads: int) -> Config:
    """The botocore configuration of a client used by `threads` threads at once."""
    return Config(
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        max_pool_connections=max(1, threads) + POOL_MARGIN,
    )


def parse_timestamp(value: Any) -> datetime:
    """A response timestamp as a datetime, ISO 8601 ones (every listing row's LastModified) by the
    standard library.

    Why: botocore's default parser goes through dateutil, about 26 microseconds a value, a quarter
    of the CPU a no-op spends per listed key (bench/cost.py); datetime.fromisoformat takes 0.1.
    Anything else (HTTP-date headers such as HeadObject's Last-Modified, epoch numbers, a string
    without a time zone) goes to botocore's parser, so every value parses as it did.
    """
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    return DEFAULT_TIMESTAMP_PARSER(value)


def s3_client(region: str | None = None, threads: int | None = None, rules: BucketRules = NO_RULES) -> Any:
    """An S3 client for `region` (None: the function's own region), with a connection pool for
    `threads` threads (None: the deployment's copy_threads), the container's back-pressure
    limiters installed (backpressure.py), and the run's expected owners and Requester Pays
    consent added to every request to its buckets (expectations.py)."""
    return _cached_client(region, load_settings().copy_threads if threads is None else threads, rules)


@cache
def _cached_client(region: str | None, threads: int, rules: BucketRules = NO_RULES) -> Any:
    client = _session().client("s3", region_name=region, config=client_config(threads))
    backpressure.install(client)
    expectations.install(client, rules)
    return client


@cache
def stepfunctions_client() -> Any:
    """A Step Functions client in the function's own region (Validate's overlap check)."""
    return _session().client("stepfunctions", config=client_config(1))


@cache
def _session() -> boto3.session.Session:
    """The one session every client here comes from (as boto3's default one would be), with the
    fast timestamp parser."""
    core = botocore.session.get_session()
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
    return boto3.session.Session(botocore_session=core)
