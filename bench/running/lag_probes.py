"""What bench/continuous_lag.py measures inside the emulator: moto's time per S3 request the
consumer sent (S3Timer), and each consumer sandbox's batches, its first against the later ones
(WorkerProbe). Both wrap harness internals for the benchmark's duration only."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class S3Timer:
    """The emulator's time to answer each S3 request signed by anyone but its admin (here: only
    the consumer, as the writer and the checks sign as admin), measured around moto's dispatch."""

    requests: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> Callable[[], None]:
        """Wrap the emulator's dispatch (after Emulator.start patched it); returns the undo."""
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication

        from harness.throttling import limited_caller

        original = DomainDispatcherApplication.__call__
        timer = self

        def timed(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
            if not limited_caller(environ) or getattr(self.get_application(environ), "service", None) != "s3":
                return original(self, environ, start_response)
            started = time.monotonic()
            try:
                return original(self, environ, start_response)
            finally:
                with timer._lock:
                    timer.requests += 1
                    timer.seconds += time.monotonic() - started

        DomainDispatcherApplication.__call__ = timed  # type: ignore[method-assign]
        return lambda: setattr(DomainDispatcherApplication, "__call__", original)

    def restart(self) -> None:
        with self._lock:
            self.requests, self.seconds = 0, 0.0


@dataclass(frozen=True)
class Batch:
    """One consumer invocation as its worker process saw it."""

    sandbox: int
    first: bool  # the sandbox's first batch of records
    records: int
    seconds: float
    cpu_seconds: float


@dataclass
class WorkerProbe:
    """The consumer's Lambda workers: the sandboxes started (and how long each took to be ready)
    and each batch's wall and CPU time inside its worker process."""

    function: str
    sandboxes: set[int] = field(default_factory=set)
    cold_starts: list[float] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    _fed: set[int] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> Callable[[], None]:
        """Wrap the emulator's Lambda workers; returns the undo."""
        from harness.lambda_runtime import _Worker

        original_init, original_invoke = _Worker.__init__, _Worker.invoke
        probe = self

        def init(self: Any, ctx: Any, spec: Any, *args: Any, **kwargs: Any) -> None:
            started = time.monotonic()
            original_init(self, ctx, spec, *args, **kwargs)
            if spec.function_name == probe.function:
                with probe._lock:
                    probe.cold_starts.append(time.monotonic() - started)
                    probe.sandboxes.add(id(self))

        def invoke(self: Any, payload: bytes, *args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            result = original_invoke(self, payload, *args, **kwargs)
            records = len(json.loads(payload).get("Records", []))
            if self.process.name == f"lambda:{probe.function}" and records:
                with probe._lock:
                    first = id(self) not in probe._fed
                    probe._fed.add(id(self))
                    seconds = time.monotonic() - started
                    cpu = getattr(result, "cpu_seconds", 0.0)
                    probe.batches.append(Batch(id(self), first, records, seconds, cpu))
            return result

        _Worker.__init__, _Worker.invoke = init, invoke  # type: ignore[method-assign]

        def undo() -> None:
            _Worker.__init__, _Worker.invoke = original_init, original_invoke  # type: ignore[method-assign]

        return undo

    def restart(self) -> None:
        """Forget the figures, keep the sandboxes: the next scenario starts."""
        with self._lock:
            self.cold_starts.clear()
            self.batches.clear()

    def summary(self) -> str:
        first = [b for b in self.batches if b.first]
        later = [b for b in self.batches if not b.first]
        parts = [f"{len(self.cold_starts)} cold starts during the load"]
        if self.cold_starts:
            parts[0] += f" ({statistics.mean(self.cold_starts):.1f} s each)"
        for name, group in (("a sandbox's first batch", first), ("later batches", later)):
            if group:
                records = sum(b.records for b in group)
                parts.append(
                    f"{name}: {len(group)}, {records / sum(b.seconds for b in group):.1f} records/s, "
                    f"mean {statistics.mean(b.seconds for b in group):.2f} s and "
                    f"{statistics.mean(b.records for b in group):.0f} records, "
                    f"CPU {statistics.mean(b.cpu_seconds for b in group):.2f} s"
                )
        return "in the consumer's workers: " + "; ".join(parts)
