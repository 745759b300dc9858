"""How long a server-side copy is expected to take, so a step starts only copies that can finish.

A Lambda invocation that times out loses its window's progress, and the crash retry repeats the
copy that outlived it. S3 copies server-side: one CopyObject or UploadPartCopy request moves the
bytes inside S3 and answers when they are written, so its duration is about a fixed latency
plus bytes over a per-request throughput. The copier starts a copy (and each part copy) only
when that duration fits the step's time left; otherwise the next invocation, which starts with
full time, takes it. A copy no invocation could hold is named as failed, never deferred forever.

The figures are planning figures, taken low on purpose; AWS publishes none, and none is
measured here (no AWS access):
- COPY_BYTES_PER_SECOND, 50 MB/s per request in one region. Reports of single 5 GB CopyObject
  requests inside a region put them at one to two minutes (roughly 40 to 90 MB/s); 50 MB/s plans
  a 5 GB copy at ~108 s. An estimate that is too high is absorbed by the step's stop margin
  (steps/sync_range.py, up to 45 s): that copy still ends before the deadline at 35 MB/s.
- CROSS_REGION_COPY_BYTES_PER_SECOND, 20 MB/s: between regions the bytes cross the inter-region
  network, slower and farther. An assumption (two fifths of the in-region figure), not a
  measurement; cross-region sync is opt-in.
- COPY_LATENCY_SECONDS, 0.5 s: a small copy answers in tens to a few hundred milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MB = 1000 * 1000
# A step stops starting work this long before its invocation's deadline (or a third of the
# time it was given, if less): a request S3 keeps failing gives up after at most 15 s of
# botocore backoff, and the copies under way finish (clients.py says what a margin cannot cover).
STOP_MARGIN_SECONDS = 45.0
COPY_BYTES_PER_SECOND = 50 * MB
CROSS_REGION_COPY_BYTES_PER_SECOND = 20 * MB
COPY_LATENCY_SECONDS = 0.5
# A copy expected to take no longer than this fits inside any step's stop margin (at least
# 10 s / 3 at the module's shortest lambda_timeout), so the first copy of a step starts without
# asking the clock: every step makes progress even when it starts with little time left.
QUICK_COPY_SECONDS = 2.0
# The share of a fresh invocation's time one copy may need. The rest is for what comes before
# that copy in the invocation (listing the window, HEADs, resuming uploads): a copy deferred for
# time is the first copy of the next invocation's window, and that invocation must still have
# the copy's time left when it gets there, or the copy would be deferred again, every time.
INVOCATION_SHARE = 0.5


def usable_seconds(lambda_timeout: float, stop_margin: float) -> float:
    """The seconds a fresh invocation has to start work: its timeout less the step's stop margin
    (steps/sync_range.py takes min(stop_margin, time left / 3) off)."""
    return lambda_timeout - min(stop_margin, lambda_timeout / 3)


def copy_rate(source_s3: Any, destination_s3: Any) -> float:
    """The planning throughput for copies between the two clients' regions."""
    regions = {getattr(getattr(s3, "meta", None), "region_name", None) for s3 in (source_s3, destination_s3)}
    return COPY_BYTES_PER_SECOND if len(regions) == 1 else CROSS_REGION_COPY_BYTES_PER_SECOND


@dataclass(frozen=True)
class CopyClock:
    """The time a step has for copies, and how long one is expected to take."""

    # Seconds left to start work in this step (the step's stop margin already taken off).
    seconds_left: Callable[[], float] = lambda: math.inf
    # Seconds a fresh invocation has to start work (usable_seconds of lambda_timeout).
    invocation_seconds: float = math.inf
    bytes_per_second: float = COPY_BYTES_PER_SECOND

    def seconds(self, size: int) -> float:
        """Expected duration of one copy request of `size` bytes."""
        return COPY_LATENCY_SECONDS + size / self.bytes_per_second

    def fits_now(self, size: int) -> bool:
        """True when a copy of `size` bytes started now ends before the step's deadline."""
        return self.seconds(size) <= self.seconds_left()

    def is_quick(self, size: int) -> bool:
        """True when a copy of `size` bytes fits inside the step's stop margin."""
        return self.seconds(size) <= QUICK_COPY_SECONDS

    def longest(self) -> float:
        """The longest copy request an invocation takes on (INVOCATION_SHARE of its time)."""
        return self.invocation_seconds * INVOCATION_SHARE

    def too_long(self, size: int, what: str = "copy") -> str | None:
        """Why no invocation can copy `size` bytes in one request (None when one can): the
        reason names what to raise."""
        seconds = self.seconds(size)
        if seconds <= self.longest():
            return None
        return (
            f"{what} of {size} bytes is expected to take {seconds:.0f} s "
            f"(at {self.bytes_per_second / MB:.0f} MB/s), more than one invocation gives a copy "
            f"({self.longest():.0f} s): raise lambda_timeout (at most 900 s) to copy it"
        )
