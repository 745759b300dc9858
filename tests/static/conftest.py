"""Fixtures of the static checks."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.terraform import TERRAFORM_BIN, plugin_dir_args, write_cli_config
from tests.static.asl import ROOT

Terraform = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(scope="module")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """Run terraform offline (plugin mirror when present), with state kept out of the repo."""
    home = tmp_path_factory.mktemp("terraform")
    config = write_cli_config(home / "cli.tfrc")

    def run(*args: str, cwd: Path = ROOT, data_dir: str = "root") -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
        env.update(
            TF_CLI_CONFIG_FILE=str(config),
            TF_DATA_DIR=str(home / data_dir),
            TF_IN_AUTOMATION="1",
            CHECKPOINT_DISABLE="1",
        )
        return subprocess.run(
            [TERRAFORM_BIN, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
        )

    return run


def init(terraform: Terraform, cwd: Path, data_dir: str) -> None:
    result = terraform(
        "init", "-input=false", "-backend=false", "-no-color", *plugin_dir_args(), cwd=cwd, data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr
