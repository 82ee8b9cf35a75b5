"""Targets, scores and forecasts, written after the activities."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from kpitui.domain.periods import Period
from kpitui.store import tables
from kpitui.store.seed.base import _SeederBase
from kpitui.store.seed.draws import _poisson, _quarters_between, _weekday_on_or_after
from kpitui.store.seed.plan import TARGET_KPIS, TARGET_PERIOD_KINDS
from kpitui.store.seed.sim import _RepSim
from kpitui.store.seed.words import CSAT_BAD, CSAT_GOOD, REVIEW_NOTES


class _OutcomesMixin(_SeederBase):
    def _periods(self, kind: str, lo: date, hi: date) -> Iterator[Period]:
        period = Period.containing(kind, lo)
        while period.start <= hi:
            yield period
            period = period.next()

    def targets(self, sims: list[_RepSim]) -> None:
        rng = random.Random(f"kpitui-seed/{self.seed}/targets")
        base_week = {"calls": 22, "conversations": 6, "meetings": 3, "new_opps": 0.8, "revenue": 3_000}
        first_quarter = Period.containing("quarter", self.first)
        team_factor = [rng.uniform(0.9, 1.15) for _ in self.team_ids]

        def value(kpi: str, kind: str, period: Period, factor: float) -> Decimal:
            if kpi == "win_rate":
                return Decimal(str(min(0.6, 0.30 * (0.8 + 0.2 * factor)))).quantize(Decimal("0.01"))
            growth = 1 + 0.03 * _quarters_between(first_quarter.start, period.start)
            weekly = base_week[kpi] * factor * growth
            amount = weekly * {"week": 1, "month": 52 / 12, "quarter": 13}[kind]
            if kpi == "revenue":
                step = {"week": 100, "month": 500, "quarter": 1_000}[kind]
                return Decimal(max(step, round(amount / step) * step))
            return Decimal(max(1, round(amount)))

        rows = []
        for kind in TARGET_PERIOD_KINDS:
            for period in self._periods(kind, self.first, self.end):
                for team, team_id in enumerate(self.team_ids):
                    for kpi in TARGET_KPIS:
                        rows.append({"rep_id": None, "team_id": team_id, "kpi": kpi, "period_kind": kind,
                                     "period_start": period.start, "value": value(kpi, kind, period,
                                                                                  team_factor[team])})
        overrides = {"closer": {"revenue": 3.0, "new_opps": 0.5},
                     "enterprise": {"revenue": 4.0, "new_opps": 0.4, "meetings": 0.8}}
        for sim in sims:
            plan = sim.plan
            if plan.team is None or not plan.active:
                continue
            factor = team_factor[plan.team]
            for kind in TARGET_PERIOD_KINDS:
                for period in self._periods(kind, plan.start, self.end):
                    if plan.profile == "new_hire":
                        months_in = (period.start - plan.start).days / 30
                        ramp = 0.4 if months_in < 1 else 0.6 if months_in < 2 else 0.8
                        mults = {k: ramp for k in ("calls", "conversations", "meetings", "new_opps", "revenue")}
                    else:
                        mults = overrides.get(plan.profile or "", {})
                    for kpi, mult in mults.items():
                        rows.append({"rep_id": sim.rep_id, "team_id": None, "kpi": kpi, "period_kind": kind,
                                     "period_start": period.start, "value": value(kpi, kind, period, factor * mult)})
        self._insert(tables.target, rows, "targets")

    def scores(self, sim: _RepSim) -> list[dict[str, Any]]:
        plan, p = sim.plan, sim.profile
        rng = random.Random(f"kpitui-seed/{self.seed}/rep/{sim.index}/scores")
        last = plan.leave or self.end
        rows = []
        for month in self._periods("month", plan.start, last):
            lo, hi = max(month.start, plan.start), min(month.last_day, last)
            share = ((hi - lo).days + 1) / month.days
            for kind, mean, per_month in (("csat", p.csat, 4.0), ("call_review", p.review, 2.0)):
                for _ in range(_poisson(rng, per_month * share)):
                    on = _weekday_on_or_after(lo + timedelta(days=rng.randrange((hi - lo).days + 1)))
                    if on > hi:
                        on = hi
                    score = min(5, max(1, round(rng.gauss(mean, 0.75))))
                    if kind == "csat":
                        note = rng.choice(CSAT_GOOD if score >= 4 else CSAT_BAD if score <= 2 else ("",))
                    else:
                        note = rng.choice(REVIEW_NOTES)
                    rows.append({"rep_id": sim.rep_id, "kind": kind, "on": on, "value": score, "note": note})
        return rows

    def forecasts(self, sim: _RepSim) -> list[dict[str, Any]]:
        plan, p = sim.plan, sim.profile
        rng = random.Random(f"kpitui-seed/{self.seed}/rep/{sim.index}/forecasts")
        last = plan.leave or self.end
        typical_month = p.opps * 21 * p.win * p.amount * 100  # expected monthly revenue, cents
        rows = []
        for kind, scale in (("month", 1.0), ("quarter", 3.0)):
            for period in self._periods(kind, max(self.first, plan.start), last):
                actual = sim.won_planned.get((kind, period.start), 0)
                if actual:
                    committed = actual * (1 + p.forecast_bias + rng.gauss(0, p.forecast_noise / math.sqrt(scale)))
                else:
                    committed = typical_month * scale * rng.uniform(0.4, 0.9)
                cents = max(50_000, round(committed / 50_000) * 50_000)  # committed in steps of 500 units
                if cents == actual:
                    cents += 50_000
                rows.append({"rep_id": sim.rep_id, "period_kind": kind, "period_start": period.start,
                             "amount_cents": cents})
        return rows
