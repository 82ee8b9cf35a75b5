"""The Rich tables printed at the end of a run."""

from typing import Any

from kpibench.common import FLOOR_RATIO, QUICK_RUNS, QUICK_S, QUICK_WARMUPS


def print_report(console: Any, report: dict[str, Any]) -> None:
    from rich.table import Table

    def num(v: Any, unit: str = "") -> str:
        return "—" if v is None else f"{v:,.1f}{unit}"

    def verdict(v: Any) -> str:
        return "—" if v is None else ("[green]pass[/]" if v else "[bold red]FAIL[/]")

    m = report["machine"]
    table = Table(title=f"kpitui at {report['args']['reps']} reps x {report['args']['days']} days, "
                        f"period {report['args']['period']} ({report['activity_rows_in_period']:,} activity rows), "
                        f"median of {report['args']['runs']} after a warm-up "
                        f"(calls under {QUICK_S * 1000:.0f} ms: of {QUICK_RUNS} after {QUICK_WARMUPS})")
    for col in ("figure", "median", "min", "floor", "x floor", "budget", "result"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    for fig in report["figures"].values():
        if "na" in fig:
            table.add_row(fig["name"], fig["na"], "", "", "", "", "—")
            continue
        ratio = fig.get("ratio")
        limit = fig.get("floor_ratio_budget", FLOOR_RATIO)
        ratio_s = "—" if ratio is None else (f"{ratio:.2f}x" if ratio <= limit else f"[bold red]{ratio:.2f}x[/]")
        if ratio is not None and limit != FLOOR_RATIO:
            ratio_s += f" (≤ {limit:g}x)"
        table.add_row(fig["name"], num(fig["median_ms"], " ms"), num(fig["min_ms"], " ms"),
                      num(fig.get("floor_ms"), " ms"), ratio_s,
                      "—" if fig.get("budget_ms") is None else f"< {fig['budget_ms']:,.0f} ms",
                      verdict(fig.get("pass")))
    mem = report["memory"]
    table.add_row(mem["name"], num(mem["peak_rss_mb"], " MB"), "", "", "", f"< {mem['budget_mb']:.0f} MB",
                  verdict(mem["pass"]))
    console.print(table)
    fr = report["figures"].get("frame_home") or {}
    if "interpreter_start_ms" in fr:
        console.print(f"first frame (home): interpreter start {fr['interpreter_start_ms']:.0f} ms, imports "
                      f"{fr['import_ms']:.0f} ms, in-process to frame {fr['in_process_ms']:.0f} ms; app peak RSS "
                      f"{fr['peak_rss_mb']} MB")
    cold = report["figures"]["leaderboard_cold"]
    console.print(f"fresh process: import kpitui.services {cold['import_ms']:.0f} ms, open {cold['open_ms']:.0f} ms, "
                  f"first leaderboard {cold['median_ms']:.0f} ms")
    console.print(f"statements per screen: {report['statements_per_screen']}; floor check: "
                  f"{report['floor_check']['reps_compared']} reps x {len(report['floor_check']['compared_kpis'])} KPIs,"
                  f" {report['floor_check']['mismatch_count']} mismatches")

    plans = Table(title="EXPLAIN QUERY PLAN of the SQL kpitui emits (sqlite3 re-run time, median of 3)")
    for col in ("screen", "query", "x", "ms", "rows", "index used", "flags"):
        plans.add_column(col, justify="right" if col in ("x", "ms", "rows") else "left")
    for st in report["explain"]:
        flags = "; ".join(st["flags"])
        bad = any(fl.startswith("FULL SCAN") for fl in st["flags"])
        plans.add_row(st["op"], st["label"], str(st["times"]), f"{st['sqlite3_ms']:.1f}", str(st["rows"]),
                      ", ".join(dict.fromkeys(st["indexes"])) or "—", f"[bold red]{flags}[/]" if bad else flags)
    console.print(plans)

    if report.get("scaling"):
        sc = Table(title="scaling: leaderboard of all reps, one quarter")
        for col in ("reps", "days", "activities", "rows in quarter", "median", "floor", "x floor", "ms / rep",
                    "ms / M rows", "floor ms / M rows", "budget"):
            sc.add_column(col, justify="right")
        for s in report["scaling"]:
            sc.add_row(str(s["reps_in_scope"]), str(s["days"]), f"{s['activities']:,}",
                       f"{s['activity_rows_in_period']:,}", num(s["median_ms"], " ms"), num(s["floor_ms"], " ms"),
                       f"{s['ratio']:.2f}x", f"{s['ms_per_rep']:.3f}", num(s["ms_per_million_rows"]),
                       num(s["floor_ms_per_million_rows"]), verdict(s["within_budget"]))
        console.print(sc)
    if report["failures"]:
        console.print("[bold red]failing:[/] " + " | ".join(report["failures"]))
    else:
        console.print("[bold green]all budgets met[/]")
    console.print(f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, SQLite {m.get('sqlite')}, "
                  f"load {m['load_average_at_start']} -> {m['load_average_at_end']}")
