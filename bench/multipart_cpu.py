"""CPU and requests of a 10,000-part copy, on the caller's side only.

The handlers' own window (`range_step.sync_window`) copies one multipart object of `--parts`
parts, through a stub S3 client that answers every request at once, so what is measured is the
engine's own work: scheduling part copies on the step's pool, building requests, collecting
results. Three runs: the whole copy in one step; then a copy paused half way (the step's clock
runs out after `--parts / 2` part copies) and the step that resumes it from its progress. For each,
the process CPU seconds (every thread: the pool's workers run the stub's answers too) and the
HEAD ?partNumber requests sent are printed.

    .venv/bin/python bench/multipart_cpu.py [--parts 10000] [--threads 16]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "handlers")]

from bucket_sync.range_step import start_progress, sync_window  # noqa: E402
from bucket_sync.settings import Settings  # noqa: E402
from tests.unit.support import run_config, whole_range  # noqa: E402

PART_SIZE = 5 * 1024 * 1024
LAST_PART = 1234
KEY = "big.bin"


class InstantS3:
    """The S3 requests a multipart copy sends, answered from memory."""

    def __init__(self, parts: int, latency: float) -> None:
        self.latency = latency
        self.sizes = [PART_SIZE] * (parts - 1) + [LAST_PART]
        self.etag = f'"{"0" * 32}-{parts}"'
        # pageahead registers a hook on the client's events; nothing emits them here.
        events = SimpleNamespace(register=lambda *_, **__: None)
        self.meta = SimpleNamespace(region_name="us-east-1", events=events)
        self.copied: dict[int, dict[str, Any]] = {}
        self.part_heads = 0
        # Part copies this step may still start before its clock says "no time left".
        self.allowance = float("inf")
        self._lock = threading.Lock()

    def list_objects_v2(self, Bucket: str, **_: Any) -> dict[str, Any]:  # noqa: N803
        rows = [
            {
                "Key": KEY,
                "Size": sum(self.sizes),
                "ETag": self.etag,
                "LastModified": datetime(2026, 1, 1, tzinfo=UTC),
                "StorageClass": "STANDARD",
            }
        ]
        return {"Contents": rows if Bucket == "src" else [], "IsTruncated": False}

    def head_object(self, PartNumber: int | None = None, **_: Any) -> dict[str, Any]:  # noqa: N803
        if PartNumber:
            with self._lock:
                self.part_heads += 1
            return {"ContentLength": self.sizes[PartNumber - 1], "ETag": self.etag}
        return {"ContentLength": sum(self.sizes), "ETag": self.etag, "Metadata": {}}

    def get_object_tagging(self, **_: Any) -> dict[str, Any]:
        return {"TagSet": []}

    def create_multipart_upload(self, **_: Any) -> dict[str, Any]:
        self.copied = {}
        return {"UploadId": "upload-1"}

    def upload_part_copy(self, PartNumber: int, **_: Any) -> dict[str, Any]:  # noqa: N803
        # A part copy takes a while, as over a network (sleeping costs no CPU): part copies end
        # one by one, as they do against S3, instead of all at once.
        time.sleep(self.latency)
        with self._lock:
            self.allowance -= 1
            self.copied[PartNumber] = {"PartNumber": PartNumber, "ETag": f'"{PartNumber:032x}"'}
        return {"CopyPartResult": {"ETag": f'"{PartNumber:032x}"'}}

    def list_parts(self, PartNumberMarker: int = 0, **_: Any) -> dict[str, Any]:  # noqa: N803
        numbers = sorted(n for n in self.copied if n > PartNumberMarker)
        page = numbers[:1000]
        truncated = len(numbers) > len(page)
        answer: dict[str, Any] = {"Parts": [self.copied[n] for n in page], "IsTruncated": truncated}
        if truncated:
            answer["NextPartNumberMarker"] = page[-1]
        return answer

    def complete_multipart_upload(self, **_: Any) -> dict[str, Any]:
        return {"ETag": self.etag}

    def abort_multipart_upload(self, **_: Any) -> dict[str, Any]:
        return {}

    def seconds_left(self) -> float:
        return 60.0 if self.allowance > 0 else 0.0


def step(s3: InstantS3, progress: Any, threads: int) -> tuple[Any, float, int]:
    """One window: its progress, process CPU seconds and part HEADs."""
    heads = s3.part_heads
    settings = Settings(source_buckets=("src",), destination_buckets=("dst",), copy_threads=threads)
    start = time.process_time()
    progress, _ = sync_window(
        s3, s3, run_config(readRedirects=False), whole_range(), progress, settings, s3.seconds_left
    )
    return progress, time.process_time() - start, s3.part_heads - heads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, default=10_000, help="parts of the object (default 10000)")
    parser.add_argument("--threads", type=int, default=16, help="copy_threads (default 16)")
    parser.add_argument(
        "--latency", type=float, default=0.002, help="seconds each part copy takes (default 0.002)"
    )
    args = parser.parse_args()

    whole = InstantS3(args.parts, args.latency)
    done, whole_cpu, whole_heads = step(whole, start_progress(whole_range()), args.threads)
    assert done["done"] and done["counts"]["copied"] == 1, done

    halves = InstantS3(args.parts, args.latency)
    halves.allowance = args.parts // 2
    paused, first_cpu, first_heads = step(halves, start_progress(whole_range()), args.threads)
    assert not paused["done"] and paused.get("uploads"), paused
    halves.allowance = float("inf")
    resumed, resume_cpu, resume_heads = step(halves, paused, args.threads)
    assert resumed["done"] and resumed["counts"]["copied"] == 1, resumed
    assert len(halves.copied) == args.parts

    figures = {
        "parts": args.parts,
        "threads": args.threads,
        "partCopySeconds": args.latency,
        "wholeCopyCpuSeconds": round(whole_cpu, 2),
        "wholeCopyPartHeads": whole_heads,
        "pausedStepCpuSeconds": round(first_cpu, 2),
        "pausedStepPartHeads": first_heads,
        "resumeStepCpuSeconds": round(resume_cpu, 2),
        "resumeStepPartHeads": resume_heads,
        "pausedUploadBytes": len(json.dumps(paused["uploads"])),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
