"""The switches that turn the emulator's AWS limits off (harness/strictness.py)."""

from __future__ import annotations

import pytest

from harness import Emulator
from harness.strictness import LAX_ENV_VAR, Strictness


def test_everything_is_enforced_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LAX_ENV_VAR, raising=False)
    limits = Strictness.from_env()
    assert all(getattr(limits, name) for name in Strictness.names())
    assert Emulator().strictness == Strictness()


def test_environment_variable_names_the_limits_to_turn_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LAX_ENV_VAR, "payload_size, sse_c")
    limits = Emulator().strictness
    assert (limits.payload_size, limits.sse_c) == (False, False)
    assert limits.failure_cause and limits.lambda_threads and limits.delete_objects_etag


def test_all_turns_every_limit_off() -> None:
    limits = Strictness.from_env("all")
    assert not any(getattr(limits, name) for name in Strictness.names())


def test_an_unknown_name_is_refused_not_ignored() -> None:
    with pytest.raises(ValueError, match="payload"):
        Strictness.from_env("payload")
