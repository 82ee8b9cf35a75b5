"""The seeder's state and writes, and the people it inserts first."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from kpitui.store import tables
from kpitui.store.seed.plan import CHUNK, SeedPlan
from kpitui.store.seed.profiles import PROFILES, _jittered_average
from kpitui.store.seed.sim import _off_days, _RepSim
from kpitui.store.seed.words import COMPANY_FORMS, COMPANY_TRADES, COMPANY_WORDS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _chunks(rows: list[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


class _SeederBase:
    """The seeder's state, its bulk writes and the people; the mixins add deals, activities and the rest."""

    def __init__(self, session: Session, plan: SeedPlan, seed: int, zone: ZoneInfo) -> None:
        self.session = session
        self.plan = plan
        self.seed = seed
        self.zone = zone
        self.first = plan.first
        self.end = plan.end
        self.deal_no = 0
        self.seq = 0
        self.team_ids: list[int] = []
        self.counts = dict.fromkeys(("teams", "reps", "activities", "deals", "targets", "scores", "forecasts"), 0)

    # -- writing --------------------------------------------------------------------------------------------------
    def _insert(self, table: Any, rows: list[dict[str, Any]], key: str) -> None:
        for chunk in _chunks(rows):
            self.session.execute(insert(table), chunk)
        self.counts[key] += len(rows)

    def _insert_returning_ids(self, table: Any, rows: list[dict[str, Any]], key: str) -> list[int]:
        ids: list[int] = []
        for chunk in _chunks(rows):
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids.extend(self.session.execute(stmt, chunk).scalars().all())
        self.counts[key] += len(rows)
        return ids

    def _utc(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.zone).astimezone(UTC)

    # -- people -----------------------------------------------------------------------------------------------
    def people(self) -> list[_RepSim]:
        plan = self.plan
        team_ids = self._insert_returning_ids(tables.team, [{"name": n} for n in plan.teams], "teams")
        rows = [{"name": p.name, "email": p.email, "team_id": None if p.team is None else team_ids[p.team],
                 "role": p.role, "active": p.active} for p in plan.people]
        rep_ids = self._insert_returning_ids(tables.rep, rows, "reps")
        self.session.execute(insert(tables.team_manager), [
            {"rep_id": rep_id, "team_id": team_ids[p.team]}
            for p, rep_id in zip(plan.people, rep_ids, strict=True) if p.role == "manager" and p.team is not None
        ])
        self.team_ids = team_ids

        pool = [f"{w} {t} {f}" for w in COMPANY_WORDS for t in COMPANY_TRADES for f in COMPANY_FORMS]
        random.Random(f"kpitui-seed/{self.seed}/companies").shuffle(pool)
        pool = pool[: max(300, 30 * sum(p.role == "rep" for p in plan.people))]

        sims = []
        for index, (p, rep_id) in enumerate(zip(plan.people, rep_ids, strict=True)):
            if p.role != "rep" or p.profile is None:
                continue
            rng_plan = random.Random(f"kpitui-seed/{self.seed}/rep/{index}/plan")
            profile = _jittered_average(rng_plan) if p.profile == "average" else PROFILES[p.profile]
            sims.append(_RepSim(
                index=index, plan=p, profile=profile, rep_id=rep_id,
                rng_deals=random.Random(f"kpitui-seed/{self.seed}/rep/{index}/deals"),
                rng_acts=random.Random(f"kpitui-seed/{self.seed}/rep/{index}/activities"),
                off_days=_off_days(rng_plan, p, self.first, self.end),
                territory=rng_plan.sample(pool, min(len(pool), 40)),
            ))
        return sims
