"""Rendering and walking statemachine.asl.json, for the static checks and the e2e tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "statemachine.asl.json"
PLACEHOLDER = re.compile(r"\$\{([a-z_][a-z0-9_]*)\}")

# Values of the kinds main.tf passes: ARNs as strings, numbers bare.
SAMPLE_VALUES: dict[str, Any] = {
    "validate_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:t-validate",
    "plan_ranges_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:t-plan-ranges",
    "sync_range_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:t-sync-range",
    "record_range_error_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:t-record-range-error",
    "summarize_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:t-summarize",
    "max_concurrency": 10,
    "max_steps_per_range": 1000,
    "task_timeout_seconds": 330,
    "retry_interval_seconds": 2,
    "retry_max_attempts": 6,
    "crash_retry_max_attempts": 2,
    "transient_retry_max_attempts": 8,
    "retry_max_delay_seconds": 60,
    "retry_backoff_rate": 2,
}


def placeholders(text: str | None = None) -> set[str]:
    return set(PLACEHOLDER.findall(TEMPLATE.read_text() if text is None else text))


def render(values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fill the template as Terraform's templatefile() does for these simple placeholders."""
    values = SAMPLE_VALUES if values is None else values
    text = PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), TEMPLATE.read_text())
    return json.loads(text)


def scopes(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every StartAt/States scope: the top level and each Map's ItemProcessor, recursively."""
    yield definition
    for state in definition["States"].values():
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            yield from scopes(processor)


def successors(state: dict[str, Any]) -> list[str]:
    targets = [state["Next"]] if "Next" in state else []
    targets += [choice["Next"] for choice in state.get("Choices", [])]
    targets += [state["Default"]] if "Default" in state else []
    targets += [catch["Next"] for catch in state.get("Catch", [])]
    return targets
