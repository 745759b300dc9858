"""A window's pages are requested one ahead of the parse, and never past the limit or the bound."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from bucket_sync import pageahead
from bucket_sync.listing import list_range
from tests.unit.support import put

KEYS = [f"k{i:05}" for i in range(2500)]


@pytest.fixture
def filled(s3: Any) -> Any:
    for name in KEYS:
        put(s3, "src", name)
    return s3


class Timeline:
    """The order in which ListObjectsV2 requests go out and their parses end, across threads."""

    def __init__(self, s3: Any) -> None:
        self.events: list[tuple[str, str | None]] = []
        self._lock = threading.Lock()
        s3.meta.events.register("before-call.s3.ListObjectsV2", self._sent)
        s3.meta.events.register("after-call.s3.ListObjectsV2", self._parsed)

    def _sent(self, params: dict[str, Any], **_: Any) -> None:
        with self._lock:
            self.events.append(("sent", params.get("query_string", {}).get("continuation-token")))

    def _parsed(self, parsed: dict[str, Any], **_: Any) -> None:
        with self._lock:
            self.events.append(("parsed", parsed.get("NextContinuationToken")))

    @property
    def requests(self) -> int:
        return sum(1 for kind, _ in self.events if kind == "sent")

    def read_ahead(self) -> list[bool]:
        """For each page that had a successor: was the successor requested before its parse ended?"""
        return [
            self.events.index(("sent", token)) < at
            for at, (kind, token) in enumerate(self.events)
            if kind == "parsed" and token and ("sent", token) in self.events
        ]


def test_the_next_page_is_requested_before_the_current_one_is_parsed(filled):
    timeline = Timeline(filled)
    listing = list_range(filled, "src", "", "", None, limit=10_000)
    assert [e.key for e in listing.entries] == KEYS and not listing.more
    assert listing.requests == timeline.requests == 3
    assert timeline.read_ahead() == [True, True]


def test_no_page_is_requested_past_the_limit(filled):
    timeline = Timeline(filled)
    listing = list_range(filled, "src", "", "", None, limit=2000)
    assert [e.key for e in listing.entries] == KEYS[:2000] and listing.more
    assert timeline.requests == 2


def test_no_page_is_requested_past_the_bound(filled):
    timeline = Timeline(filled)
    listing = list_range(filled, "src", "", "k00100", KEYS[1500], limit=10_000)
    assert [e.key for e in listing.entries] == KEYS[101:1501] and not listing.more
    assert timeline.requests == 2


def test_a_bound_that_is_a_page_s_last_key_ends_the_listing_without_another_page(filled):
    timeline = Timeline(filled)
    listing = list_range(filled, "src", "", "", KEYS[999], limit=10_000)
    assert len(listing.entries) == 1000 and timeline.requests == 1


def test_keys_that_need_encoding_are_compared_decoded(s3):
    # URL-encoded in the raw body ("%20", "%C3%A9"): the peek must decode them as botocore does,
    # or a page ending just below the bound would look past it and stop the read-ahead.
    names = [f"dir é/{i:04} +x" for i in range(2500)]
    for name in names:
        put(s3, "src", name)
    timeline = Timeline(s3)
    listing = list_range(s3, "src", "", "", names[2100], limit=10_000)
    assert [e.key for e in listing.entries] == sorted(names)[:2101]
    assert timeline.requests == 3 and timeline.read_ahead() == [True, True]


def test_without_the_before_parse_event_pages_come_one_after_another(filled, monkeypatch):
    # An SDK older than botocore 1.35.16 never emits before-parse: the same listing, sequentially.
    monkeypatch.setattr(pageahead, "install", lambda s3: None)
    timeline = Timeline(filled)
    listing = list_range(filled, "src", "", "", None, limit=10_000)
    assert [e.key for e in listing.entries] == KEYS and timeline.requests == 3
    assert timeline.read_ahead() == [False, False]


def test_a_failed_read_ahead_fails_the_listing(filled):
    failing = filled.meta.events

    def refuse_second_page(params: dict[str, Any], **_: Any) -> None:
        if params.get("query_string", {}).get("continuation-token"):
            raise RuntimeError("page two refused")

    failing.register("before-call.s3.ListObjectsV2", refuse_second_page)
    with pytest.raises(RuntimeError, match="page two refused"):
        list_range(filled, "src", "", "", None, limit=10_000)


def test_a_peek_that_cannot_read_the_page_leaves_the_request_alone(filled, monkeypatch):
    # botocore fails the request when an event handler raises: the peek must never do that.
    def unreadable(body):
        raise ValueError("not a listing")

    monkeypatch.setattr(pageahead, "_token_and_last_key", unreadable)
    listing = list_range(filled, "src", "", "", None, limit=10_000)
    assert [e.key for e in listing.entries] == KEYS


def test_a_page_read_ahead_with_a_token_botocore_did_not_parse_is_never_used(filled, monkeypatch):
    # Should the raw body ever give another token than botocore parses, the page fetched with it
    # could skip keys, and skipped source keys would be deleted as orphans: it must be dropped.
    real = pageahead._token_and_last_key

    def misread(body: Any) -> tuple[str, str | None] | None:
        found = real(body)
        return None if found is None else ("a-token-that-skips-keys", found[1])

    monkeypatch.setattr(pageahead, "_token_and_last_key", misread)
    listing = list_range(filled, "src", "", "", None, 2500)
    assert [entry.key for entry in listing.entries] == KEYS
