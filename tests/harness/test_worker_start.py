"""A Lambda worker that cannot start fails its invocation at once, naming the likely cause."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

# Drives the harness without an `if __name__ == "__main__":` guard: every spawned Lambda worker
# re-imports it and would start a second emulator of its own.
UNGUARDED_SCRIPT = textwrap.dedent(
    """
    import io, json, zipfile

    from harness import Emulator

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("probe.py", "def handler(event, context):\\n    return event\\n")
    with Emulator(lambda_workers=1) as emulator:
        role = emulator.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lam = emulator.client("lambda")
        lam.create_function(
            FunctionName="probe", Runtime="python3.12", Role=role, Handler="probe.handler",
            Code={"ZipFile": archive.getvalue()}, Timeout=300,
        )
        response = lam.invoke(FunctionName="probe", Payload=b"{}")
        print("RESULT", response.get("FunctionError"), json.loads(response["Payload"].read())["errorType"])
    """
)


def test_unguarded_driver_script_fails_fast_with_the_cause(tmp_path: Path) -> None:
    script = tmp_path / "drive_unguarded.py"
    script.write_text(UNGUARDED_SCRIPT)
    repo = Path(__file__).resolve().parents[2]

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=repo,
        env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started

    assert "RESULT Unhandled Runtime.ExitError" in done.stdout, done.stdout + done.stderr
    assert "an Emulator was started inside a Lambda worker process" in done.stderr, "the worker says why"
    assert "Lambda worker for probe exited with status 1 before it was ready" in done.stderr, (
        "so does the parent"
    )
    assert elapsed < 60, "well before the function's 300 s timeout or the 60 s start budget"
