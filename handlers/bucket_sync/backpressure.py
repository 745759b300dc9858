"""Back-pressure: one request-rate limiter per (bucket, kind) in a Lambda container, lowered when
S3 answers SlowDown and raised again as requests succeed (AIMD).

Why: S3 takes about 3,500 writes/s and 5,500 reads/s per partitioned prefix, and a fresh bucket
is one partition. At the module's defaults (100 children x 16 threads) a first sync sends far
more, and botocore's retries alone only delay the same requests: nothing lowers the rate, and
the client-wide retry quota drains in the storm. S3 limits writes (PUT/POST/DELETE) and reads
(GET/HEAD) of a bucket separately, so that is how we limit: a SlowDown on the destination's
writes never slows the source's reads.

Why not botocore's `adaptive` retry mode (botocore/retries/adaptive.py, read at 1.43): it keeps
ONE token bucket per client, and a step has one client per region, so a SlowDown on the
destination's copies would also slow the source's listings through the same client. AWS
documents the mode as experimental. Further, its decrease has no epoch: every throttled
response multiplies the rate by 0.7 (`CubicCalculator.error_received` with the rate measured
as `min(measured, current)`), so 16 threads answered SlowDown at once cut the rate to 0.7**16
of itself; its rate measure is a smoothed count over 0.5 s buckets; its floor is 0.5 requests/s;
and it keeps no counts a step could report.

How: `install(client)` hooks a client's events as adaptive mode does. `before-send` takes a
token from the limiter of the request's (bucket, kind): a token bucket paced at the limiter's
rate, where the calling thread waits for the next token at the rate of that moment (never more
than 1 / MIN_RATE = 2 s at once). `needs-retry` fires once per attempt with its answer; the hook
records it and returns None, so botocore's own retry decision stands. A limiter starts at
START_RATE and doubles it every second its tokens are all used (a slow start); a SlowDown
multiplies the rate by BETA at most once per epoch (a SlowDown answering a request that took
its token before the last decrease belongs to the burst already acted upon, else 16 threads
answered at once would cut the rate 16 times), and every success while threads wait for tokens
adds to it: INCREASE x the rate before the last decrease per second (AIMD).

What botocore keeps doing: its standard-mode retries (5 attempts, backoff) and its retry quota
(botocore/retries/standard.py and quota.py: 500 units per client, 5 per retried throttle, 1 or
the retry's cost back per success; Config has no switch to turn it off, only private objects
to replace). The limiter keeps the SlowDown share low enough that the quota refills faster
than throttles drain it; what still outlives botocore's attempts the engine retries
(errors.TransientError).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from .transient import is_throttle

READ = "read"
WRITE = "write"

# Tuning, chosen in a simulation and checked with bench/backpressure.py (the figures, dated, are
# in docs/BENCHMARK_NOTES.md, "Back-pressure tuning"):
# - START_RATE 10/s, doubling every second its tokens are all used until the first SlowDown
#   (START_GROWTH = ln 2 per success): a cold container reaches 16 threads' worth of requests in
#   a few seconds, yet containers starting together against a slow bucket do not open with all
#   their threads at once (an unlimited first wave is answered SlowDown in bulk and spreads the
#   containers' rates apart for the rest of the run).
# - BETA 0.7: a decrease keeps 70 %. A gentler decrease raised the SlowDown share without
#   raising throughput.
# - INCREASE 0.05 of the rate before the last decrease per second (at least MIN_INCREASE 0.2/s,
#   for limiters cut to a few requests/s): a decrease is won back in about 6 s, at 4 or at 400
#   requests/s alike, so the SlowDown share does not depend on the scale.
# - SETTLE 10 s: the increase grows by (time since the last decrease / SETTLE)**2, so a limiter
#   that meets no SlowDown for long (other containers finished) takes their share within
#   seconds, not minutes, while one that meets a SlowDown every few seconds stays near linear.
# - MIN_RATE 0.5/s: no single wait for a token exceeds 2 s.
# - WINDOW 1 s: "the last second", whose successes set the first rate when START_RATE is None.
START_RATE: float | None = 10.0
START_GROWTH = math.log(2)
BETA = 0.7
INCREASE = 0.05
MIN_INCREASE = 0.2
SETTLE = 10.0
MIN_RATE = 0.5
WINDOW = 1.0

_EPSILON = 1e-9

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Tuning:
    """The AIMD parameters (the module's constants by default; tests and the benchmark vary
    them). start_rate None: no limit until the first SlowDown, which sets the rate to beta x the
    successes of the last `window`."""

    start_rate: float | None = START_RATE
    start_growth: float = START_GROWTH
    beta: float = BETA
    increase: float = INCREASE
    min_increase: float = MIN_INCREASE
    settle: float = SETTLE
    min_rate: float = MIN_RATE
    window: float = WINDOW


class Limiter:
    """A token bucket whose rate follows S3's answers: additive increase on success,
    multiplicative decrease on SlowDown, at most once per epoch. Thread-safe."""

    def __init__(
        self, tuning: Tuning | None = None, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ):
        self._tuning = tuning or Tuning()
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._rate: float | None = self._tuning.start_rate  # None: not limiting (no SlowDown seen yet)
        self._before_decrease = 0.0  # the rate the last decrease cut
        self._decreased_at = -math.inf
        self._tokens = 1.0
        self._filled_at = 0.0
        self._binding = False  # a thread found no token since the last increase: the rate is in use
        self._successes: deque[float] = deque()
        self._requests = 0
        self._slow_downs = 0
        self._decreases = 0
        self._wait_seconds = 0.0

    @property
    def rate(self) -> float | None:
        """Requests per second now allowed; None while not limiting."""
        return self._rate

    def try_acquire(self) -> tuple[float, float]:
        """Take a token if one is due: (ticket, 0.0), the ticket to pass to `record`; else (0.0,
        seconds until one may be). `acquire` is this in a loop with the waits between."""
        with self._lock:
            now = self._clock()
            if self._rate is None:
                self._requests += 1
                return now, 0.0
            self._tokens = min(1.0, self._tokens + (now - self._filled_at) * self._rate)
            self._filled_at = now
            if self._tokens >= 1.0 - _EPSILON:  # a float's rounding never leaves a token unpaid
                self._tokens = max(0.0, self._tokens - 1.0)
                self._requests += 1
                return now, 0.0
            self._binding = True
            return 0.0, (1.0 - self._tokens) / self._rate

    def acquire(self) -> float:
        """Wait for this request's token; returns its ticket (when it was taken) for `record`.
        Each wait lasts until the next token is due at the rate of that moment, so a decrease
        holds back every waiting thread at once, and no single wait exceeds 1 / min_rate."""
        while True:
            ticket, wait = self.try_acquire()
            if wait <= 0:
                return ticket
            with self._lock:
                self._wait_seconds += wait
            self._sleep(wait)

    def record(self, ticket: float, throttled: bool) -> None:
        """Adjust the rate to one answer: `ticket` is what `acquire` returned for its request."""
        tuning = self._tuning
        with self._lock:
            now = self._clock()
            if throttled:
                self._slow_downs += 1
                if ticket <= self._decreased_at:
                    return  # paced before the last decrease: part of the burst already acted upon
                if self._rate is None:
                    base = self._succeeded_per_second(now)
                    self._tokens, self._filled_at = 0.0, now
                else:
                    base = self._rate
                self._before_decrease = base
                self._rate = max(tuning.min_rate, tuning.beta * base)
                self._decreased_at = now
                self._decreases += 1
                return
            if self._rate is None:  # kept only for the first decrease's estimate
                self._successes.append(now)
                self._succeeded_per_second(now)  # drops what left the window, bounding the deque
            elif self._binding:
                if self._decreases == 0:
                    self._rate += tuning.start_growth  # per token used: x e**start_growth a second
                else:
                    gain = max(tuning.min_increase, tuning.increase * self._before_decrease)
                    gain *= 1.0 + ((now - self._decreased_at) / tuning.settle) ** 2
                    self._rate += gain / self._rate
                self._binding = False

    def _succeeded_per_second(self, now: float) -> float:
        window = self._tuning.window
        while self._successes and self._successes[0] <= now - window:
            self._successes.popleft()
        return len(self._successes) / window

    def figures(self) -> dict[str, Any]:
        """A snapshot: requests sent, SlowDown answers, rate decreases, seconds threads waited for
        tokens, and the rate now (None while not limiting)."""
        with self._lock:
            return {
                "requests": self._requests,
                "slowDowns": self._slow_downs,
                "decreases": self._decreases,
                "waitSeconds": round(self._wait_seconds, 3),
                "rate": None if self._rate is None else round(self._rate, 3),
            }


class Registry:
    """The limiters of one Lambda container, one per (bucket, kind), created on first use."""

    def __init__(
        self, tuning: Tuning | None = None, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ):
        self._tuning = tuning
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._limiters: dict[tuple[str, str], Limiter] = {}

    def limiter(self, bucket: str, kind: str) -> Limiter:
        """The limiter of `bucket`'s reads or writes."""
        key = (bucket, kind)
        found = self._limiters.get(key)
        if found is not None:
            return found
        with self._lock:
            return self._limiters.setdefault(key, Limiter(self._tuning, self._clock, self._sleep))

    def figures(self) -> dict[str, dict[str, Any]]:
        """Every limiter's figures, keyed "bucket/kind"."""
        with self._lock:
            limiters = dict(self._limiters)
        return {f"{bucket}/{kind}": limiter.figures() for (bucket, kind), limiter in sorted(limiters.items())}

    def totals(self) -> dict[str, int]:
        """Requests and SlowDown answers summed over every limiter: pass to `since` later."""
        figures = self.figures().values()
        return {
            "requests": sum(f["requests"] for f in figures),
            "slowDowns": sum(f["slowDowns"] for f in figures),
        }

    def since(self, mark: dict[str, int]) -> dict[str, int]:
        """Requests and SlowDown answers since `mark` (a `totals()`): one window's or one
        invocation's, since a Lambda container runs one invocation at a time."""
        now = self.totals()
        return {name: now[name] - mark.get(name, 0) for name in now}


REGISTRY = Registry()
"""The container's limiters: every client `install` hooks shares them."""


def mark() -> dict[str, int]:
    """The container's totals now; `since(mark)` later gives the requests and SlowDowns between."""
    return REGISTRY.totals()


def since(mark: dict[str, int]) -> dict[str, int]:
    """{"requests": n, "slowDowns": m} of this container since `mark`."""
    return REGISTRY.since(mark)


# --- botocore hooks ---------------------------------------------------------------------------

_CONTEXT_KEY = "bucket_sync_backpressure"
_HOOK_ID = "bucket-sync-backpressure"
# before-send gets only the prepared request, not the call's context: request-created, which
# fires for every attempt on the calling thread just before it, hands the attempt over here.
_attempt = threading.local()


class _Call:
    """One API call's limiter and the ticket of its latest attempt."""

    __slots__ = ("limiter", "ticket")

    def __init__(self, limiter: Limiter):
        self.limiter = limiter
        self.ticket = 0.0


def kind_of(operation: Any) -> str:
    """READ for GET/HEAD operations (GetObject, HeadObject, ListObjectsV2), WRITE for the rest
    (PUT/POST/DELETE: CopyObject, UploadPartCopy, DeleteObjects, multipart uploads): how S3
    counts them against a prefix's limits."""
    return READ if operation.http.get("method", "GET") in ("GET", "HEAD") else WRITE


def install(client: Any, registry: Registry | None = None) -> None:
    """Pace and record every attempt of `client`'s bucket requests through `registry`'s
    limiters (the container's by default). Installing twice changes nothing."""
    registry = REGISTRY if registry is None else registry
    events = client.meta.events

    def on_parameters(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        bucket = params.get("Bucket")
        if isinstance(bucket, str) and bucket:
            context[_CONTEXT_KEY] = _Call(registry.limiter(bucket, kind_of(model)))

    events.register("before-parameter-build.s3", on_parameters, unique_id=f"{_HOOK_ID}-parameters")
    events.register("request-created.s3", _on_request_created, unique_id=f"{_HOOK_ID}-created")
    # First among before-send handlers: a handler that answers instead of sending (a stub, an
    # emulator) must see the request only once it has its token.
    events.register_first("before-send.s3", _on_before_send, unique_id=f"{_HOOK_ID}-send")
    events.register("needs-retry.s3", _on_needs_retry, unique_id=f"{_HOOK_ID}-retry")


def _on_request_created(request: Any, **_: Any) -> None:
    _attempt.call = getattr(request, "context", {}).get(_CONTEXT_KEY)


def _on_before_send(**_: Any) -> None:
    call = getattr(_attempt, "call", None)
    _attempt.call = None
    if call is not None:
        call.ticket = call.limiter.acquire()


def _on_needs_retry(request_dict: dict[str, Any], operation: Any, response: Any = None, **_: Any) -> None:
    call = request_dict.get("context", {}).get(_CONTEXT_KEY)
    if call is None or response is None:
        return None  # no bucket, or no answer (a connection error): says nothing about the rate
    http_response, parsed = response
    throttled = http_response.status_code >= 300 and is_throttle(ClientError(parsed, operation.name))
    call.limiter.record(call.ticket, throttled)
    return None
