"""New deals, week by week, and the touches planned over each deal's life."""

from __future__ import annotations

import heapq
import math
import random
from datetime import date, datetime, time, timedelta
from typing import Any

from kpitui.domain.periods import Period
from kpitui.store.seed.base import _SeederBase
from kpitui.store.seed.draws import _clock, _poisson, _weekday_on_or_after
from kpitui.store.seed.plan import OPEN_STAGES
from kpitui.store.seed.sim import _DealSim, _RepSim
from kpitui.store.seed.words import (
    CALL_NOTES,
    DEMO_NOTES,
    EMAIL_NOTES,
    EXPANSIONS,
    MEETING_NOTES,
    PRODUCTS,
    PROPOSAL_NOTES,
    SEATS,
)


class _DealsMixin(_SeederBase):
    def new_deals(self, sim: _RepSim, day: date, rows: list[dict[str, Any]], refs: list[_DealSim]) -> None:
        n = _poisson(sim.rng_deals, sim.profile.opps * sim.presence(day))
        for _ in range(n):
            rows.append(self._deal(sim, day, refs))

    def _deal(self, sim: _RepSim, created: date, refs: list[_DealSim]) -> dict[str, Any]:
        rng, p, end = sim.rng_deals, sim.profile, self.end
        while sim.future_customers and sim.future_customers[0][0] < created:
            sim.customers[heapq.heappop(sim.future_customers)[2]] = None
        if sim.customers and rng.random() < 0.3:
            account = rng.choice(list(sim.customers))
            product = rng.choice(EXPANSIONS)
        else:
            account = rng.choice(sim.territory)
            product = rng.choice(PRODUCTS)
        name = product if rng.random() < 0.5 else f"{product} ({rng.choice(SEATS)} seats)"
        units = min(400_000.0, max(1_500.0, rng.lognormvariate(math.log(p.amount), 0.5)))
        amount_cents = int(round(units / 50) * 50) * 100
        cycle = max(5.0, rng.lognormvariate(math.log(p.cycle), 0.4))
        won = rng.random() < p.win
        reached = 1.0 if won else rng.uniform(0.2, 1.0)
        close = _weekday_on_or_after(created + timedelta(days=max(2, round(cycle * reached))))
        leave = sim.plan.leave
        if leave is not None and close > leave:  # left the company: what was open is lost
            close, won = max(created, leave), False
            reached = min(reached, max(0.0, (close - created).days / cycle))
        if won:
            for kind in ("month", "quarter"):
                key = (kind, Period.containing(kind, close).start)
                sim.won_planned[key] = sim.won_planned.get(key, 0) + amount_cents

        self.deal_no += 1
        row: dict[str, Any] = {"external_id": f"D-{self.deal_no:06d}", "rep_id": sim.rep_id, "account": account,
                               "name": name, "amount_cents": amount_cents, "created_on": created}
        if close <= end:
            row.update(stage="Won" if won else "Lost", outcome="won" if won else "lost", closed_on=close)
            if won:
                self.seq += 1
                heapq.heappush(sim.future_customers, (close, self.seq, account))
        else:
            progress = (end - created).days / cycle
            stage = OPEN_STAGES[0 if progress < 0.2 else 1 if progress < 0.55 else 2 if progress < 0.85 else 3]
            if stage == "Prospecting" and rng.random() < 0.5:
                row["amount_cents"] = None  # no estimate yet
            row.update(stage=stage, outcome="open", closed_on=None)
        ref = _DealSim()
        refs.append(ref)
        self._plan_touches(sim, ref, created, close, cycle, reached, won)
        return row

    def _working_moment(self, rng: random.Random, moment: datetime, off_days: frozenset[date]) -> datetime:
        """`moment`, or the next time the rep is at work."""
        for _ in range(60):
            day = moment.date()
            if day.weekday() >= 5 or day in off_days or moment.hour >= 18:
                moment = datetime.combine(day + timedelta(days=1), time(8)) + timedelta(minutes=rng.randrange(90))
            elif moment.hour < 8:
                moment = datetime.combine(day, time(8)) + timedelta(minutes=rng.randrange(90))
            else:
                break
        return moment

    def _plan_touches(self, sim: _RepSim, deal: _DealSim, created: date, close: date, cycle: float,
                      reached: float, won: bool) -> None:
        """The activities linked to a deal over its life; those after `end` are never written."""
        rng, p = sim.rng_deals, sim.profile
        life_h = max(2.0, (close - created).days * 24 * 0.5)
        delay = min(rng.lognormvariate(math.log(p.response_h), 0.7), 96.0, life_h)
        first = self._working_moment(rng, datetime.combine(created, time()) + timedelta(hours=delay), sim.off_days)
        if first.date() > close:
            first = datetime.combine(close, time(rng.randint(9, 16), rng.randrange(60)))
        r = rng.random()
        if r < 0.45:
            touches = [(first, "call", "connected", rng.randint(5, 20), rng.choice(CALL_NOTES))]
        elif r < 0.8:
            touches = [(first, "email", None, rng.randint(2, 8), rng.choice(EMAIL_NOTES))]
        else:
            touches = [(first, "meeting", None, rng.choice((30, 30, 45, 60)), rng.choice(MEETING_NOTES))]

        later: list[tuple[float, str, str | None, int, str]] = []
        if rng.random() < 0.85:
            later.append((rng.uniform(0.1, 0.25), "meeting", None, rng.choice((30, 45, 60)), "Discovery meeting"))
        if rng.random() < 0.75:
            later.append((rng.uniform(0.25, 0.45), "demo", None, rng.randint(30, 90), rng.choice(DEMO_NOTES)))
        for _ in range(rng.randint(0, 3)):
            later.append((rng.uniform(0.1, 0.95), "email", None, rng.randint(2, 8), rng.choice(EMAIL_NOTES)))
        for _ in range(int(cycle // 30)):
            if rng.random() < 0.6:
                later.append((rng.uniform(0.3, 0.95), "meeting", None, rng.choice((30, 45, 60)),
                              rng.choice(MEETING_NOTES)))
        later.append((rng.uniform(0.55, 0.75), "proposal", None, rng.randint(30, 120), rng.choice(PROPOSAL_NOTES)))
        if rng.random() < 0.7:
            later.append((rng.uniform(0.8, 0.95), "call", "connected", rng.randint(8, 20), "Negotiation call"))
        for frac, kind, outcome, duration, note in later:
            if frac > reached:
                continue
            day = _weekday_on_or_after(created + timedelta(days=round(frac * cycle)))
            if day <= first.date():
                day = _weekday_on_or_after(first.date() + timedelta(days=1))
            if day > close or day in sim.off_days:
                continue
            touches.append((_clock(rng, day), kind, outcome, duration, note))
        if won and close > first.date():
            if rng.random() < 0.5:
                touches.append((_clock(rng, close), "call", "connected", rng.randint(5, 20), "Contract signed"))
            else:
                touches.append((_clock(rng, close), "meeting", None, rng.choice((15, 30, 45)), "Contract signed"))
        last = min(close, self.end)
        for moment, kind, outcome, duration, note in touches:
            if moment.date() <= last:
                self.seq += 1
                heapq.heappush(sim.pending, (moment, self.seq, kind, outcome, duration, note, deal))
