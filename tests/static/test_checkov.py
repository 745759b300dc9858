"""checkov finds nothing it is not told about, and every skip says why."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.static.asl import ROOT

# `make setup` installs checkov into a venv of its own (it pins an older boto3 than the tests).
CHECKOV = Path(os.environ.get("CHECKOV", ROOT / ".venv-checkov" / "bin" / "checkov"))
SKIP = re.compile(r"#checkov:skip=(CKV2?_[A-Z0-9_]+)(?::(.*))?")


def test_checkov_reports_no_failed_checks():
    assert CHECKOV.exists(), f"{CHECKOV} is missing: run make setup"
    result = subprocess.run(
        [str(CHECKOV), "-d", ".", "--framework", "terraform", "--quiet", "--compact", "--skip-download"]
        + ["--skip-path", "tests/harness/fixture", "--skip-path", ".venv", "--skip-path", ".venv-checkov"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    summary = next((line for line in result.stdout.splitlines() if line.startswith("Passed checks")), "")
    print("checkov:", summary)
    assert re.search(r"Failed checks: 0,", summary), result.stdout[-4000:] + result.stderr[-2000:]


def test_every_checkov_skip_gives_a_reason():
    unexplained = []
    for path in ROOT.rglob("*.tf"):
        if any(part.startswith(".") for part in path.relative_to(ROOT).parts):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = SKIP.search(line)
            if match and len((match.group(2) or "").strip()) < 15:
                unexplained.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert unexplained == []
