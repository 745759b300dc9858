"""Listing one side of a key range, in S3's order (UTF-8 binary order, which equals the code
point order Python uses to compare str)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .keylimit import storable_bound
from .pageahead import Ask, fetch

# ListObjectsV2 returns at most this many keys per request.
PAGE_SIZE = 1000


@dataclass(frozen=True)
class Entry:
    """What one listing row tells about an object; enough to decide without a HEAD."""

    key: str
    size: int
    etag: str
    last_modified: datetime
    storage_class: str
    # Restore of an archived object, from the listing's RestoreStatus: "restored" (a readable
    # copy is up), "ongoing", or None when the listing did not say (S3 says nothing for an
    # object never restored; some S3 implementations never say).
    restore: str | None = None


@dataclass(frozen=True)
class Listing:
    """Keys found in (after, bound], and whether more keys may follow within the bound."""

    entries: list[Entry]
    more: bool
    requests: int


def list_range(s3: Any, bucket: str, prefix: str, after: str, bound: str | None, limit: int) -> Listing:
    """List up to `limit` keys under `prefix` with after < key <= bound, in order.

    `more` is True when the listing stopped at `limit` with keys possibly left before `bound`;
    a later call with `after` set to the last key returned goes on from there. Each page's
    successor is requested while the page is parsed (pageahead), never past `limit` or `bound`.
    """
    entries: list[Entry] = []
    requests = 0
    first: dict[str, Any] = {
        "Bucket": bucket,
        "Prefix": prefix,
        "MaxKeys": min(PAGE_SIZE, limit),
        # Whether archived objects are restored, at no extra request (ListBucket suffices).
        "OptionalObjectAttributes": ["RestoreStatus"],
    }
    if after:
        # A bound longer than a key is sent shortened; the few keys that can sort between the
        # two are dropped below, so the listing is exactly (after, bound].
        first["StartAfter"] = storable_bound(after)

    def continued(token: str, keys_before: int) -> Ask:
        """The page that `token` continues to, with `keys_before` keys listed ahead of it."""
        params = {name: value for name, value in first.items() if name != "StartAfter"}
        return Ask(
            {**params, "MaxKeys": min(PAGE_SIZE, limit - keys_before), "ContinuationToken": token},
            keys_before,
        )

    def next_ask(ask: Ask, token: str, last_key: str | None) -> Ask | None:
        # Asked before the page is parsed: assume it is full (S3 fills every page but the last),
        # and go on only when the page ends inside the bound and the limit leaves room.
        keys_before = ask.keys_before + ask.params["MaxKeys"]
        if keys_before >= limit or (bound is not None and (last_key is None or last_key >= bound)):
            return None
        return continued(token, keys_before)

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="page-ahead") as pool:
        page, ahead = fetch(s3, Ask(first, 0), pool, next_ask)
        while True:
            requests += 1
            for row in page.get("Contents", []):
                if row["Key"] <= after:
                    continue
                if bound is not None and row["Key"] > bound:
                    return Listing(entries, more=False, requests=requests)
                entries.append(
                    Entry(
                        key=row["Key"],
                        size=row["Size"],
                        etag=row["ETag"],
                        last_modified=row["LastModified"],
                        storage_class=row.get("StorageClass", "STANDARD"),
                        restore=_restore(row.get("RestoreStatus")),
                    )
                )
            token = page.get("NextContinuationToken") if page.get("IsTruncated") else None
            if token is None or (bound is not None and entries and entries[-1].key >= bound):
                return Listing(entries, more=False, requests=requests)
            if len(entries) >= limit:
                return Listing(entries, more=True, requests=requests)
            prefetched = ahead.result_for(token) if ahead is not None else None
            if prefetched is not None:
                page, ahead = prefetched
            else:
                page, ahead = fetch(s3, continued(token, len(entries)), pool, next_ask)


def _restore(status: dict[str, Any] | None) -> str | None:
    if not status:
        return None
    return "ongoing" if status.get("IsRestoreInProgress") else "restored"
