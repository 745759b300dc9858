"""A dry run's planned actions, read back from a run report in moto (in-process, fast): deletes
first, each row labelled, the first 20 of each unless -v."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bucket_sync_cli.planned import COPY, DELETE, format_planned, planned_actions

LOCATION = "s3://reports/runs/e/"


class CountingS3:
    """An S3 client that counts GetObject calls (the report files read)."""

    def __init__(self, s3: Any) -> None:
        self.s3, self.gets = s3, 0

    def get_paginator(self, name: str) -> Any:
        return self.s3.get_paginator(name)

    def get_object(self, **kwargs: Any) -> Any:
        self.gets += 1
        return self.s3.get_object(**kwargs)


@pytest.fixture
def reports(s3: Any) -> CountingS3:
    s3.create_bucket(Bucket="reports")
    return CountingS3(s3)


def put_report(s3: CountingS3, files: list[list[tuple[str, str]]]) -> None:
    for number, actions in enumerate(files):
        body = "\n".join(
            json.dumps({"action": action, "key": key, **({"size": 64} if action == COPY else {})})
            for action, key in actions
        )
        s3.s3.put_object(Bucket="reports", Key=f"runs/e/actions/{number:06}.jsonl", Body=body.encode())


def copies(first: int, count: int) -> list[tuple[str, str]]:
    return [(COPY, f"obj/{i:05}") for i in range(first, first + count)]


def test_deletes_come_first_even_when_the_report_lists_them_after_many_copies(reports: CountingS3) -> None:
    put_report(
        reports, [copies(0, 25), copies(25, 25) + [(DELETE, "old/a"), (DELETE, "old/b")], copies(50, 5)]
    )
    planned = planned_actions(reports, LOCATION, {DELETE: 2, COPY: 55})
    assert [action["key"] for action in planned.deletes] == ["old/a", "old/b"]
    assert len(planned.copies) == 20 and planned.more
    assert reports.gets == 2, "reading stops once the first deletes and copies are in"
    lines = format_planned(planned, LOCATION).splitlines()
    assert lines[:4] == [
        "would delete (2):",
        "  would delete  old/a",
        "  would delete  old/b",
        "would copy (first 20 of 55; -v lists all):",
    ]
    assert lines[4] == "  would copy    obj/00000 (64 bytes)"
    assert sum(line.startswith("  would copy ") for line in lines) == 20
    assert lines[-1] == f"full list: {LOCATION}actions/"


def test_verbose_lists_every_action(reports: CountingS3) -> None:
    put_report(reports, [copies(0, 25), [(DELETE, f"old/{i:02}") for i in range(30)]])
    planned = planned_actions(reports, LOCATION, {DELETE: 30, COPY: 25}, limit=None)
    assert (len(planned.deletes), len(planned.copies), planned.more) == (30, 25, False)
    text = format_planned(planned, LOCATION)
    assert "would delete (30):" in text and "would copy (25):" in text
    assert text.index("would delete  old/29") < text.index("would copy    obj/00000")


def test_nothing_planned_says_so(reports: CountingS3) -> None:
    planned = planned_actions(reports, LOCATION, {DELETE: 0, COPY: 0})
    assert format_planned(planned, LOCATION).splitlines()[0] == "nothing to copy or delete"
    assert reports.gets == 0
