"""Print how execution histories grow with the bucket: parent and child event counts of a
no-op sync over N and then 2N objects with a small chunk_size, on the local emulator.

Run: .venv/bin/python scripts/history_figures.py [--objects 20000] [--chunk-size 100]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import Emulator, TerraformStack  # noqa: E402
from harness.buckets import ensure_bucket, put_objects  # noqa: E402
from harness.executions import history_event_count, run_execution  # noqa: E402

SOURCE, DESTINATION = "history-src", "history-dst"


def add_objects(s3: object, start: int, count: int) -> None:
    """The same objects on both sides, so the sync itself is a no-op listing pass."""
    bodies = {f"data/{i:07}": b"%07d" % i for i in range(start, start + count)}
    for bucket in (SOURCE, DESTINATION):
        put_objects(s3, bucket, bodies, threads=32)


def measure(emulator: Emulator, arn: str, objects: int, chunk_size: int) -> dict:
    emulator.clear_child_history_event_counts()
    sfn = emulator.client("stepfunctions")
    result = run_execution(sfn, arn, {"source": SOURCE, "destination": DESTINATION}, timeout_seconds=3600)
    if result.status != "SUCCEEDED":
        raise SystemExit(f"run failed: {result.error}: {result.cause}")
    children = emulator.child_history_event_counts()
    return {
        "objects": objects,
        "chunk_size": chunk_size,
        "unchanged": result.output["unchanged"],
        "rounds": len(sfn.list_map_runs(executionArn=result.arn)["mapRuns"]),
        "child_executions": len(children),
        "parent_history_events": history_event_count(sfn, result.arn),
        "largest_child_history_events": max(children),
        "seconds": result.seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=20000)
    parser.add_argument("--chunk-size", type=int, default=100)
    parser.add_argument("--max-concurrency", type=int, default=10)
    parser.add_argument("--max-steps-per-range", type=int, default=1000)
    args = parser.parse_args()
    with Emulator(lambda_workers=4) as emulator:
        s3 = emulator.client("s3")
        for bucket in (SOURCE, DESTINATION):
            ensure_bucket(s3, bucket)
        variables = {
            "name": "history",
            "source_bucket_names": [SOURCE],
            "destination_bucket_names": [DESTINATION],
            "chunk_size": args.chunk_size,
            "max_concurrency": args.max_concurrency,
            "max_steps_per_range": args.max_steps_per_range,
        }
        with TerraformStack(ROOT / "tests" / "e2e" / "stack", variables, emulator) as stack:
            arn = stack.outputs()["state_machine_arn"]
            add_objects(s3, 0, args.objects)
            print(
                "history figures:",
                json.dumps(measure(emulator, arn, args.objects, args.chunk_size)),
                flush=True,
            )
            add_objects(s3, args.objects, args.objects)
            doubled = measure(emulator, arn, 2 * args.objects, args.chunk_size)
            print("history figures:", json.dumps(doubled), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
