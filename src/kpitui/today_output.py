"""`kpitui today` as tables (table / md), one long CSV, or the JSON of DESIGN.md section 6."""

from __future__ import annotations

import json
from typing import TextIO

from kpitui.domain.formatting import MISSING, format_kpi
from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import json_number
from kpitui.domain.today import TodayReport
from kpitui.output import Tabular, print_csv, print_markdown, print_rich

CSV_HEADER = ["part", "key", "value", "target", "due_today", "per_day_left", "needed", "deal", "account",
              "days_since_activity"]


def rank_words(report: TodayReport) -> str:
    if report.rank is None:
        return "no rank in a team" if report.team is None else "not ranked yet"
    return f"rank {report.rank} of {report.ranked_reps} in {report.team}"


def what_it_takes_words(report: TodayReport) -> list[str]:
    """'12,000.00 revenue to go takes 3 won deals ← 6 proposals ← …', or why there is nothing to say."""
    needs = report.what_it_takes
    if not needs:
        return ["No revenue gap to close (no revenue target, target met, or the period is not in progress)."]
    if len(needs) == 1:
        return [f"{needs[0].words} to go: no average deal size yet to turn it into deals."]
    chain = " ← ".join(n.words for n in needs[1:])
    lines = [f"{needs[0].words} to go takes {chain}"]
    borrowed = [KPIS[n.key].label for n in needs if n.rate_source == "team median"]
    if borrowed:
        lines.append(f"(team median conversion where you have fewer than 5: {', '.join(borrowed)})")
    return lines


def tables(report: TodayReport) -> list[Tabular]:
    title = f"Today · {report.rep} · {report.date:%a %-d %b %Y} · {report.period.label} · {rank_words(report)}"
    due_rows: list[list[object]] = [
        [KPIS[d.key].label, format_kpi(d.key, d.value), format_kpi(d.key, d.target), format_kpi(d.key, d.due_today),
         MISSING if d.per_day_left is None else f"{float(d.per_day_left):,.1f}", d.words] for d in report.due]
    due = Tabular(title, ["KPI", "Value", "Target", "Due today", "Per day left", "To do"], due_rows,
                  notes=[] if report.due else ["No leading KPI has a target in this period."], text_columns=(0, 5))
    needs = Tabular("What the revenue gap takes (by the period's end)", ["Step", "Needed", "Conversion used"],
                    [[KPIS[n.key].label, n.words, _rate(n.rate, n.rate_source)] for n in report.what_it_takes],
                    notes=what_it_takes_words(report), text_columns=(0, 2))
    follow = Tabular("Deals to follow up (open, no activity for 7 days)", ["Deal", "Account", "Days quiet"],
                     [[f.name or f.deal, f.account, str(f.days_since_activity)] for f in report.follow_ups],
                     notes=[] if report.follow_ups else ["None: every open deal had an activity this week."],
                     text_columns=(0, 1))
    return [due, needs, follow]


def _rate(rate: object, source: str) -> str:
    return MISSING if rate is None else f"{float(rate) * 100:.0f}% ({source})"  # type: ignore[arg-type]


def csv_rows(report: TodayReport) -> list[list[object]]:
    rows: list[list[object]] = []
    for d in report.due:
        unit = KPIS[d.key].unit
        rows.append(["due", d.key, json_number(d.value, unit), json_number(d.target, unit),
                     json_number(d.due_today, unit), json_number(d.per_day_left, unit), "", "", "", ""])
    for n in report.what_it_takes:
        rows.append(["what_it_takes", n.key, "", "", "", "", json_number(n.needed, KPIS[n.key].unit), "", "", ""])
    for f in report.follow_ups:
        rows.append(["follow_up", "", "", "", "", "", "", f.deal, f.account, f.days_since_activity])
    rows.append(["rank", "", report.rank if report.rank is not None else "", "", "", "", "", "", "", ""])
    return rows


def emit_today(report: TodayReport, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump(report.as_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        print_csv(Tabular("today", CSV_HEADER, csv_rows(report)), out)
    else:
        printer = print_rich if fmt == "table" else print_markdown
        for i, tab in enumerate(tables(report)):
            if i:
                out.write("\n")
            printer(tab, out)
