"""Terraform's own checks: formatting, validation of the module and examples, `terraform test`."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.terraform import PLUGIN_MIRROR, TERRAFORM_BIN
from tests.static.asl import ROOT

Terraform = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(scope="module")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """Run terraform offline (plugin mirror when present), with state kept out of the repo."""
    home = tmp_path_factory.mktemp("terraform")
    config = home / "cli.tfrc"
    installation = (
        f'filesystem_mirror {{\n    path = "{PLUGIN_MIRROR}"\n  }}' if PLUGIN_MIRROR.is_dir() else "direct {}"
    )
    config.write_text(f"provider_installation {{\n  {installation}\n}}\n")

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
    plugin = [f"-plugin-dir={PLUGIN_MIRROR}"] if PLUGIN_MIRROR.is_dir() else []
    result = terraform(
        "init", "-input=false", "-backend=false", "-no-color", *plugin, cwd=cwd, data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(autouse=True)
def _no_lock_file_left_behind() -> None:
    # A module does not pin providers for its consumers; keep init's lock files out of the tree.
    yield
    for lock in [ROOT / ".terraform.lock.hcl", *ROOT.glob("examples/*/.terraform.lock.hcl")]:
        lock.unlink(missing_ok=True)


def test_fmt_is_clean(terraform):
    result = terraform("fmt", "-check", "-recursive", "-diff", "-no-color")
    assert result.returncode == 0, result.stdout + result.stderr


def test_module_validates_without_warnings(terraform):
    init(terraform, ROOT, "root")
    result = terraform("validate", "-no-color")
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stdout + result.stderr


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").iterdir()))
def test_example_validates(terraform, example):
    cwd = ROOT / "examples" / example
    init(terraform, cwd, f"example-{example}")
    result = terraform("validate", "-no-color", cwd=cwd, data_dir=f"example-{example}")
    assert result.returncode == 0, result.stderr


def test_terraform_test_passes(terraform):
    init(terraform, ROOT, "root")
    result = terraform("test", "-no-color")
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    print("terraform test:", summary)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert " 0 failed" in summary and "passed" in summary
