"""Fixtures shared across test layers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import Emulator, s3_fidelity

# moto's S3 as S3 behaves where the sync depends on it (opaque SSE-KMS ETags, conditional deletes).
s3_fidelity.apply()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """The one local AWS emulator of a test run (moto allows one server per process here)."""
    with Emulator(lambda_workers=4) as running:
        yield running
