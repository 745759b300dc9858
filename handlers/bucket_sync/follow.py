"""What continuous sync follows: one source bucket's keys under a prefix, narrowed by include and
exclude, into one destination; read once from the consumer's environment (continuous.tf)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from .scope import in_scope


@dataclass(frozen=True)
class Follow:
    """The consumer's configuration; the defaults suit handler unit tests."""

    source: str = ""
    destination: str = ""
    prefix: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    delete_orphans: bool = True
    # Larger objects go to the state machine (a run scoped to the key), not copied inline.
    inline_copy_max_bytes: int = 1024**3
    # At most this many deletes per window of delete_window_seconds (deletebudget.py).
    delete_budget: int = 1000
    delete_window_seconds: int = 300
    metric_namespace: str = "BucketSync/Continuous"
    # The consumer function's name: its metrics' Consumer dimension, also where a reconcile run
    # publishes what it repaired (reconcile.py).
    consumer: str = ""
    state_machine_arn: str = ""

    def covers(self, bucket: str, key: str) -> bool:
        """Whether a change of `key` in `bucket` is one this consumer applies."""
        return (
            bucket == self.source
            and key.startswith(self.prefix)
            and in_scope(key, self.prefix, self.include, self.exclude)
        )


def load_follow(environ: dict[str, str] | None = None) -> Follow:
    """Follow from the environment variables continuous.tf sets."""
    env = os.environ if environ is None else environ
    base = Follow()
    return Follow(
        source=env.get("CONTINUOUS_SOURCE", base.source),
        destination=env.get("CONTINUOUS_DESTINATION", base.destination),
        prefix=env.get("CONTINUOUS_PREFIX", base.prefix),
        include=tuple(json.loads(env.get("CONTINUOUS_INCLUDE", "[]"))),
        exclude=tuple(json.loads(env.get("CONTINUOUS_EXCLUDE", "[]"))),
        delete_orphans=env.get("CONTINUOUS_DELETE_ORPHANS", "true").strip().lower() == "true",
        inline_copy_max_bytes=int(env.get("CONTINUOUS_INLINE_COPY_MAX_BYTES", base.inline_copy_max_bytes)),
        delete_budget=int(env.get("CONTINUOUS_DELETE_BUDGET", base.delete_budget)),
        delete_window_seconds=int(env.get("CONTINUOUS_DELETE_WINDOW_SECONDS", base.delete_window_seconds)),
        metric_namespace=env.get("CONTINUOUS_METRIC_NAMESPACE", base.metric_namespace),
        consumer=env.get("CONTINUOUS_CONSUMER", base.consumer),
        state_machine_arn=env.get("STATE_MACHINE_ARN", base.state_machine_arn),
    )
