"""The scheduled run as continuous sync's measure: a finished run over exactly the followed pair
publishes its copies and deletes as MissedChanges; any other run publishes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bucket_sync.payloads import RunState, zero_counts
from bucket_sync.range_step import start_progress
from bucket_sync.reconcile import publish_missed
from bucket_sync.runstore import RunStore
from bucket_sync.steps import summarize
from tests.unit.support import Context, run_config

FOLLOWED = {
    "CONTINUOUS_SOURCE": "src",
    "CONTINUOUS_DESTINATION": "dst",
    "CONTINUOUS_PREFIX": "",
    "CONTINUOUS_INCLUDE": "[]",
    "CONTINUOUS_EXCLUDE": "[]",
    "CONTINUOUS_METRIC_NAMESPACE": "BucketSync/Continuous",
    "CONTINUOUS_CONSUMER": "test-consume",
}


def finished(**run: Any) -> RunState:
    totals = {**zero_counts(), "copied": 3, "deleted": 2, "unchanged": 40}
    return RunState(
        run=run_config(**run),
        round=1,
        totals=totals,
        failures=[],
        resumeRound=None,
        report={},  # type: ignore[typeddict-item]
    )


def emf_lines(capsys: pytest.CaptureFixture) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" in line]


def test_a_reconcile_run_publishes_what_it_repaired(capsys: pytest.CaptureFixture) -> None:
    assert publish_missed(finished(), FOLLOWED)
    [line] = emf_lines(capsys)
    assert (line["MissedChanges"], line["MissedCopies"], line["MissedDeletes"]) == ([5], [3], [2])
    assert line["Consumer"] == "test-consume"
    assert line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "BucketSync/Continuous"


@pytest.mark.parametrize(
    ("environ", "run", "ends"),
    [
        ({}, {}, True),  # continuous sync off
        (FOLLOWED, {"prefix": "photos/a.jpg"}, True),  # a hand-off run, scoped to one key
        (FOLLOWED, {"destination": "other"}, True),
        (FOLLOWED, {"include": ["*.jpg"]}, True),  # narrower than what the consumer follows
        (FOLLOWED, {"dryRun": True}, True),
        (FOLLOWED, {}, False),  # a round ended, not the run
    ],
)
def test_no_other_run_is_taken_for_a_reconcile(
    capsys: pytest.CaptureFixture, environ: dict[str, str], run: dict[str, Any], ends: bool
) -> None:
    state = finished(**run)
    if not ends:
        del state["report"]
    assert not publish_missed(state, environ)
    assert emf_lines(capsys) == []


def a_finished_round(run_table: Any, monkeypatch: pytest.MonkeyPatch, copied: int, deleted: int) -> RunState:
    """TallyRound's input for the last round of a run over the followed pair, its one range done."""
    for name, value in FOLLOWED.items():
        monkeypatch.setenv(name, value)
    store = RunStore(run_table, run_config()["execution"])
    key_range = {"after": "", "upTo": None}
    store.write_round(1, [key_range])
    progress = {**start_progress(key_range), "done": True, "steps": 1}
    progress["counts"] = {**progress["counts"], "copied": copied, "deleted": deleted}
    store.save_progress(1, 0, key_range, progress)
    return RunState(
        run=run_config(), round=1, totals=zero_counts(), failures=[], resumeRound=None, ranges=[0]
    )


def test_tally_round_publishes_when_the_reconcile_run_ends(
    run_table: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    state = a_finished_round(run_table, monkeypatch, copied=4, deleted=1)
    assert "report" in summarize.handler(state, Context())
    [line] = emf_lines(capsys)
    assert line["MissedChanges"] == [5]


def test_a_retried_tally_publishes_the_same_figure_not_a_larger_one(
    run_table: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # Step Functions retries a TallyRound whose answer was lost: the alarm reads Maximum, so the
    # second publication must carry the run's figure again, not add to it.
    state = a_finished_round(run_table, monkeypatch, copied=2, deleted=1)
    summarize.handler(state, Context())
    summarize.handler(state, Context())
    assert [line["MissedChanges"] for line in emf_lines(capsys)] == [[3], [3]]
