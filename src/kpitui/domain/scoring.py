"""Targets against actuals: attainment, pace, scorecard score, ranking, the funnel and the team median.

Pure functions over values the store computed; no SQL here.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Literal, TypeVar

from kpitui.domain.calendar import Elapsed
from kpitui.domain.kpis import FUNNEL_STEPS, KPIS, KpiValue
from kpitui.domain.periods import Period

Status = Literal["ahead", "on track", "behind"]
Phase = Literal["not started", "in progress", "over"]
# How a value reads, whatever draws it: `good` (ahead, or target met), `steady` (on track), `close` (a finished
# period missed by less than 20 %), `poor` (behind, or missed), `none` (nothing to judge). The UI maps it to colour.
Tone = Literal["good", "steady", "close", "poor", "none"]
MAX_ATTAINMENT_IN_SCORE = 1.5
AHEAD_AT = 1.05
ON_TRACK_AT = 0.95
MET_AT = 1.0
CLOSE_AT = 0.8
RANK_DECIMALS = 4

T = TypeVar("T")


def attainment(key: str, actual: KpiValue, target: Decimal | None) -> float | None:
    """actual / target, or target / actual where lower is better; None without a target or a value."""
    if target is None or actual is None:
        return None
    actual_f, target_f = float(actual), float(target)
    if KPIS[key].higher_is_better:
        return actual_f / target_f if target_f else None
    return target_f / actual_f if actual_f else None


def phase(period: Period, today: date) -> Phase:
    if today < period.start:
        return "not started"
    return "over" if today >= period.end else "in progress"


def projected(key: str, actual: KpiValue, elapsed: Elapsed) -> KpiValue:
    """The value at the end of the period if the pace so far holds: cumulative KPIs grow by working days
    (`WorkCalendar.elapsed`); others stay as they are. None before the first day that counts has begun (a
    period not started, or a Sunday the 1st): nothing has been measured yet."""
    if actual is None or elapsed.done <= 0:
        return None
    if not KPIS[key].cumulative or elapsed.done >= elapsed.total:
        return actual
    value = Decimal(str(actual)) * elapsed.total / elapsed.done
    return value.quantize(Decimal("0.01")) if isinstance(actual, Decimal) else float(value)


def pace_status(key: str, projection: KpiValue, target: Decimal | None, elapsed: Elapsed) -> Status | None:
    """ahead / on track / behind from the projection; None without a target or before any day counted."""
    if elapsed.done <= 0:
        return None
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


def tone(status: Status | None, attained: float | None, when: Phase) -> Tone:
    """The one rule for colouring a value: by pace (status) while the period runs, by attainment once it is
    over (met at 100 %, close from 80 %), nothing before it starts. A rep at 30 % on day 3 of 21 is on pace."""
    if when == "in progress":
        return {"ahead": "good", "on track": "steady", "behind": "poor"}.get(status or "", "none")  # type: ignore[return-value]
    if when == "over" and attained is not None:
        return "good" if attained >= MET_AT else "close" if attained >= CLOSE_AT else "poor"
    return "none"


def value_tone(key: str, value: KpiValue, target: Decimal | None, elapsed: Elapsed, when: Phase) -> Tone:
    """The tone of one KPI value against its target on a day of its period (`tone` over its pace status)."""
    status = pace_status(key, projected(key, value, elapsed), target, elapsed)
    return tone(status, attainment(key, value, target), when)


def score_tone(attainments: Mapping[str, float | None], projections: Mapping[str, float | None],
               targets: Mapping[str, Decimal | None], weights: Mapping[str, Decimal], when: Phase) -> Tone:
    """The score's colour: while the period runs, the score the projections would give (its pace), read as a
    status; once over, the score itself as an attainment."""
    if when == "in progress":
        pace = scorecard_score(projections, targets, weights)
        if pace is None:
            return "none"
        status: Status = "ahead" if pace >= AHEAD_AT else "on track" if pace >= ON_TRACK_AT else "behind"
        return tone(status, None, when)
    return tone(None, scorecard_score(attainments, targets, weights), when)


def like_for_like(period: Period, today: date) -> Period | None:
    """The span of the previous period that `period` compares with on `today` (DESIGN.md section 3): its first
    d calendar days while `period` runs (d = days of `period` up to and including today), the whole previous
    period once `period` is over or when d reaches its length; None before `period` begins (no comparison)."""
    when = phase(period, today)
    previous = period.previous()
    if when == "not started":
        return None
    days = (today - period.start).days + 1
    if when == "over" or days >= previous.days:
        return previous
    return Period.between(previous.start, previous.start + timedelta(days=days - 1))


def due_today(key: str, actual: KpiValue, target: Decimal | None, elapsed: Elapsed,
              when: Phase) -> KpiValue:
    """What is still needed by the end of today to be on pace: max(0, ⌈target × elapsed working fraction −
    actual⌉), for cumulative higher-is-better KPIs with a target in a period in progress (None otherwise).
    Counts round up to whole units, money up to the cent. Exact arithmetic: 21 × 3/21 is 3, not 3.0000000001."""
    if not _takes_effort(key, target, when) or actual is None or not elapsed.total:
        return None
    assert target is not None
    gap = Fraction(target) * elapsed.done / elapsed.total - Fraction(Decimal(str(actual)))
    if gap <= 0:
        return Decimal("0.00") if KPIS[key].unit == "money" else 0
    if KPIS[key].unit == "money":
        cents = Decimal(gap.numerator) / Decimal(gap.denominator)
        return cents.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return math.ceil(gap)


def per_day_left(key: str, actual: KpiValue, target: Decimal | None, elapsed: Elapsed,
                 when: Phase) -> KpiValue:
    """max(0, target − actual) / working days left (today included); None when no day is left to work in."""
    if not _takes_effort(key, target, when) or actual is None or elapsed.left <= 0:
        return None
    assert target is not None
    gap = max(Decimal(0), target - Decimal(str(actual)))
    if KPIS[key].unit == "money":
        return (gap / elapsed.left).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return float(gap / elapsed.left)


def _takes_effort(key: str, target: Decimal | None, when: Phase) -> bool:
    kpi = KPIS[key]
    return target is not None and when == "in progress" and kpi.cumulative and kpi.higher_is_better


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
    """Standard competition ranking (1, 2, 2, 4) on values as shown: rounded to 4 decimals, so two scores that
    both read 58 % but differ in float noise rank equal. Items without a value sort last, unranked; ties by name."""
    shown = {id(i): as_ranked(value(i)) for i in items}
    with_value = [i for i in items if shown[id(i)] is not None]
    without = sorted((i for i in items if shown[id(i)] is None), key=lambda i: name(i).casefold())
    sign = -1 if higher_is_better else 1
    ordered = sorted(with_value, key=lambda i: (sign * shown[id(i)], name(i).casefold()))  # type: ignore[operator]
    ranked: list[tuple[int | None, T]] = []
    previous_value: object = object()
    rank = 0
    for position, item in enumerate(ordered, start=1):
        if shown[id(item)] != previous_value:
            rank = position
            previous_value = shown[id(item)]
        ranked.append((rank, item))
    ranked.extend((None, i) for i in without)
    return ranked


def as_ranked(value: float | int | Decimal | None) -> float | None:
    return None if value is None else round(float(value), RANK_DECIMALS)


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


def team_attainments(member_values: Sequence[Mapping[str, KpiValue]],
                     member_targets: Sequence[Mapping[str, Decimal]], totals: Mapping[str, KpiValue],
                     keys: Sequence[str]) -> tuple[dict[str, float | None], dict[str, Decimal]]:
    """The team's attainment per KPI from summed facts (DESIGN.md section 4), never an average of the members'
    attainments: for a cumulative KPI, Σ actual / Σ target over the members that have a target (a member
    without one adds to neither); for any other KPI (a ratio, an average) the team's own value (`totals`,
    computed from summed counts) against the target the members share — none when their targets differ.
    Returns the attainments and the team targets they were measured against."""
    attained: dict[str, float | None] = {}
    targets: dict[str, Decimal] = {}
    wanted = set(keys)
    # (value, target) per KPI over the members with a target, in member order: one pass over each member's own
    # targets (a few) rather than every KPI of every member (26 lookups each, 5,000 members)
    paired: dict[str, list[tuple[KpiValue, Decimal]]] = {}
    for values, own in zip(member_values, member_targets, strict=True):
        for key, target in own.items():
            if target is not None and key in wanted:
                paired.setdefault(key, []).append((values.get(key), target))
    for key in keys:
        pairs = paired.get(key)
        if not pairs:
            continue
        if KPIS[key].cumulative:
            target = sum((t for _v, t in pairs), Decimal(0))
            actual: KpiValue = sum((Decimal(str(v)) for v, _t in pairs if v is not None), Decimal(0))
        else:
            shared = {t for _v, t in pairs}
            if len(shared) != 1:
                continue
            target, actual = shared.pop(), totals.get(key)
        targets[key] = target
        attained[key] = attainment(key, actual, target)
    return attained, targets
