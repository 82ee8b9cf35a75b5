"""Reports as tables for the command line: Rich tables, Markdown, formula-safe CSV, or JSON.

A report becomes a `Tabular` (title, header, rows of display strings or raw values) once; each format renders
that. User text (names, teams, notes) is cleaned of control characters and never parsed as markup.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from kpitui.domain.alerts import AlertsReport
from kpitui.domain.formatting import MISSING, format_change, format_kpi, format_ratio
from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import FunnelReport, Leaderboard, Scorecard, json_number
from kpitui.domain.suggestions import SuggestionsReport
from kpitui.domain.text import clean_text

FORMATS = ("table", "json", "csv", "md")
TABLE_KPIS = ("conversations", "meetings", "new_opps", "revenue", "won_deals", "win_rate", "avg_deal_size",
              "open_pipeline")


@dataclass
class Tabular:
    title: str
    header: list[str]
    rows: list[list[object]]  # display strings for table/md; raw values for csv
    notes: list[str] = field(default_factory=list)
    text_columns: tuple[int, ...] = (0,)  # left-aligned; the rest are numbers, right-aligned


def _percent(value: float | None) -> str:
    return format_ratio(value)


def leaderboard_table(board: Leaderboard, for_csv: bool) -> Tabular:
    keys = list(KPIS) if for_csv else [*TABLE_KPIS, *([board.sort] if board.sort in KPIS and
                                                      board.sort not in TABLE_KPIS else [])]
    header = ["rank", "rep", "team", "score", *keys] if for_csv else \
        ["#", "Rep", "Team", "Score", *(KPIS[k].label for k in keys)]
    rows: list[list[object]] = []
    for row in board.rows:
        if for_csv:
            rows.append([row.rank, row.rep, row.team or "", json_number(row.score),
                         *(json_number(row.kpis[k], KPIS[k].unit) for k in keys)])
        else:
            rows.append([str(row.rank or MISSING), row.rep, row.team or "", _percent(row.score),
                         *(format_kpi(k, row.kpis[k]) for k in keys)])
    if for_csv:
        rows.append(["", "TOTAL", board.team or "", "", *(json_number(board.totals[k], KPIS[k].unit) for k in keys)])
    else:
        rows.append(["", "Total", board.team or "all teams", "", *(format_kpi(k, board.totals[k]) for k in keys)])
    scope = board.team or "all teams"
    return Tabular(f"Leaderboard · {scope} · {board.period.label} · sorted by {board.sort}", header, rows,
                   text_columns=(1, 2))


def status_word(card: Scorecard, status: str | None) -> str:
    """The pace column: the status, or 'not started' for a period that has not begun (never 'behind')."""
    return "not started" if card.phase == "not started" else status or MISSING


def scorecard_table(card: Scorecard, for_csv: bool) -> Tabular:
    """Change compares like for like: while the period runs, the 'Previous' column is the previous period over
    the same elapsed days (previous_to_date), and 'Due today' says what is still needed today to be on pace."""
    running = card.phase == "in progress"
    header = ["key", "label", "value", "target", "attainment", "projected", "status", "previous",
              "previous_to_date", "change", "due_today", "per_day_left"] if for_csv else \
        ["KPI", "Value", "Target", "Attain.", "Projected", "Pace", "Prev. to date" if running else "Previous",
         "Change", *(["Due today"] if running else [])]
    rows: list[list[object]] = []
    for line in card.lines:
        unit = KPIS[line.key].unit
        if for_csv:
            rows.append([line.key, line.label, json_number(line.value, unit), json_number(line.target, unit),
                         json_number(line.attainment), json_number(line.projected, unit), line.status or "",
                         json_number(line.previous, unit), json_number(line.previous_to_date, unit),
                         json_number(line.change), json_number(line.due_today, unit),
                         json_number(line.per_day_left, unit)])
        else:
            label = f"★ {line.label}" if line.in_scorecard else f"  {line.label}"
            compared = line.previous_to_date if card.phase != "not started" else None
            rows.append([label, format_kpi(line.key, line.value),
                         format_kpi(line.key, line.target) if line.target is not None else MISSING,
                         _percent(line.attainment), format_kpi(line.key, line.projected),
                         status_word(card, line.status), format_kpi(line.key, compared),
                         format_change(line.change, line.key),
                         *([format_kpi(line.key, line.due_today)] if running else [])])
    title = f"Scorecard · {card.rep} ({card.team or 'no team'}) · {card.period.label} · score {_percent(card.score)}"
    notes = [] if for_csv else ["★ = in the scorecard score", *_progress_notes(card)]
    return Tabular(title, header, rows, notes=notes)


def _progress_notes(card: Scorecard) -> list[str]:
    if card.phase == "not started":
        return [f"{card.period.label} has not started: no pace, status or change yet"]
    if card.phase == "in progress" and card.elapsed is not None and card.compared_with is not None:
        days = card.elapsed
        return [f"Pace by working days: {days.done} of {days.total} begun, {days.left} left (today included); "
                f"change against {card.compared_with.label}"]
    return []


def funnel_table(report: FunnelReport, for_csv: bool) -> Tabular:
    header = ["key", "value", "conversion", "team_median_value", "team_median_conversion"] if for_csv else \
        ["Step", "Value", "→ next", "Team median", "Team → next"]
    rows: list[list[object]] = []
    for mine, team in zip(report.steps, report.team_median, strict=True):
        if for_csv:
            rows.append([mine.key, json_number(mine.value), json_number(mine.conversion),
                         json_number(team.value), json_number(team.conversion)])
        else:
            rows.append([KPIS[mine.key].label, format_kpi(mine.key, mine.value), _percent(mine.conversion),
                         MISSING if team.value is None else f"{team.value:,.1f}", _percent(team.conversion)])
    who = report.rep or report.team or "all teams"
    notes = [f"{f.code}: {f.message}" for f in report.diagnosis]
    if report.rep and not notes:
        notes = ["No bottleneck stands out against the team median."]
    return Tabular(f"Funnel · {who} · {report.period.label}", header, rows, notes)


def alerts_table(report: AlertsReport, for_csv: bool) -> Tabular:
    """Who needs attention: one row per alert, the message saying it in words (md suits a chat post)."""
    header = ["rep", "team", "code", "kpi", "message", "value", "target", "projected"] if for_csv else \
        ["Rep", "Team", "Alert", "What"]
    rows: list[list[object]] = []
    for alert in report.alerts:
        if for_csv:
            data = alert.as_json()
            rows.append([data[k] for k in header])
        else:
            rows.append([alert.rep, alert.team or "", alert.code.replace("_", " "), alert.message])
    scope = report.team or "all teams"
    notes = [] if for_csv or report.alerts else ["Nobody needs attention: everyone is on pace, active, and no "
                                                 "deal has stalled."]
    return Tabular(f"Needs attention · {scope} · {report.period.label} · {len(report.alerts)} alerts", header, rows,
                   notes, text_columns=(0, 1, 2, 3))


def suggestions_table(report: SuggestionsReport, for_csv: bool) -> Tabular:
    header = ["rep", "kpi", "value", "basis"] if for_csv else ["Rep", "KPI", "Suggested", "Basis"]
    rows: list[list[object]] = []
    for item in report.suggestions:
        if for_csv:
            data = item.as_json()
            rows.append([data[k] for k in header])
        else:
            rows.append([item.rep, KPIS[item.kpi].label, format_kpi(item.kpi, item.value), item.basis])
    scope = report.team or "all teams"
    notes = [] if for_csv or report.suggestions else ["No suggestions: nobody in scope has 4 weeks of history."]
    return Tabular(f"Suggested targets · {scope} · {report.period.label}", header, rows, notes,
                   text_columns=(0, 1, 3))


def _cell(value: object) -> str:
    return clean_text("" if value is None else str(value))


def print_rich(tab: Tabular, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, highlight=False, soft_wrap=False)

    def build(columns: int) -> Table:
        table = Table(title=Text(_cell(tab.title)), title_justify="left")
        for i, name in enumerate(tab.header[:columns]):
            widest = max((len(_cell(row[i])) for row in tab.rows), default=0)
            table.add_column(Text(name), justify="left" if i in tab.text_columns else "right", no_wrap=True,
                             min_width=min(max(len(name), widest), 24))
        for row in tab.rows:
            table.add_row(*(Text(_cell(v)) for v in row[:columns]))
        return table

    unbounded = console.options.update_width(100_000)
    table = build(len(tab.header))
    if not console.is_terminal:  # a file or a pipe: never cut a column, whatever the width
        console.width = max(console.width, console.measure(table, options=unbounded).maximum)
    else:  # a narrow terminal: drop trailing columns rather than squeeze every one to nothing
        columns = len(tab.header)
        while columns > 4 and console.measure(table, options=unbounded).minimum > console.width:
            columns -= 1
            table = build(columns)
        if columns < len(tab.header):
            tab.notes.append(f"{len(tab.header) - columns} more columns: widen the terminal or use --format csv")
    console.print(table)
    for note in tab.notes:
        console.print(Text(_cell(note)))


def _md_cell(value: object) -> str:
    text = _cell(value).replace("\n", " ")
    for char in "\\|`*_[]<>":
        text = text.replace(char, "\\" + char)
    return text


def print_markdown(tab: Tabular, out: TextIO) -> None:
    out.write(f"### {_md_cell(tab.title)}\n\n")
    out.write("| " + " | ".join(_md_cell(h) for h in tab.header) + " |\n")
    out.write("|" + "|".join("---" if i < 3 or i in tab.text_columns else "---:"
                               for i in range(len(tab.header))) + "|\n")
    for row in tab.rows:
        out.write("| " + " | ".join(_md_cell(v) for v in row) + " |\n")
    for note in tab.notes:
        out.write(f"\n- {_md_cell(note)}")
    if tab.notes:
        out.write("\n")


def print_csv(tab: Tabular, out: TextIO) -> None:
    from kpitui.store.exporter import write_csv

    write_csv(tab.rows, tab.header, out)


def emit(report: Leaderboard | Scorecard | FunnelReport | AlertsReport | SuggestionsReport, fmt: str,
         out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        json.dump(report.as_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    build = {Leaderboard: leaderboard_table, Scorecard: scorecard_table, FunnelReport: funnel_table,
             AlertsReport: alerts_table, SuggestionsReport: suggestions_table}[type(report)]
    tab = build(report, fmt == "csv")  # type: ignore[operator]
    {"table": print_rich, "md": print_markdown, "csv": print_csv}[fmt](tab, out)


def print_rows(title: str, header: Sequence[str], rows: list[list[object]], fmt: str, out: TextIO) -> None:
    """Plain lists (activities, deals, targets) in any format; JSON as a list of objects."""
    if fmt == "json":
        json.dump([dict(zip(header, (json_number(v) for v in row), strict=True)) for row in rows], out, indent=2,
                  ensure_ascii=False, default=str)
        out.write("\n")
        return
    tab = Tabular(title, list(header), rows)
    {"table": print_rich, "md": print_markdown, "csv": print_csv}[fmt](tab, out)
