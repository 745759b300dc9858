"""bucket-sync's wall time against max_concurrency, with what the emulator did meanwhile."""

from __future__ import annotations

from typing import Any

from bench.reporting.common import DEFAULT_MAX_CONCURRENCY, cell_of, is_engine, newest, rate_of


def concurrency_table(runs: list[dict[str, Any]]) -> list[str]:
    """bucket-sync's wall time against max_concurrency, per latency and N, for each engine variant
    (chunk_size, keep_website_redirects) run at more than one max_concurrency; with what the emulator
    did meanwhile: the proxy's requests per second, the peak SyncRange invocations at once, and the
    cores in use (the machine's, moto's process's, the Lambda workers', the proxy's)."""
    groups: dict[tuple[int, float, str, int, bool], list[dict[str, Any]]] = {}
    for run in newest(runs):
        if is_engine(run):
            key = (*cell_of(run), run.get("chunk_size", 1000), run.get("keep_website_redirects", True))
            groups.setdefault(key, []).append(run)
    out: list[str] = []
    for (n, latency, profile, chunk, redirects), mine in sorted(groups.items()):
        levels = sorted({r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY) for r in mine})
        if len(levels) < 2:
            continue
        label = f"latency profile {profile}" if profile else f"{latency:g} ms"
        cores = next((r["cpu"]["cores"] for r in mine if "cpu" in r), 2)
        out += [
            f"## bucket-sync against max_concurrency (N = {n:,}, {label})",
            "",
            f"chunk_size {chunk}, keep_website_redirects = {str(redirects).lower()}; the emulator runs one "
            "Lambda worker process per slot (`bench/run.py --max-concurrency`). Speed-up: the lowest "
            "max_concurrency's seconds / this row's. SyncRange at once: the most SyncRange invocations "
            "in flight together (the Distributed Map's MaxConcurrency at work). Cores: averages over the "
            f"run, of this machine's {cores} (1.00 = one core busy throughout); machine = every process, "
            "other sessions' included; moto = the benchmark's process, moto's server threads and "
            "run.py; workers = the Lambda worker processes.",
            "",
            "| max_concurrency | scenario | seconds | speed-up | requests | requests/s (proxy) "
            "| SyncRange at once (peak) | SyncRange CPU s | PlanRanges s (LIST pages) "
            "| cores busy: machine / moto / workers / proxy |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for scenario in ("initial", "noop", "change"):
            rows = {
                r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY): r
                for r in mine
                if r["scenario"] == scenario
            }
            if not rows:
                continue
            base = rows[min(rows)]
            for level in sorted(rows):
                r = rows[level]
                cpu = r.get("cpu")
                busy = (
                    f"{cpu['machine_busy_cores']:.2f} / {cpu['emulator_cores']:.2f} / "
                    f"{cpu['lambda_workers_cores']:.2f} / {cpu['proxy_cores']:.2f}"
                    if cpu
                    else "-"
                )
                steps = r.get("lambda_by_function", {})
                sync_cpu = steps.get("sync-range", {}).get("cpu_seconds", 0.0)
                plan = steps.get("plan-ranges")
                planner = f"{plan['seconds']:.1f} ({plan['list_pages']})" if plan else "-"
                out.append(
                    f"| {level} | {scenario} | {r['seconds']:.1f} | {base['seconds'] / r['seconds']:.2f}x "
                    f"| {r['requests_total']:,} | {rate_of(r):,.0f} "
                    f"| {r.get('sync_range_peak_concurrency', '-')} "
                    f"| {sync_cpu:.1f} | {planner} | {busy} |"
                )
        short = sorted(
            {
                (r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY), r["sync_range_peak_concurrency"])
                for r in mine
                if r.get("sync_range_peak_concurrency", 0) < r.get("max_concurrency", DEFAULT_MAX_CONCURRENCY)
            }
        )
        if short:
            out += [
                "",
                "Slots left empty: "
                + ", ".join(
                    f"max_concurrency {level} ran at most {peak} SyncRange at once" for level, peak in short
                )
                + f". PlanRanges gives each range at least a 1,000-key page, so {n:,} keys make at most "
                f"{n // 1000} ranges.",
            ]
        out.append("")
    return out
