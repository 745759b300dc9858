"""Back-pressure: the AIMD limiter on an injected clock, and its botocore hooks on real S3 clients
against moto, with SlowDown answered by a fake S3 request limit in a before-send handler."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from bucket_sync import backpressure, clients
from bucket_sync.backpressure import READ, WRITE, Limiter, Registry, Tuning
from tests.unit.support import REGION


class FakeClock:
    """Time that passes only when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 100.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def limiter(clock: FakeClock, **tuning: Any) -> Limiter:
    return Limiter(Tuning(**tuning), clock=clock, sleep=clock.sleep)


# --- the controller ---------------------------------------------------------------------------


def test_a_limiter_paces_requests_at_its_rate():
    clock = FakeClock()
    pacer = limiter(clock, start_rate=5.0)
    for _ in range(6):
        pacer.acquire()
    assert clock.now == pytest.approx(101.0)  # the first token is there, five more at 5/s
    assert pacer.figures()["requests"] == 6


def test_a_slowdown_multiplies_the_rate_by_beta():
    clock = FakeClock()
    pacer = limiter(clock, start_rate=10.0, beta=0.7)
    pacer.record(pacer.acquire(), throttled=True)
    assert pacer.rate == pytest.approx(7.0)
    assert pacer.figures()["slowDowns"] == 1


def test_slowdowns_of_one_burst_cut_the_rate_once():
    clock = FakeClock()
    pacer = limiter(clock, start_rate=10.0, beta=0.7)
    tickets = [pacer.acquire() for _ in range(16)]
    for ticket in tickets:  # 16 threads answered SlowDown for requests sent before any decrease
        pacer.record(ticket, throttled=True)
    assert pacer.rate == pytest.approx(7.0)
    later = pacer.acquire()  # paced at the lowered rate and still answered SlowDown: a new epoch
    pacer.record(later, throttled=True)
    assert pacer.rate == pytest.approx(4.9)
    assert pacer.figures() | {"waitSeconds": None} == {
        "requests": 17,
        "slowDowns": 17,
        "decreases": 2,
        "waitSeconds": None,
        "rate": 4.9,
    }


def test_successes_raise_the_rate_additively_while_threads_wait():
    clock = FakeClock()
    pacer = limiter(clock, start_rate=10.0, beta=0.5, increase=0.1, min_increase=0.0, settle=1e9)
    pacer.record(pacer.acquire(), throttled=True)  # 10 -> 5, the rate before it was 10
    for _ in range(5):  # one second of tokens, each taken after a wait
        pacer.record(pacer.acquire(), throttled=False)
    # +0.1 x 10 per second of tokens used, spread over the successes: about 6/s
    assert pacer.rate == pytest.approx(6.0, rel=0.03)


def test_a_rate_nobody_waits_for_is_not_raised():
    clock = FakeClock()
    pacer = limiter(clock, start_rate=10.0, beta=0.5)
    pacer.record(pacer.acquire(), throttled=True)
    clock.sleep(10.0)  # idle: tokens are there when asked for
    for _ in range(3):
        ticket = pacer.acquire()
        pacer.record(ticket, throttled=False)
        clock.sleep(1.0)
    assert pacer.rate == 5.0


def test_without_slowdowns_the_rate_doubles_about_every_second_of_use():
    clock = FakeClock()
    pacer = limiter(clock, start_rate=10.0)
    start = clock.now
    while clock.now - start < 3.0:
        pacer.record(pacer.acquire(), throttled=False)
    assert 60 <= pacer.rate <= 100  # 10 x 2**3, give or take the pacing's granularity


def test_the_rate_has_a_floor_so_no_wait_exceeds_two_seconds():
    clock = FakeClock()
    pacer = limiter(clock, start_rate=10.0, beta=0.5)
    for _ in range(20):
        pacer.record(pacer.acquire(), throttled=True)
    assert pacer.rate == 0.5
    pacer.acquire()
    _, wait = pacer.try_acquire()
    assert 0 < wait <= 2.0


def test_without_a_start_rate_the_first_slowdown_sets_it_from_the_last_seconds_successes():
    clock = FakeClock()
    pacer = limiter(clock, start_rate=None, beta=0.7)
    for _ in range(40):  # 40 successes in 2 s, unpaced: 20 of them in the last second
        ticket = pacer.acquire()
        clock.sleep(0.05)
        pacer.record(ticket, throttled=False)
    assert clock.now == pytest.approx(102.0)
    assert pacer.rate is None
    clock.sleep(0.025)  # the window's edge falls between two successes, not on one
    pacer.record(pacer.acquire(), throttled=True)
    assert pacer.rate == pytest.approx(0.7 * 20)


def simulate(containers: int, tuning: Tuning, limit: float = 40.0, calls: int = 3000) -> tuple[float, float]:
    """Virtual-time run of `containers` x 16 threads against a bucket taking `limit` writes/s
    (burst 1 s); each request is answered 50 ms after it is sent, SlowDown when the bucket has no
    token, and throttled calls go again through their limiter. Returns (writes/s / limit,
    share of requests answered SlowDown)."""
    events: list[tuple[float, int, Callable[[], None]]] = []
    clock = FakeClock()
    clock.now = 0.0
    state = {"tokens": limit, "filled": 0.0, "sent": 0, "slow": 0, "done": 0, "last": 0.0, "seq": 0}

    def at(when: float, action: Callable[[], None]) -> None:
        state["seq"] += 1
        heapq.heappush(events, (when, state["seq"], action))

    def bucket_takes() -> bool:
        state["tokens"] = min(limit, state["tokens"] + (clock.now - state["filled"]) * limit)
        state["filled"] = clock.now
        if state["tokens"] >= 1:
            state["tokens"] -= 1
            return True
        return False

    def thread(pacer: Limiter, work: list[int]) -> Callable[[], None]:
        def next_call() -> None:
            if work[0] > 0:
                work[0] -= 1
                call()

        def call() -> None:
            ticket, wait = pacer.try_acquire()
            if wait > 0:
                at(clock.now + wait, call)
                return
            state["sent"] += 1
            taken = bucket_takes()
            at(clock.now + 0.05, lambda: answered(ticket, taken))

        def answered(ticket: float, taken: bool) -> None:
            pacer.record(ticket, throttled=not taken)
            if not taken:
                state["slow"] += 1
                call()
                return
            state["done"] += 1
            state["last"] = clock.now
            next_call()

        return next_call

    for container in range(containers):
        pacer = Limiter(tuning, clock=clock, sleep=clock.sleep)
        work = [calls // containers]
        for number in range(16):
            at((container * 16 + number) * 0.0001, thread(pacer, work))
    while events:
        clock.now, _, action = heapq.heappop(events)
        action()
    return state["done"] / state["last"] / limit, state["slow"] / state["sent"]


@pytest.mark.parametrize("containers", [1, 10])
def test_against_a_fixed_limit_the_module_tuning_reaches_the_issues_target(containers):
    ratio, slow_share = simulate(containers, Tuning())
    assert ratio >= 0.9
    assert slow_share <= 0.10


# --- the hooks on real clients against moto ---------------------------------------------------


class SlowDownAbove:
    """A before-send handler that answers 503 SlowDown when `bucket`'s writes exceed `rate`
    per second (a token bucket of one second's burst on the test's clock)."""

    def __init__(self, clock: FakeClock, bucket: str, rate: float):
        self.clock, self.bucket, self.rate = clock, bucket, rate
        self.tokens, self.filled, self.answered = rate, clock.now, 0
        self._lock = threading.Lock()

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        if request.method not in ("PUT", "POST", "DELETE") or f"/{self.bucket}/" not in request.url + "/":
            return None
        with self._lock:
            now = self.clock.now
            self.tokens = min(self.rate, self.tokens + (now - self.filled) * self.rate)
            self.filled = now
            if self.tokens >= 1:
                self.tokens -= 1
                return None
            self.answered += 1
        body = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
        return AWSResponse(request.url, 503, {}, SimpleNamespace(stream=lambda **_: iter([body])))


def hooked_client(registry: Registry, attempts: int = 1) -> Any:
    client = boto3.client(
        "s3",
        region_name=REGION,
        config=Config(
            retries={"mode": "standard", "total_max_attempts": attempts}, s3={"addressing_style": "path"}
        ),
    )
    backpressure.install(client, registry)
    return client


def put(client: Any, bucket: str, key: str) -> bool:
    try:
        client.put_object(Bucket=bucket, Key=key, Body=b"x")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "SlowDown"
        return False
    return True


def test_slowdowns_lower_the_buckets_write_rate_and_are_counted(s3):
    clock = FakeClock()
    registry = Registry(Tuning(start_rate=10.0), clock=clock, sleep=clock.sleep)
    client = hooked_client(registry)
    slow_down = SlowDownAbove(clock, "dst", rate=4.0)
    client.meta.events.register("before-send.s3", slow_down)
    refused = sum(not put(client, "dst", f"k{n}") for n in range(60))
    writes = registry.limiter("dst", WRITE)
    assert refused == slow_down.answered > 0
    assert writes.figures()["slowDowns"] == refused
    assert writes.figures()["requests"] == 60
    assert writes.rate < 10.0
    # once lowered, the limiter holds the writes near the limit: few of the last 30 were refused
    late = sum(not put(client, "dst", f"late{n}") for n in range(30))
    assert late <= 3


def test_reads_writes_and_buckets_are_limited_apart(s3):
    clock = FakeClock()
    registry = Registry(Tuning(start_rate=10.0), clock=clock, sleep=clock.sleep)
    client = hooked_client(registry)
    client.meta.events.register("before-send.s3", SlowDownAbove(clock, "dst", rate=2.0))
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda n: put(client, "dst" if n % 2 else "src", f"k{n}"), range(40)))
        list(pool.map(lambda n: client.list_objects_v2(Bucket="dst"), range(8)))
    figures = registry.figures()
    assert figures["dst/write"]["slowDowns"] == outcomes.count(False) > 0
    assert figures["dst/write"]["rate"] < 10.0
    assert (figures["src/write"]["requests"], figures["src/write"]["slowDowns"]) == (20, 0)
    assert figures["src/write"]["decreases"] == 0
    assert figures["dst/read"]["requests"] == 8
    assert figures["dst/read"]["slowDowns"] == 0


def test_the_hook_leaves_botocores_retries_and_counts_every_attempt(s3, monkeypatch):
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=lambda seconds: None))
    clock = FakeClock()
    registry = Registry(Tuning(start_rate=10.0), clock=clock, sleep=clock.sleep)
    client = hooked_client(registry, attempts=3)
    first_only = iter([True])

    def slow_down_once(request: Any, **_: Any) -> AWSResponse | None:
        if next(first_only, False):
            body = b"<Error><Code>SlowDown</Code><Message>Reduce.</Message></Error>"
            return AWSResponse(request.url, 503, {}, SimpleNamespace(stream=lambda **_: iter([body])))
        return None

    client.meta.events.register("before-send.s3", slow_down_once)
    answer = client.put_object(Bucket="dst", Key="k", Body=b"x")
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert registry.limiter("dst", WRITE).figures() | {"waitSeconds": None, "rate": None} == {
        "requests": 2,
        "slowDowns": 1,
        "decreases": 1,
        "waitSeconds": None,
        "rate": None,
    }


def test_installing_twice_hooks_once(s3):
    clock = FakeClock()
    registry = Registry(clock=clock, sleep=clock.sleep)
    client = hooked_client(registry)
    backpressure.install(client, registry)
    client.put_object(Bucket="dst", Key="k", Body=b"x")
    assert registry.limiter("dst", WRITE).figures()["requests"] == 1


def test_the_handlers_s3_clients_are_hooked_to_the_containers_registry(s3):
    clients._cached_client.cache_clear()
    before = backpressure.mark()
    try:
        client = clients.s3_client(REGION, threads=2)
        client.put_object(Bucket="dst", Key="k", Body=b"x")
        client.head_object(Bucket="dst", Key="k")
    finally:
        clients._cached_client.cache_clear()
    assert backpressure.since(before) == {"requests": 2, "slowDowns": 0}
    assert "dst/write" in backpressure.REGISTRY.figures()
    assert "dst/read" in backpressure.REGISTRY.figures()


@pytest.mark.parametrize(
    ("operation", "kind"),
    [
        ("CopyObject", WRITE),
        ("UploadPartCopy", WRITE),
        ("DeleteObjects", WRITE),
        ("DeleteObject", WRITE),
        ("CreateMultipartUpload", WRITE),
        ("CompleteMultipartUpload", WRITE),
        ("AbortMultipartUpload", WRITE),
        ("PutObject", WRITE),
        ("GetObject", READ),
        ("HeadObject", READ),
        ("ListObjectsV2", READ),
    ],
)
def test_operations_count_as_s3_counts_them(operation, kind):
    model = boto3.client("s3", region_name=REGION).meta.service_model.operation_model(operation)
    assert backpressure.kind_of(model) == kind
