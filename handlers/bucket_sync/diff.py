"""Merging two sorted listings of the same key window into the work it needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from .compare import Verdict, classify
from .listing import Entry


@dataclass
class Plan:
    """What one window of keys needs: copies, orphan deletes, pairs the listings cannot settle,
    and how many objects are already equal.

    `compared` holds, for every key in `to_copy`, the destination ETag the merge compared it
    with, or None when the destination did not have the key: each copy is conditioned on that
    state (If-Match / If-None-Match), so a destination object written meanwhile is never lost.
    """

    to_copy: list[Entry] = field(default_factory=list)
    to_delete: list[Entry] = field(default_factory=list)
    unsure: list[tuple[Entry, Entry]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    compared: dict[str, str | None] = field(default_factory=dict)

    def copy(self, source: Entry, destination: Entry | None) -> None:
        """Plan a copy of `source` over `destination` as listed (None: the key was absent)."""
        self.to_copy.append(source)
        self.compared[source.key] = None if destination is None else destination.etag

    def before(self, cutoff: str) -> Plan:
        """The part of the plan for keys below `cutoff`: what a step that stops there has done."""
        return Plan(
            to_copy=[e for e in self.to_copy if e.key < cutoff],
            to_delete=[e for e in self.to_delete if e.key < cutoff],
            unsure=[pair for pair in self.unsure if pair[0].key < cutoff],
            unchanged=[key for key in self.unchanged if key < cutoff],
            compared={key: etag for key, etag in self.compared.items() if key < cutoff},
        )


def merge(source: list[Entry], destination: list[Entry]) -> Plan:
    """Walk both ascending listings once; each key lands in exactly one bucket of the Plan."""
    plan = Plan()
    i = j = 0
    while i < len(source) or j < len(destination):
        src = source[i] if i < len(source) else None
        dst = destination[j] if j < len(destination) else None
        if dst is None or (src is not None and src.key < dst.key):
            plan.copy(src, None)  # type: ignore[arg-type]
            i += 1
        elif src is None or dst.key < src.key:
            plan.to_delete.append(dst)
            j += 1
        else:
            verdict = classify(src, dst)
            if verdict is Verdict.UNCHANGED:
                plan.unchanged.append(src.key)
            elif verdict is Verdict.CHANGED:
                plan.copy(src, dst)
            else:
                plan.unsure.append((src, dst))
            i += 1
            j += 1
    return plan
