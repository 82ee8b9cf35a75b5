"""Every KPI against values worked out by hand over a small, explicit data set.

Zone Europe/Berlin: UTC+2 until 25 October 2026 03:00, UTC+1 after. Period: 2026-10 unless said otherwise.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from conftest import Builder, local, service, statements_for_a_team
from kpitui.domain.periods import parse_period
from kpitui.store.db import Database

OCT = parse_period("2026-10", date(2026, 11, 20))


@pytest.fixture
def north(db: Database, build: Builder) -> dict[str, int]:
    north = build.team("North")
    south = build.team("South")
    ada = build.rep("Ada Ames", north)
    bo = build.rep("Bo Brandt", north)
    mia = build.rep("Mia Moss", north, role="manager")
    cy = build.rep("Cy Cole", south)

    # Ada's activities: the edges of October in Berlin time.
    build.activity(ada, "call", local(2026, 10, 1, 0, 0, 0), "connected")  # first instant of October
    build.activity(ada, "call", local(2026, 9, 30, 23, 59, 59), "voicemail")  # September
    build.activity(ada, "call", local(2026, 10, 31, 23, 59, 59), "connected")  # last second of October (UTC+1)
    build.activity(ada, "call", local(2026, 11, 1, 0, 0, 0), "no_answer")  # 31 Oct 23:00 UTC: November here
    build.activity(ada, "email", local(2026, 10, 15, 10))
    build.activity(ada, "meeting", local(2026, 10, 16, 10))
    build.activity(ada, "meeting", local(2026, 10, 20, 10))
    build.activity(ada, "demo", local(2026, 10, 21, 10))
    build.activity(ada, "proposal", local(2026, 10, 22, 10))
    build.activity(ada, "idea", local(2026, 10, 23, 10))
    # Ada's deals
    d1 = build.deal(ada, "Acme", "1000.00", "Won", date(2026, 9, 1), date(2026, 10, 10))  # cycle 39, new customer
    d2 = build.deal(ada, "Acme", "500.50", "won", date(2026, 10, 2), date(2026, 10, 20))  # cycle 18, not new
    build.deal(ada, "Beta", "700.00", "Lost", date(2026, 8, 1), date(2026, 10, 5))
    d4 = build.deal(ada, "Gamma", "2000.00", "Negotiation", date(2026, 10, 5))  # open at the end of October
    build.deal(ada, "Delta", "300.00", "Won", date(2026, 9, 1), date(2026, 9, 15))  # September revenue
    build.activity(ada, "meeting", local(2026, 10, 3, 9), deal_id=d2)  # 33 h after 2 Oct 00:00 local
    build.activity(ada, "email", local(2026, 10, 6, 9), deal_id=d2)  # not the first touch
    build.activity(ada, "call", local(2026, 10, 5, 14), "connected", deal_id=d4)  # 14 h after creation
    assert d1 < d2
    # Bo
    for day, outcome in ((2, "connected"), (3, "voicemail"), (4, "no_answer")):
        build.activity(bo, "call", local(2026, 10, day, 11), outcome)
    build.activity(bo, "meeting", local(2026, 10, 8, 11))
    build.deal(bo, "Acme", "200.00", "Won", date(2026, 10, 1), date(2026, 10, 10))  # same day as d1, higher id
    build.deal(bo, "Epsilon", None, "Lost", date(2026, 10, 1), date(2026, 10, 12))
    build.deal(bo, "Zeta", "100.00", "Lost", date(2026, 9, 20), date(2026, 10, 13))
    build.deal(bo, "Eta", "50.00", "Lost", date(2026, 9, 20), date(2026, 10, 14))
    build.deal(bo, "Theta", "400.00", "Prospecting", date(2026, 9, 25))
    build.deal(bo, "Iota", "900.00", "Won", date(2026, 9, 10), date(2026, 11, 2))  # open at October's end
    # Cy (another team) and the manager must not leak into North
    build.activity(cy, "call", local(2026, 10, 9, 9), "connected")
    build.activity(mia, "call", local(2026, 10, 9, 9), "connected")
    # Targets: Ada's own revenue target wins over the team default
    build.target("revenue", "month", date(2026, 10, 1), "3000", team_id=north)
    build.target("revenue", "month", date(2026, 10, 1), "1000", rep_id=ada)
    build.target("conversations", "month", date(2026, 10, 1), "4", team_id=north)
    build.target("meetings", "month", date(2026, 10, 1), "2", team_id=north)
    build.target("cycle_days", "month", date(2026, 10, 1), "20", team_id=north)
    build.forecast(ada, "month", date(2026, 10, 1), "1200.00")
    for on, kind, value in ((date(2026, 10, 3), "csat", 4), (date(2026, 10, 30), "csat", 5),
                            (date(2026, 9, 30), "csat", 1), (date(2026, 10, 12), "call_review", 3)):
        build.score(ada, kind, on, value)
    return {"north": north, "south": south, "ada": ada, "bo": bo, "mia": mia, "cy": cy}


def test_rep_kpis_by_hand(db: Database, north: dict[str, int]) -> None:
    board = service(db).leaderboard(OCT, team="North")
    ada = next(r for r in board.rows if r.rep == "Ada Ames").kpis
    assert ada["calls"] == 3  # 1 Oct 00:00, 31 Oct 23:59:59, and the linked call on 5 Oct
    assert ada["conversations"] == 3
    assert (ada["emails"], ada["meetings"], ada["demos"], ada["proposals"], ada["ideas"]) == (2, 3, 1, 1, 1)
    assert ada["new_opps"] == 2  # d2 and d4
    assert ada["won_deals"] == 2
    assert ada["revenue"] == Decimal("1500.50")
    assert ada["win_rate"] == pytest.approx(2 / 3)
    assert ada["avg_deal_size"] == Decimal("750.25")
    assert ada["cycle_days"] == pytest.approx((39 + 18) / 2)
    assert ada["new_customers"] == 1  # Acme's first win is d1 (same day as Bo's, lower id)
    assert ada["revenue_growth"] == pytest.approx((1500.50 - 300) / 300)
    assert ada["open_pipeline"] == Decimal("2000.00")
    assert ada["pipeline_coverage"] is None  # revenue target 1000 already met
    assert ada["pipeline_velocity"] == Decimal("17.55")  # 1 × 2/3 × 750.25 / 28.5
    assert ada["response_hours"] == pytest.approx((33 + 14) / 2)
    assert ada["forecast_accuracy"] == pytest.approx(1 - 300.5 / 1500.5)
    assert ada["csat"] == pytest.approx(4.5)
    assert ada["call_review"] == pytest.approx(3.0)


def test_second_rep_and_pipeline_coverage(db: Database, north: dict[str, int]) -> None:
    board = service(db).leaderboard(OCT, team="North")
    bo = next(r for r in board.rows if r.rep == "Bo Brandt").kpis
    assert (bo["calls"], bo["conversations"], bo["meetings"]) == (3, 1, 1)
    assert (bo["won_deals"], bo["revenue"], bo["win_rate"]) == (1, Decimal("200.00"), 0.25)
    assert bo["new_customers"] == 0
    assert bo["new_opps"] == 2  # Acme and Epsilon created 1 Oct
    assert bo["response_hours"] is None  # no linked activity
    assert bo["open_pipeline"] == Decimal("1300.00")  # Theta open, Iota won only in November
    assert bo["pipeline_coverage"] == pytest.approx(1300 / (3000 - 200))  # team default target
    assert bo["revenue_growth"] is None and bo["forecast_accuracy"] is None and bo["csat"] is None


def test_team_totals_sum_counts_not_average_ratios(db: Database, north: dict[str, int]) -> None:
    board = service(db).leaderboard(OCT, team="North")
    assert [r.rep for r in board.rows] == ["Ada Ames", "Bo Brandt"]  # managers and other teams are not rows
    totals = board.totals
    assert totals["calls"] == 6
    assert totals["won_deals"] == 3
    assert totals["win_rate"] == pytest.approx(3 / 7)  # not (2/3 + 1/4) / 2
    assert totals["revenue"] == Decimal("1700.50")
    assert totals["avg_deal_size"] == Decimal("566.83")
    assert totals["cycle_days"] == pytest.approx((39 + 18 + 9) / 3)
    assert totals["new_customers"] == 1
    assert totals["open_pipeline"] == Decimal("3300.00")
    assert totals["response_hours"] == pytest.approx(23.5)
    # coverage over members with a revenue target: Σopen / (Σtarget − Σrevenue) = 3300 / (4000 − 1700.50)
    assert totals["pipeline_coverage"] == pytest.approx(3300 / (4000 - 1700.50))
    # forecast accuracy over members with a forecast (Ada only)
    assert totals["forecast_accuracy"] == pytest.approx(1 - 300.5 / 1500.5)


def test_company_scope_includes_every_team(db: Database, north: dict[str, int]) -> None:
    board = service(db).leaderboard(OCT)
    assert board.team is None
    assert {r.rep for r in board.rows} == {"Ada Ames", "Bo Brandt", "Cy Cole"}
    assert board.totals["calls"] == 7


def test_periods_move_activities_across_edges(db: Database, north: dict[str, int]) -> None:
    svc = service(db)

    def calls(text: str) -> int:
        board = svc.leaderboard(parse_period(text, date(2026, 11, 20)), team="North")
        return next(r for r in board.rows if r.rep == "Ada Ames").kpis["calls"]  # type: ignore[return-value]

    assert calls("2026-09") == 1
    assert calls("2026-11") == 1
    assert calls("2026-10-01..2026-10-01") == 1  # only the midnight call
    assert calls("2026-10-31..2026-10-31") == 1  # 23:59:59 local, 22:59:59 UTC
    assert calls("2026-W44") == 2  # 26 Oct - 1 Nov: 31 Oct 23:59:59 and 1 Nov 00:00
    assert calls("2026-Q4") == 4
    assert calls("2026") == 5


def test_time_zone_decides_the_local_date(db: Database, north: dict[str, int]) -> None:
    from zoneinfo import ZoneInfo

    utc_board = service(db, zone=ZoneInfo("UTC")).leaderboard(OCT, team="North")
    ada = next(r for r in utc_board.rows if r.rep == "Ada Ames").kpis
    # In UTC, 1 Oct 00:00 Berlin is 30 Sep 22:00 (out) and 1 Nov 00:00 Berlin is 31 Oct 23:00 (in).
    assert ada["calls"] == 3
    assert ada["conversations"] == 2


def test_scorecard_targets_attainment_pace_and_score(db: Database, north: dict[str, int]) -> None:
    card = service(db, now=local(2026, 10, 10, 12)).scorecard(OCT, "ada@example.com")
    line = {item.key: item for item in card.lines}
    assert line["revenue"].target == Decimal("1000")  # own target beats the team default 3000
    assert line["revenue"].attainment == pytest.approx(1.5005)
    # pace by working days: Saturday 10 October, 7 of October's 22 working days begun
    assert line["conversations"].projected == pytest.approx(3 * 22 / 7)
    assert line["conversations"].status == "ahead"  # projected 9.4 vs target 4
    assert line["win_rate"].projected == pytest.approx(2 / 3)  # ratios are not projected
    # lower is better: attainment = target / actual
    assert line["cycle_days"].attainment == pytest.approx(20 / 28.5)
    assert line["cycle_days"].status == "behind"
    # like for like: 1–10 September had no revenue (Delta closed on the 15th), so no change yet
    assert line["revenue"].previous == Decimal("300.00")
    assert line["revenue"].previous_to_date == Decimal("0.00")
    assert line["revenue"].change is None
    # once October is over, the change is against the whole of September
    over = service(db, now=local(2026, 11, 20, 12)).scorecard(OCT, "ada@example.com")
    assert over.line("revenue").previous_to_date == Decimal("300.00")
    assert over.line("revenue").change == pytest.approx((1500.50 - 300) / 300)
    # a ratio's change is the difference in points: win rate 100 % in September (1 of 1), 67 % in October
    assert over.line("win_rate").previous == 1.0
    assert over.line("win_rate").change == pytest.approx(2 / 3 - 1)
    # score over the default scorecard KPIs with a target: conversations 3/4, meetings 3/2 -> 1.5, new_opps
    # (no target, skipped), revenue 1.5005 -> capped 1.5
    assert card.score == pytest.approx((0.75 + 1.5 + 1.5) / 3)


def test_funnel_and_team_median(db: Database, north: dict[str, int]) -> None:
    report = service(db).funnel(OCT, rep="Ada Ames")
    assert [(s.key, s.value) for s in report.steps] == [
        ("calls", 3), ("conversations", 3), ("meetings", 3), ("new_opps", 2), ("proposals", 1), ("won_deals", 2)]
    assert report.steps[0].conversion == 1.0
    assert report.steps[2].conversion == pytest.approx(2 / 3)
    assert report.steps[-1].conversion is None
    median = {s.key: s for s in report.team_median}
    assert median["calls"].value == 3  # Ada 3, Bo 3
    assert median["meetings"].value == 2  # Ada 3, Bo 1
    assert median["calls"].conversion == pytest.approx((1.0 + 1 / 3) / 2)


def test_ranking_is_competition_style_with_name_ties(db: Database, build: Builder) -> None:
    team = build.team("T")
    for name, calls in (("Dee", 2), ("Abe", 5), ("Cal", 2), ("Bea", 2), ("Eve", 0)):
        rep = build.rep(name + " X", team, email=f"{name}@x.io")
        for i in range(calls):
            build.activity(rep, "call", local(2026, 10, 5 + i, 10), "connected")
    board = service(db).leaderboard(OCT, sort="calls")
    assert [(r.rank, r.rep) for r in board.rows] == [
        (1, "Abe X"), (2, "Bea X"), (2, "Cal X"), (2, "Dee X"), (5, "Eve X")]
    by_cycle = service(db).leaderboard(OCT, sort="cycle_days")
    assert all(r.rank is None for r in by_cycle.rows)  # nobody has a value: all unranked, by name
    assert [r.rep for r in by_cycle.rows] == ["Abe X", "Bea X", "Cal X", "Dee X", "Eve X"]


def test_lower_is_better_sorts_ascending(db: Database, build: Builder) -> None:
    team = build.team("T")
    slow, fast = build.rep("Slow S", team, email="s@x.io"), build.rep("Fast F", team, email="f@x.io")
    build.deal(slow, "A", "10", "Won", date(2026, 8, 1), date(2026, 10, 1))
    build.deal(fast, "B", "10", "Won", date(2026, 9, 25), date(2026, 10, 1))
    board = service(db).leaderboard(OCT, sort="cycle_days")
    assert [(r.rank, r.rep) for r in board.rows] == [(1, "Fast F"), (2, "Slow S")]


def test_leaderboard_runs_a_fixed_number_of_queries(db: Database, build: Builder) -> None:
    def count_queries(reps: int) -> int:
        return statements_for_a_team(db, build, reps, lambda team: service(db).leaderboard(OCT, team=team))

    assert count_queries(2) == count_queries(40)


def test_team_scorecard_weights_change_the_score(db: Database, north: dict[str, int]) -> None:
    from kpitui.domain.errors import AccessDenied

    with pytest.raises(AccessDenied):
        service(db, actor="ada@example.com").set_scorecard("North", {"revenue": "3"})
    service(db, actor="mia@example.com").set_scorecard("North", {"revenue": "3", "conversations": "1"})
    card = service(db).scorecard(OCT, "Ada Ames")
    assert [line.key for line in card.lines if line.in_scorecard] == ["revenue", "conversations"]
    # revenue 1.5005 -> capped 1.5 (weight 3), conversations 3/4 (weight 1)
    assert card.score == pytest.approx((3 * 1.5 + 0.75) / 4)
    board = service(db).leaderboard(OCT, team="North")
    assert next(r for r in board.rows if r.rep == "Ada Ames").score == pytest.approx(card.score)
    with pytest.raises(Exception, match="weight of revenue"):
        service(db).set_scorecard("North", {"revenue": "-1"})


def test_iso_week_53_and_week_1_and_explicit_offsets(db: Database, build: Builder) -> None:
    team = build.team("T")
    rep = build.rep("Wes West", team, email="wes@x.io")
    svc = service(db, actor="wes@x.io", now=datetime(2027, 1, 10, 12, 0, tzinfo=UTC))  # no call in the future
    svc.log_activity("call", when="2026-12-31T23:59:59", outcome="connected")  # Thursday of 2026-W53
    svc.log_activity("call", when="2027-01-03T23:59:59", outcome="connected")  # Sunday, still 2026-W53
    svc.log_activity("call", when="2027-01-04T00:00:00", outcome="connected")  # Monday of 2027-W01
    # 23:30 in New York on 31 Oct is 04:30 UTC on 1 Nov, 05:30 in Berlin: November here
    svc.log_activity("email", when="2026-10-31T23:30:00-04:00")
    # 00:30 in Tokyo on 1 Nov is 15:30 UTC on 31 Oct, 16:30 in Berlin: October here
    svc.log_activity("email", when="2026-11-01T00:30:00+09:00")
    today = date(2027, 1, 10)

    def value(text: str, key: str) -> object:
        board = svc.leaderboard(parse_period(text, today), team="T")
        return next(r for r in board.rows if r.rep_id == rep).kpis[key]

    assert value("2026-W53", "calls") == 2
    assert value("2027-W01", "calls") == 1
    assert value("2026", "calls") == 1  # only 31 Dec belongs to the calendar year 2026
    assert value("2026-12-28..2027-01-03", "calls") == 2
    assert value("2026-11", "emails") == 1
    assert value("2026-10", "emails") == 1
    assert value("2026-10-31..2026-10-31", "emails") == 1  # the Tokyo one


def test_deal_dates_decide_closed_and_created_periods(db: Database, build: Builder) -> None:
    team = build.team("T")
    rep = build.rep("Dee Day", team, email="dee@x.io")
    build.deal(rep, "A", "100", "Won", date(2026, 9, 30), date(2026, 9, 30))  # September, cycle 0
    build.deal(rep, "B", "200", "Won", date(2026, 9, 30), date(2026, 10, 1))  # October, cycle 1
    build.deal(rep, "C", "50", "Lost", date(2026, 10, 31), date(2026, 10, 31))
    board = service(db).leaderboard(OCT, team="T")
    kpis = board.rows[0].kpis
    assert (kpis["won_deals"], kpis["revenue"], kpis["cycle_days"]) == (1, Decimal("200.00"), 1.0)
    assert kpis["win_rate"] == 0.5
    assert kpis["new_opps"] == 1  # C, created 31 October
    assert kpis["revenue_growth"] == pytest.approx(1.0)  # 200 vs 100 in September
    assert kpis["new_customers"] == 1  # B's account had never won before


def test_trend_buckets_equal_one_period_at_a_time(db: Database, north: dict[str, int], build: Builder) -> None:
    """The bucketed queries (one pass for 13 weeks) give what 13 separate single-period runs give."""
    build.target("calls", "week", date(2026, 10, 19), "12", team_id=north["north"])
    svc = service(db, now=local(2026, 11, 4, 12))
    trend = svc.trend("calls", rep="Ada Ames", weeks=13)
    assert [p.period.label for p in trend.points][-2:] == ["2026-W44", "2026-W45"]
    assert len(trend.points) == 13
    ada = svc.find_rep("Ada Ames")
    for point in trend.points:
        single = svc.team_kpis(point.period, [ada]).kpis[ada.id]
        assert point.value == single["calls"], point.period
    week43 = next(p for p in trend.points if p.period.label == "2026-W43")
    assert week43.target == Decimal("12")
    series = svc.kpi_series([parse_period(m, date(2026, 11, 20)) for m in ("2026-08", "2026-09", "2026-10")],
                            [ada, svc.find_rep("Bo Brandt")])
    for month in series:
        alone = svc.team_kpis(month.period, month.reps)
        assert month.kpis == alone.kpis, month.period
        assert month.targets == alone.targets


@pytest.mark.parametrize("key", ["calls", "revenue", "win_rate", "new_opps", "response_hours", "open_pipeline",
                                 "pipeline_coverage", "pipeline_velocity", "new_customers", "csat",
                                 "forecast_accuracy", "revenue_growth", "cycle_days"])
def test_a_trend_reads_only_what_its_kpi_needs_and_gets_the_same_values(db: Database, north: dict[str, int],
                                                                       key: str) -> None:
    svc = service(db, now=local(2026, 11, 4, 12))
    months = [parse_period(m, date(2026, 11, 20)) for m in ("2026-08", "2026-09", "2026-10")]
    ada = svc.find_rep("Ada Ames")
    full = svc.kpi_series(months, [ada])
    narrow = svc.kpi_series(months, [ada], only=[key])
    assert [m.kpis[ada.id][key] for m in narrow] == [m.kpis[ada.id][key] for m in full]


def test_drilldown_equals_scorecard_and_funnel(db: Database, north: dict[str, int]) -> None:
    svc = service(db, now=local(2026, 10, 10, 12))
    card, funnel = svc.drilldown(OCT, "Ada Ames")
    assert card == svc.scorecard(OCT, "Ada Ames")
    assert funnel == svc.funnel(OCT, rep="Ada Ames")


def test_a_report_reads_one_snapshot_on_one_connection(db: Database, north: dict[str, int]) -> None:
    """Finding the rep, the team and their KPIs are reads of their own; a report joins them into one."""
    import threading

    from sqlalchemy import event

    svc = service(db, now=local(2026, 10, 10, 12))
    checkouts: list[int] = []
    listener = lambda conn, record, proxy: checkouts.append(threading.get_ident())  # noqa: E731
    event.listen(db.engine, "checkout", listener)
    try:
        svc.drilldown(OCT, "Ada Ames")
        svc.trend("calls", rep="Ada Ames", until=OCT)
        assert len(checkouts) == 2
        with db.read() as outer:
            worker = threading.Thread(target=lambda: svc.scorecard(OCT, "Ada Ames"))
            worker.start()
            worker.join()
            with db.read() as inner:
                assert inner is outer
        assert len(checkouts) == 4 and checkouts[2] != checkouts[3]  # another thread never joins this one's read
    finally:
        event.remove(db.engine, "checkout", listener)


def test_reads_inside_a_write_see_its_changes_and_end_with_it(db: Database, north: dict[str, int]) -> None:
    from sqlalchemy import func, select

    from kpitui.store.models import Activity

    def count(conn: object) -> int:
        return conn.execute(select(func.count()).select_from(Activity.__table__)).scalar_one()  # type: ignore[attr-defined]

    with db.read() as before:
        total = count(before)
    svc = service(db, now=local(2026, 10, 10, 12))

    def work(conn: object) -> tuple[bool, int]:
        svc.log_activity("call", rep="Ada Ames", when=local(2026, 10, 9, 9), outcome="connected")
        with db.read() as inner:
            return inner is conn, count(inner)

    joined, seen = db.run_write(work)
    assert joined and seen == total + 1  # the write's own row, before its commit
    with pytest.raises(ValueError):
        db.run_write(lambda conn: (svc.log_activity("email", rep="Ada Ames"), int("not a number")))
    with db.read() as after:
        assert count(after) == total + 1  # the failed write left nothing, and this read is a fresh snapshot


def test_a_logged_activity_is_returned_as_it_reads_back(db: Database, north: dict[str, int],
                                                         build: Builder) -> None:
    """Logging builds the record it returns (and audits) from what it inserted, without reading it back."""
    svc = service(db, now=local(2026, 10, 10, 12))
    named = build.deal(north["ada"], "Omega", "10.00", "Qualify", date(2026, 10, 1), external_id="OPP-9")
    unnamed = build.deal(north["ada"], "Sigma", "10.00", "Qualify", date(2026, 10, 1))
    cases = [{}, {"deal": "OPP-9"}, {"deal": str(unnamed)}, {"duration_min": "25", "note": "  call  back [b]x[/b]"}]
    labels = []
    for extra in cases:
        logged = svc.log_activity("call", rep="Ada Ames", when="today 09:15", outcome="connected", **extra)
        stored = svc.activity(logged.id)
        assert logged == stored and logged.occurred_at.utcoffset() == stored.occurred_at.utcoffset()
        audit = svc.changes("activity", logged.id)[0]  # the change log holds what a read gives, as text too
        assert json.loads(audit.after or "") == json.loads(json.dumps(dataclasses.asdict(stored), default=str))
        labels.append((logged.deal, logged.deal_id))
    assert labels == [(None, None), ("OPP-9", named), ("Sigma deal", unnamed), (None, None)]


def test_many_reps_and_few_reps_count_activities_alike(db: Database, build: Builder) -> None:
    """Trends of a few reps group by a bucket in one statement; many reps run one statement per period."""
    from kpitui.store import queries

    team = build.team("Big")
    reps = [build.rep(f"Rep {i:02d}", team, email=f"r{i}@x.io") for i in range(30)]
    for i, rep in enumerate(reps):
        for day in range(1, 29, 1 + i % 4):
            build.activity(rep, "call" if day % 3 else "email", local(2026, 10, day, 9 + i % 8),
                           "connected" if day % 2 else "no_answer")
    svc = service(db)
    months = [parse_period(m, date(2026, 11, 20)) for m in ("2026-09", "2026-10", "2026-11")]
    assert 3 * 91 <= queries.FEW_REP_DAYS < 30 * 91  # 3 reps take the sorted statement, 30 one per month
    rows = svc.find_rep("Rep 00"), *(svc.find_rep(f"Rep {i:02d}") for i in range(1, len(reps)))
    many = svc.kpi_series(months, list(rows))
    few = svc.kpi_series(months, list(rows[:3]))
    for big, small in zip(many, few, strict=True):
        for rep in rows[:3]:
            assert big.kpis[rep.id] == small.kpis[rep.id]
    assert sum(m.kpis[rows[0].id]["calls"] for m in many) > 0


def test_a_trend_of_the_current_month_ends_this_week(db: Database, north: dict[str, int]) -> None:
    svc = service(db, now=local(2026, 11, 4, 12))  # Wednesday of 2026-W45
    november = parse_period("2026-11", date(2026, 11, 4))
    assert svc.trend("calls", rep="Ada Ames", until=november).points[-1].period.label == "2026-W45"
    assert svc.trend("calls", rep="Ada Ames", until=OCT).points[-1].period.label == "2026-W44"  # 31 Oct


def test_history_gives_each_kpi_over_the_last_periods(db: Database, north: dict[str, int]) -> None:
    svc = service(db)
    history = svc.history(OCT, ["calls", "revenue"], rep="Ada Ames", count=3)
    assert history["calls"] == [0, 1, 3]  # August, September (the 23:59:59 voicemail), October
    assert history["revenue"] == [Decimal("0.00"), Decimal("300.00"), Decimal("1500.50")]


def test_response_hours_are_never_negative(db: Database, build: Builder) -> None:
    """A touch logged before its deal was created (linked afterwards) is an immediate response, not -111 h
    (issue 13: a linked activity of years before gave -498,263 h, one at -infinity gave -inf)."""
    team = build.team("North")
    ada = build.rep("Ada Ames", team)
    early = build.deal(ada, "Acme", "100", "Qualified", date(2026, 10, 10))
    build.activity(ada, "call", local(2026, 10, 5, 9), "connected", deal_id=early)  # 111 h before creation
    later = build.deal(ada, "Beta", "100", "Qualified", date(2026, 10, 12))
    build.activity(ada, "call", local(2026, 10, 12, 12), "connected", deal_id=later)  # 12 h after
    row = service(db).leaderboard(OCT, team="North").rows[0]
    assert row.kpis["response_hours"] == pytest.approx((0 + 12) / 2)
