"""What the emulator's Lambda runtime passes around: a function's configuration and layers, an
invocation's result, and Lambda's sandbox quotas. Cheap to import (worker processes import it)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

# Generous budget for spawning a worker and importing the handler module; real
# Lambda also has a separate (10 s) init phase not counted in the timeout.
INIT_TIMEOUT_SECONDS = 60.0

# Exit status of a worker killed by crash injection (as after SIGKILL in a shell).
CRASH_EXIT_STATUS = 137

# AWS Lambda quotas: "Execution processes/threads 1,024" and "File descriptors 1,024" per
# sandbox. A handler that opens more fails on AWS; the worker enforces both (0: no limit).
LAMBDA_MAX_THREADS = 1024
LAMBDA_MAX_OPEN_FILES = 1024


@dataclass(frozen=True)
class LayerSpec:
    """One layer version of a function: its ARN, content hash and zip (Lambda's copy of it)."""

    arn: str
    code_sha256: str
    zip_bytes: bytes = field(repr=False, compare=False)


@dataclass(frozen=True)
class FunctionSpec:
    """Everything a worker needs to run one configuration of one function."""

    function_name: str
    function_arn: str
    handler: str
    region: str
    timeout_seconds: float
    memory_mb: int
    version: str
    endpoint: str
    environment: dict[str, str] = field(default_factory=dict)
    code_sha256: str = ""
    # Sandbox limits (0: unlimited). Part of the fingerprint: a changed limit means new workers.
    max_threads: int = LAMBDA_MAX_THREADS
    max_open_files: int = LAMBDA_MAX_OPEN_FILES
    # What the handler's SDK signs with: the function role's temporary credentials when the
    # emulator enforces IAM (harness/iam_enforcement.py), else the emulator's admin key.
    access_key_id: str = "test"
    secret_access_key: str = "test"
    session_token: str = ""
    # The function's layers in configuration order, extracted as Lambda does into one /opt.
    layers: tuple[LayerSpec, ...] = ()

    def fingerprint(self) -> str:
        """Identify this configuration; a changed fingerprint means a new pool."""
        fields = dict(self.__dict__, layers=[[layer.arn, layer.code_sha256] for layer in self.layers])
        data = json.dumps(fields, sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()


@dataclass(frozen=True)
class InvokeResult:
    """Response payload plus the ``X-Amz-Function-Error`` value, if any.

    ``cpu_seconds``: CPU time the worker process spent in the handler (all its threads), which
    bench/ uses to model Lambda's billed duration; 0.0 when no handler ran.
    """

    payload: bytes
    function_error: str | None = None
    cpu_seconds: float = 0.0


def error_payload(error_type: str, message: str, stack: list[str] | None = None) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message, "stackTrace": stack or []}).encode()
