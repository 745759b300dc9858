"""One bounded pool of threads per step: every S3 request runs on it, none waits on another."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import moto.s3.models
import pytest

from bucket_sync.copier import CopyOptions
from bucket_sync.jobs import one_call, run_jobs
from bucket_sync.listing import list_range
from bucket_sync.range_step import start_progress, sync_window
from harness.buckets import snapshot
from tests.unit.support import copy_all, put, put_multipart, run_config, settings, whole_range

# A Lambda process may start this many threads.
LAMBDA_THREAD_LIMIT = 1024
# Threads a step may use beyond its pool: the calling thread and a few the runtime or test owns.
SMALL_CONSTANT = 4


@pytest.fixture
def tiny_parts(monkeypatch):
    """Let moto accept parts of a few bytes, so objects of 64 parts stay small in memory."""
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)


def peak_threads_of_requests(s3) -> list[int]:
    """Record how many threads are alive at every request the client makes; each request takes
    a few milliseconds, as over a network, so requests of different objects overlap."""
    seen: list[int] = []

    def before_call(**_):
        seen.append(threading.active_count())
        time.sleep(0.003)

    s3.meta.events.register("before-call.s3", before_call)
    return seen


def sync_with(s3, copy_threads: int):
    progress = start_progress(whole_range())
    while not progress["done"]:
        progress, _ = sync_window(
            s3, s3, run_config(), whole_range(), progress, settings(copy_threads=copy_threads)
        )
    return progress


def test_a_step_of_many_multipart_objects_stays_within_copy_threads(s3, tiny_parts):
    for i in range(8):
        put_multipart(s3, "src", f"big-{i}", [3] * 64)
    for i in range(20):
        put(s3, "src", f"small-{i:02}")
    before = threading.active_count()
    seen = peak_threads_of_requests(s3)
    counts = sync_with(s3, copy_threads=64)["counts"]
    assert counts["copied"] == 28 and snapshot(s3, "dst") == snapshot(s3, "src")
    assert max(seen) - before <= 64 + SMALL_CONSTANT
    assert max(seen) < LAMBDA_THREAD_LIMIT // 4


def test_one_thread_copies_multipart_objects_without_deadlock(s3, tiny_parts):
    for i in range(3):
        put_multipart(s3, "src", f"big-{i}", [2] * 5)
    put(s3, "src", "small")
    finished = []
    runner = threading.Thread(target=lambda: finished.append(sync_with(s3, copy_threads=1)), daemon=True)
    runner.start()
    runner.join(timeout=60)
    assert finished, "a step with copy_threads=1 did not finish: its pool deadlocked"
    assert finished[0]["counts"]["copied"] == 4 and snapshot(s3, "dst") == snapshot(s3, "src")


def fail_part(s3, number: int) -> None:
    """Answer UploadPartCopy of part `number` with a server error, as S3 may."""

    class Refused:
        status_code = 403

    def before_call(params, model, **_):
        if model.name == "UploadPartCopy" and str(params["query_string"].get("partNumber")) == str(number):
            return Refused(), {"Error": {"Code": "AccessDenied", "Message": "no"}, "ResponseMetadata": {}}
        return None

    s3.meta.events.register("before-call.s3", before_call)


def test_a_failed_part_aborts_the_upload_and_names_the_object(s3, tiny_parts):
    put_multipart(s3, "src", "big", [4] * 6)
    fail_part(s3, 3)
    listed = list_range(s3, "src", "", "", None, 10).entries
    outcome = copy_all(s3, s3, "src", "dst", listed, CopyOptions(threads=2))
    assert outcome.copied == [] and "AccessDenied" in outcome.failures[0]["reason"]
    assert snapshot(s3, "dst") == {}
    assert s3.list_multipart_uploads(Bucket="dst").get("Uploads", []) == []


def test_copies_after_time_runs_out_are_deferred_in_key_order(s3):
    for key in ["d", "a", "c", "b"]:
        put(s3, "src", key)
    listed = list_range(s3, "src", "", "", None, 10).entries
    budget = iter([1.0])
    options = CopyOptions(threads=1, seconds_left=lambda: next(budget, -1.0))
    outcome = copy_all(s3, s3, "src", "dst", list(reversed(listed)), options)
    assert [e.key for e in outcome.copied] == ["a", "b"]
    assert [e.key for e in outcome.deferred] == ["c", "d"]


def test_run_jobs_returns_outcomes_in_the_order_of_the_jobs():
    def job(n):
        (result,) = yield [lambda: n * 10]
        (again,) = yield [lambda: result + 1]
        return again

    with ThreadPoolExecutor(max_workers=3) as pool:
        done = run_jobs(pool, (job(n) for n in range(7)), max_active=3)
    assert [d.value for d in done] == [1, 11, 21, 31, 41, 51, 61]


def test_run_jobs_hands_a_failed_request_back_to_its_job_after_the_batch_settles():
    release = threading.Event()
    calls = []

    def slow_ok():
        release.wait(5)
        calls.append("slow")
        return "ok"

    def fail():
        release.set()
        raise ValueError("refused")

    def job():
        try:
            yield [slow_ok, fail]
        except ValueError as error:
            # by now the batch's running request has finished
            return f"{error} after {calls}"
        return "no error"

    with ThreadPoolExecutor(max_workers=2) as pool:
        (done,) = run_jobs(pool, [job()], max_active=1)
    assert done.value == "refused after ['slow']"


def test_run_jobs_cancels_the_requests_of_a_failed_batch_not_yet_started():
    ran = []

    def fail():
        raise ValueError("refused")

    def job():
        yield [fail, *(lambda n=n: ran.append(n) for n in range(20))]

    with ThreadPoolExecutor(max_workers=1) as pool:
        (done,) = run_jobs(pool, [job()], max_active=1)
    assert isinstance(done.error, ValueError) and len(ran) < 20


def test_run_jobs_starts_no_more_jobs_than_allowed_at_once():
    active, peak, lock = [0], [0], threading.Lock()

    def enter():
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])

    def leave():
        with lock:
            active[0] -= 1

    def job():
        yield [enter]
        yield [lambda: None]
        yield [leave]

    with ThreadPoolExecutor(max_workers=8) as pool:
        run_jobs(pool, (job() for _ in range(30)), max_active=3)
    assert peak[0] <= 3


def test_one_call_returns_the_result_of_its_request():
    with ThreadPoolExecutor(max_workers=1) as pool:
        (done,) = run_jobs(pool, [one_call(lambda: 42)], max_active=1)
    assert done.value == 42
