"""Settling the pairs the listings cannot (compare.py rules 3 and 5): from the memory of pairs
verified before, else from both objects' headers."""

from __future__ import annotations

from concurrent.futures import Executor
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from .compare import settle
from .diff import Plan
from .heads import Kept, head_object
from .jobs import Job, run_jobs
from .listing import Entry
from .payloads import RunConfig
from .verified import Verified


def kept_by(run: RunConfig) -> Kept:
    """What this run's copies carry over (heads.Kept)."""
    return Kept(redirects=run["readRedirects"], storage_class=run["storageClass"] is None)


def settle_unsure(
    source_s3: Any,
    destination_s3: Any,
    run: RunConfig,
    plan: Plan,
    threads: int,
    pool: Executor,
    verified: Verified | None = None,
) -> tuple[dict[str, dict], int]:
    """Decide the pairs the listings could not: those `verified` remembers as equal at once,
    the others from both objects' headers (two HEADs a pair, on the step's `pool`, at most
    `threads` pairs at once), remembering the ones found equal.

    Returns the source headers read for the pairs that go to be copied, so the copy does not
    read them again, and how many pairs the memory settled.
    """
    kept = kept_by(run)
    known = verified.known(plan.unsure) if verified is not None and plan.unsure else set()
    plan.unchanged.extend(source.key for source, _ in plan.unsure if source.key in known)
    pairs = [pair for pair in plan.unsure if pair[0].key not in known]

    def decide(pair: tuple[Entry, Entry]) -> Job[tuple[bool, dict | None]]:
        source, destination = pair
        try:
            source_head, destination_head = yield [
                partial(head_object, source_s3, run["source"], source.key, source.etag),
                partial(head_object, destination_s3, run["destination"], destination.key, destination.etag),
            ]
        except ClientError:
            # Unreadable headers cannot prove equality; the copy reports why it fails, if it does.
            return False, None
        return settle(source_head, destination_head, kept), source_head

    source_heads: dict[str, dict] = {}
    equal: list[tuple[Entry, Entry]] = []
    results = run_jobs(pool, (decide(pair) for pair in pairs), threads)
    for pair, done in zip(pairs, results, strict=True):
        if done.error is not None:
            raise done.error
        unchanged, head = done.value
        source, destination = pair
        if unchanged:
            plan.unchanged.append(source.key)
            equal.append(pair)
            continue
        # Conditioned on the listed destination ETag, not on the one HEAD just read: HEAD pinned
        # it (IfMatch), so the two are the same object.
        plan.copy(source, destination)
        if head is not None:
            source_heads[source.key] = head
    if verified is not None:
        verified.remember(equal)
    return source_heads, len(known)
