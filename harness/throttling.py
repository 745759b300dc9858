"""Request-rate limits like AWS's: S3 SlowDown per bucket, DynamoDB throttles per partition key.

AWS answers ``503 SlowDown`` beyond about 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD/LIST
requests per second per partitioned prefix (a fresh bucket is one partition), and DynamoDB on
demand answers ``ProvisionedThroughputExceededException`` beyond about 1,000 write units per
second per partition key value (DESIGN.md §5). moto has no limit at all, so a sync that would
drown in SlowDown on AWS passes here unless the emulator throttles too.

The emulator serves about 190 requests per second in all, so the limits are AWS's scaled down
by 20 (:class:`RequestRates`): 175 writes/s and 275 reads/s per bucket, 50 write units/s per
partition key value, each a token bucket that holds one second of its rate (``burst_seconds``)
and starts full. Only requests signed by a key other than the emulator's admin keys are
limited: the handlers (their Lambda role's temporary credentials) and IAM users a test creates,
not the tests' own bucket fills and checks (``test``/``test``) nor moto's Step Functions
interpreter. Those are counted (:meth:`Throttle.figures`) whether or not the limits are on.

Turn the limits off with the strictness switches ``s3_request_rate`` and
``dynamodb_partition_rate``; change the rates per emulator (``Emulator(rates=RequestRates(...))``),
around a block (``with emulator.request_rates(s3_writes_per_second=40):``, which starts every
token bucket afresh) or for a whole run with ``BUCKET_SYNC_EMULATOR_RATES``, e.g.
``s3_writes=40,s3_reads=100,ddb=50,burst=2``.

How it answers: an S3 request over its bucket's rate gets S3's own ``SlowDown`` XML error (no
body for HEAD) and is never processed. A DynamoDB write request is refused whole when any item's
partition is out of units, except BatchWriteItem, which processes the items that fit and hands
the rest back as ``UnprocessedItems``, as DynamoDB does; only when no item fits is the whole
batch refused. A refused request takes no units.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from moto.dynamodb.responses import DynamoHandler

from harness import iam_enforcement, strictness, wsgi_io
from harness.dynamodb_writes import WRITE_OPERATIONS, ItemWrite, item_writes

__all__ = [
    "RATES_ENV_VAR",
    "RequestRates",
    "Throttle",
    "TokenBucket",
    "apply",
]

RATES_ENV_VAR = "BUCKET_SYNC_EMULATOR_RATES"

SLOW_DOWN_MESSAGE = "Please reduce your request rate."

_ENV_NAMES = {
    "s3_writes": "s3_writes_per_second",
    "s3_reads": "s3_reads_per_second",
    "ddb": "dynamodb_partition_writes_per_second",
    "dynamodb": "dynamodb_partition_writes_per_second",
    "burst": "burst_seconds",
}
_READ_METHODS = frozenset({"GET", "HEAD"})
_WRITE_METHODS = frozenset({"PUT", "POST", "DELETE"})
_REGION = re.compile(r"Credential=[^/,\s]+/[^/]+/([^/]+)/")
_DYNAMODB_FIGURES = ("requests", "throttled", "unprocessed_items")
_ADMIN_KEYS = frozenset({iam_enforcement.TEST_KEY[0], iam_enforcement.INTERPRETER_KEY[0]})


@dataclass(frozen=True)
class RequestRates:
    """The emulator's request-rate limits: AWS's divided by 20 (what the emulator can serve)."""

    # S3 PUT/POST/DELETE (incl. CopyObject, UploadPartCopy, DeleteObjects, multipart) per bucket.
    s3_writes_per_second: float = 175.0
    # S3 GET/HEAD (incl. LIST) per bucket.
    s3_reads_per_second: float = 275.0
    # DynamoDB write units per table and partition key value.
    dynamodb_partition_writes_per_second: float = 50.0
    # A token bucket holds this many seconds of its rate: the burst an idle bucket allows.
    burst_seconds: float = 1.0

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            if not getattr(self, field.name) > 0:
                raise ValueError(f"{field.name} must be > 0, not {getattr(self, field.name)!r}")

    @classmethod
    def from_env(cls, value: str | None = None) -> RequestRates:
        """The defaults, changed by ``BUCKET_SYNC_EMULATOR_RATES`` (or ``value``):
        comma-separated ``name=number`` with names ``s3_writes``, ``s3_reads``, ``ddb``,
        ``burst`` or the field names."""
        raw = os.environ.get(RATES_ENV_VAR, "") if value is None else value
        changes: dict[str, float] = {}
        fields = {field.name for field in dataclasses.fields(cls)}
        for part in (part.strip() for part in raw.split(",")):
            if not part:
                continue
            name, sep, number = (piece.strip() for piece in part.partition("="))
            field = _ENV_NAMES.get(name, name)
            if not sep or field not in fields:
                raise ValueError(
                    f"{RATES_ENV_VAR}: cannot read {part!r}; write name=number with names "
                    f"{', '.join(sorted(_ENV_NAMES))} or {', '.join(sorted(fields))}"
                )
            try:
                changes[field] = float(number)
            except ValueError:
                raise ValueError(f"{RATES_ENV_VAR}: {name} needs a number, not {number!r}") from None
        return cls(**changes)


class TokenBucket:
    """Tokens refill at ``rate`` per second up to ``capacity``; a request takes its units.

    A request costing more than the capacity is let through when the bucket is full and leaves
    it in debt, so a large item is slowed down, never refused forever."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(capacity, 1.0)
        self.tokens = self.capacity
        self._updated = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self._updated) * self.rate)
        self._updated = now

    def can_take(self, units: float, now: float) -> bool:
        """Whether ``units`` may be taken now (nothing is taken)."""
        self._refill(now)
        return self.tokens >= min(units, self.capacity)

    def take(self, units: float, now: float) -> bool:
        """Take ``units`` if they may be taken now; False (and nothing taken) otherwise."""
        if not self.can_take(units, now):
            return False
        self.tokens -= units
        return True


def _s3_kind(method: str) -> str | None:
    if method in _READ_METHODS:
        return "read"
    if method in _WRITE_METHODS:
        return "write"
    return None


def limited_caller(environ: Mapping[str, Any]) -> bool:
    """True for requests the limits apply to: signed, and not with an emulator admin key."""
    key = wsgi_io.caller_access_key(environ)
    return key is not None and key not in _ADMIN_KEYS


# BatchWriteItem items held back by the throttle, handed from the WSGI hook to moto's handler
# on the thread that serves the request: {RequestItems key: indexes}.
_held_back = threading.local()


class Throttle:
    """Token buckets per (bucket, read|write) and per (table, partition key value), counted."""

    def __init__(
        self, rates: RequestRates | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rates = rates if rates is not None else RequestRates()
        self._clock = clock
        self._lock = threading.Lock()
        self._s3_buckets: dict[tuple[str, str], TokenBucket] = {}
        self._partitions: dict[tuple[str, str], TokenBucket] = {}
        self._s3_counts: dict[str, dict[str, Counter[str]]] = {}
        self._dynamodb_counts: Counter[str] = Counter()

    # -- configuration and figures -------------------------------------------------------------

    @property
    def rates(self) -> RequestRates:
        """The limits in force."""
        return self._rates

    @rates.setter
    def rates(self, value: RequestRates) -> None:
        # New limits start from full token buckets, as fresh buckets and tables do on AWS.
        with self._lock:
            self._rates = value
            self._s3_buckets.clear()
            self._partitions.clear()

    def reset(self) -> None:
        """Full token buckets and zero figures (after an emulator reset)."""
        self.rates = self._rates
        self.reset_figures()

    def figures(self) -> dict[str, Any]:
        """Limited requests so far: ``{"s3": {bucket: {"write"|"read": {"requests": n,
        "slowdown": n}}}, "dynamodb": {"requests": n, "throttled": n, "unprocessed_items": n}}``."""
        with self._lock:
            s3 = {
                bucket: {
                    kind: {"requests": counts["requests"], "slowdown": counts["slowdown"]}
                    for kind, counts in sorted(kinds.items())
                }
                for bucket, kinds in sorted(self._s3_counts.items())
            }
            dynamodb = {name: self._dynamodb_counts[name] for name in _DYNAMODB_FIGURES}
        return {"s3": s3, "dynamodb": dynamodb}

    def reset_figures(self) -> None:
        """Forget the counts (the token buckets keep their state)."""
        with self._lock:
            self._s3_counts.clear()
            self._dynamodb_counts.clear()

    # -- decisions ------------------------------------------------------------------------------

    def admit_s3(self, bucket: str, kind: str) -> bool:
        """Count one limited S3 request of ``kind`` ("read" or "write") on ``bucket``; False
        when it must be answered SlowDown."""
        enforce = strictness.current().s3_request_rate
        with self._lock:
            counts = self._s3_counts.setdefault(bucket, {}).setdefault(kind, Counter())
            counts["requests"] += 1
            if not enforce:
                return True
            now = self._clock()
            token_bucket = self._s3_buckets.get((bucket, kind))
            if token_bucket is None:
                rates = self._rates
                rate = rates.s3_writes_per_second if kind == "write" else rates.s3_reads_per_second
                token_bucket = TokenBucket(rate, rate * self._rates.burst_seconds, now)
                self._s3_buckets[(bucket, kind)] = token_bucket
            if token_bucket.take(1, now):
                return True
            counts["slowdown"] += 1
            return False

    def admit_dynamodb(self, writes: list[ItemWrite], batch: bool) -> list[ItemWrite] | None:
        """Count one limited DynamoDB write request. Returns the items to hand back unprocessed
        (BatchWriteItem, some fit), or None when the whole request must be refused; an empty
        list lets it through whole."""
        enforce = strictness.current().dynamodb_partition_rate
        with self._lock:
            self._dynamodb_counts["requests"] += 1
            if not enforce or not writes:
                return []
            now = self._clock()
            if batch:
                held = [
                    write
                    for write in writes
                    if not self._partition(write.table, write.partition, now).take(write.units, now)
                ]
                if len(held) == len(writes):
                    self._dynamodb_counts["throttled"] += 1
                    return None
                self._dynamodb_counts["unprocessed_items"] += len(held)
                return held
            # All or nothing: a transaction may write one partition more than once.
            needed: Counter[tuple[str, str]] = Counter()
            for write in writes:
                needed[(write.table, write.partition)] += write.units
            buckets = {key: self._partition(*key, now) for key in needed}
            if all(buckets[key].can_take(units, now) for key, units in needed.items()):
                for key, units in needed.items():
                    buckets[key].tokens -= units
                return []
            self._dynamodb_counts["throttled"] += 1
            return None

    def _partition(self, table: str, partition: str, now: float) -> TokenBucket:
        key = (table, partition)
        token_bucket = self._partitions.get(key)
        if token_bucket is None:
            rate = self._rates.dynamodb_partition_writes_per_second
            token_bucket = TokenBucket(rate, rate * self._rates.burst_seconds, now)
            self._partitions[key] = token_bucket
        return token_bucket

    # -- WSGI interception (harness/moto_patches.py) ----------------------------------------------

    def intercept_s3(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        """Answer an S3 request over its bucket's rate with SlowDown, or None to pass it on."""
        kind = _s3_kind(str(environ.get("REQUEST_METHOD", "")))
        if kind is None or not limited_caller(environ):
            return None
        bucket, _ = wsgi_io.request_target(environ)
        if bucket is None or self.admit_s3(bucket, kind):
            return None
        return wsgi_io.s3_error(environ, start_response, 503, "SlowDown", SLOW_DOWN_MESSAGE, "throttle")

    def intercept_dynamodb(
        self, environ: dict[str, Any], start_response: Any, operation: str, body: bytes
    ) -> Iterable[bytes] | None:
        """Refuse a DynamoDB write over a partition's rate, or None to pass it on (having held
        back the BatchWriteItem items that do not fit)."""
        if operation not in WRITE_OPERATIONS or not limited_caller(environ):
            return None
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return None  # moto refuses it
        match = _REGION.search(str(environ.get("HTTP_AUTHORIZATION", "")))
        writes = item_writes(operation, params, match.group(1) if match else "us-east-1")
        held = self.admit_dynamodb(writes, batch=operation == "BatchWriteItem")
        if held is None:
            return wsgi_io.throughput_exceeded(start_response)
        if held:
            indexes: dict[str, set[int]] = {}
            for write in held:
                indexes.setdefault(str(write.request_key), set()).add(int(write.index or 0))
            _held_back.items = indexes
        return None


def clear_held_back() -> None:
    """Forget items held back for the request this thread served (called after every request)."""
    _held_back.items = None


# --- BatchWriteItem: hand held-back items back as UnprocessedItems ------------------------------


def _batch_write_item(original: Any) -> Any:
    def batch_write_item(self: DynamoHandler) -> Any:
        held: dict[str, set[int]] | None = getattr(_held_back, "items", None)
        _held_back.items = None
        if not held:
            return original(self)
        request_items = self.body["RequestItems"]
        kept: dict[str, list[Any]] = {}
        unprocessed: dict[str, list[Any]] = {}
        for key, requests in request_items.items():
            skip = held.get(key, set())
            for index, request in enumerate(requests):
                (unprocessed if index in skip else kept).setdefault(key, []).append(request)
        self.body["RequestItems"] = kept
        try:
            result = original(self)
        finally:
            self.body["RequestItems"] = request_items
        result.result["UnprocessedItems"] = unprocessed
        return result

    return batch_write_item


_applied = False
_apply_lock = threading.Lock()


def apply() -> None:
    """Teach moto's BatchWriteItem to leave held-back items unprocessed (once per process)."""
    global _applied
    with _apply_lock:
        if _applied:
            return
        DynamoHandler.batch_write_item = _batch_write_item(DynamoHandler.batch_write_item)  # type: ignore[method-assign]
        _applied = True
