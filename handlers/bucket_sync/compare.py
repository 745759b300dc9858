"""Deciding whether a destination object already equals its source object, from listings only.

The rule (README, "Change detection"):
1. Different sizes: changed.
2. Comparable ETags (both single-part MD5-style, or both multipart with the same part count):
   changed exactly when they differ.
3. Otherwise the ETags say nothing about content (different part layouts), so the destination
   is taken as current when it was written at or after the source's LastModified.
"""

from __future__ import annotations

from .listing import Entry


def part_count(etag: str) -> int:
    """1 for a single-part ETag, N for a multipart ETag of the form "<md5>-N"."""
    _, dash, parts = etag.strip('"').partition("-")
    return int(parts) if dash and parts.isdigit() else 1


def etags_comparable(source_etag: str, destination_etag: str) -> bool:
    """True when equal content implies equal ETags for these two objects."""
    return part_count(source_etag) == part_count(destination_etag)


def is_unchanged(source: Entry, destination: Entry) -> bool:
    """True when the destination object can be left as it is."""
    if source.size != destination.size:
        return False
    if etags_comparable(source.etag, destination.etag):
        return source.etag == destination.etag
    return destination.last_modified >= source.last_modified
