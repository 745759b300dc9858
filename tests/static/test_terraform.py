"""Terraform's own checks: formatting, validation of the module and examples, `terraform test`."""

from __future__ import annotations

import pytest

from tests.static.asl import ROOT
from tests.static.conftest import init


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
