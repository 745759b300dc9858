"""Static checks of the templated state machine: it renders, parses and hangs together."""

from __future__ import annotations

import inspect
import json
import re

import pytest
from cfnlint.api import lint_all

from bucket_sync import errors
from tests.static.asl import ROOT, SAMPLE_VALUES, placeholders, render, scopes, successors

LAMBDA_SERVICE_ERRORS = {
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
}
OUR_ERRORS = {
    name
    for name, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, errors.SyncError) and cls is not errors.SyncError
}


def test_every_placeholder_is_filled_by_main_tf():
    main_tf = (ROOT / "main.tf").read_text()
    call = main_tf[main_tf.index("templatefile(") : main_tf.index("})", main_tf.index("templatefile("))]
    passed = set(re.findall(r"^\s*([a-z_]+)\s*=", call, re.MULTILINE))
    assert placeholders() == passed == set(SAMPLE_VALUES)


def test_renders_to_json_with_values_in_place():
    definition = render()
    assert definition["States"]["SyncRanges"]["MaxConcurrency"] == 10
    assert "${" not in json.dumps(definition)


@pytest.mark.parametrize("scope", list(scopes(render())), ids=lambda s: s["StartAt"])
def test_every_target_exists_and_every_state_is_reachable(scope):
    states = scope["States"]
    for name, state in states.items():
        for target in successors(state):
            assert target in states, f"{name} goes to missing state {target}"
    seen, todo = set(), [scope["StartAt"]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(successors(states[name]))
    assert seen == set(states), f"unreachable: {set(states) - seen}"


def all_states():
    return [(name, state) for scope in scopes(render()) for name, state in scope["States"].items()]


@pytest.mark.parametrize(
    ("name", "state"), [s for s in all_states() if s[1]["Type"] == "Task"], ids=lambda s: s
)
def test_every_task_retries_lambda_errors_catches_and_times_out(name, state):
    retried = {error for retry in state["Retry"] for error in retry["ErrorEquals"]}
    assert LAMBDA_SERVICE_ERRORS <= retried
    assert any("States.ALL" in catch["ErrorEquals"] for catch in state["Catch"])
    assert state["TimeoutSeconds"] == SAMPLE_VALUES["task_timeout_seconds"]


@pytest.mark.parametrize(
    ("name", "state"), [s for s in all_states() if s[1]["Type"] == "Choice"], ids=lambda s: s
)
def test_every_choice_has_a_default(name, state):
    assert "Default" in state


def test_error_names_are_the_handlers_exception_classes():
    named = set()
    for _, state in all_states():
        for clause in state.get("Catch", []) + state.get("Retry", []):
            named |= {
                e
                for e in clause["ErrorEquals"]
                if not e.startswith(("States.", "Lambda.", "Sandbox.", "Runtime."))
            }
        if state["Type"] == "Fail" and "Error" in state:
            named.add(state["Error"])
    assert named and named <= OUR_ERRORS
    assert OUR_ERRORS - named == set(), "every error the handlers define is caught or raised by name"


def cfn_lint_findings(definition: dict) -> list[str]:
    """Errors and warnings cfn-lint reports on the definition wrapped in a CloudFormation resource."""
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "StateMachine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"RoleArn": "arn:aws:iam::123456789012:role/sync", "Definition": definition},
            }
        },
    }
    matches = lint_all(json.dumps(template))
    return [f"{m.rule.id}: {m.message}" for m in matches if m.rule.id[0] in "EW"]


def test_cfn_lint_accepts_the_definition():
    assert cfn_lint_findings(render()) == []


def test_cfn_lint_would_catch_a_broken_definition():
    broken = render()
    broken["States"]["PlanRanges"]["Type"] = "Tusk"
    assert any(f.startswith("E3601") for f in cfn_lint_findings(broken))


def test_every_task_retries_transient_errors_crashes_and_timeouts():
    # Every step is idempotent (windows resume from stored cursors, rounds from their header), so
    # a throttle that outlived botocore's attempts, a crash or a timeout is retried, never a failure.
    wanted = {"TransientError", "Lambda.Unknown", "States.Timeout", "Sandbox.Timedout", "Runtime.ExitError"}
    for scope in scopes(render()):
        for name, state in scope["States"].items():
            if state["Type"] != "Task":
                continue
            retried = {error for retrier in state.get("Retry", []) for error in retrier["ErrorEquals"]}
            assert wanted <= retried, f"{name} does not retry {sorted(wanted - retried)}"
            transient = next(r for r in state["Retry"] if "TransientError" in r["ErrorEquals"])
            assert (
                transient["MaxDelaySeconds"] >= transient["IntervalSeconds"]
                and transient["JitterStrategy"] == "FULL"
            )
