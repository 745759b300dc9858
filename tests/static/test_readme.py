"""The README's inputs and outputs tables are generated from variables.tf and outputs.tf."""

from __future__ import annotations

import re

from scripts import readme_tables
from tests.static.asl import ROOT


def declared(kind: str, path: str) -> list[str]:
    return re.findall(rf'^{kind} "([a-z0-9_]+)"', (ROOT / path).read_text(), re.MULTILINE)


def test_readme_tables_are_what_the_generator_writes():
    readme = (ROOT / "README.md").read_text()
    assert readme_tables.render(readme) == readme, "run python scripts/readme_tables.py"


def test_generated_tables_name_every_variable_and_output_in_order():
    inputs = re.findall(r"^\| `([a-z0-9_]+)` \|", readme_tables.inputs_table(), re.MULTILINE)
    outputs = re.findall(r"^\| `([a-z0-9_]+)` \|", readme_tables.outputs_table(), re.MULTILINE)
    assert inputs == declared("variable", "variables.tf")
    assert outputs == declared("output", "outputs.tf")


def test_a_required_variable_and_a_heredoc_description_render():
    table = readme_tables.inputs_table()
    assert "| `name` | `string` | required |" in table
    schedules = next(line for line in table.splitlines() if line.startswith("| `schedules`"))
    assert "`map(object)`" in schedules and "EventBridge Scheduler" in schedules and "<<" not in schedules
