"""Pairs found equal by their headers, remembered so the next run does not read them again.

The listings cannot settle some pairs (compare.py rules 3 and 5): a source written after its
copy with the same ETag (re-uploaded, or its headers changed in place), and objects whose ETag is
no MD5 (SSE-KMS). Each costs two HEADs. When they show the pair equal, nothing in S3 changes,
so without a memory every later run would pay the two HEADs again. One item per pair in the
run table records what was verified: both sides' ETag and LastModified. A later window whose
listings show exactly those finds the pair there and counts it unchanged with no S3 request;
any write to either side changes its LastModified, so a stale record can never match.

Items are spread over partitions (one per destination key, hashed), read 100 at a time with
BatchGetItem, and expire after VERIFIED_SECONDS (a pair then costs its HEADs once more).
A memory that cannot be read or written costs HEADs, never a wrong answer.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from .heads import Kept
from .listing import Entry
from .logs import log
from .runstore import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, batch_get
from .transient import is_transient

VERIFIED_SECONDS = 90 * 24 * 3600
_ITEM = "verified"

Pair = tuple[Entry, Entry]


def fingerprint(pair: Pair, kept: Kept) -> str:
    """What was compared: each side's ETag and LastModified (a write to either changes it), and
    what the run's copies keep (a run that keeps more must look again)."""
    source, destination = pair
    return "|".join(
        [
            repr(kept),
            source.etag,
            source.last_modified.isoformat(),
            destination.etag,
            destination.last_modified.isoformat(),
        ]
    )


class Verified:
    """The remembered pairs of one destination bucket; `table` is the run table (boto3 Table)."""

    def __init__(self, table: Any, source: str, destination: str, kept: Kept) -> None:
        self._table = table
        self._kept = kept
        self._source = source
        self._destination = destination

    def _key(self, key: str) -> dict[str, str]:
        # Hashed: object keys reach 1,024 bytes and may hold what DynamoDB keys should not.
        digest = hashlib.sha256(
            f"{self._source}\n{self._destination}\n{key}".encode("utf-8", "surrogatepass")
        ).hexdigest()
        return {PARTITION_KEY: f"verified#{digest}", SORT_KEY: _ITEM}

    def known(self, pairs: list[Pair]) -> set[str]:
        """The keys of `pairs` verified equal before, with both sides exactly as listed now."""
        wanted = {pair[0].key: fingerprint(pair, self._kept) for pair in pairs}
        by_partition = {self._key(key)[PARTITION_KEY]: key for key in wanted}
        found: set[str] = set()
        try:
            for item in batch_get(self._table, [self._key(key) for key in wanted], consistent=False):
                key = by_partition[item[PARTITION_KEY]]
                if item.get("pair") == wanted[key]:
                    found.add(key)
        except Exception as error:  # noqa: BLE001 - without the memory the pairs are read again
            if not is_transient(error):
                raise
            log("verified.unread", destination=self._destination, error=str(error))
        return found

    def remember(self, pairs: list[Pair]) -> None:
        """Record `pairs` as verified equal, as listed."""
        if not pairs:
            return
        expires = int(time.time()) + VERIFIED_SECONDS
        try:
            with self._table.batch_writer(overwrite_by_pkeys=[PARTITION_KEY, SORT_KEY]) as batch:
                for pair in pairs:
                    batch.put_item(
                        Item={
                            **self._key(pair[0].key),
                            "pair": fingerprint(pair, self._kept),
                            TTL_ATTRIBUTE: expires,
                        }
                    )
        except Exception as error:  # noqa: BLE001 - the next run reads these pairs' headers again
            if not is_transient(error):
                raise
            log("verified.unwritten", destination=self._destination, error=str(error))
