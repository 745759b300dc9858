"""Keep the local emulator and a deployed stack up, to try `bucket-sync` without AWS.

Starts the emulator (moto) on 127.0.0.1, applies examples/basic into it with two empty buckets,
prints the endpoint, the state machine ARN and a command to try, and keeps running until
Ctrl-C, when it destroys the stack. Run it with `make emulator`.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import Emulator, TerraformStack  # noqa: E402
from harness.buckets import ensure_bucket  # noqa: E402

SOURCE, DESTINATION = "try-source", "try-destination"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C, or a TERM from a supervisor, ends it cleanly (a background job may ignore SIGINT).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    print("Starting the local AWS emulator (moto) and applying examples/basic ...", flush=True)
    with Emulator(port=int(sys.argv[1]) if len(sys.argv) > 1 else None) as emulator:
        s3 = emulator.client("s3")
        for bucket in (SOURCE, DESTINATION):
            ensure_bucket(s3, bucket)
        variables = {"name": "try", "source_bucket_name": SOURCE, "destination_bucket_name": DESTINATION}
        with TerraformStack(ROOT / "examples" / "basic", variables, emulator) as stack:
            arn = stack.outputs()["state_machine_arn"]
            endpoint = emulator.endpoint
            print(
                f"\nEndpoint:       {endpoint}\nState machine:  {arn}\n"
                f"Buckets:        {SOURCE} -> {DESTINATION}\n"
                "\nIn another shell (credentials test/test):\n"
                "  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1\n"
                f"  aws --endpoint-url {endpoint} s3 cp README.md s3://{SOURCE}/README.md\n"
                f"  .venv/bin/bucket-sync run --endpoint-url {endpoint} --state-machine-arn {arn} \\\n"
                f"      --source {SOURCE} --destination {DESTINATION} --dry-run\n"
                "\nCtrl-C destroys the stack and stops the emulator.",
                flush=True,
            )
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                print("\nDestroying the stack ...", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
