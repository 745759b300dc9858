"""The end-of-run summary: a readable table, or one JSON object."""

from __future__ import annotations

import json
from typing import Any

from bucket_sync_cli.runner import Outcome

__all__ = [
    "MAX_FAILURES_SHOWN",
    "error_line",
    "failure_report",
    "format_duration",
    "format_table",
    "human_bytes",
    "json_document",
    "report_of",
]

MAX_FAILURES_SHOWN = 20
_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


def human_bytes(count: int) -> str:
    """``1536`` -> ``"1.5 KiB"``; below 1 KiB, plain bytes."""
    if count < 1024:
        return f"{count} B"
    value = float(count)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def format_duration(seconds: float) -> str:
    """``75.2`` -> ``"1:15"``, ``3725`` -> ``"1:02:05"``."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def failure_report(outcome: Outcome) -> dict[str, Any] | None:
    """The run's report when a failed execution's cause is one (``ObjectsFailed``), else None."""
    if outcome.status != "FAILED" or not outcome.cause:
        return None
    try:
        report = json.loads(outcome.cause)
    except ValueError:
        return None
    return report if isinstance(report, dict) and "failures" in report else None


COUNT_FIELDS = ("copied", "copiedBytes", "deleted", "unchanged", "failed", "failuresNotListed")


def report_of(outcome: Outcome) -> dict[str, Any] | None:
    """The run's report: the output of a run that succeeded, the cause of ``ObjectsFailed``."""
    if outcome.status == "SUCCEEDED":
        return outcome.output if isinstance(outcome.output, dict) else None
    return failure_report(outcome)


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def json_document(outcome: Outcome, run_input: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``--json`` object: the same keys whatever the outcome (docs/CLI.md).

    ``status``, ``error``, ``cause``, ``executionArn``, ``stateMachineArn``, ``start``, ``stop``
    (ISO 8601), ``seconds``; what was synced (``source``, ``destination``, ``prefix``,
    ``dryRun``); and the counts of the run's report, at the top level: filled from the output
    of a run that succeeded or from the report an ``ObjectsFailed`` cause carries, null when
    the run did not get that far (or is still running).
    """
    report = report_of(outcome)
    asked = {**(outcome.run_input or {}), **(run_input or {})}
    facts = report or {}
    document: dict[str, Any] = {
        "status": outcome.status,
        "error": outcome.error,
        "cause": outcome.cause,
        "executionArn": outcome.execution_arn,
        "stateMachineArn": outcome.state_machine_arn,
        "start": _iso(outcome.start),
        "stop": _iso(outcome.stop),
        "seconds": outcome.seconds,
        "source": facts.get("source", asked.get("source")),
        "destination": facts.get("destination", asked.get("destination")),
        "prefix": facts.get("prefix", asked.get("prefix", "")),
        "dryRun": facts.get("dryRun", asked.get("dryRun", False)),
    }
    for name in COUNT_FIELDS:
        document[name] = _number(facts.get(name), int)
    if report is not None and document["failuresNotListed"] is None and document["failed"] is not None:
        document["failuresNotListed"] = max(document["failed"] - len(report.get("failures") or []), 0)
    failures = facts.get("failures")
    document["failures"] = failures if isinstance(failures, list) else None
    location = facts.get("reportLocation")
    document["reportLocation"] = location if isinstance(location, str) else None
    # What the run met of S3's throttling, and whether its report is whole (README, "Output").
    slow_downs = facts.get("slowDowns")
    document["slowDowns"] = (
        slow_downs if isinstance(slow_downs, int) and not isinstance(slow_downs, bool) else None
    )
    rate = facts.get("copiesPerSecond")
    document["copiesPerSecond"] = (
        rate if isinstance(rate, (int, float)) and not isinstance(rate, bool) else None
    )
    document["reportIncomplete"] = facts.get("reportIncomplete") is True
    return document


def _number(value: Any, kinds: type | tuple[type, ...]) -> Any:
    """`value` when it is a number of `kinds` (JSON's true and false are not), else None."""
    return value if isinstance(value, kinds) and not isinstance(value, bool) else None


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


def format_table(outcome: Outcome, run_input: dict[str, Any] | None = None, *, verbose: bool = False) -> str:
    """The readable summary: what was synced, the counts, failures, time and execution.

    Up to ``MAX_FAILURES_SHOWN`` failures are listed; ``verbose`` lists all the report names.
    """
    report = report_of(outcome)
    facts = report or {}
    run_input = {**(outcome.run_input or {}), **(run_input or {})}
    rows: list[tuple[str, str]] = [
        ("status", outcome.status),
        ("source", str(facts.get("source", run_input.get("source", "")))),
        ("destination", str(facts.get("destination", run_input.get("destination", "")))),
        ("prefix", str(facts.get("prefix", run_input.get("prefix", ""))) or "(all keys)"),
        ("dry run", _yes_no(facts.get("dryRun", run_input.get("dryRun", False)))),
    ]
    if report is not None:
        copied_bytes = int(report.get("copiedBytes", 0))
        rows += [
            ("copied", f"{int(report.get('copied', 0)):,}"),
            ("bytes", f"{copied_bytes:,} ({human_bytes(copied_bytes)})"),
            ("deleted", f"{int(report.get('deleted', 0)):,}"),
            ("unchanged", f"{int(report.get('unchanged', 0)):,}"),
            ("failed", f"{int(report.get('failed', 0)):,}"),
        ]
    elif outcome.error:
        rows.append(("error", outcome.error))
    if outcome.seconds is not None:
        rows.append(("elapsed", f"{format_duration(outcome.seconds)} ({outcome.seconds:.1f} s)"))
    rows.append(("execution", outcome.execution_arn))
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    failures = (report or {}).get("failures") or []
    if failures:
        lines.append("")
        limit = len(failures) if verbose else MAX_FAILURES_SHOWN
        shown, total = min(len(failures), limit), facts.get("failed", len(failures))
        lines.append(f"failures (first {shown} of {total}):" if total > shown else "failures:")
        for failure in failures[:limit]:
            key = failure.get("key") if isinstance(failure, dict) else None
            reason = failure.get("reason", "") if isinstance(failure, dict) else str(failure)
            lines.append(f"  {key if key is not None else '(key range)'}: {reason}")
    return "\n".join(lines)


def error_line(outcome: Outcome) -> str:
    """``error: <Name>: <cause>`` for a run that did not succeed (stderr in table mode).

    An ``ObjectsFailed`` cause is the whole report, already shown in the table, so it is
    summarised instead of repeated.
    """
    name = outcome.error or outcome.status
    report = failure_report(outcome)
    if report is not None:
        cause = f"{report.get('failed', 0)} object(s) could not be synced; see the failures above"
    else:
        cause = outcome.cause or f"the execution ended {outcome.status}"
    return f"error: {name}: {cause}"
