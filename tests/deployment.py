"""The module applied once into the emulator for a whole test session (an apply takes ~20 s),
with the buckets and the per-test fixtures the end-to-end and command-line tests share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from harness import Emulator, TerraformStack
from harness.buckets import ensure_bucket, snapshot
from harness.executions import Execution, run_execution, wait_for_execution
from harness.fill import empty_objects

STACK = Path(__file__).parent / "e2e" / "stack"
SRC, DST = "e2e-src", "e2e-dst"
FAR = "e2e-far"  # a destination in another region
GHOST = "e2e-ghost"  # configured, never created
OUTSIDE = "e2e-outside"  # exists, not configured
VSRC, VDST = "e2e-vsrc", "e2e-vdst"  # a pair with versioning enabled, for test_features.py
REPORTS = "e2e-reports"  # where the `wide` instance writes run reports
CSRC, CDST = "e2e-csrc", "e2e-cdst"  # the pair continuous sync follows (test_continuous.py)
# Two windows a child before it hands its range back: a few thousand objects take many windows,
# several ranges and several rounds.
CHUNK_SIZE, MAX_CONCURRENCY, MAX_STEPS_PER_RANGE = 40, 4, 2


@dataclass
class Deployment:
    emulator: Any
    stack: Any
    state_machine_arn: str
    s3: Any
    sfn: Any
    # The second module instance, with allow_cross_region = true (see the `cross_region` fixture).
    cross_region_state_machine_arn: str = ""
    # The third instance, at the largest max_concurrency the module accepts (see `wide`).
    wide_state_machine_arn: str = ""
    # The fourth, with 10-second steps and 2 threads (see `slow`).
    slow_state_machine_arn: str = ""
    # The fifth, at the default copy_threads and chunk_size and max_concurrency 10 (see `scale`).
    scale_state_machine_arn: str = ""
    # The first instance's continuous-sync resources (queue_url, consumer_function_arn, ...).
    continuous: dict = field(default_factory=dict)
    run_table_name: str = ""

    def run(self, **run_input: Any) -> Execution:
        return run_execution(self.sfn, self.state_machine_arn, run_input)

    def snapshot(self, bucket: str) -> dict:
        return snapshot(self.s3, bucket)


@pytest.fixture(scope="session")
def deployment(emulator: Emulator) -> Iterator[Deployment]:
    s3 = emulator.client("s3")
    for bucket in (SRC, DST, OUTSIDE, VSRC, VDST, REPORTS, CSRC, CDST):
        ensure_bucket(s3, bucket)
    for bucket in (VSRC, VDST):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    ensure_bucket(emulator.client("s3", region="us-west-2"), FAR, region="us-west-2")
    variables = {
        "source_bucket_names": [SRC, GHOST, VSRC, CSRC],
        "destination_bucket_names": [DST, FAR, GHOST, VDST, CDST],
        "continuous_source": CSRC,
        "continuous_destination": CDST,
        "chunk_size": CHUNK_SIZE,
        "max_concurrency": MAX_CONCURRENCY,
        "max_steps_per_range": MAX_STEPS_PER_RANGE,
    }
    with TerraformStack(STACK, variables, emulator) as stack:
        outputs = stack.outputs()
        yield Deployment(
            emulator=emulator,
            stack=stack,
            state_machine_arn=outputs["state_machine_arn"],
            s3=s3,
            sfn=emulator.client("stepfunctions"),
            cross_region_state_machine_arn=outputs["cross_region_state_machine_arn"],
            wide_state_machine_arn=outputs["wide_state_machine_arn"],
            slow_state_machine_arn=outputs["slow_state_machine_arn"],
            scale_state_machine_arn=outputs["scale_state_machine_arn"],
            continuous=outputs["continuous_sync"],
            run_table_name=outputs["run_table_name"],
        )


@pytest.fixture
def sync(deployment: Deployment) -> Deployment:
    """The deployment with both test buckets emptied, so each test starts from nothing (in the
    emulator's backend: through the API, emptying 20,000 objects took a minute)."""
    settle_running_executions(deployment)
    for bucket in (SRC, DST, FAR):
        empty_objects(deployment.emulator, bucket)
    deployment.emulator.clear_child_history_event_counts()
    return deployment


def settle_running_executions(deployment: Deployment) -> None:
    """Wait for runs an earlier test left going (--no-wait, an interrupted CLI), so they cannot
    write into this test's buckets."""
    arns = [
        deployment.state_machine_arn,
        deployment.cross_region_state_machine_arn,
        deployment.wide_state_machine_arn,
        deployment.slow_state_machine_arn,
        deployment.scale_state_machine_arn,
    ]
    for arn in filter(None, arns):
        running = deployment.sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]
        for execution in running:
            wait_for_execution(deployment.sfn, execution["executionArn"], timeout_seconds=300)


@pytest.fixture
def cross_region(sync: Deployment) -> Deployment:
    """Like `sync`, but runs go to the module instance that allows cross-region runs."""
    return replace(sync, state_machine_arn=sync.cross_region_state_machine_arn)


@pytest.fixture
def wide(sync: Deployment) -> Deployment:
    """Like `sync`, but runs go to the instance with max_concurrency = 1000."""
    return replace(sync, state_machine_arn=sync.wide_state_machine_arn)


@pytest.fixture
def slow(sync: Deployment) -> Deployment:
    """Like `sync`, but runs go to the instance whose steps last at most 10 s."""
    return replace(sync, state_machine_arn=sync.slow_state_machine_arn)


@pytest.fixture
def scale(sync: Deployment) -> Deployment:
    """Like `sync`, but runs go to the instance at the default copy_threads and chunk_size."""
    return replace(sync, state_machine_arn=sync.scale_state_machine_arn)


def empty_versions(s3: Any, bucket: str) -> None:
    """Delete every version and delete marker of a versioned `bucket`."""
    found = [
        {"Key": row["Key"], "VersionId": row["VersionId"]}
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket)
        for row in page.get("Versions", []) + page.get("DeleteMarkers", [])
    ]
    for start in range(0, len(found), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": found[start : start + 1000], "Quiet": True})


@pytest.fixture
def versioned(deployment: Deployment) -> Deployment:
    """The deployment with the versioned pair (VSRC, VDST) emptied of every version."""
    for bucket in (VSRC, VDST):
        empty_versions(deployment.s3, bucket)
    deployment.emulator.clear_child_history_event_counts()
    return deployment
