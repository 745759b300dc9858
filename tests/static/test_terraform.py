"""Terraform's own checks: formatting, validation of the module and examples, `terraform test`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

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


# variables.tftest.hcl holds about half of `terraform test`'s CPU time (69 runs) and terraform
# plans one run at a time on one core: two processes, each with its own files, use both of CI's
# cores. Every *.tftest.hcl is in exactly one of them (asserted), so every run still runs.
TEST_FILE_GROUPS = [["tests/variables.tftest.hcl"]]


def test_terraform_test_passes(terraform):
    init(terraform, ROOT, "root")
    every = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("*.tftest.hcl"))
    first = TEST_FILE_GROUPS[0]
    groups = [first, [f for f in every if f not in first]]
    assert sorted(f for group in groups for f in group) == every and all(groups)

    def run(files: list[str]):
        return terraform("test", "-no-color", *(f"-filter={f}" for f in files))

    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        results = list(pool.map(run, groups))
    for files, result in zip(groups, results, strict=True):
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
        print("terraform test", " ".join(files) + ":", summary)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr
        assert " 0 failed" in summary and "passed" in summary
        # A filter that matched nothing would pass having run nothing.
        for name in files:
            assert f"{name}... pass" in result.stdout, result.stdout[-4000:]
