"""The README's requirements, providers, inputs, outputs and resources tables come from the .tf files."""

from __future__ import annotations

import re

from scripts import readme_tables
from tests.static.asl import ROOT


def declared(kind: str, path: str) -> list[str]:
    return re.findall(rf'^{kind} "([a-z0-9_]+)"', (ROOT / path).read_text(), re.MULTILINE)


def test_readme_tables_are_what_the_generator_writes():
    readme = (ROOT / "README.md").read_text()
    assert readme_tables.render(readme) == readme, "run python scripts/readme_tables.py"
    architecture = readme_tables.ARCHITECTURE.read_text()
    assert (
        readme_tables.render(architecture, readme_tables.DOCUMENTS[readme_tables.ARCHITECTURE])
        == architecture
    )


def test_generated_tables_name_every_variable_and_output_in_order():
    inputs = re.findall(r"^\| `([a-z0-9_]+)` \|", readme_tables.inputs_table(), re.MULTILINE)
    outputs = re.findall(r"^\| `([a-z0-9_]+)` \|", readme_tables.outputs_table(), re.MULTILINE)
    assert inputs == declared("variable", "variables.tf")
    assert outputs == declared("output", "outputs.tf")


def test_a_required_variable_and_a_heredoc_description_render():
    table = readme_tables.inputs_table()
    assert "| `name` | `string` | required |" in table
    schedules = next(line for line in table.splitlines() if line.startswith("| `schedules`"))
    assert '`map(object({source = string, destination = string, prefix = optional(string, ""),' in schedules
    assert "EventBridge Scheduler" in schedules and "<<" not in schedules


def test_object_variables_show_their_full_type_and_default():
    table = readme_tables.inputs_table()
    task_retry = next(line for line in table.splitlines() if line.startswith("| `task_retry`"))
    assert (
        "| `object({interval_seconds = optional(number, 2), max_attempts = optional(number, 6), "
        "crash_max_attempts = optional(number, 2), transient_max_attempts = optional(number, 8), "
        "backoff_rate = optional(number, 2), max_delay_seconds = optional(number, 60)})` | `{}` |"
    ) in task_retry
    assert "see variables.tf" not in table and "| `object` |" not in table


def test_requirements_and_providers_are_versions_tf():
    versions = (ROOT / "versions.tf").read_text()
    required = re.search(r'required_version\s*=\s*"([^"]+)"', versions).group(1)
    aws = re.search(r'version\s*=\s*"([^"]+)"', versions.split("required_providers")[1]).group(1)
    assert f"| terraform | `{required}` |" in readme_tables.requirements_table()
    assert f"| aws | `{aws}` |" in readme_tables.providers_table()


def test_resources_table_names_every_resource_and_data_source():
    declared_here = set()
    for path in [*ROOT.glob("*.tf"), *ROOT.glob("modules/*/*.tf")]:
        for kind, type_, name in re.findall(
            r'^(resource|data) "(\w+)" "(\w+)"', path.read_text(), re.MULTILINE
        ):
            declared_here.add(("data." if kind == "data" else "") + f"{type_}.{name}")
    listed = re.findall(r"^\| `(?:module\.\w+\.)?([\w.]+)` \|", readme_tables.resources_table(), re.MULTILINE)
    assert set(listed) == declared_here
    assert "| `module.function.aws_lambda_function.this` | resource |" in readme_tables.resources_table()


def test_payload_budget_figures_are_what_the_script_measures():
    """docs/ARCHITECTURE.md "Payload budget" lists every state's worst case as scripts/payload_budget.py
    measures it, and names the largest."""
    from scripts import payload_budget

    readme = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    measured = payload_budget.measure()
    states = [(label, size) for label, size in measured if label.startswith(payload_budget.STATES)]
    for label, size in states:
        shown = f"{size:,} characters" if "characters" in label else f"{round(size / 1000)} KB"
        assert f"| {label} | {shown} |" in readme, (label, shown)
    label, largest = max((s for s in states if "characters" not in s[0]), key=lambda s: s[1])
    assert label.startswith("RecordRangeError") and f"{round(largest / 1000)} KB" in readme
    assert largest < payload_budget.PAYLOAD_LIMIT_BYTES
