"""Fixtures shared across test layers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import Emulator


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """The one local AWS emulator of a test run (moto allows one server per process here)."""
    with Emulator(lambda_workers=4) as running:
        yield running
