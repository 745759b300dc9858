"""Measure the memory a SyncRange window holds per listed key, and the handler's memory before
any listing, to pair chunk_size with lambda_memory_size (variables.tf preconditions, README).

A window keeps both sides' listings (up to chunk_size entries each) while it merges and copies,
so its memory grows with chunk_size; the rest (the interpreter, botocore's models, clients, the
pages in flight) does not. Both are measured here on the handler code against moto in-process:
the bytes a listed entry keeps (tracemalloc, after the listing returns: moto's own transient
allocations are gone by then) for short and for 1,024-byte keys, and the resident size of a
process that has imported the handlers and made its clients. `python scripts/window_memory.py`
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "handlers"))

KEYS = 2000
BASE = """
import sys
sys.path.insert(0, {handlers!r})
from bucket_sync.clients import s3_client
from bucket_sync.steps import plan_ranges, summarize, sync_range, validate
s3_client(None).meta.service_model.operation_model("ListObjectsV2")
# The high-water mark of this process only (ru_maxrss would carry the parent's across exec).
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def per_key(key_length: int) -> float:
    """Bytes a window keeps per listed key (both sides listed, as sync_window does)."""
    import boto3
    from moto import mock_aws

    from bucket_sync.listing import list_range

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        for bucket in ("src", "dst"):
            s3.create_bucket(Bucket=bucket)
            for n in range(KEYS):
                s3.put_object(Bucket=bucket, Key=(f"{n:06}/" + "k" * key_length)[:key_length], Body=b"")
        list_range(s3, "src", "", "", None, 10)  # botocore's lazy models loaded before measuring
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        kept = [list_range(s3, bucket, "", "", None, KEYS) for bucket in ("src", "dst")]
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        assert all(len(listing.entries) == KEYS for listing in kept)
        return (after - before) / (2 * KEYS)


def base_megabytes() -> float:
    """Peak resident MB of a process with the handlers imported and a client made (Linux)."""
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    code = BASE.format(handlers=str(ROOT / "handlers"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return int(out.stdout.strip()) / 1024


def main() -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    print(f"peak resident MB, handlers imported and a client made: {base_megabytes():.0f}")
    for length in (40, 1024):
        print(f"bytes a window keeps per listed key, {length:>4}-character keys: {per_key(length):6.0f}")


if __name__ == "__main__":
    main()
