"""The continuous-sync load and its lag figures (harness/change_stream.py), shared by the e2e
test and bench/continuous_lag.py: the stream, the writer's order per key, the lag matching."""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections import defaultdict
from typing import Any

from harness.change_stream import Written, lags, operations, percentile, write_lags, write_paced
from harness.sqs_poller import Invocation


class SlowS3:
    """put_object and delete_object that take a random few milliseconds, recording each key's order."""

    def __init__(self) -> None:
        self.order: dict[str, list[str]] = defaultdict(list)
        self._lock = threading.Lock()
        self._random = random.Random(7)

    def _answer(self, key: str, what: str) -> None:
        with self._lock:
            pause = self._random.uniform(0, 0.004)
        time.sleep(pause)
        with self._lock:
            self.order[key].append(what)

    def put_object(self, Bucket: str, Key: str, Body: bytes) -> dict[str, Any]:
        self._answer(Key, Body.decode())
        return {"ETag": f'"{hashlib.md5(Body).hexdigest()}"'}

    def delete_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        self._answer(Key, "deleted")
        return {}


def test_the_stream_is_the_e2e_tests_and_a_longer_one_starts_with_it():
    ops = operations(120)
    assert len(ops) == 184
    assert operations(1000)[:184] == ops
    assert {kind for kind, _, _ in ops} == {"put", "delete"}


def test_many_lanes_keep_the_pace_and_each_keys_order():
    ops = operations(60)
    s3 = SlowS3()
    started = time.time()
    written = write_paced(s3, "src", ops, 2000, lanes=4)
    assert [(w.kind, w.key) for w in written] == [(kind, key) for kind, key, _ in ops]
    expected: dict[str, list[str]] = defaultdict(list)
    for kind, key, body in ops:
        expected[key].append(body.decode() if kind == "put" else "deleted")
    assert dict(s3.order) == dict(expected)
    assert all(w.at >= started for w in written)
    assert written[0].etag == hashlib.md5(ops[0][2]).hexdigest()


def event_record(message_id: str, key: str, etag: str | None, at: str) -> dict[str, Any]:
    detail: dict[str, Any] = {"key": key}
    if etag is not None:
        detail["eTag"] = etag
    event = {
        "detail-type": "Object Created" if etag else "Object Deleted",
        "time": at,
        "detail": {"object": detail},
    }
    return {"messageId": message_id, "body": json.dumps(event)}


def test_lags_count_applied_events_from_their_time_and_from_their_write():
    written = [
        Written("put", "a", "e1", 1000.2),
        Written("put", "a", "e2", 1000.7),
        Written("delete", "b", None, 1001.1),
    ]
    invocation = Invocation(
        records=[
            event_record("1", "a", "e1", "1970-01-01T00:16:40Z"),  # 1000 s
            event_record("2", "a", "e2", "1970-01-01T00:16:40Z"),
            event_record("3", "b", None, "1970-01-01T00:16:41Z"),
        ],
        failed=["2"],  # handed back: not applied by this invocation
        function_error=None,
        ended=1004.0,
    )
    assert lags([invocation]) == [4.0, 3.0]
    assert [round(lag, 6) for lag in write_lags([invocation], written)] == [3.8, 2.9]
    assert percentile([3.0, 1.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([3.0, 1.0, 2.0, 4.0], 0.99) == 4.0
