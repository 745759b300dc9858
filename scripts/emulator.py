"""Keep the local emulator and a deployed stack up, to try `bucket-sync` without AWS.

Starts the emulator (moto) on 127.0.0.1, applies examples/basic into it with a report bucket (so a
dry run lists the keys it would copy and delete), puts a few objects in the source and one orphan
in the destination, prints the endpoint, the state machine ARN and commands to try, and keeps
running until Ctrl-C, when it destroys the stack. Run it with `make emulator`.

The console shows only those lines: handler logs, moto's own output, terraform's and any
traceback go to a log file (build/emulator.log, or the path in BUCKET_SYNC_EMULATOR_LOG), whose
path is printed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import Emulator, TerraformStack  # noqa: E402
from harness.buckets import ensure_bucket, put_objects  # noqa: E402

SOURCE, DESTINATION, REPORTS = "try-source", "try-destination", "try-reports"
LOG_ENV = "BUCKET_SYNC_EMULATOR_LOG"
SAMPLES = {"photos/2024/a.jpg": b"a" * 2048, "photos/2024/b.jpg": b"b" * 4096, "notes.txt": b"hello\n"}
ORPHAN = {"old/stale.txt": b"left over\n"}
# examples/basic has no report bucket: an override file of our own (the harness writes
# emulator_override.tf for the provider) gives its module call one, and an extra
# output names the run table.
OVERRIDE = f'module "bucket_sync" {{\n  report_bucket = "{REPORTS}"\n}}\n'
EXTRA_OUTPUTS = 'output "run_table_name" {\n  value = module.bucket_sync.run_table_name\n}\n'


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _quiet_console(log_path: Path) -> TextIO:
    """Send this process's stdout and stderr (and so its threads', its Lambda workers' and
    terraform's) to `log_path`; return a stream on the original stdout for the console."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    console = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout.flush()
    sys.stderr.flush()
    with open(log_path, "a") as log:
        os.dup2(log.fileno(), sys.stdout.fileno())
        os.dup2(log.fileno(), sys.stderr.fileno())
    return console


def _banner(endpoint: str, arn: str, run_table: str, log_path: Path) -> str:
    cli = f".venv/bin/bucket-sync run --endpoint-url {endpoint} --state-machine-arn {arn}"
    return (
        f"\nEndpoint:       {endpoint}\nState machine:  {arn}\n"
        f"Buckets:        {SOURCE} ({len(SAMPLES)} objects) -> {DESTINATION} (1 orphan); "
        f"reports in {REPORTS}\n"
        f"Run table:      {run_table}\n"
        f"Log:            {log_path}  (handler logs, emulator and terraform output)\n"
        "\nIn another shell (credentials test/test):\n"
        "  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1\n"
        f"  {cli} \\\n      --source {SOURCE} --destination {DESTINATION} --dry-run\n"
        f"  {cli} \\\n      --source {SOURCE} --destination {DESTINATION}\n"
        f"  aws --endpoint-url {endpoint} s3 cp README.md s3://{SOURCE}/README.md\n"
        "\nCtrl-C destroys the stack and stops the emulator."
    )


def main() -> int:
    # Ctrl-C, or a TERM from a supervisor, ends it cleanly (a background job may ignore SIGINT).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    log_path = Path(os.environ.get(LOG_ENV) or ROOT / "build" / "emulator.log").resolve()
    console = _quiet_console(log_path)
    print(
        f"Starting the local AWS emulator (moto) and applying examples/basic (log: {log_path}) ...",
        file=console,
    )
    try:
        with Emulator(
            port=int(sys.argv[1]) if len(sys.argv) > 1 else None, lambda_log_path=str(log_path)
        ) as emulator:
            s3 = emulator.client("s3")
            for bucket in (SOURCE, DESTINATION, REPORTS):
                ensure_bucket(s3, bucket)
            put_objects(s3, SOURCE, SAMPLES)
            put_objects(s3, DESTINATION, ORPHAN)
            variables = {"name": "try", "source_bucket_name": SOURCE, "destination_bucket_name": DESTINATION}
            stack = TerraformStack(ROOT / "examples" / "basic", variables, emulator)
            workdir = stack.prepare()
            (workdir / "report_override.tf").write_text(OVERRIDE)
            (workdir / "run_table_output.tf").write_text(EXTRA_OUTPUTS)
            with stack:
                outputs = stack.outputs()
                banner = _banner(
                    emulator.endpoint, outputs["state_machine_arn"], outputs["run_table_name"], log_path
                )
                print(banner, file=console)
                try:
                    while True:
                        time.sleep(3600)
                except KeyboardInterrupt:
                    print("\nDestroying the stack ...", file=console)
    except KeyboardInterrupt:
        print("\nStopped.", file=console)
    except Exception as error:
        # The traceback goes to the log; the console gets one line and where to look.
        traceback.print_exc()
        print(f"failed: {type(error).__name__}: {str(error)[:300]}\nsee {log_path}", file=console)
        return 1
    print("Done.", file=console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
