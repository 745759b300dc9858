"""One JSON object per log line, so CloudWatch Logs Insights can query runs, ranges and counts.

With the functions' JSON log format (the module's default), Lambda's own formatter writes each
record as JSON and adds the fields given as `extra`; elsewhere (tests, the local emulator) this
module writes the same JSON itself. Either way the level follows AWS_LAMBDA_LOG_LEVEL.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any


class _Stdout(logging.Handler):
    """Writes to whatever sys.stdout is at the time (the runtime or a test may replace it)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stdout.write(record.getMessage() + "\n")
        sys.stdout.flush()


_logger = logging.getLogger("bucket_sync")
_LAMBDA_JSON = os.environ.get("AWS_LAMBDA_LOG_FORMAT") == "JSON"
if not _LAMBDA_JSON and not _logger.handlers:
    _logger.addHandler(_Stdout())
    _logger.propagate = False
_logger.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper().replace("WARN", "WARNING"))


def log(event: str, **fields: Any) -> None:
    """Write one structured record: the event name plus JSON-serialisable fields."""
    if _LAMBDA_JSON:
        _logger.info(event, extra={"event": event, **json.loads(json.dumps(fields, default=str))})
    else:
        _logger.info(json.dumps({"event": event, **fields}, default=str, ensure_ascii=False))
