"""Part sizes travel with a paused multipart copy, so resuming it does not read them again (one
HEAD per part, up to 10,000), within the paused uploads' payload budget; parts go to the step's
pool a slice at a time."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from threading import Lock
from typing import Any

import moto.s3.models
import pytest

from bucket_sync.budget import UPLOADS_BYTES, json_size
from bucket_sync.copier import CopyOptions, CopyOutcome, copy_objects
from bucket_sync.listing import Entry, list_range
from bucket_sync.multipart import MAX_LAYOUT_RUNS, SLICE_WAVES, part_sizes, run_lengths
from bucket_sync.paused import paused_uploads
from bucket_sync.range_step import start_progress
from harness.buckets import snapshot
from tests.unit.support import put_multipart, run_config, whole_range
from tests.unit.test_resume import PartBudget, step, uploads


@pytest.fixture(autouse=True)
def _tiny_parts(monkeypatch):
    """Parts of a few bytes, so objects of many parts stay small; the logic is the same."""
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)


def part_heads(s3: Any) -> list[int]:
    """The part numbers of every HEAD ?partNumber the client sends from now on."""
    sent: list[int] = []

    def before(params: dict, **_: Any) -> None:
        if params.get("PartNumber"):
            sent.append(params["PartNumber"])

    s3.meta.events.register("provide-client-params.s3.HeadObject", before)
    return sent


def test_run_lengths_keep_equal_parts_and_a_shorter_last_one_in_two_runs():
    sizes = [5] * 9_999 + [2]
    assert run_lengths(sizes) == [[5, 9_999], [2, 1]]
    assert part_sizes(run_lengths(sizes), '"e-10000"') == sizes
    assert part_sizes([[5, 10**12]], '"e-10000"') is None, (
        "runs that do not match the ETag are not spelled out"
    )
    varied = list(range(1, MAX_LAYOUT_RUNS + 2))
    assert part_sizes(run_lengths(varied[:-1]), f'"e-{MAX_LAYOUT_RUNS}"') == varied[:-1]
    assert run_lengths(varied) is None, "a layout of too many runs is read again instead"


def test_a_resumed_copy_uses_the_part_sizes_kept_with_its_upload(s3):
    etag = put_multipart(s3, "src", "big", [3] * 9 + [2])
    budget = PartBudget(s3, 4)
    heads = part_heads(s3)
    progress = step(s3, start_progress(whole_range()), budget)
    [paused] = progress["uploads"]
    assert paused["parts"] == [[3, 9], [2, 1]] and sorted(heads) == list(range(1, 11))
    heads.clear()
    budget.left = 100
    progress = step(s3, progress, budget)
    assert progress["done"] is True and heads == [], "no part size is read again"
    assert snapshot(s3, "dst")["big"] == (29, etag) and uploads(s3) == []


def test_kept_part_sizes_that_do_not_add_up_are_read_again(s3):
    etag = put_multipart(s3, "src", "big", [3] * 6)
    budget = PartBudget(s3, 2)
    progress = step(s3, start_progress(whole_range()), budget)
    progress["uploads"][0]["parts"] = [[4, 6]]  # not this object's layout
    heads = part_heads(s3)
    budget.left = 100
    progress = step(s3, progress, budget)
    assert progress["done"] is True and sorted(heads) == list(range(1, 7))
    assert snapshot(s3, "dst")["big"] == (18, etag) and uploads(s3) == []


def entry(key: str) -> Entry:
    return Entry(key, 30, '"e-3"', datetime(2026, 1, 1, tzinfo=UTC), "STANDARD")


def test_part_sizes_give_way_to_uploads_within_the_payload_budget(s3):
    # Keys long enough that about 13 uploads fill the budget without their part sizes.
    keys = [f"{i:03}" + "k" * 1_100 for i in range(20)]
    outcome = CopyOutcome(
        deferred=[entry(key) for key in keys],
        paused={key: f"upload-{key[:3]}" for key in keys},
        part_sizes={key: [10, 10, 10] for key in keys},
    )
    bare = [{"key": k, "etag": '"e-3"', "uploadId": f"upload-{k[:3]}"} for k in keys]
    fit = max(n for n in range(len(bare) + 1) if json_size(bare[:n]) <= UPLOADS_BYTES)
    kept = paused_uploads(s3, run_config(), outcome, [])
    assert [u["key"] for u in kept] == keys[:fit], "part sizes never cost an upload its place"
    assert json_size(kept) <= UPLOADS_BYTES
    with_sizes = [u for u in kept if "parts" in u]
    assert with_sizes and all(u["parts"] == [[10, 3]] for u in with_sizes)
    assert len(with_sizes) < len(kept), "the budget cannot hold every layout here"


class CountingPool(ThreadPoolExecutor):
    """The step's pool, recording the most requests of one kind it held at once (queued or running)."""

    def __init__(self, threads: int) -> None:
        super().__init__(max_workers=threads)
        self.outstanding = 0
        self.most = 0
        self._count_lock = Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        with self._count_lock:
            self.outstanding += 1
            self.most = max(self.most, self.outstanding)
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Future) -> None:
        with self._count_lock:
            self.outstanding -= 1


def test_parts_go_to_the_pool_a_slice_at_a_time(s3):
    etag = put_multipart(s3, "src", "big", [2] * 100)
    listed = list_range(s3, "src", "", "", None, 10).entries
    with CountingPool(2) as pool:
        outcome = copy_objects(s3, s3, "src", "dst", listed, CopyOptions(threads=2), pool)
    assert [e.key for e in outcome.copied] == ["big"] and snapshot(s3, "dst")["big"] == (200, etag)
    assert pool.most <= SLICE_WAVES * 2 < 100
