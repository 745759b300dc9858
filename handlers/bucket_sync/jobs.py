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
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
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
    futures: list[Future]


def run_jobs(executor: Executor, jobs: Iterable[Job[Any]], max_active: int) -> list[Done]:
    """Run `jobs` with their requests on `executor`; return how each ended, in input order.

    At most `max_active` jobs are under way at once, and the next job is taken from `jobs`
    only when a slot is free, so a lazy iterable decides at that moment whether to start it
    (the copier's time budget does). Jobs are started in order, and the executor runs tasks
    first in, first out, so earlier jobs' requests go first.
    """
    results: list[Done | None] = []
    running: dict[Future, _Running] = {}
    active = 0
    pending = iter(jobs)
    exhausted = False

    def advance(state: _Running, sent: list[Any] | None, error: BaseException | None) -> bool:
        """Resume a job until it yields a non-empty batch (True) or ends (False)."""
        while True:
            try:
                batch = state.job.throw(error) if error is not None else state.job.send(sent)  # type: ignore[arg-type]
            except StopIteration as stop:
                results[state.index] = Done(value=stop.value)
                return False
            except Exception as escaped:  # the job's own outcome; the step goes on
                results[state.index] = Done(error=escaped)
                return False
            if batch:
                state.futures = [executor.submit(call) for call in batch]
                for future in state.futures:
                    running[future] = state
                return True
            sent, error = [], None

    while True:
        while not exhausted and active < max(1, max_active):
            job = next(pending, None)
            if job is None:
                exhausted = True
                break
            results.append(None)
            if advance(_Running(len(results) - 1, job, []), None, None):
                active += 1
        if not running:
            break
        finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
        for future in finished:
            state = running.pop(future, None)
            if state is None:
                continue  # a batch already handed back to its job
            if not future.cancelled() and future.exception() is not None:
                for other in state.futures:
                    other.cancel()  # not yet started: never will be
            if not all(f.done() for f in state.futures):
                continue
            for other in state.futures:
                running.pop(other, None)
            if not advance(state, *_outcome(state.futures)):
                active -= 1
    return [done if done is not None else Done() for done in results]


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
