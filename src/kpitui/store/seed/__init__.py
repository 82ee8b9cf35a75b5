"""Deterministic sample data (`kpitui seed`, `kpitui demo`, the benchmark).

Same arguments, same rows, byte for byte: every random choice comes from `random.Random` streams seeded from
`seed` (one per rep and purpose, so the order in which reps are visited never shifts another rep's data), dates
are computed from `end`, never from the clock, and nothing iterates a set.

The story: a handful of teams (about twelve reps each, at least three teams), a manager per team and one admin.
Reps follow a behaviour profile that is recorded nowhere but in what they do (`seed_plan` tells tests and
demos who is who):

- `high_volume`: the most calls by far, but few connect and few conversations become meetings or wins.
- `closer`: few new opportunities, the best win rate, big deals.
- `steady`: even weeks, average-to-good rates, forecasts that land close to the actual number.
- `new_hire`: joined about 90 days before `end`; nothing before, activity ramps up over ten weeks.
- `quality_star`: the highest CSAT and call-review scores, quick first response, many proactive ideas.
- `enterprise`: few, very large deals with long cycles.
- `average`: everyone else, each with their own jitter around the team norm.

With ten or more reps one (about one in sixty at scale) left during the range: inactive, older history only.

Data covers the local dates `(end - days, end]` in `zone`; on `end` itself nothing happens after 16:00 local
(the demo freezes its clock at 16:30 on that day, so nothing is "in the future").

The simulation walks the range a week at a time: first the week's new deals (inserted with RETURNING, so
their ids are known, portably to PostgreSQL), then every rep's activities of that week, including the touches
planned on open deals, in bulk Core inserts of about ten thousand rows. Memory stays bounded: one week of rows,
the open deals and their planned touches.

Modules: `plan` (who works here), `profiles`, `words` (names and notes), `draws` (random draws), `sim` (per-rep
state), `base` (writes and people), `deals`, `activities`, `outcomes` (targets, scores, forecasts); this module
joins them in `_Seeder` and drives the weeks in `seed_database`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from kpitui.domain.errors import InvalidInput
from kpitui.store import rollups, tables
from kpitui.store.db import Database
from kpitui.store.seed.activities import _ActivitiesMixin
from kpitui.store.seed.deals import _DealsMixin
from kpitui.store.seed.outcomes import _OutcomesMixin
from kpitui.store.seed.plan import (
    CHUNK,
    DEFAULT_END,
    DEFAULT_ZONE,
    LAST_DAY_CUTOFF_HOUR,
    OPEN_STAGES,
    TARGET_KPIS,
    TARGET_PERIOD_KINDS,
    PersonPlan,
    SeedPlan,
    SeedSummary,
    seed_plan,
)
from kpitui.store.seed.profiles import PROFILES, SPECIAL_PROFILES, Profile
from kpitui.store.seed.sim import _DealSim

__all__ = [
    "CHUNK",
    "DEFAULT_END",
    "DEFAULT_ZONE",
    "LAST_DAY_CUTOFF_HOUR",
    "OPEN_STAGES",
    "PROFILES",
    "SPECIAL_PROFILES",
    "TARGET_KPIS",
    "TARGET_PERIOD_KINDS",
    "PersonPlan",
    "Profile",
    "SeedPlan",
    "SeedSummary",
    "seed_database",
    "seed_plan",
]


class _Seeder(_DealsMixin, _ActivitiesMixin, _OutcomesMixin):
    """Writes one seed: people (`base`), deals (`deals`), activities (`activities`), targets, scores and
    forecasts (`outcomes`)."""


def seed_database(db: Database, *, reps: int = 14, days: int = 400, seed: int = 7, end: date = DEFAULT_END,
                  zone: ZoneInfo = DEFAULT_ZONE, progress: Callable[[int, int], None] | None = None) -> SeedSummary:
    """Fill an empty database (schema at head) with `days` days of sample data ending on `end`, in one write."""
    plan = seed_plan(reps=reps, days=days, seed=seed, end=end)
    weeks = math.ceil(days / 7)
    total = weeks + 2

    def report(done: int) -> None:
        if progress is not None:
            progress(done, total)

    with db.write() as session:
        existing = session.execute(select(func.count()).select_from(tables.rep)).scalar_one()
        existing += session.execute(select(func.count()).select_from(tables.team)).scalar_one()
        if existing:
            raise InvalidInput("seed needs an empty database: this one already has teams or reps")
        report(0)
        paused = rollups.pause(session.connection())
        seeder = _Seeder(session, plan, seed, zone)
        sims = seeder.people()
        seeder.targets(sims)
        report(1)
        buffer: list[dict[str, Any]] = []
        for week in range(weeks):
            lo = plan.first + timedelta(days=7 * week)
            window = [lo + timedelta(days=k) for k in range(7) if lo + timedelta(days=k) <= plan.end]
            deal_rows: list[dict[str, Any]] = []
            refs: list[_DealSim] = []
            for sim in sims:
                for day in window:
                    seeder.new_deals(sim, day, deal_rows, refs)
            for ref, deal_id in zip(refs, seeder._insert_returning_ids(tables.deal, deal_rows, "deals"),
                                    strict=True):
                ref.id = deal_id
            for sim in sims:
                for day in window:
                    seeder.activities(sim, day, buffer)
                if len(buffer) >= CHUNK:
                    seeder._insert(tables.activity, buffer, "activities")
                    buffer = []
            report(1 + week + 1)
        seeder._insert(tables.activity, buffer, "activities")
        scores: list[dict[str, Any]] = []
        forecasts: list[dict[str, Any]] = []
        for sim in sims:
            scores += seeder.scores(sim)
            forecasts += seeder.forecasts(sim)
            if len(scores) >= CHUNK:
                seeder._insert(tables.score, scores, "scores")
                scores = []
            if len(forecasts) >= CHUNK:
                seeder._insert(tables.forecast, forecasts, "forecasts")
                forecasts = []
        seeder._insert(tables.score, scores, "scores")
        seeder._insert(tables.forecast, forecasts, "forecasts")
        session.flush()
        rollups.resume(session.connection(), paused)
        report(total)
    return SeedSummary(**seeder.counts)
