"""One bounded pool of threads per step, and jobs that never block a thread of it.

A Lambda process may start at most 1,024 threads. Pools nested in pools (a copy waiting in a
worker on its own pool of part copies) multiply threads with every multipart object, and a
bounded pool whose workers wait on tasks queued behind them deadlocks. So, like s3transfer,
a step has one executor to which every S3 request is submitted as a task that does one
request and returns; what to do next is decided in the calling thread.

A job is a generator: it yields a batch of calls (zero-argument callables, each one request),
receives their results in the same order, and returns its outcome. When a call of a batch
raises, the batch's calls not yet started are cancelled, the ones under way are waited for,
and the first error (in batch order) is raised inside the job at its `yield`, so the job can
clean up (abort a multipart upload) with ordinary try/except. `run_jobs` drives many jobs at
once from the calling thread; no worker ever waits for another task.

A worked example: 100 jobs of three requests each (two at once, then one that needs both
answers) on a step pool of 4 threads. At most 4 jobs are under way and 4 requests in flight;
the threads are the pool's 4 and the calling thread, which alone runs the jobs' own code, so
what the jobs share (the copier's clock, the delete guard) needs no lock. A request that raises
is raised at the job's `yield`:

>>> import threading
>>> from functools import partial
>>> def job(n):
...     square, cube = yield [partial(pow, n, 2), partial(pow, n, 3)]
...     (total,) = yield [partial(sum, [square, cube])]
...     return total
>>> def cleans_up():
...     try:
...         yield [partial(int, "not a number")]
...     except ValueError:
...         return "aborted"  # as a multipart job aborts its upload
>>> before = threading.active_count()
>>> with step_pool(4) as pool:
...     done = run_jobs(pool, [*(job(n) for n in range(100)), cleans_up()], max_active=4)
...     started = threading.active_count() - before
>>> [d.value for d in done[:3]], done[-1].value, started <= 4
([0, 2, 12], 'aborted', True)

Futures with callbacks (s3transfer's pattern) bound threads and memory as well: the same one
pool, each request's callback submitting the next. They are not as simple here: each job's
steps (a multipart copy's create, slices of parts, complete, abort on error) become callbacks,
and the jobs' code runs on the workers, so what they share needs locks. docs/PLANNER.md argues it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from concurrent.futures import CancelledError, Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from queue import SimpleQueue
from threading import Lock
from typing import Any, TypeVar

T = TypeVar("T")
Call = Callable[[], Any]
Job = Generator[list[Call], list[Any], T]


@dataclass(frozen=True)
class Done:
    """How one job ended: its return value, or the exception that escaped it."""

    value: Any = None
    error: Exception | None = None


def one_call(call: Call) -> Job[Any]:
    """A job of a single request, returning its result."""
    (result,) = yield [call]
    return result


@dataclass
class _Running:
    index: int
    job: Job[Any]
    futures: list[Future] = field(default_factory=list)
    # Requests of the current batch not yet finished or cancelled.
    left: int = 0


def run_jobs(executor: Executor, jobs: Iterable[Job[Any]], max_active: int) -> list[Done]:
    """Run `jobs` with their requests on `executor`; return how each ended, in input order.

    At most `max_active` jobs are under way at once, and the next job is taken from `jobs`
    only when a slot is free, so a lazy iterable decides at that moment whether to start it
    (the copier's time budget does). Jobs are started in order, and the executor runs tasks
    first in, first out, so earlier jobs' requests go first.

    Each request reports its end once (a callback), and a job is resumed when its batch's last
    request has ended, so the calling thread's work grows with the requests, not with the
    requests in flight times the requests that end.
    """
    driver = _Driver(executor)
    active = 0
    pending = iter(jobs)
    exhausted = False
    while True:
        while not exhausted and active < max(1, max_active):
            job = next(pending, None)
            if job is None:
                exhausted = True
                break
            driver.results.append(None)
            if driver.advance(_Running(len(driver.results) - 1, job), None, None):
                active += 1
        if not active:
            break
        state = driver.settled.get()
        if not driver.advance(state, *_outcome(state.futures)):
            active -= 1
    return [done if done is not None else Done() for done in driver.results]


class _Driver:
    """The jobs' requests on `executor`, and the jobs whose batch has ended (`settled`)."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self.results: list[Done | None] = []
        self.settled: SimpleQueue[_Running] = SimpleQueue()
        self.lock = Lock()

    def on_done(self, state: _Running, future: Future) -> None:
        """A request's callback: the batch's last one to end hands the job back to be resumed."""
        if not future.cancelled() and future.exception() is not None:
            for other in state.futures:
                other.cancel()  # not yet started: never will be (its own callback counts it)
        with self.lock:
            state.left -= 1
            last = state.left == 0
        if last:
            self.settled.put(state)

    def advance(self, state: _Running, sent: list[Any] | None, error: BaseException | None) -> bool:
        """Resume a job until it yields a non-empty batch (True) or ends (False)."""
        while True:
            try:
                batch = state.job.throw(error) if error is not None else state.job.send(sent)  # type: ignore[arg-type]
            except StopIteration as stop:
                self.results[state.index] = Done(value=stop.value)
                return False
            except Exception as escaped:  # the job's own outcome; the step goes on
                self.results[state.index] = Done(error=escaped)
                return False
            if batch:
                state.left = len(batch)
                # Every request is queued before any callback may cancel the batch's others.
                state.futures = [self.executor.submit(call) for call in batch]
                for future in state.futures:
                    future.add_done_callback(partial(self.on_done, state))
                return True
            sent, error = [], None


def _outcome(futures: list[Future]) -> tuple[list[Any] | None, BaseException | None]:
    """The batch's results, or its first error in batch order."""
    for future in futures:
        if not future.cancelled() and future.exception() is not None:
            return None, future.exception()
    if any(future.cancelled() for future in futures):
        return None, CancelledError()
    return [future.result() for future in futures], None


def step_pool(threads: int) -> ThreadPoolExecutor:
    """The executor of one step: `threads` workers, the only threads the step starts."""
    return ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="bucket-sync")
