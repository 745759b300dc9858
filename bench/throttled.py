"""A first sync against a destination that S3 throttles, on the emulator: SlowDown answers,
retries, copies per second and the run's outcome (issue 16's before/after figures).

The emulator throttles like S3 (harness/throttling.py); this sets the destination's write limit
below the engine's pace and prints what the run met. It asserts nothing.

    .venv/bin/python bench/throttled.py --objects 3000 --write-limit 40
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from harness import Emulator, TerraformStack  # noqa: E402
from harness.buckets import ensure_bucket, put_objects, snapshot  # noqa: E402
from harness.executions import run_execution  # noqa: E402

SOURCE, DESTINATION = "throttled-src", "throttled-dst"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=3000)
    parser.add_argument("--write-limit", type=float, default=40.0, help="destination writes/s")
    parser.add_argument("--max-concurrency", type=int, default=10)
    args = parser.parse_args()
    with Emulator(lambda_workers=args.max_concurrency) as emulator:
        s3 = emulator.client("s3")
        for bucket in (SOURCE, DESTINATION):
            ensure_bucket(s3, bucket)
        stack = TerraformStack(
            ROOT / "bench" / "stack",
            {
                "source_bucket_names": [SOURCE],
                "destination_bucket_names": [DESTINATION],
                "max_concurrency": args.max_concurrency,
                "keep_website_redirects": False,
            },
            emulator,
        )
        with stack:
            arn = stack.outputs()["state_machine_arn"]
            put_objects(
                s3, SOURCE, {f"obj/{i:06}": f"{i:08}".encode() for i in range(args.objects)}, threads=32
            )
            emulator.reset_throttle_figures()
            started = time.monotonic()
            with emulator.request_rates(s3_writes_per_second=args.write_limit):
                result = run_execution(
                    emulator.client("stepfunctions"),
                    arn,
                    {"source": SOURCE, "destination": DESTINATION},
                    3600,
                )
            seconds = time.monotonic() - started
            writes = emulator.throttle_figures()["s3"].get(DESTINATION, {}).get("write", {})
            output = result.output or {}
            copied = output.get("copied", 0)
            figures = {
                "objects": args.objects,
                "write_limit": args.write_limit,
                "max_concurrency": args.max_concurrency,
                "status": result.status,
                "error": result.error,
                "seconds": round(seconds, 1),
                "copied": copied,
                "failed": output.get("failed"),
                "copies_per_second": round(copied / seconds, 1),
                "of_limit": round(copied / seconds / args.write_limit, 3),
                "destination_writes": writes.get("requests", 0),
                "slowdowns": writes.get("slowdown", 0),
                "slowdown_share": round(writes.get("slowdown", 0) / max(1, writes.get("requests", 0)), 3),
                "run_output_slowDowns": output.get("slowDowns"),
                "exact_mirror": snapshot(s3, DESTINATION) == snapshot(s3, SOURCE),
                "cause": (result.cause or "")[:300] or None,
            }
            print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
