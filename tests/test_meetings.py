"""What the manager's meetings read (services/meetings.py, domain/standup.py) and the Σ row's team score, on
hand-built data, SQLite and PostgreSQL. Clock: Wednesday 2026-10-21 15:00 Berlin (yesterday = Tue 20 Oct)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import Builder, local, service
from kpitui.domain.periods import Period
from kpitui.domain.standup import STALLED_DAYS
from kpitui.store.db import Database

NOW = local(2026, 10, 21, 15)
MIA = "mia@example.com"


def team(build: Builder) -> dict[str, int]:
    north = build.team("North")
    ada = build.rep("Ada Lovelace", north)
    bob = build.rep("Bob Builder", north)
    build.rep("Mia Manager", north, role="manager")
    return {"north": north, "ada": ada, "bob": bob}


def test_the_deals_tab_lists_open_and_stalled_deals_first(db: Database, build: Builder) -> None:
    """Quiet days on 21 Oct: C (created 25 Sep, never touched) 26, B (last activity 1 Oct) 20, A (yesterday) 1.
    Old order (outcome text, then age) put the lost deal first and the open ones after it."""
    ids = team(build)
    ada = ids["ada"]
    deal_a = build.deal(ada, "Alpha", "500", "Discovery", date(2026, 9, 1))
    deal_b = build.deal(ada, "Beta", "9000", "Proposal", date(2026, 9, 1))
    deal_c = build.deal(ada, "Gamma", "100", "Discovery", date(2026, 9, 25))
    won = build.deal(ada, "Delta", "700", "won", date(2026, 10, 15), closed=date(2026, 10, 20))
    lost = build.deal(ada, "Eps", "800", "lost", date(2026, 10, 16), closed=date(2026, 10, 10))
    build.activity(ada, "call", local(2026, 10, 20, 10), deal_id=deal_a)
    build.activity(ada, "call", local(2026, 9, 20, 10), deal_id=deal_b)
    build.activity(ada, "email", local(2026, 10, 1, 10), deal_id=deal_b)
    deals = service(db, actor=MIA, now=NOW).deals_by_attention("Ada Lovelace")
    assert [d.deal.id for d in deals] == [deal_c, deal_b, deal_a, won, lost]
    assert [(d.quiet_days, d.stalled) for d in deals[:3]] == [(26, True), (20, True), (1, False)]
    assert deals[1].last_activity == date(2026, 10, 1)
    assert not deals[3].stalled and not deals[4].stalled  # closed deals are never stalled


def test_a_reps_standup_brief_yesterday_and_deals_to_discuss(db: Database, build: Builder) -> None:
    ids = team(build)
    ada = ids["ada"]
    for hour in (9, 10):
        build.activity(ada, "call", local(2026, 10, 20, hour), outcome="connected")
    build.activity(ada, "call", local(2026, 10, 20, 11), outcome="voicemail")
    build.activity(ada, "meeting", local(2026, 10, 20, 14))
    build.activity(ada, "call", local(2026, 10, 19, 9), outcome="connected")  # the day before: not yesterday
    build.activity(ada, "email", local(2026, 10, 21, 8))  # today: not yesterday
    stalled = build.deal(ada, "Quiet", "100", "Discovery", date(2026, 9, 1))  # 50 days without activity
    big = [build.deal(ada, f"Big{n}", str(amount), "Proposal", date(2026, 10, 10))
           for n, amount in enumerate((5000, 4000, 3000, 2000))]
    for deal in big:
        build.activity(ada, "email", local(2026, 10, 20, 16), deal_id=deal)
    build.deal(ada, "Done", "99000", "won", date(2026, 9, 1), closed=date(2026, 10, 2))
    brief = service(db, actor=MIA, now=NOW).rep_brief("Ada Lovelace")
    assert brief.yesterday == date(2026, 10, 20)
    counts = brief.yesterday_counts
    assert (counts["calls"], counts["conversations"], counts["meetings"], counts["emails"]) == (3, 2, 1, 4)
    # every stalled deal, then the three biggest open ones; the 2000 one and the won deal are not discussed
    assert [d.deal.id for d in brief.deals] == [stalled, *big[:3]]
    assert brief.deals[0].quiet_days == 50 >= STALLED_DAYS


def test_yesterday_on_a_monday_is_friday(db: Database, build: Builder) -> None:
    ids = team(build)
    build.activity(ids["ada"], "call", local(2026, 10, 16, 9), outcome="connected")  # Friday
    build.activity(ids["ada"], "call", local(2026, 10, 18, 9))  # Sunday
    brief = service(db, actor=MIA, now=local(2026, 10, 19, 9)).rep_brief("Ada Lovelace")
    assert brief.yesterday == date(2026, 10, 16)
    assert brief.yesterday_counts["calls"] == 1


def test_the_team_score_is_the_score_of_summed_facts(db: Database, build: Builder) -> None:
    """Ada 20 conversations of her 10, Bob 0 of his 10: the team made 20 of 20 = 100 %, not the mean of the
    capped rows ((150 % + 0 %) / 2 = 75 %). Revenue: Ada 1000 of 4000, Bob 3000 of 2000: 4000 of 6000."""
    ids = team(build)
    w43 = date(2026, 10, 19)
    for rep, conv, revenue in ((ids["ada"], "10", "4000"), (ids["bob"], "10", "2000")):
        build.target("conversations", "week", w43, conv, rep_id=rep)
        build.target("revenue", "week", w43, revenue, rep_id=rep)
    for n in range(20):
        build.activity(ids["ada"], "call", local(2026, 10, 19, 8, n), outcome="connected")
    build.deal(ids["ada"], "A", "1000", "won", date(2026, 10, 1), closed=date(2026, 10, 19))
    build.deal(ids["bob"], "B", "3000", "won", date(2026, 10, 1), closed=date(2026, 10, 20))
    board = service(db, actor=MIA, now=NOW).leaderboard(Period.week_of(w43))
    scores = {r.rep: r.score for r in board.rows}
    assert scores["Ada Lovelace"] == (1.5 + 0.25) / 2
    assert scores["Bob Builder"] == (0 + 1.5) / 2
    assert board.total_targets == {"conversations": Decimal(20), "revenue": Decimal(6000)}
    assert board.total_score == (1.0 + 4000 / 6000) / 2
    assert board.as_json()["totals"]["score"] == round((1.0 + 4000 / 6000) / 2, 6)


def test_setting_a_target_to_its_value_writes_no_history(db: Database, build: Builder) -> None:
    team(build)
    svc = service(db, actor=MIA, now=NOW)
    week = Period.week_of(NOW.date())
    svc.set_target("meetings", week, "3", rep="Ada Lovelace")
    svc.set_target("meetings", week, "3.00", rep="Ada Lovelace")  # the same value: nothing changes
    svc.set_target("meetings", week, "", rep="Bob Builder")  # nothing to remove: nothing changes
    assert len(svc.target_history("North")) == 1
    svc.set_target("meetings", week, "4", rep="Ada Lovelace")
    assert len(svc.target_history("North")) == 2
