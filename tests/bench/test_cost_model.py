"""bench/costmodel follows the code it models: the state machine, PlanRanges, the module's
defaults, and copy threads sharing one vCPU."""

from __future__ import annotations

import json

import pytest

from bench.costmodel import statemachine
from bench.costmodel.assumptions import (
    ARCHITECTURE,
    CHUNK_SIZE,
    MAX_CONCURRENCY,
    MEMORY_MB,
    S3_WRITE_RATE,
    THROTTLED_SHARE,
    Cpu,
    Setup,
)
from bench.costmodel.planner import ceiling_probes, first_round_pages
from bench.costmodel.scale import scale
from bench.costmodel.window import copy_throughput, window
from bucket_sync.keyspace import MAX_PROBES

CPU = Cpu(per_listed_key_ms=0.02, per_copied_ms=2.5, source="test", planner_page_ms=20.0)


def test_transitions_are_counted_from_the_state_machine():
    t = statemachine.transitions()
    # ValidateInput, PlanRanges, SyncRanges, TallyRound, RangesLeftToSync, AnyObjectFailed,
    # ReturnReport; a further round goes PlanRanges to RangesLeftToSync again.
    assert (t.parent.path, t.parent.turn) == (7, 4)
    # SyncNextWindow, MoreWindowsInRange, RangeSynced; a further invocation is the first two.
    assert (t.child.path, t.child.turn) == (3, 2)
    assert t.billed(rounds=1, children=10, invocations=10) == t.entered(1, 10, 10) + 10


def test_a_loop_is_found_in_any_definition():
    machine = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Next": "B", "Catch": [{"ErrorEquals": ["x"], "Next": "F"}]},
            "B": {"Type": "Task", "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Next": "A"}, {"Next": "F"}], "Default": "D"},
            "D": {"Type": "Pass", "End": True},
            "F": {"Type": "Fail"},
        },
    }
    loop = statemachine.loop_of(machine)
    assert (loop.path, loop.turn) == (4, 3)
    assert loop.entered(3) == 10


def test_the_defaults_are_read_from_variables_tf():
    assert (MEMORY_MB, ARCHITECTURE, MAX_CONCURRENCY, CHUNK_SIZE) == (1769, "arm64", 100, 5000)


def test_planner_samples_the_same_pages_whatever_the_bucket():
    setup = Setup()
    million, billion = first_round_pages(1_000_000, setup), first_round_pages(1_000_000_000, setup)
    assert million == billion
    assert million.probes == min(4 * MAX_CONCURRENCY - 1 + MAX_CONCURRENCY, MAX_PROBES)
    assert million.ceiling == ceiling_probes(setup.key_length)
    # A bucket of one page is listed once; a small one runs out of gaps before the probes do.
    assert first_round_pages(900, setup).total == 1
    assert first_round_pages(20_000, setup).probes < million.probes


def test_later_rounds_list_nothing_and_invocations_run_two_states():
    run = scale(1_000_000_000, "noop", CPU)
    first = scale(1_000_000_000, "noop", CPU, Setup(max_steps_per_range=10**6))
    assert run["rounds"] > 1 and first["rounds"] == 1
    assert run["planner_lists"] == first["planner_lists"]
    t = statemachine.transitions()
    assert run["transitions"] == t.billed(run["rounds"], run["children"], run["sync_invocations"])


@pytest.mark.parametrize("threads", [1, 4, 16])
def test_copy_threads_on_one_cpu_are_slower_than_either_bound(threads: int):
    latency, cpu = 0.075, 0.0025
    assert copy_throughput(threads, latency, 0.0) == pytest.approx(threads / latency)
    assert copy_throughput(threads, 0.0, cpu) == pytest.approx(1 / cpu)
    both = copy_throughput(threads, latency, cpu)
    assert both < min(threads / latency, 1 / cpu)
    assert both >= threads / (latency + threads * cpu)  # every thread queued behind every other


def test_a_window_copies_slower_than_the_perfect_overlap():
    w = window("initial", CPU, Setup())
    assert w["copy_phase"] > w["copy_phase_overlapped"]


def test_one_partition_holds_the_copies_near_its_rate_and_bills_the_wait():
    free = scale(100_000_000, "initial", CPU)
    held = scale(100_000_000, "initial", CPU, Setup(destination_partitions=1))
    assert held["copy_rate"] == pytest.approx(S3_WRITE_RATE * THROTTLED_SHARE, rel=0.01)
    assert held["wall"] > free["wall"] and held["lambda"] > free["lambda"]
    assert held["s3"] == free["s3"]  # SlowDown answers are not billed


def test_the_model_counts_what_the_emulator_counted():
    """The no-op rows of the newest engine check run (bench/results/checks/), at the benchmark's
    settings: an initial copy's invocations depend on the emulator's speed, a no-op's do not."""
    from bench.costmodel.tables import check_rows
    from bench.results_files import newest_check

    path = newest_check()
    assert path is not None, "no engine check run in bench/results/checks"
    rows = [
        r for r in check_rows(json.loads(path.read_text())["runs"], CPU) if r["run"]["scenario"] == "noop"
    ]
    assert rows, f"no no-op engine rows in {path}"
    for row in rows:
        model, measured = row["model"], row["measured"]
        assert measured["states"] == model["states_entered"]
        assert measured["invocations"] == model["invocations"]
        # PlanRanges' ceiling search and small-bucket sample are estimates: a page or two either way.
        assert measured["lists"] == pytest.approx(model["lists"], abs=max(2, 0.05 * model["lists"]))
