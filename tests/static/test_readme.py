"""The README's inputs and outputs tables name exactly the module's variables and outputs."""

from __future__ import annotations

import re

from tests.static.asl import ROOT


def declared(kind: str, path: str) -> list[str]:
    return re.findall(rf'^{kind} "([a-z0-9_]+)"', (ROOT / path).read_text(), re.MULTILINE)


def table(heading: str) -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(f"### {heading}\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.MULTILINE)


def test_inputs_table_matches_variables_tf():
    assert table("Inputs") == declared("variable", "variables.tf")


def test_outputs_table_matches_outputs_tf():
    assert table("Outputs") == declared("output", "outputs.tf")
