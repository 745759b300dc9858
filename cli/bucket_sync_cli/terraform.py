"""Reading the state machine ARN from an output of an applied Terraform root module."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

__all__ = [
    "OUTPUT_NAME",
    "TerraformOutputError",
    "output_value",
    "parse_outputs",
    "read_outputs",
    "state_machine_arn_from_terraform",
]

OUTPUT_NAME = "state_machine_arn"


class TerraformOutputError(Exception):
    """An output could not be read: terraform missing or failing, or no such output."""


def _outputs(text: str, directory: str) -> dict[str, Any]:
    try:
        outputs: Any = json.loads(text or "{}")
    except ValueError as error:
        message = f"terraform output -json in {directory} did not print JSON: {error}"
        raise TerraformOutputError(message) from None
    if not isinstance(outputs, dict):
        raise TerraformOutputError(f"terraform output -json in {directory} did not print a JSON object")
    return outputs


def output_value(text: str, directory: str, output_name: str) -> Any:
    """The value of output ``output_name`` (None when it is null) from the text of ``terraform
    output -json``; an output the root module does not have is an error naming those it has."""
    outputs = _outputs(text, directory)
    entry = outputs.get(output_name)
    if not isinstance(entry, dict):
        known = ", ".join(sorted(outputs)) or "none"
        raise TerraformOutputError(
            f"{directory} has no output {output_name!r} (outputs: {known}); apply the module there "
            f"first, expose module.<name>.{output_name} as a root output, or name the output with "
            "--output-name"
        )
    return entry.get("value")


def parse_outputs(text: str, directory: str = ".", output_name: str = OUTPUT_NAME) -> str:
    """The value of output ``output_name`` from the text of ``terraform output -json``."""
    outputs = _outputs(text, directory)
    entry = outputs.get(output_name)
    value = entry.get("value") if isinstance(entry, dict) else None
    if not isinstance(value, str) or not value:
        known = ", ".join(sorted(outputs)) or "none"
        raise TerraformOutputError(
            f"{directory} has no string output {output_name!r} (outputs: {known}); apply the "
            "module there first, expose module.<name>.state_machine_arn as a root output, "
            "or name the output with --output-name"
        )
    return value


def read_outputs(directory: str, terraform: str = "terraform") -> str:
    """The text ``terraform -chdir=DIR output -json`` prints."""
    if not Path(directory).is_dir():
        raise TerraformOutputError(f"--from-terraform: {directory} is not a directory")
    executable = shutil.which(terraform)
    if executable is None:
        raise TerraformOutputError(f"--from-terraform needs {terraform!r} on the PATH")
    try:
        proc = subprocess.run(
            [executable, f"-chdir={directory}", "output", "-json", "-no-color"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise TerraformOutputError(f"terraform output in {directory} failed: {error}") from None
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()[-5:] or [f"exit status {proc.returncode}"]
        raise TerraformOutputError(f"terraform output in {directory} failed: " + " / ".join(detail))
    return proc.stdout


def state_machine_arn_from_terraform(
    directory: str, terraform: str = "terraform", output_name: str = OUTPUT_NAME
) -> str:
    """Run ``terraform -chdir=DIR output -json`` and return its output ``output_name``."""
    return parse_outputs(read_outputs(directory, terraform), directory, output_name)
