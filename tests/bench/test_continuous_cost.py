"""bench/costmodel/continuous.py and alternatives.py follow the consumer they price: its requests
per change, its hand-off rule, its alarms and metrics, the module's defaults; and the docs hold
what bench/cost.py --continuous prints."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bench.cost import CONTINUOUS_DOCS, CONTINUOUS_END, CONTINUOUS_MARK, continuous_text
from bench.costmodel.alternatives import datasync_bill, replication_bill
from bench.costmodel.assumptions import ROOT
from bench.costmodel.continuous import (
    ALARMS,
    BATCH_SIZE,
    BATCH_WINDOW,
    CONSUMER_MEMORY_MB,
    EMF_METRICS,
    EMULATOR_SECONDS_PER_KEY,
    INLINE_COPY_MAX_BYTES,
    MIB,
    MONTH_SECONDS,
    RECONCILE_METRICS,
    SizeClass,
    Workload,
    continuous_bill,
    keys_per_invocation,
    requests_per_change,
)
from bench.costmodel.continuous_text import comparison_table
from bucket_sync.applykeys import Applied
from bucket_sync.heads import Kept
from bucket_sync.livestate import Act, Sides, decide
from bucket_sync.payloads import zero_counts
from bucket_sync.reconcile import publish_missed
from bucket_sync.steps.consume import publish_metrics
from tests.unit.support import run_config

SMALL = (SizeClass(1.0, MIB),)
PARTS = (SizeClass(1.0, 64 * MIB, 8 * MIB),)


def test_the_consumer_defaults_are_read_from_variables_tf():
    assert (BATCH_SIZE, CONSUMER_MEMORY_MB, INLINE_COPY_MAX_BYTES) == (100, 512, 1024 * MIB)


def test_a_written_key_costs_three_heads_and_one_copy_and_deletes_share_a_chunk():
    full = requests_per_change(Workload(1_000_000, SMALL), batch=100)
    assert full.ops["HeadObject"] == pytest.approx(3.0)
    assert full.ops["CopyObject"] == pytest.approx(0.9)
    # 10 deletes in a batch of 100: one DeleteObjects and one budget reservation for all ten.
    assert full.ops["DeleteObjects"] == pytest.approx(0.01)
    assert full.ddb_writes == pytest.approx(0.01)
    # Two keys a batch: a delete is alone in its request.
    sparse = requests_per_change(Workload(1_000_000, SMALL), batch=2)
    assert sparse.ops["DeleteObjects"] == pytest.approx(0.1)


def test_a_multipart_source_is_copied_over_its_own_parts():
    r = requests_per_change(Workload(1_000_000, PARTS), batch=100)
    # 8 parts: 8 part-size HEADs, GetObjectTagging; create, 8 UploadPartCopy, complete.
    assert r.ops["HeadObject"] == pytest.approx(0.9 * (3 + 8) + 0.1 * 3)
    assert r.ops["GetObjectTagging"] == pytest.approx(0.9)
    assert r.ops["UploadPartCopy"] == pytest.approx(0.9 * 10)
    assert "CopyObject" not in r.ops


@pytest.mark.parametrize("size", [INLINE_COPY_MAX_BYTES, INLINE_COPY_MAX_BYTES + 1])
def test_the_model_hands_off_exactly_what_the_consumer_hands_off(size: int):
    head = {"ContentLength": size, "ETag": '"e-1"', "LastModified": datetime(2026, 1, 1, tzinfo=UTC)}
    act = decide(Sides("k", head, None), Kept(), True, INLINE_COPY_MAX_BYTES)
    r = requests_per_change(Workload(1_000_000, (SizeClass(1.0, size, 8 * MIB),), 1.0, 0.0, 0.0), 1)
    assert (r.handoffs == 1.0) == (act is Act.HAND_OFF)


def test_a_batch_holds_what_the_window_gathers_within_one_and_batch_size():
    assert keys_per_invocation(Workload(1_000, SMALL)) == 1.0
    # 5 changes a second gathered for the module's window:
    assert keys_per_invocation(Workload(5 * MONTH_SECONDS, SMALL)) == pytest.approx(5.0 * BATCH_WINDOW)
    assert keys_per_invocation(Workload(10**10, SMALL)) == BATCH_SIZE


def test_more_changes_cost_more_but_less_each():
    low, high = continuous_bill(Workload(1_000_000, SMALL)), continuous_bill(Workload(10_000_000, SMALL))
    assert high.total > low.total
    assert high.total / 10 < low.total  # fuller batches, fixed costs shared
    assert continuous_bill(Workload(1_000_000, PARTS)).total > low.total


def test_the_emulator_bound_prices_each_key_at_its_measured_time():
    b = continuous_bill(Workload(10_000_000, SMALL), emulator_bound=True)
    assert b.seconds == pytest.approx(b.batch * EMULATOR_SECONDS_PER_KEY)


def test_replication_keeps_versions_only_of_what_was_replaced():
    only_puts = Workload(1_000_000, SMALL, puts=1.0, overwrites=0.0, deletes=0.0)
    assert replication_bill(only_puts).versions == 0.0
    assert replication_bill(Workload(1_000_000, SMALL)).versions > 0.0


def test_datasync_pays_for_the_bucket_it_lists_whatever_changed():
    w = Workload(1_000_000, SMALL)
    idle = replace(w, changes=1)
    assert datasync_bill(w, bucket_objects=10**8).total > datasync_bill(w, bucket_objects=10**6).total
    assert datasync_bill(idle).executions == datasync_bill(w).executions


def test_the_comparison_row_holds_each_option_of_its_own_workload():
    row = next(line for line in comparison_table() if line.startswith("| 10M, 1 MiB |"))
    w = Workload(10_000_000, SMALL)
    dollars = [float(x.replace(",", "")) for x in re.findall(r"\$([\d,]+\.\d\d)", row)]
    assert dollars[:5] == pytest.approx(
        [
            continuous_bill(w).total,
            replication_bill(w).puts,
            replication_bill(w).versions,
            replication_bill(w).rtc,
            datasync_bill(w).total,
        ],
        abs=0.006,
    )


def test_the_alarms_counted_are_the_module_s_continuous_alarms():
    tf = (ROOT / "continuous.tf").read_text()
    block = tf.split("continuous_alarms = ", 1)[1].split('resource "aws_cloudwatch_metric_alarm"', 1)[0]
    assert len(re.findall(r"^\s*metric_name\s*=", block, re.M)) == ALARMS


def test_the_metrics_counted_are_the_consumer_s_emf_metrics(capsys: pytest.CaptureFixture[str]):
    publish_metrics(SimpleNamespace(metric_namespace="BucketSync/Continuous"), "c", Applied(), [1.0])
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert len(line["_aws"]["CloudWatchMetrics"][0]["Metrics"]) == EMF_METRICS


def test_the_reconcile_metrics_counted_are_the_ones_a_reconcile_run_publishes(
    capsys: pytest.CaptureFixture[str],
):
    state = {"run": run_config(), "totals": zero_counts(), "report": {}}
    assert publish_missed(state, {"CONTINUOUS_SOURCE": "src", "CONTINUOUS_DESTINATION": "dst"})
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert len(line["_aws"]["CloudWatchMetrics"][0]["Metrics"]) == RECONCILE_METRICS


def test_continuous_md_holds_what_cost_py_continuous_prints():
    text = CONTINUOUS_DOCS.read_text()
    section = text.split(CONTINUOUS_MARK, 1)[1].split(CONTINUOUS_END, 1)[0]
    assert section.strip() == continuous_text().strip(), "run: .venv/bin/python bench/cost.py --continuous"
    assert text.index("## Cost") < text.index(CONTINUOUS_MARK) < text.index("## Known limits")
