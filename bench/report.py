"""Render a bench/results/<date>.json into docs/BENCHMARKS.md (cost.py appends the cost section).

.venv/bin/python bench/report.py [results.json] [--docs PATH]   # default: the newest results
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "handlers")]

from bench import cost  # noqa: E402
from bench.reporting.render import render  # noqa: E402
from bench.results_files import DOCS, newest_results, shown  # noqa: E402


def write_docs(results_path: Path, docs: Path = DOCS) -> None:
    results = json.loads(Path(results_path).read_text())
    docs.parent.mkdir(parents=True, exist_ok=True)
    text = render(results, Path(results_path).resolve())
    docs.write_text(text)
    cost.append_to_docs(results, docs, Path(results_path).resolve())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?", help="results file (default: the newest in bench/results)")
    parser.add_argument(
        "--docs", default=str(DOCS), help="markdown file to write (default docs/BENCHMARKS.md)"
    )
    args = parser.parse_args()
    docs = Path(args.docs)
    write_docs(Path(args.results) if args.results else newest_results(), docs)
    print(f"wrote {shown(docs)}")


if __name__ == "__main__":
    main()
