"""The cost model's inputs: AWS list prices, the module's defaults (read from variables.tf so the
model cannot drift from them), the handlers' own constants, and what the model assumes about S3
and Lambda. text.model_text prints every one into docs/BENCHMARKS.md with where it comes from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bucket_sync.copytime import STOP_MARGIN_SECONDS, usable_seconds

ROOT = Path(__file__).resolve().parents[2]


def module_defaults(path: Path = ROOT / "variables.tf") -> dict[str, str]:
    """Every variable's scalar default as variables.tf writes it (quotes removed)."""
    found: dict[str, str] = {}
    for match in re.finditer(r'^variable "(\w+)" \{\n(.*?)^\}', path.read_text(), re.S | re.M):
        default = re.search(r"^\s*default\s*=\s*(\"[^\"]*\"|[\w.]+)\s*$", match.group(2), re.M)
        if default is not None:
            found[match.group(1)] = default.group(1).strip('"')
    return found


_DEFAULTS = module_defaults()

# -- prices (us-east-1 list) ----------------------------------------------------------------------
TIER1 = 0.005 / 1000  # S3 LIST, PUT, COPY, POST (DeleteObjects), bucket-level calls
TIER2 = 0.0004 / 1000  # S3 GET, HEAD
SFN = 0.025 / 1000  # Step Functions Standard, per state transition
LAMBDA_REQUEST = 0.20 / 1_000_000
LAMBDA_GB_SECOND = {"arm64": 0.0000133334, "x86_64": 0.0000166667}
DDB_WRITE = 1.25 / 1_000_000  # on-demand, per write request unit (an item up to 1 KB)
DDB_READ = 0.25 / 1_000_000  # on-demand, per read request unit (a consistent read of up to 4 KB)
TIER2_OPS = {"HeadObject", "GetObject"}  # the S3 operations billed at TIER2
FREE_OPS = {"DeleteObject", "AbortMultipartUpload"}  # not billed
INVENTORY = 0.0025 / 1_000_000  # S3 Inventory, per object listed (paper only: "Beyond one listing")

# Continuous sync and what it is compared with (costmodel/continuous.py, alternatives.py). Each
# price's source is the AWS pricing page named; see CONTINUOUS_PRICE_SOURCES.
# A standard queue's request of up to 64 KiB (the first 1M a month are free: not counted).
SQS_REQUEST = 0.40 / 1_000_000
SQS_CHUNK_BYTES = 64 * 1024
# S3 events on the default bus are "AWS opt-in data events" (the pricing page), not the free
# "AWS management events"; the page's excerpt did not show their rate: the custom-event rate assumed.
EVENTBRIDGE_EVENT = 1.00 / 1_000_000
CLOUDWATCH_ALARM_MONTH = 0.10  # a standard-resolution metric alarm
CLOUDWATCH_METRIC_MONTH = 0.30  # a custom metric (EMF), first 10,000 tier
CLOUDWATCH_LOGS_GB = 0.50  # log ingestion
S3_STANDARD_GB_MONTH = 0.023  # S3 Standard storage, first 50 TB
REPLICATION_RTC_GB = 0.015  # S3 Replication Time Control, per GB replicated
DATASYNC_GB = 0.015  # DataSync Enhanced mode (S3 to S3), per GB copied
DATASYNC_EXECUTION = 0.55  # DataSync Enhanced mode, per task execution
CONTINUOUS_PRICE_SOURCES = {
    "Amazon SQS pricing": "standard queue requests, 64 KiB chunks",
    "Amazon EventBridge pricing": "event bus: management events free, S3's are opt-in data events",
    "AWS Lambda pricing": "requests and GB-s (as above)",
    "Amazon S3 pricing": "requests, Standard storage, Replication Time Control",
    "Amazon DynamoDB pricing": "on-demand write request units (as above)",
    "Amazon CloudWatch pricing": "alarms, custom metrics, log ingestion",
    "AWS DataSync pricing": "Enhanced mode per GB copied and per task execution",
}

# -- the module's defaults ------------------------------------------------------------------------
MEMORY_MB = int(_DEFAULTS["lambda_memory_size"])
FULL_VCPU_MB = 1769  # Lambda gives one full vCPU from here
ARCHITECTURE = _DEFAULTS["lambda_architecture"]
MAX_CONCURRENCY = int(_DEFAULTS["max_concurrency"])
CHUNK_SIZE = int(_DEFAULTS["chunk_size"])
MAX_STEPS_PER_RANGE = int(_DEFAULTS["max_steps_per_range"])
LAMBDA_TIMEOUT = float(_DEFAULTS["lambda_timeout"])
COPY_THREADS = int(_DEFAULTS["copy_threads"])
STOP_MARGIN = LAMBDA_TIMEOUT - usable_seconds(LAMBDA_TIMEOUT, STOP_MARGIN_SECONDS)
ACCOUNT_LAMBDA_CONCURRENCY = 1000  # the default regional quota

# -- assumptions (not measured here) --------------------------------------------------------------
LIST_SECONDS = 0.150  # one ListObjectsV2 page of 1,000 keys on real S3
COPY_SECONDS = 0.075  # one CopyObject of a small object
HEAD_SECONDS = 0.020  # one HeadObject
DDB_SECONDS = 0.010  # one DynamoDB request
MAP_START_SECONDS = 5.0  # the Distributed Map starting a round's children
STEP_SECONDS = 0.5  # TallyRound, and PlanRanges in a round that cuts nothing
INIT_SECONDS = 0.9  # a cold start's INIT phase (runtime start + imports), billed as duration
KEY_LENGTH = 40  # characters of a typical key: PlanRanges' ceiling search probes ~log2 of it
VALIDATE_REQUESTS = 4  # two bucket checks, one LIST (the empty-source guard), GetBucketWebsite
S3_WRITE_RATE = 3500  # COPY / PUT / DELETE per second per partitioned prefix
S3_READ_RATE = 5500  # GET / HEAD / LIST per second per partitioned prefix
# The share of a partition's write rate the handlers' limiter holds (bench/backpressure.py).
THROTTLED_SHARE = 0.965
SLOW_DOWN_SHARE = 0.05  # of its requests answered SlowDown meanwhile (not billed)
# PlanRanges' probes per page of a bucket small enough for its sample to cover (check rows).
COVER_PROBES_PER_PAGE = 2.4

# CPU per listed key of the engine before clients.parse_timestamp (botocore parsed every
# LastModified through dateutil), measured by bench/run.py: for the what-if only.
BOTOCORE_TIMESTAMPS_PER_LISTED_KEY_MS = 0.098

SCALES = (1_000_000, 100_000_000, 1_000_000_000)
SENSITIVITY_LIST_SECONDS = (0.100, 0.150, 0.300)
SENSITIVITY_COPY_SECONDS = (0.050, 0.075, 0.100)

# The targets, at the defaults.
TARGET_NOOP_100M_SECONDS = 20 * 60
TARGET_INITIAL_100M_SECONDS = 6 * 3600
TARGET_NOOP_PER_MILLION = 0.015


@dataclass(frozen=True)
class Cpu:
    """Handler CPU, measured: milliseconds per listed key and per copied object (SyncRange), and
    per LIST page PlanRanges reads (parse and sample bookkeeping), on one core."""

    per_listed_key_ms: float
    per_copied_ms: float
    source: str  # which runs they come from
    planner_page_ms: float = 0.0


@dataclass(frozen=True)
class Setup:
    """One deployment and one set of S3 latencies."""

    max_concurrency: int = MAX_CONCURRENCY
    chunk_size: int = CHUNK_SIZE
    max_steps_per_range: int = MAX_STEPS_PER_RANGE
    lambda_timeout: float = LAMBDA_TIMEOUT
    memory_mb: int = MEMORY_MB
    architecture: str = ARCHITECTURE
    copy_threads: int = COPY_THREADS
    read_redirects: bool = False  # keep_website_redirects "auto" on a source without a website
    parallel_sides: bool = True  # a window lists its source and destination at once (range_step.py)
    read_ahead: bool = True  # a page is requested while the one before is parsed (pageahead.py)
    list_seconds: float = LIST_SECONDS
    copy_seconds: float = COPY_SECONDS
    head_seconds: float = HEAD_SECONDS
    key_length: int = KEY_LENGTH
    # Partitions S3 gives the destination's writes; None: as many as the engine needs.
    destination_partitions: int | None = None
    cold_starts: bool = True  # every environment starts cold (runs further apart than Lambda keeps them)

    @property
    def slower(self) -> float:
        """Below 1,769 MB Lambda gives CPU in proportion to memory: the same work takes longer."""
        return max(1.0, FULL_VCPU_MB / self.memory_mb)


DEFAULTS = Setup()
