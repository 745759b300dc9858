"""S3 clients, one per region, shared by every step in a Lambda container."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

# Adaptive retries let botocore absorb SlowDown and 5xx with backoff; no retry loops of our own.
# Six attempts outlast any realistic burst of errors, yet give up on an object that keeps failing
# within ~30 s (backoff capped at 1+2+4+8+16 s), so it is named instead of stalling the step.
_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 6},
    max_pool_connections=64,
)


@cache
def s3_client(region: str | None = None) -> Any:
    """An S3 client for `region` (None: the function's own region)."""
    return boto3.client("s3", region_name=region, config=_CONFIG)
