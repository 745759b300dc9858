"""Every example is a complete root module that plans (under a mock provider: nothing is created)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.static.asl import ROOT
from tests.static.conftest import init

EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir())
BUCKETS = {"source_bucket_name": "example-src", "destination_bucket_name": "example-dst"}
VARIABLES = {
    "basic": BUCKETS,
    "scheduled": BUCKETS,
    "complete": {**BUCKETS, "dr_bucket_name": "example-dr"},
    "cross-account": {**BUCKETS, "destination_account_role_arn": "arn:aws:iam::210987654321:role/sync-admin"},
}
# The repository's top level as an example's "../.." sees it, without the heavy folders.
LEFT_OUT = {".git", ".venv", ".venv-checkov", "examples", "tests", "bench", "build"}


def hcl(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'


def plan_test(example: str) -> str:
    providers = 'mock_provider "aws" {\n  source = "../../tests/mocks"\n}\n'
    if (ROOT / "examples" / example / "main.tf").read_text().count('alias  = "destination"'):
        providers += 'mock_provider "aws" {\n  alias  = "destination"\n  source = "../../tests/mocks"\n}\n'
    variables = "\n".join(f"  {name} = {hcl(value)}" for name, value in VARIABLES[example].items())
    return f'{providers}\nvariables {{\n{variables}\n}}\n\nrun "plans" {{\n  command = plan\n}}\n'


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    for entry in ROOT.iterdir():
        if entry.name not in LEFT_OUT and not entry.name.startswith(".terraform"):
            (tmp_path / entry.name).symlink_to(entry)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "mocks").symlink_to(ROOT / "tests" / "mocks")
    return tmp_path


def test_every_example_has_test_variables():
    assert set(VARIABLES) == set(EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_plans(terraform, repo_copy, example):
    workdir = repo_copy / "examples" / example
    shutil.copytree(ROOT / "examples" / example, workdir, ignore=shutil.ignore_patterns(".terraform*"))
    (workdir / "plan.tftest.hcl").write_text(plan_test(example))
    init(terraform, workdir, f"plan-{example}")
    result = terraform("test", "-no-color", cwd=workdir, data_dir=f"plan-{example}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed, 0 failed" in result.stdout
