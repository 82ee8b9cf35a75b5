"""The coaching diagnosis for closing and deal size (DESIGN.md section 4), on hand-built funnels.

The team (medians): 100 calls → 30 conversations → 10 meetings → 4 new opps → 4 proposals → 2 won; win rate
50 %, revenue 10,000 at 5,000 a deal, 120 activities.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import Builder, local, service
from kpitui.domain.diagnosis import diagnose
from kpitui.domain.kpis import FUNNEL_STEPS, KPI_KEYS
from kpitui.domain.periods import Period
from kpitui.domain.scoring import FunnelStep, funnel_steps
from kpitui.store.db import Database

TEAM = {"activity_volume": 120.0, "win_rate": 0.5, "new_opps": 4.0, "open_pipeline": 20000.0, "revenue": 10000.0,
        "avg_deal_size": 5000.0, "won_deals": 2.0, "cycle_days": None}


def _funnel(values: list[int]) -> list[FunnelStep]:
    return funnel_steps(dict(zip(FUNNEL_STEPS, values, strict=True)))


TEAM_FUNNEL = _funnel([100, 30, 10, 4, 4, 2])


def _rep(steps: list[int], **values: object) -> dict[str, object]:
    base = {k: 0 for k in KPI_KEYS} | {"win_rate": None, "cycle_days": None, "csat": None, "call_review": None,
                                      "avg_deal_size": None, "open_pipeline": Decimal(20000), "emails": 20}
    return base | dict(zip(FUNNEL_STEPS, steps, strict=True)) | values


def test_win_rate_proposal_to_won_and_revenue_behind_with_a_healthy_funnel_is_closing() -> None:
    steps = [100, 30, 10, 4, 5, 1]  # 1 of 5 proposals won (20 %), 1 won and 4 lost (20 %)
    rep = _rep(steps, win_rate=0.2, revenue=Decimal(2000), avg_deal_size=Decimal(2000))
    findings = diagnose(rep, _funnel(steps), TEAM, TEAM_FUNNEL)
    assert [f.code for f in findings] == ["closing"]
    message = findings[0].message
    assert "win rate 20% against 50% for the team" in message
    assert "20% of 5 proposals won against 50% for the team" in message


def test_closing_needs_both_rates_below_and_a_few_proposals() -> None:
    steps = [100, 30, 10, 4, 5, 2]  # proposal → won 40 %: at the 80 % line, not below it
    rep = _rep(steps, win_rate=0.2, revenue=Decimal(10000), avg_deal_size=Decimal(5000))
    assert "closing" not in [f.code for f in diagnose(rep, _funnel(steps), TEAM, TEAM_FUNNEL)]
    few = [100, 30, 10, 4, 2, 0]  # two proposals, none won: too few to judge
    rep = _rep(few, win_rate=0.0, avg_deal_size=None)
    assert "closing" not in [f.code for f in diagnose(rep, _funnel(few), TEAM, TEAM_FUNNEL)]


def test_small_deals_behind_with_a_healthy_funnel_is_deal_size() -> None:
    steps = [100, 30, 10, 4, 4, 2]  # the team's funnel, the team's win rate, a fifth of its deal size
    rep = _rep(steps, win_rate=0.5, revenue=Decimal(2000), avg_deal_size=Decimal(1000))
    findings = diagnose(rep, _funnel(steps), TEAM, TEAM_FUNNEL)
    assert [f.code for f in findings] == ["deal_size"]
    message = findings[0].message
    assert "revenue 2,000 (team median 10,000)" in message and "2 deals were won (team median 2.0)" in message
    assert "average deal is 1,000 against 5,000 for the team" in message
    behind = diagnose(rep, _funnel(steps), TEAM, TEAM_FUNNEL, revenue_behind=True)
    assert "revenue 2,000 is behind pace" in behind[0].message
    # on pace against its target: small deals are no problem yet
    assert diagnose(rep, _funnel(steps), TEAM, TEAM_FUNNEL, revenue_behind=False) == []


def test_deal_size_is_not_blamed_for_a_thin_or_quiet_funnel() -> None:
    thin = [100, 30, 10, 1, 4, 2]  # one new opportunity against the team's 4
    rep = _rep(thin, new_opps=1, win_rate=0.5, revenue=Decimal(2000), avg_deal_size=Decimal(1000))
    assert "deal_size" not in [f.code for f in diagnose(rep, _funnel(thin), TEAM, TEAM_FUNNEL)]
    quiet = [20, 6, 2, 4, 4, 2]
    rep = _rep(quiet, emails=0, win_rate=0.5, revenue=Decimal(2000), avg_deal_size=Decimal(1000))
    assert [f.code for f in diagnose(rep, _funnel(quiet), TEAM, TEAM_FUNNEL)] == ["low_activity"]


def test_the_drill_down_reads_revenue_pace_from_the_target(db: Database, build: Builder) -> None:
    """October 2026 (over on 11 Nov): three reps with the same funnel; Ada's two wins are 100 each, Bob's and
    Cy's 1,000 each. Without a revenue target Ada's 200 against the team median of 2,000 is behind; with a
    target of 150 she met it; with 5,000 she is behind pace."""
    north = build.team("North")
    reps = {name: build.rep(name, north) for name in ("Ada Ames", "Bob Brandt", "Cy Cole")}
    for name, rep_id in reps.items():
        for i in range(10):
            build.activity(rep_id, "call", local(2026, 10, 6, 9, i), "connected" if i < 5 else "no_answer")
        for i in range(2):
            build.activity(rep_id, "meeting", local(2026, 10, 7, 9, i))
            build.activity(rep_id, "proposal", local(2026, 10, 8, 9, i))
            build.deal(rep_id, f"{name} {i}", "100" if name == "Ada Ames" else "1000", "won", date(2026, 10, 5),
                       closed=date(2026, 10, 20))
    october = Period.month_of(date(2026, 10, 1))
    now = local(2026, 11, 11, 15)

    def codes() -> list[str]:
        return [f.code for f in service(db, now=now).funnel(october, rep="Ada Ames").diagnosis]

    assert codes() == ["deal_size"]
    target = build.target("revenue", "month", date(2026, 10, 1), "150", rep_id=reps["Ada Ames"])
    assert codes() == []
    with db.write() as session:
        from kpitui.store.models import Target

        session.get(Target, target).value = Decimal(5000)  # type: ignore[union-attr]
    funnel = service(db, now=now).funnel(october, rep="Ada Ames")
    assert [f.code for f in funnel.diagnosis] == ["deal_size"]
    assert "revenue 200 is behind pace (team median 2,000)" in funnel.diagnosis[0].message
