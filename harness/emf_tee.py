"""The worker's half of embedded metric format (EMF) delivery: on AWS, CloudWatch Logs turns a
function's stdout lines that are EMF documents into metrics; moto has no such thing. In the
worker, stdout is wrapped so that every complete line that is an EMF document is also appended
to a spool file, with the function's ARN (its account and region); the emulator's side
(harness/cloudwatch_metrics.py, EmfForwarder) reads the spool into moto's CloudWatch.

Cheap to import (worker processes import it): standard library only.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any, TextIO

__all__ = ["EMF_SPOOL_NAME", "EmfTee", "is_emf", "tee_emf"]

EMF_SPOOL_NAME = "emf-metrics.jsonl"


def is_emf(line: str) -> bool:
    """Whether CloudWatch Logs would read ``line`` as an EMF document (a JSON object with
    ``_aws.CloudWatchMetrics``)."""
    if not line.startswith("{") or '"_aws"' not in line:
        return False  # most lines, JSON log records included, without parsing them
    try:
        document = json.loads(line)
    except ValueError:
        return False
    return (
        isinstance(document, dict)
        and isinstance(document.get("_aws"), dict)
        and ("CloudWatchMetrics" in document["_aws"])
    )


class EmfTee:
    """``sys.stdout`` as it was, plus a copy of each EMF line in the spool."""

    def __init__(self, stream: TextIO, function_arn: str, spool_path: str) -> None:
        self._stream = stream
        self._arn = function_arn
        self._spool = spool_path
        self._partial = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        with self._lock:
            *lines, self._partial = (self._partial + text).split("\n")
        emf = [line for line in lines if is_emf(line)]
        if emf:
            records = "".join(json.dumps({"arn": self._arn, "line": line}) + "\n" for line in emf)
            # One O_APPEND write per batch of lines: workers of every function share the spool.
            fd = os.open(self._spool, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, records.encode())
            finally:
                os.close(fd)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def tee_emf(function_arn: str, cache_root: str) -> None:
    """Wrap this worker's ``sys.stdout``; the spool is in the runtime's ``cache_root``."""
    sys.stdout = EmfTee(sys.stdout, function_arn, os.path.join(cache_root, EMF_SPOOL_NAME))  # type: ignore[assignment]
