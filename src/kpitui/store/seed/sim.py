"""Per-rep simulation state: random streams, days off, open deals and their planned touches."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kpitui.store.seed.plan import PersonPlan
from kpitui.store.seed.profiles import Profile

_HOLIDAYS = ((1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31))


@dataclass(slots=True)
class _DealSim:
    id: int | None = None


@dataclass(slots=True)
class _RepSim:
    index: int  # position in SeedPlan.people: seeds this rep's random streams
    plan: PersonPlan
    profile: Profile
    rep_id: int
    rng_deals: random.Random
    rng_acts: random.Random
    off_days: frozenset[date]
    territory: list[str]
    customers: dict[str, None] = field(default_factory=dict)  # accounts won (insertion-ordered)
    future_customers: list[tuple[date, int, str]] = field(default_factory=list)  # heap: (closed_on, seq, account)
    pending: list[tuple[Any, ...]] = field(default_factory=list)  # heap of planned deal touches
    won_planned: dict[tuple[str, date], int] = field(default_factory=dict)  # (kind, start) -> cents
    week_factor: float = 1.0

    def presence(self, d: date) -> float:
        """How much of a normal working day this rep works on `d` (0 = absent)."""
        plan = self.plan
        if d < plan.start or (plan.leave is not None and d > plan.leave) or d in self.off_days:
            return 0.0
        wd = d.weekday()
        factor = 1.0 if wd < 5 else (0.05 if wd == 5 else 0.02)
        if (d.month, d.day) in _HOLIDAYS:
            factor *= 0.05
        elif d.month == 8:
            factor *= 0.85
        elif d.month == 12 and d.day > 20:
            factor *= 0.6
        if self.profile.name == "new_hire":
            factor *= min(1.0, 0.15 + 0.85 * (d - plan.start).days / 75)
        return factor


def _off_days(rng: random.Random, plan: PersonPlan, first: date, end: date) -> frozenset[date]:
    """Holidays (blocks of 4-10 days, about 2.5 a year) and a few single sick days."""
    span = (end - first).days + 1
    days: set[date] = set()
    for _ in range(round(span / 365 * 2.5)):
        start = first + timedelta(days=rng.randrange(span))
        for k in range(rng.randint(4, 10)):
            days.add(start + timedelta(days=k))
    for _ in range(round(span / 365 * 5)):
        days.add(first + timedelta(days=rng.randrange(span)))
    if plan.profile == "new_hire":  # no holiday in the first weeks
        days = {d for d in days if d > plan.start + timedelta(days=60)}
    return frozenset(days)
