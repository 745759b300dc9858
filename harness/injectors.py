"""The fault injector and the request throttle the emulator's patches consult, one of each at a time.

Its own module so that harness/faults.py installs itself here and harness/moto_patches.py reads it
from here: neither imports the other. The patches need only the interfaces below, which
harness.faults.Faults and harness.throttling.Throttle provide.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any, Protocol


class FaultInjector(Protocol):
    """What the patches ask the active harness.faults.Faults."""

    def intercept_s3(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None: ...

    def intercept_dynamodb(
        self, start_response: Any, operation: str, body: bytes
    ) -> Iterable[bytes] | None: ...

    def lambda_crash_for(self, function_name: str) -> str | None: ...


class RequestThrottle(Protocol):
    """What the patches ask the running emulator's harness.throttling.Throttle."""

    def intercept_s3(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None: ...

    def intercept_dynamodb(
        self, environ: dict[str, Any], start_response: Any, operation: str, body: bytes
    ) -> Iterable[bytes] | None: ...


_lock = threading.Lock()
_faults: FaultInjector | None = None
_throttle: RequestThrottle | None = None


def set_fault_injector(faults: FaultInjector | None) -> None:
    """Install (or, with None, remove) the active :class:`harness.faults.Faults`; one at a time."""
    global _faults
    with _lock:
        if faults is not None and _faults is not None and _faults is not faults:
            raise RuntimeError("another Faults block is already active")
        _faults = faults


def set_throttle(throttle: RequestThrottle | None) -> None:
    """Install (or, with None, remove) the request-rate limits of the running emulator."""
    global _throttle
    _throttle = throttle


def active_faults() -> FaultInjector | None:
    return _faults


def active_throttle() -> RequestThrottle | None:
    return _throttle
