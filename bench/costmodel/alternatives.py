"""What S3 Replication and a scheduled DataSync task cost a month for the same changes as
continuous sync (costmodel/continuous.py), from list prices. Neither needs a consumer; each
has its own price: Replication versioning on both buckets (old versions kept), DataSync a fee
per execution and a listing of both buckets per execution, whatever changed."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .assumptions import (
    DATASYNC_EXECUTION,
    DATASYNC_GB,
    REPLICATION_RTC_GB,
    S3_STANDARD_GB_MONTH,
    TIER1,
    TIER2,
)
from .continuous import Workload

# -- assumed (not measured) -----------------------------------------------------------------------
# Replication: a lifecycle rule expires noncurrent versions after this many days on both buckets
# (without one they are kept, and billed, for ever).
NONCURRENT_DAYS = 30
# DataSync's shortest schedule is hourly: 720 executions a month, each listing both buckets.
DATASYNC_EXECUTIONS = 30 * 24
BUCKET_OBJECTS = 10_000_000  # the source bucket DataSync re-lists (and the destination, alike)
LIST_PAGE = 1000


@dataclass(frozen=True)
class Replication:
    puts: float  # replication PUT requests, billed to the destination at its PUT price
    versions: float  # noncurrent versions kept on both buckets
    rtc: float  # Replication Time Control, if turned on

    @property
    def total(self) -> float:
        return self.puts + self.versions

    @property
    def total_with_rtc(self) -> float:
        return self.total + self.rtc


def replication_bill(w: Workload, noncurrent_days: int = NONCURRENT_DAYS) -> Replication:
    """A month of S3 Replication for `w`: one replication PUT per object written (a delete
    marker counted as one too, when delete-marker replication is on), and each overwrite's and
    delete's previous version stored, on the source and on the destination, until the
    lifecycle rule expires it."""
    mean_size = sum(c.share * c.size for c in w.sizes)
    replaced_gb = w.changes * (w.overwrites + w.deletes) * mean_size / 1e9
    return Replication(
        puts=w.changes * (w.written + w.deletes) * TIER1,
        versions=2 * replaced_gb * S3_STANDARD_GB_MONTH * noncurrent_days / 30,
        rtc=w.gb_written() * REPLICATION_RTC_GB,
    )


@dataclass(frozen=True)
class DataSync:
    executions: float
    per_gb: float
    s3: float

    @property
    def total(self) -> float:
        return self.executions + self.per_gb + self.s3


def datasync_bill(
    w: Workload, bucket_objects: int = BUCKET_OBJECTS, executions: int = DATASYNC_EXECUTIONS
) -> DataSync:
    """A month of an Enhanced-mode task run `executions` times: the fee per execution, per GB
    copied, a LIST of both buckets each time, and per object written a GET and a PUT (multipart
    parts counted as PUTs). Not counted: any HEAD or verification read per object (a lower
    bound; Basic mode reads every object's metadata on both sides)."""
    lists = executions * 2 * math.ceil(bucket_objects / LIST_PAGE)
    writes = w.changes * w.written * sum(c.share * max(1, c.parts) for c in w.sizes)
    return DataSync(
        executions=executions * DATASYNC_EXECUTION,
        per_gb=w.gb_written() * DATASYNC_GB,
        s3=lists * TIER1 + w.changes * w.written * TIER2 + writes * TIER1,
    )
