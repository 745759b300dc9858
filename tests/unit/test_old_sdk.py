"""The oldest boto3/botocore we claim (pyproject's `oldsdk` extra) passes tests/oldsdk.

Those tests need a real SDK from before DeleteObjects' ETag condition, so they run in a venv of
their own, .venv-oldsdk, in a subprocess. A missing venv fails this test (it is not skipped), so
a machine that never ran them cannot pass silently.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-oldsdk"
PYTHON = VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
CREATE = 'python3 -m venv .venv-oldsdk && .venv-oldsdk/bin/pip install --quiet ".[oldsdk]"'


def test_the_oldest_claimed_sdk_passes_its_own_tests():
    if not PYTHON.exists():
        pytest.fail(f"{VENV.name} is missing, so the old-SDK tests cannot run; in {ROOT} run: {CREATE}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    result = subprocess.run(
        [str(PYTHON), "-m", "pytest", "tests/oldsdk", "-q", "-p", "no:cacheprovider"]
        + ["--confcutdir=tests/oldsdk"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # Exit code 5 (no tests collected) fails too: the venv's SDK has the ETag condition after all.
    assert result.returncode == 0, f"under {VENV.name}:\n{result.stdout}\n{result.stderr}"
