"""One JSON object per log line, so CloudWatch Logs Insights can query runs, ranges and counts."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_logger = logging.getLogger("bucket_sync")
if not _logger.handlers:
    _handler = logging.StreamHandler(sys.stdout)
    _handler.setFormatter(logging.Formatter("%(message)s"))
    _logger.addHandler(_handler)
    _logger.setLevel(logging.INFO)
    _logger.propagate = False


def log(event: str, **fields: Any) -> None:
    """Write one structured log line: the event name plus any JSON-serialisable fields."""
    _logger.info(json.dumps({"event": event, **fields}, default=str, ensure_ascii=False))
