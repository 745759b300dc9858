"""Every handler log line names its run (execution ARN) and carries ranges and counts."""

import json

from bucket_sync.runstore import RunStore
from bucket_sync.steps import sync_range
from tests.unit.support import Context, put, run_config, whole_range


def test_a_range_step_logs_execution_range_and_counts(s3, run_table, capsys):
    put(s3, "src", "a")
    run = run_config()
    RunStore(run_table, run["execution"]).write_round(1, [whole_range()])
    sync_range.handler({"run": run, "round": 1, "index": 0}, Context())
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    step = next(line for line in lines if line["event"] == "range.step")
    assert step["execution"] == run["execution"]
    assert step["range"] == whole_range()
    assert step["counts"]["copied"] == 1 and step["done"] is True
