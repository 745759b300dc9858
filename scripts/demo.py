"""The main job, end to end on the local emulator: apply, fill, sync, verify, re-sync, clean up.

Run it with `make demo`. Nothing outside this machine is touched: moto serves S3, IAM, Lambda,
CloudWatch Logs and Step Functions in this process, Terraform applies examples/basic into it,
and the state machine runs the packaged handler code.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "cli"))

from bucket_sync_cli.main import main as cli_main  # noqa: E402

from harness import Emulator, TerraformStack  # noqa: E402
from harness.buckets import ensure_bucket, put_objects, snapshot  # noqa: E402
from harness.executions import Execution, run_execution, wait_for_execution  # noqa: E402

SOURCE, DESTINATION = "demo-source", "demo-destination"
FIELDS = ("copied", "copiedBytes", "deleted", "unchanged", "failed")


def say(message: str) -> None:
    print(message, flush=True)


def fill(s3: Any) -> None:
    """A source of 300 objects; a destination with 150 current, 30 stale copies and 20 orphans."""
    source = {f"site/page-{i:03}.html": f"<h1>page {i}</h1>".encode() for i in range(200)}
    source |= {f"assets/img-{i:03}.bin": bytes([i % 256]) * (100 + i) for i in range(100)}
    put_objects(
        s3, SOURCE, {k: v for k, v in source.items() if k.startswith("site/")}, ContentType="text/html"
    )
    put_objects(s3, SOURCE, {k: v for k, v in source.items() if k.startswith("assets/")})
    current = dict(list(source.items())[:150])
    put_objects(
        s3, DESTINATION, {k: v for k, v in current.items() if k.startswith("site/")}, ContentType="text/html"
    )
    put_objects(s3, DESTINATION, {k: v for k, v in current.items() if k.startswith("assets/")})
    stale = list(source)[150:180]
    # Half the stale copies have the same size as the source: only the content differs.
    put_objects(s3, DESTINATION, {k: bytes(len(source[k])) for k in stale[:15]})
    put_objects(s3, DESTINATION, {k: b"old" for k in stale[15:]})
    put_objects(s3, DESTINATION, {f"old/removed-{i:02}.txt": b"gone from source" for i in range(20)})


def report(title: str, execution: Execution) -> None:
    say(f"\n{title}: {execution.status} in {execution.seconds:.1f} s")
    if execution.output is None:
        say(f"  error: {execution.error}\n  cause: {execution.cause}")
        return
    for field in FIELDS:
        say(f"  {field:<12} {execution.output[field]:>8}")
    for failure in execution.output["failures"]:
        say(f"  failed: {failure['key']}: {failure['reason']}")


def main() -> int:
    started = time.monotonic()
    say("Starting the local AWS emulator (moto) ...")
    logs = Path(tempfile.mkdtemp(prefix="bucket-sync-demo-")) / "lambda.log"
    with Emulator(lambda_log_path=str(logs)) as emulator:
        s3 = emulator.client("s3")
        for bucket in (SOURCE, DESTINATION):
            ensure_bucket(s3, bucket)
        say("Applying examples/basic with Terraform ...")
        variables = {"name": "demo", "source_bucket_name": SOURCE, "destination_bucket_name": DESTINATION}
        with TerraformStack(ROOT / "examples" / "basic", variables, emulator) as stack:
            arn = stack.outputs()["state_machine_arn"]
            say(f"State machine: {arn}")
            fill(s3)
            say(
                f"Source: {len(snapshot(s3, SOURCE))} objects. Destination: {len(snapshot(s3, DESTINATION))} "
                "objects (150 current, 30 stale, 20 orphans)."
            )
            sfn = emulator.client("stepfunctions")
            run_input = {"source": SOURCE, "destination": DESTINATION}
            first = run_execution(sfn, arn, run_input)
            report("Sync", first)
            equal = snapshot(s3, SOURCE) == snapshot(s3, DESTINATION)
            say(f"\nDestination equals source (keys, sizes, ETags): {'yes' if equal else 'NO'}")
            say("\nRe-sync with the command line (.venv/bin/bucket-sync; against AWS, drop --endpoint-url):")
            argv = ["run", "--state-machine-arn", arn, "--source", SOURCE, "--destination", DESTINATION]
            argv += ["--endpoint-url", emulator.endpoint]
            say("$ bucket-sync " + " ".join(argv))
            os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1")
            resync_code = cli_main(argv)
            latest = max(sfn.list_executions(stateMachineArn=arn)["executions"], key=lambda e: e["startDate"])
            second = wait_for_execution(sfn, latest["executionArn"])
            lines = len(logs.read_text().splitlines())
            say(f"\nHandler logs (the emulator's CloudWatch Logs stand-in): {lines} JSON lines")
            say("\nDestroying the stack and stopping the emulator ...")
    logs.unlink(missing_ok=True)
    logs.parent.rmdir()
    ok = (
        first.status == second.status == "SUCCEEDED"
        and resync_code == 0
        and equal
        and second.output["copied"] == 0
    )
    say(f"Demo {'succeeded' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
