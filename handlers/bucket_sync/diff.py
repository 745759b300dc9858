"""Merging two sorted listings of the same key window into the work it needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from .compare import Verdict, classify
from .listing import Entry


@dataclass
class Plan:
    """What one window of keys needs: copies, orphan deletes, pairs the listings cannot settle,
    and how many objects are already equal."""

    to_copy: list[Entry] = field(default_factory=list)
    to_delete: list[Entry] = field(default_factory=list)
    unsure: list[tuple[Entry, Entry]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def before(self, cutoff: str) -> Plan:
        """The part of the plan for keys below `cutoff`: what a step that stops there has done."""
        return Plan(
            to_copy=[e for e in self.to_copy if e.key < cutoff],
            to_delete=[e for e in self.to_delete if e.key < cutoff],
            unsure=[pair for pair in self.unsure if pair[0].key < cutoff],
            unchanged=[key for key in self.unchanged if key < cutoff],
        )


def merge(source: list[Entry], destination: list[Entry]) -> Plan:
    """Walk both ascending listings once; each key lands in exactly one bucket of the Plan."""
    plan = Plan()
    i = j = 0
    while i < len(source) or j < len(destination):
        src = source[i] if i < len(source) else None
        dst = destination[j] if j < len(destination) else None
        if dst is None or (src is not None and src.key < dst.key):
            plan.to_copy.append(src)  # type: ignore[arg-type]
            i += 1
        elif src is None or dst.key < src.key:
            plan.to_delete.append(dst)
            j += 1
        else:
            verdict = classify(src, dst)
            if verdict is Verdict.UNCHANGED:
                plan.unchanged.append(src.key)
            elif verdict is Verdict.CHANGED:
                plan.to_copy.append(src)
            else:
                plan.unsure.append((src, dst))
            i += 1
            j += 1
    return plan
