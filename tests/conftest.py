"""Fixtures shared across test layers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import Emulator

# The applied module and its per-test views, shared by the end-to-end and command-line tests.
from tests.deployment import cross_region, deployment, scale, slow, sync, versioned, wide  # noqa: E402, F401


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """The one local AWS emulator of a test run (moto allows one server per process here)."""
    with Emulator(lambda_workers=4) as running:
        yield running


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that starts the emulator (directly or through a fixture), so that the fast
    subset (`make test-unit`) can leave them out with -m "not emulator"."""
    for item in items:
        if "emulator" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.emulator)
