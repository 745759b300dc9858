"""What a sync costs and how long it takes on AWS at 1M, 100M and 1B objects, from measured CPU.

    .venv/bin/python bench/cost.py [results.json] [--docs PATH]   # prints, and appends to the docs
    .venv/bin/python bench/cost.py --continuous [--docs PATH]     # continuous sync: docs/CONTINUOUS.md

The benchmark runs on a local emulator, whose wall times say nothing about AWS. What carries over
is what the handlers themselves spend: the Lambda workers report their CPU seconds, and the
request and object counts of each run turn those into CPU milliseconds per listed key, per
copied object and per planner page (costmodel.measured). The model (bench/costmodel/) puts them
together with the engine's loop as it is now and assumed S3 latencies, prices S3, Step Functions,
Lambda and DynamoDB at the module's defaults, and checks its counts against the emulator's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "handlers")]

from bench.costmodel.assumptions import Cpu  # noqa: E402
from bench.costmodel.continuous_text import continuous_section  # noqa: E402
from bench.costmodel.measured import cpu_figures  # noqa: E402
from bench.costmodel.sample2017 import sample_lines  # noqa: E402
from bench.costmodel.tables import check_table, cpu_table, scale_table, window_table  # noqa: E402
from bench.costmodel.text import model_text  # noqa: E402
from bench.costmodel.verdicts import beyond_one_listing, verdicts  # noqa: E402
from bench.results_files import DOCS, newest_check, newest_results, newest_with, shown  # noqa: E402

MARK = "<!-- cost.py -->"
# Continuous sync's model sits between these marks in the "## Cost" section of CONTINUOUS_DOCS.
CONTINUOUS_MARK = "<!-- cost.py --continuous -->"
CONTINUOUS_END = "<!-- end cost.py --continuous -->"
CONTINUOUS_DOCS = ROOT / "docs" / "CONTINUOUS.md"


def render(results: dict[str, Any], source: Path | None = None) -> str:
    runs = results["runs"]
    cpu = cpu_figures(runs)
    if cpu is None:
        return "\n".join(
            [
                MARK,
                "## At AWS scale (bench/cost.py)",
                "",
                "These results hold no engine initial + no-op pair, so no CPU figures and no model: run "
                "`bench/run.py --tools engine --keep-website-redirects false`.",
                "",
            ]
        )
    sample = [r for r in runs if r["tool"] == "2017"]
    sample_source = shown(source) if source else "results"
    if not sample:
        found = newest_with("2017", exclude=source)
        if found is not None:
            sample_source, sample = shown(found[0]), found[1]
    return "\n".join(
        [
            MARK,
            "## At AWS scale: 1M, 100M and 1B objects (bench/cost.py)",
            "",
            "The handlers' own CPU, measured on the emulator (the Lambda workers report it), per listed "
            "key and per copied object, and PlanRanges' per LIST page:",
            "",
            *cpu_table(runs),
            "",
            "The model, with every assumption:",
            "",
            "```",
            model_text(cpu),
            "```",
            "",
            "The model at the benchmark's own settings against what the emulator counted: states "
            "entered (billed transitions add one per child started), Lambda invocations, LISTs and "
            "PlanRanges' share of them. Rows from results older than the engine they are compared "
            "with differ where the engine has changed since:",
            "",
            *check_table(runs, cpu),
            "",
            *check_lines(cpu),
            "One full window at the defaults:",
            "",
            *window_table(cpu),
            "",
            "At the defaults (max_concurrency 100, 1,769 MB arm64, chunk_size 5,000, keep_website_redirects "
            '"auto" on a source without a website configuration); "onto one S3 partition" is a first copy '
            "into a destination S3 has not split, held near its write rate by the handlers' limiters:",
            "",
            *scale_table(cpu),
            "",
            "The issue's targets:",
            "",
            *verdicts(cpu),
            "",
            *sample_lines(sample, sample_source, cpu),
            *beyond_one_listing(cpu),
        ]
    )


def check_lines(cpu: Cpu) -> list[str]:
    """The same check on the newest engine-only check run (bench/results/checks/), whose engine
    may be newer than the results rendered here."""
    path = newest_check()
    if path is None:
        return []
    runs = json.loads(path.read_text())["runs"]
    return [
        f"The same check on `{shown(path)}`, an engine-only run of the engine of its day. An initial "
        "copy's SyncRange invocations depend on how long its windows take: on the emulator a window "
        "of copies can outlast the time an invocation gives it, where on AWS (the model) it does not.",
        "",
        *check_table(runs, cpu),
        "",
    ]


def append_to_docs(results: dict[str, Any], docs: Path = DOCS, source: Path | None = None) -> None:
    text = docs.read_text() if docs.exists() else "# Benchmarks\n"
    text = text.split(MARK, 1)[0].rstrip() + "\n\n" + render(results, source)
    docs.write_text(text)


def continuous_text() -> str:
    """Continuous sync's cost section: list prices and the module's defaults only, no results."""
    return "\n".join(continuous_section())


def write_continuous(docs: Path = CONTINUOUS_DOCS) -> None:
    """Replace what lies between the continuous marks of `docs` with the model's section."""
    text = docs.read_text()
    before, rest = text.split(CONTINUOUS_MARK, 1)
    after = rest.split(CONTINUOUS_END, 1)[1]
    docs.write_text(f"{before}{CONTINUOUS_MARK}\n{continuous_text()}\n{CONTINUOUS_END}{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", help="results file (default: the newest in bench/results)")
    parser.add_argument(
        "--docs",
        help="markdown file to write to (default docs/BENCHMARKS.md, with --continuous docs/CONTINUOUS.md)",
    )
    parser.add_argument(
        "--continuous", action="store_true", help="continuous sync's model instead (needs no results)"
    )
    args = parser.parse_args()
    if args.continuous:
        print(continuous_text())
        docs = Path(args.docs or CONTINUOUS_DOCS)
        write_continuous(docs)
        print(f"\nwritten to {shown(docs)}")
        return
    path = Path(args.results) if args.results else newest_results()
    results = json.loads(path.read_text())
    print(render(results, path.resolve()).split("\n", 1)[1])
    docs = Path(args.docs or DOCS)
    append_to_docs(results, docs, path.resolve())
    print(f"\nappended to {shown(docs)}")


if __name__ == "__main__":
    main()
