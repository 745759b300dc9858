"""Every example is a complete root module that plans (under a mock provider: nothing is created),
and examples/complete sets every input of the module."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.static.asl import ROOT
from tests.static.conftest import init

EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir())
BUCKETS = {"source_bucket_name": "example-src", "destination_bucket_name": "example-dst"}
OTHER_ACCOUNT = "210987654321"
SYNC_POLICY = '{"Version":"2012-10-17","Statement":[]}'
VARIABLES = {
    "basic": BUCKETS,
    "scheduled": BUCKETS,
    "continuous": BUCKETS,
    "complete": {**BUCKETS, "dr_bucket_name": "example-dr", "report_bucket_name": "example-reports"},
    "cross-account": {**BUCKETS, "destination_account_id": OTHER_ACCOUNT},
    "cross-account-owner": {"bucket_name": "example-dst", "bucket_sync_policy_json": SYNC_POLICY},
    "cross-account-both": {
        **BUCKETS,
        "destination_account_role_arn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/sync-admin",
    },
}
# Further runs of an example's plan test: the inputs whose defaults leave a path of the module
# unused (roles made elsewhere, a permissions boundary, keys, Requester Pays) get one too.
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
EXTRA_RUNS = {
    "complete": {
        "lambda_role_arn": "arn:aws:iam::123456789012:role/platform/sync-functions",
        "state_machine_role_arn": "arn:aws:iam::123456789012:role/platform/sync-states",
        "permissions_boundary_arn": "arn:aws:iam::123456789012:policy/boundaries/workloads",
        "report_kms_key_arn": KEY,
        "destination_sse_kms_key_arn": KEY,
        "request_payer": "requester",
    },
    "continuous": {
        "manage_source_notification": "true",
        "sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:on-call",
    },
}
# What those runs must show: the roles given are the ones the module uses, the switches do what they say.
EXTRA_ASSERTS = {
    "complete": [
        ("output.lambda_role_arn == var.lambda_role_arn", "the functions must run as the given role"),
        (
            "output.state_machine_role_arn == var.state_machine_role_arn",
            "the state machine must run as the given role",
        ),
    ],
    "continuous": [
        (
            "aws_s3_bucket_notification.source[0].eventbridge"
            " && aws_s3_bucket_notification.source[0].bucket == var.source_bucket_name",
            "manage_source_notification must turn on EventBridge delivery of the source bucket",
        ),
        ("output.sns_topic_arn == var.sns_topic_arn", "failed runs and alarms must go to the given topic"),
    ],
}
# What the plan with the test variables alone must show.
ASSERTS = {
    # A bucket has one notification configuration: the example must not take it over by default.
    "continuous": [
        (
            "length(aws_s3_bucket_notification.source) == 0",
            "the source bucket's notification configuration must be left alone by default",
        ),
    ],
}
# The repository's top level as an example's "../.." sees it, without the heavy folders.
LEFT_OUT = {".git", ".venv", ".venv-checkov", "examples", "tests", "bench", "build"}


def hcl(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def variables_block(values: dict[str, str], indent: str = "") -> str:
    lines = "\n".join(f"{indent}  {name} = {hcl(value)}" for name, value in values.items())
    return f"{indent}variables {{\n{lines}\n{indent}}}\n"


def plan_test(example: str) -> str:
    providers = 'mock_provider "aws" {\n  source = "../../tests/mocks"\n}\n'
    if (ROOT / "examples" / example / "main.tf").read_text().count('alias  = "destination"'):
        providers += 'mock_provider "aws" {\n  alias  = "destination"\n  source = "../../tests/mocks"\n}\n'
    asserts = assert_blocks(ASSERTS.get(example, []))
    text = f"{providers}\n{variables_block(VARIABLES[example])}\n"
    text += f'run "plans" {{\n  command = plan\n{asserts}}}\n'
    if example in EXTRA_RUNS:
        extra = variables_block(EXTRA_RUNS[example], indent="  ")
        asserts = assert_blocks(EXTRA_ASSERTS.get(example, []))
        text += f'\nrun "plans_with_every_optional_input" {{\n  command = plan\n{extra}{asserts}}}\n'
    return text


def assert_blocks(asserts: list[tuple[str, str]]) -> str:
    return "".join(
        f"  assert {{\n    condition     = {condition}\n    error_message = {hcl(message)}\n  }}\n"
        for condition, message in asserts
    )


def module_arguments(main_tf: str, module: str = "bucket_sync") -> set[str]:
    """Top-level argument names of one module block (two-space indent, as terraform fmt writes)."""
    block = re.search(rf'^module "{module}" \{{\n(.*?)^\}}', main_tf, re.M | re.S)
    assert block, f"no module {module!r} block"
    return set(re.findall(r"^  ([a-z_][a-z0-9_]*)\s*=", block.group(1), re.M))


def root_variables() -> set[str]:
    text = "".join(path.read_text() for path in ROOT.glob("*.tf"))
    return set(re.findall(r'^variable "([a-z_][a-z0-9_]*)"', text, re.M))


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


def test_complete_example_sets_every_module_input():
    assert len(root_variables()) > 40, "the root module's variables were not found"
    arguments = module_arguments((ROOT / "examples" / "complete" / "main.tf").read_text())
    assert sorted(root_variables() - arguments) == []
    assert sorted(arguments - root_variables() - {"source"}) == []


def test_module_arguments_reads_only_the_module_blocks_top_level():
    main_tf = (
        'module "bucket_sync" {\n  source = "../.."\n  name = "x"\n'
        "  task_retry = {\n    max_attempts = 1\n  }\n}\n"
        'module "other" {\n  region = "x"\n}\n'
    )
    assert module_arguments(main_tf) == {"source", "name", "task_retry"}


def test_every_example_readme_tables_its_inputs_and_outputs_and_says_how_to_run_and_destroy():
    missing = []
    for example in EXAMPLES:
        readme = (ROOT / "examples" / example / "README.md").read_text()
        for needed in ("## Inputs", "## Outputs", "terraform destroy"):
            if needed not in readme:
                missing.append(f"{example}: {needed}")
        if example != "cross-account-owner" and "bucket-sync run --from-terraform ." not in readme:
            missing.append(f"{example}: bucket-sync run --from-terraform .")
        for kind in ("variable", "output"):
            text = (ROOT / "examples" / example / f"{kind}s.tf").read_text()
            for name in re.findall(rf'^{kind} "([a-z_][a-z0-9_]*)"', text, re.M):
                if f"| `{name}` |" not in readme:
                    missing.append(f"{example}: {kind} {name} in a table")
    assert missing == []


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_plans(terraform, repo_copy, example):
    workdir = repo_copy / "examples" / example
    shutil.copytree(ROOT / "examples" / example, workdir, ignore=shutil.ignore_patterns(".terraform*"))
    (workdir / "plan.tftest.hcl").write_text(plan_test(example))
    init(terraform, workdir, f"plan-{example}")
    result = terraform("test", "-no-color", cwd=workdir, data_dir=f"plan-{example}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    runs = 1 + (example in EXTRA_RUNS)
    assert f"{runs} passed, 0 failed" in result.stdout
