"""checks.tf refuses settings that cannot work together with the handlers' own figures."""

from __future__ import annotations

import re

from bucket_sync.copytime import STOP_MARGIN_SECONDS, usable_seconds
from tests.static.asl import ROOT

CHECKS = (ROOT / "checks.tf").read_text()


def local(name: str) -> str:
    found = re.search(rf"^\s*{name}\s*=\s*(.+)$", CHECKS, re.MULTILINE)
    assert found, name
    return found.group(1).strip()


def test_the_stop_margin_is_the_handlers():
    assert float(local("stop_margin_seconds")) == STOP_MARGIN_SECONDS
    # The same rule as copytime.usable_seconds: the margin, or a third of the time if less.
    assert local("step_usable_seconds") == (
        "var.lambda_timeout - min(local.stop_margin_seconds, var.lambda_timeout / 3)"
    )
    assert usable_seconds(10, STOP_MARGIN_SECONDS) == 10 - 10 / 3


def test_the_window_memory_covers_the_measured_bytes_per_listed_key():
    # scripts/window_memory.py: a window keeps about 0.9 KB per listed key of short keys, on
    # each of its two sides.
    assert float(local("window_memory_mb_per_key")) >= 2 * 900 / 1e6
