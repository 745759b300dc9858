"""What a step's copies are told (CopyOptions) and what they report back (CopyOutcome)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .listing import Entry
from .overrides import Destination
from .payloads import Failure


@dataclass(frozen=True)
class CopyOptions:
    """How copies are made in one step."""

    threads: int = 16
    dry_run: bool = False
    # CopyObject drops x-amz-website-redirect-location; reading the source's headers first
    # (one HEAD per copied object) lets the copy set it again.
    keep_website_redirects: bool = True
    # Seconds left to start work in this step (the step's safety margin already taken off).
    seconds_left: Callable[[], float] = field(default=lambda: math.inf)
    # Source headers this step already read (pinned to the listed ETag), by key.
    source_heads: Mapping[str, dict] = field(default_factory=dict)
    # The run's storage class and encryption overrides.
    destination: Destination = field(default_factory=Destination)
    # Open uploads of multipart copies an earlier step paused, by key: resumed, not restarted.
    resume: Mapping[str, str] = field(default_factory=dict)
    # The source part sizes of those copies, where the pausing step kept them, by key.
    part_sizes: Mapping[str, list[int]] = field(default_factory=dict)
    # Seconds a fresh invocation has to start work (copytime.usable_seconds of the deployment's
    # lambda_timeout): a copy no invocation could hold is named as failed instead of deferred
    # forever. Infinite: no such bound.
    invocation_seconds: float = math.inf
    # The destination ETag the merge compared each key with, None where the destination did not
    # have it (diff.Plan.compared): every copy is conditioned on it (conditions.py). A key not
    # named is taken as absent, so the copy can create it but never overwrite anything.
    compared: Mapping[str, str | None] = field(default_factory=dict)
    # Copy without that condition when the SDK cannot send it (the deployment accepts the risk);
    # otherwise such keys are named as failed.
    allow_unconditional: bool = False


@dataclass
class CopyOutcome:
    copied: list[Entry] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # Entries not started or paused because the step's time could not hold them, and entries
    # still failing transiently after the step's passes; the next window takes them, in key order.
    deferred: list[Entry] = field(default_factory=list)
    # Upload ids of the paused multipart copies among `deferred`, by key.
    paused: dict[str, str] = field(default_factory=dict)
    # The source part sizes of the paused copies that had read them, by key.
    part_sizes: dict[str, list[int]] = field(default_factory=dict)
    # The deferred entries whose last attempt failed transiently, with its reason, by key: the
    # caller bounds how many windows a key may keep failing before it names it failed.
    transient: dict[str, str] = field(default_factory=dict)
    # True when a copy was deferred because the time left could not hold it: the invocation
    # should store its progress and end (the next starts with full time) rather than start
    # another window, which would defer the same copy again.
    out_of_time: bool = False

    def before(self, cutoff: str) -> CopyOutcome:
        """The outcome for keys below `cutoff` only (keys from there on are the next step's);
        what is deferred is kept as it is, since it is what the next step takes."""
        return CopyOutcome(
            copied=[e for e in self.copied if e.key < cutoff],
            failures=[f for f in self.failures if f["key"] is not None and f["key"] < cutoff],
            deferred=self.deferred,
            paused=self.paused,
            part_sizes=self.part_sizes,
            transient=self.transient,
            out_of_time=self.out_of_time,
        )
