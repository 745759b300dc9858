"""ListObjectsV2 pages fetched ahead: each page's successor is requested while botocore is still
parsing the page, so a listing's pages form a chain that runs ahead of the caller as far as its
`next_ask` allows (list_range: up to `limit` keys, chunk_size in a window, and the range's bound),
holding the pages not yet consumed. The caller's pool bounds the requests in flight at once
(list_range's: 2).

Why: a window lists its pages one after another, each waiting for S3 (100-300 ms a page) and then
for botocore to parse 1,000 rows (tens of milliseconds of CPU). Lambda bills both. The next
page's continuation token is in the raw response, so reading it there (botocore's
`before-parse` event, botocore 1.35.16 and later) lets the wait for page n+1 run under the
parse of page n. On an SDK without that event, or a response the peek cannot read, pages are
simply fetched one after another, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import unescape

from botocore.compat import unquote_str

_EVENT = "before-parse.s3.ListObjectsV2"
_HOOK_ID = "bucket-sync-page-ahead"
_local = threading.local()


@dataclass(frozen=True)
class Ask:
    """One page to request: its parameters, and how many keys the pages before it hold at most."""

    params: dict[str, Any]
    keys_before: int


# What the caller wants after a page: the next page's Ask, given the token and that page's last key
# (None when the peek could not read it), or None when no further page is wanted.
NextAsk = Callable[[Ask, str, "str | None"], "Ask | None"]


@dataclass(frozen=True)
class Ahead:
    """A page requested before its predecessor was parsed, and the token it was asked with."""

    token: str
    future: Future

    def result_for(self, token: str | None) -> tuple[dict[str, Any], Ahead | None] | None:
        """The page and its own successor when it continues from `token`, the continuation token
        botocore parsed from the page before; None (the page is dropped) otherwise. Why: the
        token was read from the raw body; a token that differed would skip keys, and skipped
        source keys would be deleted from the destination as orphans."""
        if token != self.token:
            self.future.cancel()
            return None
        return self.future.result()


def fetch(s3: Any, ask: Ask, pool: Executor, next_ask: NextAsk) -> tuple[dict[str, Any], Ahead | None]:
    """One page, and the next page's request if it went out before this one was parsed."""
    install(s3)
    sent: list[Ahead] = []

    def on_raw(token: str, last_key: str | None) -> None:
        following = next_ask(ask, token, last_key)
        if following is not None and not sent:
            sent.append(Ahead(token, pool.submit(fetch, s3, following, pool, next_ask)))

    _local.on_raw = on_raw
    try:
        page = s3.list_objects_v2(**ask.params)
    finally:
        _local.on_raw = None
    return page, (sent[0] if sent else None)


def install(s3: Any) -> None:
    """Register the peek on a client (once: botocore keeps one handler per unique id)."""
    s3.meta.events.register(_EVENT, _peek, unique_id=_HOOK_ID)


def _peek(response_dict: dict[str, Any], **_: Any) -> None:
    on_raw = getattr(_local, "on_raw", None)
    if on_raw is None or response_dict.get("status_code") != 200:
        return
    try:
        found = _token_and_last_key(response_dict.get("body"))
    except Exception:  # noqa: BLE001 - botocore fails the request on a hook's error: never here
        return
    if found is not None:
        _local.on_raw = None  # one page ahead per page, even if botocore emits the event again
        on_raw(*found)


def _token_and_last_key(body: Any) -> tuple[str, str | None] | None:
    """The next page's continuation token and this page's last key (None when unreadable), or
    None when no page follows."""
    if not isinstance(body, bytes) or b"<IsTruncated>true</IsTruncated>" not in body:
        return None
    token = _between(body, b"<NextContinuationToken>", b"</NextContinuationToken>", body.find)
    if not token:
        return None
    # Keys are read only when botocore asked S3 to URL-encode them (it does, unless the caller set
    # EncodingType): then they hold no XML markup, and botocore decodes them the same way.
    raw_key = _between(body, b"<Key>", b"</Key>", body.rfind)
    encoded = b"<EncodingType>url</EncodingType>" in body
    last_key = unquote_str(raw_key) if raw_key is not None and encoded else None
    return unescape(token), last_key


def _between(body: bytes, start: bytes, end: bytes, find: Callable[[bytes], int]) -> str | None:
    at = find(start)
    if at < 0:
        return None
    stop = body.find(end, at)
    if stop < 0:
        return None
    return body[at + len(start) : stop].decode("utf-8")
