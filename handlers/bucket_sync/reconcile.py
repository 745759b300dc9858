"""The scheduled run as continuous sync's measure: once a run over exactly the pair continuous sync
follows has finished, every object it copied or deleted is one the event path had not applied, so
its counts are published as the metric ``MissedChanges`` (and its two parts) next to the consumer's
own metrics, where an alarm watches them (continuous.tf).

Only an exact match counts: a narrower run (a hand-off run is scoped to one key, a user's run to a
prefix) or a dry run would publish figures that are not the event path's misses.
"""

from __future__ import annotations

from .emf import publish
from .follow import Follow, load_follow
from .payloads import RunState


def is_reconcile(state: RunState, follow: Follow) -> bool:
    """Whether `state` is a finished, real run over exactly what `follow` follows."""
    run = state["run"]
    return (
        bool(follow.source)
        and "report" in state
        and not run["dryRun"]
        and not run["countingOnly"]
        and (run["source"], run["destination"]) == (follow.source, follow.destination)
        and run["prefix"] == follow.prefix
        and (tuple(run["include"]), tuple(run["exclude"])) == (follow.include, follow.exclude)
    )


def publish_missed(state: RunState, environ: dict[str, str] | None = None) -> bool:
    """Publish what a reconcile run repaired as EMF lines; False when `state` is no reconcile run."""
    follow = load_follow(environ)
    if not is_reconcile(state, follow):
        return False
    copied, deleted = state["totals"]["copied"], state["totals"]["deleted"]
    publish(
        follow.metric_namespace,
        # The consumer's dimension, so the misses sit next to the consumer's Copied and Deleted.
        {"Consumer": follow.consumer},
        {"MissedChanges": [copied + deleted], "MissedCopies": [copied], "MissedDeletes": [deleted]},
        {"MissedChanges": "Count", "MissedCopies": "Count", "MissedDeletes": "Count"},
    )
    return True
