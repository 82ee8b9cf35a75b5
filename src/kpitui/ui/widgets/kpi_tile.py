"""One scorecard KPI as a tile: value against target, an attainment bar, pace, what today still takes, and the
change against the previous period like for like. Colours follow the line's tone (pace while the period runs,
attainment once it is over)."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from kpitui.domain.formatting import MISSING, format_change, format_kpi, format_ratio
from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import Scorecard, ScorecardLine
from kpitui.domain.scoring import Phase
from kpitui.ui.show import period_span

MUTED = "$text-muted"
TONE_STYLE = {"good": "$text-success", "steady": "$text-primary", "close": "$text-warning", "poor": "$text-error",
              "none": MUTED}


def attainment_bar(attainment: float | None, width: int, style: str) -> Content:
    """A drawn bar, full at 100 % attainment, with the percentage after it."""
    label = format_ratio(attainment).rjust(5)
    cells = max(width - len(label) - 1, 3)
    filled = 0 if attainment is None else round(min(max(attainment, 0.0), 1.0) * cells)
    return Content.assemble(("█" * filled, style), ("░" * (cells - filled), MUTED), " ", (label, style))


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[object]) -> str:
    """The last periods' values as bars, lowest to highest; a gap where a period has no value."""
    numbers = [None if v is None else float(v) for v in values]  # type: ignore[arg-type]
    present = [n for n in numbers if n is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    span = high - low
    return "".join(" " if n is None else SPARKS[0 if not span else round((n - low) / span * (len(SPARKS) - 1))]
                   for n in numbers)


def fitted(variants: list[str], width: int) -> str:
    return next((text for text in variants if len(text) <= width), variants[-1])


def due_sentence(line: ScorecardLine, width: int) -> str:
    """'3 more conversations today to be on pace', shortened to fit; 'on pace' when nothing more is due today;
    empty when nothing is due at all (no target, a ratio, a period not running)."""
    if line.due_today is None:
        return ""
    if not line.due_today:
        return "on pace"
    amount = format_kpi(line.key, line.due_today, compact=True)
    noun = KPIS[line.key].label.lower()
    if line.due_today == 1 and noun.endswith("s"):
        noun = noun[:-1]
    return fitted([f"{amount} more {noun} today to be on pace", f"{amount} more {noun} today",
                   f"{amount} more today", f"+{amount} today"], width)


def compared_label(card: Scorecard) -> str:
    """What change compares with: the previous period's label once it is whole, its days ('1–4 Oct') while the
    period runs."""
    span = card.compared_with
    if span is None or span == card.period.previous():
        return card.period.previous().label
    return period_span(span)


def change_line(line: ScorecardLine, previous_label: str, width: int) -> Content:
    """'▲ 20% vs 2026-W42 (10)', shortened to fit; green when the change is an improvement. The comparison is
    like for like (previous_to_date)."""
    previous = format_kpi(line.key, line.previous_to_date, compact=True)
    if line.change is None:
        arrow, style = MISSING, MUTED
    else:
        better = line.change > 0 if KPIS[line.key].higher_is_better else line.change < 0
        arrow = format_change(line.change, line.key)
        style = MUTED if line.change == 0 else "$text-success" if better else "$text-error"
    for tail in (f" vs {previous_label} ({previous})", f" vs {previous}", f" ({previous})", ""):
        if len(arrow) + len(tail) <= width:
            break
    return Content.assemble((arrow, style), (tail, MUTED))


class KpiTile(Widget):
    """Shows one `ScorecardLine`; the screen calls `show` whenever the scorecard is reloaded."""

    line: reactive[ScorecardLine | None] = reactive(None, layout=False)

    def __init__(self, key: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id or f"tile-{key}", classes="kpi-tile")
        self.key = key
        self.previous_label = ""
        self.phase: Phase = "over"
        self.history: list[object] = []
        self.border_title = KPIS[key].label

    def show(self, line: ScorecardLine, previous_label: str, history: list[object] | None = None,
             phase: Phase = "over") -> None:
        """`history`: this KPI over the last periods of the same kind, oldest first, this one last."""
        self.previous_label = previous_label
        self.history = history or []
        self.phase = phase
        self.line = line
        self.refresh()
        self.set_class(line.tone == "poor", "-behind")
        self.set_class(line.tone == "good", "-ahead")

    def render(self) -> Content:
        line = self.line
        width = max(self.content_size.width, 10)
        if line is None:
            return Content.styled("loading…", MUTED)
        status_style = TONE_STYLE[line.tone]
        value = Content.styled(format_kpi(line.key, line.value, compact=True), "bold")
        if line.target is not None:
            derived = "≈" if (line.target_source or "").startswith("derived:") else ""
            headline = value + Content.styled(f" / {derived}{format_kpi(line.key, line.target, compact=True)}",
                                              MUTED)
            bar = attainment_bar(line.attainment, width, status_style)
        else:
            headline = value + Content.styled("  no target", MUTED)
            bar = Content.styled("no target set", MUTED)
        spark = sparkline(self.history)
        room = width - headline.cell_length - 1
        if spark and room >= len(spark):
            headline = headline + " " * (room - len(spark) + 1) + Content.styled(spark, "$accent")
        projected = format_kpi(line.key, line.projected, compact=True)
        if self.phase == "not started":
            pace = Content.styled("not started", MUTED)
        elif line.status:
            # "pace 22.4k on track" is 19 cells: a tile at 80 columns has 16, so drop words before wrapping
            lead = "pace " if len(f"pace {projected} {line.status}") <= width else ""
            shown = projected + " " if len(f"{projected} {line.status}") <= width else ""
            pace = Content.assemble((lead, MUTED), shown, (line.status, f"bold {status_style}"))
        else:
            pace = Content.assemble(("pace ", MUTED), projected)
        due = Content.styled(due_sentence(line, width), "$text-success" if line.due_today == 0 else "")
        change = change_line(line, self.previous_label, width) if self.phase != "not started" else \
            Content.styled(MISSING, MUTED)
        return Content("\n").join([headline, bar, pace, due, change])


async def show_tiles(container: Widget, card: Scorecard, history: dict[str, list[object]] | None = None) -> None:
    """One tile per KPI of the rep's scorecard in `container` (which KPIs may differ per team), remounted only
    when that set changes."""
    lines = [line for line in card.lines if line.in_scorecard]
    shown = list(container.query(KpiTile))
    if [t.key for t in shown] != [line.key for line in lines]:
        await container.remove_children()
        shown = [KpiTile(line.key) for line in lines]
        await container.mount_all(shown)
    previous = compared_label(card)
    for tile, line in zip(shown, lines, strict=True):
        tile.show(line, previous, (history or {}).get(line.key), card.phase)
