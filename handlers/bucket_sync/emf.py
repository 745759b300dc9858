"""CloudWatch metrics as embedded metric format (EMF) log lines: CloudWatch Logs turns each line
into metric values, so publishing costs no API call and no extra permission.

The line is written to stdout as it is: the runtime's JSON log format wraps records of the
logging module, not what is printed, and CloudWatch extracts metrics only from a line that is
itself the EMF object.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence

# EMF takes at most 100 values per metric in one line.
MAX_VALUES = 100


def metric_lines(
    namespace: str,
    dimensions: Mapping[str, str],
    values: Mapping[str, Sequence[float]],
    units: Mapping[str, str],
    now: float | None = None,
) -> list[str]:
    """EMF lines for `values` (metric name -> values), MAX_VALUES values of each per line."""
    timestamp = int((time.time() if now is None else now) * 1000)
    names = [name for name, series in values.items() if series]
    lines = []
    longest = max((len(values[name]) for name in names), default=0)
    for start in range(0, longest, MAX_VALUES):
        chunk = {name: list(values[name][start : start + MAX_VALUES]) for name in names}
        chunk = {name: series for name, series in chunk.items() if series}
        document = {
            "_aws": {
                "Timestamp": timestamp,
                "CloudWatchMetrics": [
                    {
                        "Namespace": namespace,
                        "Dimensions": [list(dimensions)],
                        "Metrics": [{"Name": name, "Unit": units.get(name, "None")} for name in chunk],
                    }
                ],
            },
            **dimensions,
            **chunk,
        }
        lines.append(json.dumps(document, separators=(",", ":")))
    return lines


def publish(
    namespace: str,
    dimensions: Mapping[str, str],
    values: Mapping[str, Sequence[float]],
    units: Mapping[str, str],
) -> None:
    """Write the EMF lines of `values` to stdout."""
    for line in metric_lines(namespace, dimensions, values, units):
        sys.stdout.write(line + "\n")
    sys.stdout.flush()
