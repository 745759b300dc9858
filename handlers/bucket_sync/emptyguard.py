"""The empty-source guard: a run whose source has nothing in scope would delete everything in
scope from the destination, so it is refused before any write unless the input allows it.

Only keys in the run's scope count (after startAfter, under prefix, matched by include and not by
exclude): a wrong source that holds objects but none the patterns match must trip it too. Its
cost is bounded: each side is read page by page until a key in scope turns up, for at most
GUARD_PAGES pages (1,000 keys each) of the listed prefix. The usual run pays one LIST, the
source's first page. When that many keys hold none in scope and more follow, the guard cannot
tell an empty scope from a sparse one and trips, saying so: a false refusal costs a rerun with
allowEmptySource, a false pass can empty the destination.
"""

from __future__ import annotations

from typing import Any

from .buckets import finds_key
from .errors import DeleteGuardTripped
from .scope import in_scope

# Pages read on each side at most: 10,000 keys, about 2 s of LIST on S3.
GUARD_PAGES = 10
_HOW_TO_GO_ON = (
    "To allow that, pass allowEmptySource: true in the run input (bucket-sync run "
    "--allow-empty-source), or keep them with deleteOrphans: false (--no-delete)"
)


def check_empty_source(options: dict[str, Any], source_s3: Any, destination_s3: Any) -> None:
    """Raise DeleteGuardTripped when the source has no key in scope and the destination has one
    (or when GUARD_PAGES pages cannot tell); `options` are the parsed run input."""

    def wanted(key: str) -> bool:
        return in_scope(key, options["prefix"], options["include"], options["exclude"])

    listed = (options["listPrefix"], options["startAfter"])
    source = finds_key(source_s3, options["source"], *listed, wanted, GUARD_PAGES)
    if source:
        return
    destination = finds_key(destination_s3, options["destination"], *listed, wanted, GUARD_PAGES)
    if destination is False:
        return  # nothing in scope on either side: a run with nothing to do
    scope = _described(options)
    keys = f"{GUARD_PAGES * 1000:,}"
    if source is None:
        found = f"the first {keys} objects of source '{options['source']}' {scope} hold none in scope"
    else:
        found = f"source '{options['source']}' has no objects {scope}"
    if destination is None:
        raise DeleteGuardTripped(
            f"{found}, and the first {keys} of the destination hold none either but more follow, "
            f"so the guard cannot tell whether deleting orphans would empty the scope. {_HOW_TO_GO_ON}"
        )
    ends = " but may have further on" if source is None else ""
    raise DeleteGuardTripped(
        f"{found}{ends}; the destination has: deleting orphans would delete every one of them. "
        f"{_HOW_TO_GO_ON}"
    )


def _described(options: dict[str, Any]) -> str:
    parts = [f"under prefix '{options['prefix']}'"]
    if options["startAfter"]:
        parts.append(f"after '{options['startAfter'][:80]}'")
    for name in ("include", "exclude"):
        if options[name]:
            parts.append(f"{name} {options[name][:5]}")
    return ", ".join(parts)
