"""Targets against actuals: attainment, pace, scorecard score, ranking, the funnel and the team median.

Pure functions over values the store computed; no SQL here.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, TypeVar

from kpitui.domain.kpis import FUNNEL_STEPS, KPIS, KpiValue
from kpitui.domain.periods import Period

Status = Literal["ahead", "on track", "behind"]
MAX_ATTAINMENT_IN_SCORE = 1.5
AHEAD_AT = 1.05
ON_TRACK_AT = 0.95

T = TypeVar("T")


def attainment(key: str, actual: KpiValue, target: Decimal | None) -> float | None:
    """actual / target, or target / actual where lower is better; None without a target or a value."""
    if target is None or actual is None:
        return None
    actual_f, target_f = float(actual), float(target)
    if KPIS[key].higher_is_better:
        return actual_f / target_f if target_f else None
    return target_f / actual_f if actual_f else None


def projected(key: str, actual: KpiValue, period: Period, today: date) -> KpiValue:
    """The value at the end of the period if the pace so far holds (cumulative KPIs only)."""
    if actual is None or not KPIS[key].cumulative:
        return actual
    elapsed = period.elapsed_fraction(today)
    if elapsed <= 0:
        return None
    if elapsed >= 1:
        return actual
    value = Decimal(str(actual)) / Decimal(str(elapsed))
    return value.quantize(Decimal("0.01")) if isinstance(actual, Decimal) else float(value)


def pace_status(key: str, projection: KpiValue, target: Decimal | None) -> Status | None:
    ratio = attainment(key, projection, target)
    if ratio is None:
        if target is not None and projection is None and KPIS[key].higher_is_better:
            return "behind"
        return None
    if ratio >= AHEAD_AT:
        return "ahead"
    if ratio >= ON_TRACK_AT:
        return "on track"
    return "behind"


def change(key: str, current: KpiValue, previous: KpiValue) -> float | None:
    """Change vs the previous period: for ratios (win rate 17 % -> 33 %) the difference in points (0.16), as
    sales people read it; for everything else the relative change, None when the previous value is zero."""
    if current is None or previous is None:
        return None
    if KPIS[key].unit == "ratio":
        return float(current) - float(previous)
    if not float(previous):
        return None
    return (float(current) - float(previous)) / abs(float(previous))


def scorecard_score(attainments: Mapping[str, float | None], targets: Mapping[str, Decimal | None],
                    weights: Mapping[str, Decimal]) -> float | None:
    """Σ weight × min(attainment, 1.5) / Σ weight over the scorecard KPIs that have a target.

    A KPI with a target but no value (e.g. no deal closed) counts as zero attainment: the target was not met.
    """
    total_weight = Decimal(0)
    total = 0.0
    for key, weight in weights.items():
        if targets.get(key) is None:
            continue
        total_weight += weight
        total += float(weight) * min(attainments.get(key) or 0.0, MAX_ATTAINMENT_IN_SCORE)
    return total / float(total_weight) if total_weight else None


def competition_ranks(items: Sequence[T], value: Callable[[T], float | int | Decimal | None],
                      name: Callable[[T], str], higher_is_better: bool = True) -> list[tuple[int | None, T]]:
    """Standard competition ranking (1, 2, 2, 4); items without a value sort last, unranked; ties by name."""
    with_value = [i for i in items if value(i) is not None]
    without = sorted((i for i in items if value(i) is None), key=lambda i: name(i).casefold())
    sign = -1 if higher_is_better else 1
    ordered = sorted(with_value, key=lambda i: (sign * float(value(i)), name(i).casefold()))  # type: ignore[arg-type]
    ranked: list[tuple[int | None, T]] = []
    previous_value: object = object()
    rank = 0
    for position, item in enumerate(ordered, start=1):
        if value(item) != previous_value:
            rank = position
            previous_value = value(item)
        ranked.append((rank, item))
    ranked.extend((None, i) for i in without)
    return ranked


def median(values: Sequence[float | int | Decimal | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return statistics.median(present) if present else None


@dataclass(frozen=True)
class FunnelStep:
    key: str
    value: float | int | None
    conversion: float | None  # next step / this step

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "value": self.value, "conversion": self.conversion}


def funnel_steps(kpis: Mapping[str, KpiValue]) -> list[FunnelStep]:
    values = [kpis[k] for k in FUNNEL_STEPS]
    steps = []
    for i, key in enumerate(FUNNEL_STEPS):
        current = values[i]
        following = values[i + 1] if i + 1 < len(values) else None
        conversion = None
        if following is not None and current:
            conversion = float(following) / float(current)
        steps.append(FunnelStep(key, current, conversion))
    return steps


def median_funnel(members: Sequence[Sequence[FunnelStep]]) -> list[FunnelStep]:
    """Per step: the median of the members' values and the median of their conversions."""
    result = []
    for i, key in enumerate(FUNNEL_STEPS):
        result.append(FunnelStep(key, median([m[i].value for m in members]),
                                 median([m[i].conversion for m in members])))
    return result
