"""How values read to a person (tables, tiles, Markdown). JSON has its own rules in reports.py."""

from __future__ import annotations

from decimal import Decimal

from kpitui.domain.kpis import KPIS, KpiValue

MISSING = "—"


def format_money(value: Decimal | float, compact: bool = False) -> str:
    amount = float(value)
    if compact:
        for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(amount) >= limit:
                return f"{amount / limit:.1f}{suffix}"
        return f"{amount:.0f}"
    return f"{Decimal(value):,.2f}"


def format_ratio(value: float | None) -> str:
    return MISSING if value is None else f"{value * 100:.0f}%"


def format_kpi(key: str, value: KpiValue, compact: bool = False) -> str:
    if value is None:
        return MISSING
    unit = KPIS[key].unit
    if unit == "money":
        return format_money(value, compact)
    if unit == "money_per_day":
        return f"{format_money(value, compact)}/d"
    if unit == "ratio":
        return format_ratio(float(value))
    if unit in ("days", "hours", "score"):
        return f"{float(value):.1f}"
    if isinstance(value, Decimal) and value != value.to_integral_value():  # a derived target: 4.76 calls
        return f"{value:,.1f}"
    return f"{int(value):,}"


def format_change(value: float | None, key: str | None = None) -> str:
    """'▲ 20%' (relative), or '▲ 16 pts' for ratio KPIs, whose change is a difference in points."""
    if value is None:
        return MISSING
    arrow = "▲" if value > 0 else "▼" if value < 0 else "="
    if key is not None and KPIS[key].unit == "ratio":
        return f"{arrow} {abs(value) * 100:.0f} pts"
    return f"{arrow} {abs(value) * 100:.0f}%"
