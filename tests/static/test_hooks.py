"""The pre-commit hooks run tools that `make setup` installs, as the README says."""

from __future__ import annotations

import shlex
import shutil

import yaml

from tests.static.asl import ROOT


def hooks() -> list[dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_every_hook_runs_a_program_that_exists_after_make_setup():
    for hook in hooks():
        program = shlex.split(hook["entry"])[0]
        if program == "bash":
            program = shlex.split(shlex.split(hook["entry"])[2])[0]
        found = (ROOT / program).exists() if "/" in program else shutil.which(program) is not None
        assert found, f"hook {hook['id']} runs {program}, which make setup does not install"


def test_checkov_hook_runs_offline_like_the_checkov_test():
    (checkov,) = [hook for hook in hooks() if hook["id"] == "checkov"]
    assert checkov["entry"].startswith(".venv-checkov/bin/checkov ")
    assert "--skip-download" in checkov["entry"]
