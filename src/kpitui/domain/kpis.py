"""The KPI catalogue (DESIGN.md section 4): one entry per KPI, and the formulas over summed counts.

The database returns `KpiInputs` per rep: additive counts and sums only. A team's or the company's KPIs are
computed from the sum of its members' inputs (`KpiInputs.__add__`), never by averaging members' ratios, so
team win rate is Σwon / Σ(won + lost) by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache
from operator import attrgetter
from typing import Any, Literal

Family = Literal["leading", "lagging", "pipeline", "quality"]
Unit = Literal["count", "money", "ratio", "days", "hours", "score", "money_per_day"]
KpiValue = int | Decimal | float | None


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    family: Family
    unit: Unit
    higher_is_better: bool = True
    cumulative: bool = False  # grows through the period, so pace projects it to the period's end
    description: str = ""


CATALOGUE: tuple[Kpi, ...] = (
    Kpi("calls", "Calls", "leading", "count", cumulative=True, description="calls logged"),
    Kpi("conversations", "Conversations", "leading", "count", cumulative=True,
        description="calls with outcome connected"),
    Kpi("emails", "Emails", "leading", "count", cumulative=True, description="emails logged"),
    Kpi("meetings", "Meetings", "leading", "count", cumulative=True, description="meetings held"),
    Kpi("demos", "Demos", "leading", "count", cumulative=True, description="demos given"),
    Kpi("proposals", "Proposals", "leading", "count", cumulative=True, description="proposals sent"),
    Kpi("ideas", "Ideas", "leading", "count", cumulative=True, description="proactive ideas sent to customers"),
    Kpi("new_opps", "New opps", "leading", "count", cumulative=True, description="deals created in the period"),
    Kpi("won_deals", "Won deals", "lagging", "count", cumulative=True, description="deals won, by close date"),
    Kpi("revenue", "Revenue", "lagging", "money", cumulative=True, description="sum of won deals' amounts"),
    Kpi("win_rate", "Win rate", "lagging", "ratio", description="won / (won + lost)"),
    Kpi("avg_deal_size", "Avg deal", "lagging", "money", description="revenue / won deals"),
    Kpi("cycle_days", "Cycle days", "lagging", "days", higher_is_better=False,
        description="mean days from creation to close of won deals"),
    Kpi("new_customers", "New customers", "lagging", "count", cumulative=True,
        description="accounts whose first won deal closed in the period"),
    Kpi("revenue_growth", "Rev. growth", "lagging", "ratio", description="revenue vs the previous period"),
    Kpi("open_pipeline", "Open pipeline", "pipeline", "money", description="open deals at the period's end"),
    Kpi("pipeline_coverage", "Coverage", "pipeline", "ratio",
        description="open pipeline / revenue still to win against target"),
    Kpi("pipeline_velocity", "Velocity", "pipeline", "money_per_day",
        description="open deals × win rate × avg deal / cycle days"),
    Kpi("response_hours", "Response h", "pipeline", "hours", higher_is_better=False,
        description="mean hours from a deal's creation to its first activity"),
    Kpi("forecast_accuracy", "Forecast acc.", "pipeline", "ratio",
        description="1 − |revenue − forecast| / revenue"),
    Kpi("csat", "CSAT", "quality", "score", description="mean CSAT score (1–5)"),
    Kpi("call_review", "Call review", "quality", "score", description="mean call-review score (1–5)"),
)
KPIS: dict[str, Kpi] = {k.key: k for k in CATALOGUE}
KPI_KEYS: tuple[str, ...] = tuple(KPIS)
DEFAULT_SCORECARD: dict[str, Decimal] = {k: Decimal(1) for k in ("conversations", "meetings", "new_opps", "revenue")}

ACTIVITY_KINDS: tuple[str, ...] = ("call", "email", "meeting", "demo", "proposal", "idea")
CALL_OUTCOMES: tuple[str, ...] = ("connected", "voicemail", "no_answer")
# activity kind -> the count KPI it feeds
KIND_KPI: dict[str, str] = {"call": "calls", "email": "emails", "meeting": "meetings", "demo": "demos",
                            "proposal": "proposals", "idea": "ideas"}
FUNNEL_STEPS: tuple[str, ...] = ("calls", "conversations", "meetings", "new_opps", "proposals", "won_deals")
SCORE_KINDS: tuple[str, ...] = ("csat", "call_review")


def kpi(key: str) -> Kpi:
    from kpitui.domain.errors import InvalidInput

    try:
        return KPIS[key]
    except KeyError:
        raise InvalidInput(f"unknown KPI {key!r}: use one of {', '.join(KPI_KEYS)}") from None


@dataclass(frozen=True)
class KpiInputs:
    """Additive facts for one rep (or, summed, for a team) over one period."""

    calls: int = 0
    conversations: int = 0
    emails: int = 0
    meetings: int = 0
    demos: int = 0
    proposals: int = 0
    ideas: int = 0
    new_opps: int = 0
    won_deals: int = 0
    lost_deals: int = 0
    revenue_cents: int = 0
    won_cycle_days: float = 0.0  # Σ (closed_on − created_on) over won deals
    new_customers: int = 0
    previous_revenue_cents: int = 0
    open_deals: int = 0
    open_pipeline_cents: int = 0
    responded_deals: int = 0  # deals created in the period that have a linked activity
    response_hours: float = 0.0  # Σ hours from creation to first linked activity over those deals
    # pipeline coverage, over members that have a revenue target
    revenue_target_cents: int = 0
    covered_members: int = 0
    covered_open_cents: int = 0
    covered_revenue_cents: int = 0
    # forecast accuracy, over members that have a forecast
    forecast_cents: int = 0
    forecast_members: int = 0
    forecast_revenue_cents: int = 0
    csat_sum: int = 0
    csat_count: int = 0
    call_review_sum: int = 0
    call_review_count: int = 0

    def __add__(self, other: KpiInputs) -> KpiInputs:
        return KpiInputs(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @classmethod
    def of_rep(cls, facts: dict[str, int | float], revenue_target_cents: int | None = None,
               forecast_cents: int | None = None) -> KpiInputs:
        """One rep's inputs from the database's facts. Coverage and forecast accuracy count only members that
        have a revenue target / a forecast, so summed team inputs keep that rule."""
        values = dict(facts)
        revenue = int(values.get("revenue_cents") or 0)
        if revenue_target_cents is not None:
            values.update(revenue_target_cents=revenue_target_cents, covered_members=1,
                          covered_revenue_cents=revenue, covered_open_cents=int(values.get("open_pipeline_cents") or 0))
        if forecast_cents is not None:
            values.update(forecast_cents=forecast_cents, forecast_members=1, forecast_revenue_cents=revenue)
        return cls(**values)  # type: ignore[arg-type]


def summed(items: list[KpiInputs]) -> KpiInputs:
    """Field by field, in the order of `items` (the same additions as `+` one at a time, in one pass)."""
    names = _input_names()
    totals = list(_input_getter()(KpiInputs()))
    for values in map(_input_getter(), items):
        totals = [a + b for a, b in zip(totals, values, strict=True)]
    return KpiInputs(**dict(zip(names, totals, strict=True)))


@cache
def _input_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(KpiInputs))


@cache
def _input_getter() -> Callable[[KpiInputs], tuple[Any, ...]]:
    return attrgetter(*_input_names())


def money(cents: int | Decimal) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _ratio(numerator: float | int | Decimal, denominator: float | int | Decimal) -> float | None:
    return None if not denominator else float(numerator) / float(denominator)


def compute_kpis(x: KpiInputs) -> dict[str, KpiValue]:
    """Every catalogue KPI from additive inputs. Money as Decimal units, ratios as fractions, None = no value."""
    closed = x.won_deals + x.lost_deals
    win_rate = _ratio(x.won_deals, closed)
    avg_deal_cents = Decimal(x.revenue_cents) / x.won_deals if x.won_deals else None
    cycle_days = x.won_cycle_days / x.won_deals if x.won_deals else None
    growth = (_ratio(x.revenue_cents - x.previous_revenue_cents, x.previous_revenue_cents)
              if x.previous_revenue_cents else None)
    coverage = None
    if x.covered_members:
        remaining = x.revenue_target_cents - x.covered_revenue_cents
        coverage = x.covered_open_cents / remaining if remaining > 0 else None
    velocity = None
    if win_rate is not None and avg_deal_cents is not None and cycle_days:
        velocity = money(Decimal(x.open_deals) * Decimal(str(win_rate)) * avg_deal_cents / Decimal(str(cycle_days)))
    accuracy = None
    if x.forecast_members and x.forecast_revenue_cents:
        miss = abs(x.forecast_revenue_cents - x.forecast_cents) / x.forecast_revenue_cents
        accuracy = max(0.0, 1.0 - miss)
    return {
        "calls": x.calls,
        "conversations": x.conversations,
        "emails": x.emails,
        "meetings": x.meetings,
        "demos": x.demos,
        "proposals": x.proposals,
        "ideas": x.ideas,
        "new_opps": x.new_opps,
        "won_deals": x.won_deals,
        "revenue": money(x.revenue_cents),
        "win_rate": win_rate,
        "avg_deal_size": money(avg_deal_cents) if avg_deal_cents is not None else None,
        "cycle_days": cycle_days,
        "new_customers": x.new_customers,
        "revenue_growth": growth,
        "open_pipeline": money(x.open_pipeline_cents),
        "pipeline_coverage": coverage,
        "pipeline_velocity": velocity,
        "response_hours": x.response_hours / x.responded_deals if x.responded_deals else None,
        "forecast_accuracy": accuracy,
        "csat": _ratio(x.csat_sum, x.csat_count),
        "call_review": _ratio(x.call_review_sum, x.call_review_count),
    }
