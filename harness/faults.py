"""Fault injection for the emulator: S3 error responses, DynamoDB throttles, Lambda crashes.

Use it through :meth:`harness.Emulator.faults`, as a context manager that is active only
inside its ``with`` block (fill buckets before, verify after)::

    with emulator.faults(s3_error_rate=0.1, seed=7) as faults:
        execution = deployment.run(source=..., destination=...)
    print(faults.figures())

What can be injected
--------------------
* ``s3_error_rate``: that fraction of S3 requests is answered with one of ``s3_errors``
  (default: 503 SlowDown and 500 InternalError) instead of being processed.  The verdict for a
  request is a hash of ``seed``, the request (method, raw URI, copy source) and how many times
  that same request was seen before, so a run's faults do not depend on how threads interleave,
  and a retried request gets a fresh, independent verdict.
* ``dynamodb_throttle_rate``: that fraction of DynamoDB requests (any action, any caller) is
  answered ``ProvisionedThroughputExceededException`` (HTTP 400) instead of being processed,
  decided like ``s3_error_rate``: a hash of ``seed``, the action, the body and how many times
  that same request was seen before.
* ``fail_keys``: ``{key: S3Error}``; every request naming that key (in its path, or as the
  ``x-amz-copy-source`` of a CopyObject / UploadPartCopy) gets that error, whatever the rate.
  Models one object that keeps failing (``INTERNAL_ERROR``) or is denied (``ACCESS_DENIED``).
  ``fail_keys_bucket`` narrows the rule to requests on one bucket (path or copy source).
  Keys inside a DeleteObjects body are not looked at.
* ``before_s3_request``: called with (method, bucket, key, query string) before each S3 request
  is processed, to change what the request will find, e.g. rewrite an object between a
  step's listing and its DeleteObjects (a concurrent writer, exactly between two requests).
* ``crashes``: :class:`Crash` rules; a Lambda invocation whose function name contains
  ``function`` and is the ``nth`` (1-based, counted per rule while the faults are active) or one
  of the ``times - 1`` that follow it dies in its worker process: ``"before"`` the handler runs,
  ``"after"`` the handler returned (its S3 writes are done, its result is lost), or ``"hang"``
  after the handler returned until the function's timeout.  The caller sees ``Runtime.ExitError``
  for the first two and ``Sandbox.Timedout`` for the last, like real Lambda.

Only S3 is affected by the S3 rules and only DynamoDB by ``dynamodb_throttle_rate``: Lambda,
Step Functions, IAM etc. requests pass untouched. A faulted request is never processed, so
"did the write happen?" is never ambiguous.

How it is wired
---------------
* S3: :mod:`harness.moto_patches` wraps ``DomainDispatcherApplication.__call__``, the WSGI entry
  of moto's server, which picks the per-service Flask app for each request.  After moto has
  routed the request to its ``s3`` app (so the decision "is this S3?" is moto's own), the active
  injector may answer it with an S3 XML error instead; otherwise the request goes on unchanged.
  That is one class attribute swapped, with no knowledge of moto's S3 internals. DynamoDB
  requests are intercepted the same way (the hook reads their JSON body and hands it on).
* Lambda: the patched ``Invoke`` asks the injector for a crash mode and passes it to
  :meth:`harness.lambda_runtime.LambdaRuntime.invoke`, which hands it to the worker process with
  the payload; the worker calls ``os._exit`` before or after the handler, or sleeps.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import unquote

from harness import injectors, wsgi_io

__all__ = [
    "ACCESS_DENIED",
    "INTERNAL_ERROR",
    "SLOW_DOWN",
    "Crash",
    "Faults",
    "S3Error",
]

CRASH_MODES = ("before", "after", "hang")


@dataclass(frozen=True)
class S3Error:
    """An S3 error response: HTTP status, S3 error code and message."""

    status: int
    code: str
    message: str

    @property
    def kind(self) -> str:
        """How injected errors of this kind are counted, e.g. ``"503 SlowDown"``."""
        return f"{self.status} {self.code}"


SLOW_DOWN = S3Error(503, "SlowDown", "Please reduce your request rate.")
INTERNAL_ERROR = S3Error(500, "InternalError", "We encountered an internal error. Please try again.")
ACCESS_DENIED = S3Error(403, "AccessDenied", "Access Denied")


@dataclass(frozen=True)
class Crash:
    """Kill the ``nth`` .. ``nth + times - 1`` invocations of functions whose name contains ``function``."""

    function: str
    mode: str = "after"
    nth: int = 1
    times: int = 1

    def __post_init__(self) -> None:
        if self.mode not in CRASH_MODES:
            raise ValueError(f"crash mode must be one of {CRASH_MODES}, not {self.mode!r}")
        if self.nth < 1 or self.times < 1:
            raise ValueError("nth and times must be >= 1")


def _copy_source(environ: Mapping[str, Any]) -> tuple[str | None, str | None]:
    header = environ.get("HTTP_X_AMZ_COPY_SOURCE")
    if not header:
        return None, None
    source = unquote(str(header).split("?versionId=", 1)[0]).lstrip("/")
    bucket, _, key = source.partition("/")
    return bucket or None, key or None


class Faults:
    """One set of fault rules, counted; active while installed (see :meth:`Emulator.faults`)."""

    def __init__(
        self,
        *,
        s3_error_rate: float = 0.0,
        s3_errors: Sequence[S3Error] = (SLOW_DOWN, INTERNAL_ERROR),
        dynamodb_throttle_rate: float = 0.0,
        seed: int = 0,
        fail_keys: Mapping[str, S3Error] | None = None,
        fail_keys_bucket: str | None = None,
        crashes: Iterable[Crash] = (),
        before_s3_request: Callable[[str, str | None, str | None, str], None] | None = None,
    ) -> None:
        if not 0.0 <= s3_error_rate <= 1.0:
            raise ValueError("s3_error_rate must be between 0 and 1")
        if not 0.0 <= dynamodb_throttle_rate <= 1.0:
            raise ValueError("dynamodb_throttle_rate must be between 0 and 1")
        if s3_error_rate and not s3_errors:
            raise ValueError("s3_errors must name at least one error when s3_error_rate > 0")
        self.s3_error_rate = s3_error_rate
        self.s3_errors = tuple(s3_errors)
        self.dynamodb_throttle_rate = dynamodb_throttle_rate
        self.seed = seed
        self.fail_keys = dict(fail_keys or {})
        self.fail_keys_bucket = fail_keys_bucket
        self.crashes = tuple(crashes)
        self.before_s3_request = before_s3_request
        self._lock = threading.Lock()
        self._enabled = True
        self._installed = False
        self._seen: Counter[str] = Counter()
        self._s3_requests = 0
        self._s3_faulted: Counter[str] = Counter()
        self._dynamodb_requests = 0
        self._dynamodb_throttled = 0
        self._crash_matches = [0] * len(self.crashes)
        self._crashed: Counter[str] = Counter()

    # -- switching -----------------------------------------------------------

    def __enter__(self) -> Faults:
        injectors.set_fault_injector(self)
        self._installed = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        injectors.set_fault_injector(None)
        self._installed = False

    @property
    def active(self) -> bool:
        """True while installed and not paused."""
        return self._installed and self._enabled

    @contextmanager
    def paused(self) -> Iterator[Faults]:
        """Let requests through untouched (and uncounted) inside the block."""
        self._enabled = False
        try:
            yield self
        finally:
            self._enabled = True

    # -- figures -------------------------------------------------------------

    def figures(self) -> dict[str, Any]:
        """What was injected so far: S3 requests seen and faulted (by kind), DynamoDB requests
        seen and throttled, Lambda crashes (by mode)."""
        with self._lock:
            return {
                "s3_requests": self._s3_requests,
                "s3_faulted": dict(sorted(self._s3_faulted.items())),
                "s3_faulted_total": sum(self._s3_faulted.values()),
                "dynamodb_requests": self._dynamodb_requests,
                "dynamodb_throttled": self._dynamodb_throttled,
                "lambda_crashes": dict(sorted(self._crashed.items())),
            }

    # -- hooks (called by harness.moto_patches) --------------------------------

    def s3_error_for(self, environ: Mapping[str, Any]) -> S3Error | None:
        """The error to answer this S3 request with, or None to let it through; counts it."""
        if not self.active:
            return None
        bucket, key = wsgi_io.request_target(environ)
        source_bucket, source_key = _copy_source(environ)
        error = self._key_rule(bucket, key) or self._key_rule(source_bucket, source_key)
        identity = "|".join(
            (
                str(environ.get("REQUEST_METHOD", "")),
                str(environ.get("RAW_URI") or environ.get("PATH_INFO", "")),
                str(environ.get("QUERY_STRING", "")) if not environ.get("RAW_URI") else "",
                str(environ.get("HTTP_X_AMZ_COPY_SOURCE", "")),
            )
        )
        with self._lock:
            self._s3_requests += 1
            occurrence = self._seen[identity]
            self._seen[identity] += 1
            if error is None and self.s3_error_rate > 0:
                draw = self._draw(identity, occurrence)
                if draw < self.s3_error_rate:
                    # Reuse the draw to pick the kind, evenly.
                    error = self.s3_errors[int(draw / self.s3_error_rate * len(self.s3_errors))]
            if error is not None:
                self._s3_faulted[error.kind] += 1
        return error

    def intercept_s3(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        """Answer an S3 request with an injected error (a WSGI response), or None to pass it on."""
        if self.active and self.before_s3_request is not None:
            bucket, key = wsgi_io.request_target(environ)
            method, query = str(environ.get("REQUEST_METHOD", "")), str(environ.get("QUERY_STRING", ""))
            self.before_s3_request(method, bucket, key, query)
        error = self.s3_error_for(environ)
        if error is None:
            return None
        return wsgi_io.s3_error(
            environ, start_response, error.status, error.code, error.message, "fault-injection"
        )

    def intercept_dynamodb(self, start_response: Any, operation: str, body: bytes) -> Iterable[bytes] | None:
        """Answer a DynamoDB request with an injected throttle (a WSGI response), or None to pass it
        on; every request counts while the faults are active."""
        if not self.active:
            return None
        identity = f"{operation}|{hashlib.sha256(body).hexdigest()}"
        with self._lock:
            self._dynamodb_requests += 1
            occurrence = self._seen["dynamodb|" + identity]
            self._seen["dynamodb|" + identity] += 1
            rate = self.dynamodb_throttle_rate
            throttled = rate > 0 and self._draw(identity, occurrence) < rate
            if throttled:
                self._dynamodb_throttled += 1
        if not throttled:
            return None
        return wsgi_io.throughput_exceeded(start_response)

    def lambda_crash_for(self, function_name: str) -> str | None:
        """The crash mode for this invocation of ``function_name``, or None; counts it."""
        if not self.active or not self.crashes:
            return None
        with self._lock:
            for index, crash in enumerate(self.crashes):
                if crash.function not in function_name:
                    continue
                self._crash_matches[index] += 1
                if crash.nth <= self._crash_matches[index] < crash.nth + crash.times:
                    self._crashed[crash.mode] += 1
                    return crash.mode
        return None

    # -- internals -----------------------------------------------------------

    def _key_rule(self, bucket: str | None, key: str | None) -> S3Error | None:
        if key is None or key not in self.fail_keys:
            return None
        if self.fail_keys_bucket is not None and bucket != self.fail_keys_bucket:
            return None
        return self.fail_keys[key]

    def _draw(self, identity: str, occurrence: int) -> float:
        digest = hashlib.sha256(f"{self.seed}|{identity}|{occurrence}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64
