"""One emulator and one applied stack for the whole end-to-end session (an apply takes ~20 s)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import Emulator, TerraformStack
from harness.buckets import empty, ensure_bucket, snapshot
from harness.executions import Execution, run_execution

STACK = Path(__file__).parent / "stack"
SRC, DST = "e2e-src", "e2e-dst"
FAR = "e2e-far"  # a destination in another region
GHOST = "e2e-ghost"  # configured, never created
OUTSIDE = "e2e-outside"  # exists, not configured
CHUNK_SIZE, MAX_CONCURRENCY, MAX_STEPS_PER_RANGE = 40, 4, 8


@dataclass
class Deployment:
    emulator: Any
    stack: Any
    state_machine_arn: str
    s3: Any
    sfn: Any

    def run(self, **run_input: Any) -> Execution:
        return run_execution(self.sfn, self.state_machine_arn, run_input)

    def snapshot(self, bucket: str) -> dict:
        return snapshot(self.s3, bucket)


@pytest.fixture(scope="session")
def deployment(emulator: Emulator) -> Iterator[Deployment]:
    s3 = emulator.client("s3")
    for bucket in (SRC, DST, OUTSIDE):
        ensure_bucket(s3, bucket)
    ensure_bucket(emulator.client("s3", region="us-west-2"), FAR, region="us-west-2")
    variables = {
        "source_bucket_names": [SRC, GHOST],
        "destination_bucket_names": [DST, FAR, GHOST],
        "chunk_size": CHUNK_SIZE,
        "max_concurrency": MAX_CONCURRENCY,
        "max_steps_per_range": MAX_STEPS_PER_RANGE,
    }
    with TerraformStack(STACK, variables, emulator) as stack:
        yield Deployment(
            emulator=emulator,
            stack=stack,
            state_machine_arn=stack.outputs()["state_machine_arn"],
            s3=s3,
            sfn=emulator.client("stepfunctions"),
        )


@pytest.fixture
def sync(deployment: Deployment) -> Deployment:
    """The deployment with both test buckets emptied, so each test starts from nothing."""
    for bucket in (SRC, DST, FAR):
        empty(deployment.s3, bucket)
    deployment.emulator.clear_child_history_event_counts()
    return deployment
