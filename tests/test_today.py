"""The rep's day (`kpitui today`, DESIGN.md sections 4-6) on hand-built data, every number worked out by hand.

Wednesday 4 November 2026 in Europe/Berlin: November has 21 working days, 3 of them begun (2, 3, 4 November),
19 left with today. The reverse funnel's history is the 13 full weeks before this week: 3 August – 1 November.
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest

from conftest import Builder, local, service, statements_for_a_team
from kpitui.domain.periods import parse_period
from kpitui.domain.today import Need, reverse_funnel, step_rates
from kpitui.store.db import Database
from test_cli import kpitui

WEDNESDAY = local(2026, 11, 4, 10)
NOVEMBER = parse_period("2026-11", date(2026, 11, 4))


def _url(db: Database) -> str:
    return str(db.url.database) if db.is_sqlite else db.url.render_as_string(hide_password=False)


@pytest.fixture
def north(build: Builder) -> int:
    return build.team("North")


def test_due_today_after_3_of_21_working_days(db: Database, build: Builder, north: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    ada = build.rep("Ada Ames", north)
    for day, n in ((2, 2), (3, 2), (4, 2)):  # 6 calls by Wednesday
        for i in range(n):
            build.activity(ada, "call", local(2026, 11, day, 9, i), "no_answer")
    build.target("calls", "month", date(2026, 11, 1), "100", rep_id=ada)
    build.target("meetings", "month", date(2026, 11, 1), "1", rep_id=ada)
    build.target("win_rate", "month", date(2026, 11, 1), "0.5", rep_id=ada)  # not a leading KPI: not due
    day = service(db, "Ada Ames", now=WEDNESDAY).rep_day(period=NOVEMBER)
    assert [d.key for d in day.due] == ["calls", "meetings"]
    calls = day.due[0]
    assert (calls.value, calls.target) == (6, 100)
    assert calls.due_today == 9  # ⌈100 × 3/21 − 6⌉ = ⌈8.29⌉
    assert calls.per_day_left == pytest.approx(94 / 19)
    assert calls.words == "9 more calls today to be on pace"
    assert day.due[1].due_today == 1 and day.due[1].words == "1 more meeting today to be on pace"  # ⌈1 × 3/21⌉

    import test_cli

    monkeypatch.setitem(test_cli.ENV, "KPITUI_NOW", "2026-11-04T10:00:00+01:00")
    data = json.loads(kpitui(_url(db), "--as", "Ada Ames", "today", "--format", "json").stdout)
    assert data["due"][0] == {"key": "calls", "value": 6, "target": 100.0, "due_today": 9,
                              "per_day_left": round(94 / 19, 6)}
    table = kpitui(_url(db), "today", "--rep", "ada@example.com").stdout
    assert "9 more calls today to be on pace" in table and "1 more meeting today" in table


def test_on_pace_reads_on_pace(db: Database, build: Builder, north: int) -> None:
    ada = build.rep("Ada Ames", north)
    for i in range(15):
        build.activity(ada, "call", local(2026, 11, 2, 9, i), "no_answer")
    build.target("calls", "month", date(2026, 11, 1), "100", rep_id=ada)
    calls = service(db, now=WEDNESDAY).rep_day("Ada Ames", NOVEMBER).due[0]
    assert (calls.due_today, calls.words) == (0, "on pace")  # 15 ≥ 100 × 3/21 = 14.3


@pytest.fixture
def funnel_team(build: Builder, north: int) -> int:
    """October (inside the 13 weeks):
    Ada: 10 calls (5 connected), 5 meetings, 5 deals created (1 won at 1,000, 4 lost), 2 proposals.
    Ben: 4 proposals, 1 deal won at 3,000.  Cy: 3 proposals, 1 deal won at 2,000.
    November: Ada won 4,000 of a 10,000 revenue target, so 6,000 is still to win."""
    ada, ben, cy = build.rep("Ada Ames", north), build.rep("Ben Berg", north), build.rep("Cy Cole", north)
    for i in range(10):
        build.activity(ada, "call", local(2026, 10, 6, 9, i), "connected" if i < 5 else "no_answer")
    for i in range(5):
        build.activity(ada, "meeting", local(2026, 10, 7, 9, i))
    build.deal(ada, "Acme", "1000", "Won", date(2026, 10, 8), date(2026, 10, 20))
    for account in ("B", "C", "D", "E"):
        build.deal(ada, account, "500", "Lost", date(2026, 10, 8), date(2026, 10, 21))
    for rep, proposals in ((ada, 2), (ben, 4), (cy, 3)):
        for i in range(proposals):
            build.activity(rep, "proposal", local(2026, 10, 9, 9, i))
    build.deal(ben, "Ben's", "3000", "Won", date(2026, 10, 1), date(2026, 10, 15))
    build.deal(cy, "Cy's", "2000", "Won", date(2026, 10, 1), date(2026, 10, 15))
    build.deal(ada, "November", "4000", "Won", date(2026, 11, 2), date(2026, 11, 3))
    build.target("revenue", "month", date(2026, 11, 1), "10000", rep_id=ada)
    return ada


def test_reverse_funnel_by_hand_with_the_team_median_where_the_rep_has_too_few(db: Database,
                                                                               funnel_team: int) -> None:
    day = service(db, now=WEDNESDAY).rep_day("Ada Ames", NOVEMBER)
    # Ada won 1 deal (< 5): the team median average deal, median(1,000, 3,000, 2,000) = 2,000 (own: 1,000).
    # won deals = ⌈6,000 / 2,000⌉ = 3
    # proposals → won: Ada has 2 proposals (< 5), so the team median of 1/2, 1/4, 1/3 = 1/3 (own: 1/2):
    #   proposals = ⌈3 / (1/3)⌉ = 9
    # new opps → proposals, her own (5 new opps): 2/5, new opps = ⌈9 / (2/5)⌉ = ⌈22.5⌉ = 23
    # meetings → new opps 5/5, conversations → meetings 5/5: 23 and 23; calls → conversations 5/10: 46
    assert [(n.key, n.needed) for n in day.what_it_takes] == [
        ("revenue", 6000), ("won_deals", 3), ("proposals", 9), ("new_opps", 23), ("meetings", 23),
        ("conversations", 23), ("calls", 46)]
    assert [n.rate_source for n in day.what_it_takes[2:]] == ["team median", "you", "you", "you", "you"]
    assert day.as_json()["what_it_takes"][:2] == [{"key": "revenue", "needed": 6000.0},
                                                  {"key": "won_deals", "needed": 3}]


def test_no_revenue_gap_no_reverse_funnel(db: Database, build: Builder, funnel_team: int) -> None:
    build.deal(funnel_team, "Big", "6000", "Won", date(2026, 11, 2), date(2026, 11, 4))  # 10,000 reached
    assert service(db, now=WEDNESDAY).rep_day("Ada Ames", NOVEMBER).what_it_takes == []
    october = parse_period("2026-10", date(2026, 11, 4))  # over: no gap to close any more
    assert service(db, now=WEDNESDAY).rep_day("Ada Ames", october).what_it_takes == []
    assert service(db, now=WEDNESDAY).rep_day("Ben Berg", NOVEMBER).what_it_takes == []  # no revenue target


def test_reverse_funnel_stops_at_a_step_that_never_converts() -> None:
    rates = step_rates({"calls": 10, "conversations": 0, "meetings": 0, "new_opps": 5, "proposals": 5,
                        "won_deals": 5}, [])
    assert rates[0] == (Fraction(0), "you") and rates[1] == (None, "team median")
    needs = reverse_funnel(Fraction(1000), Fraction(500), rates)  # type: ignore[arg-type]
    assert [n.key for n in needs] == ["revenue", "won_deals", "proposals", "new_opps"]
    assert needs[-1] == Need("new_opps", 2, Fraction(1), "you")
    assert reverse_funnel(None, None, rates) == [] and reverse_funnel(Fraction(0), Fraction(5), rates) == []


def test_follow_ups_are_open_deals_quiet_for_7_days(db: Database, build: Builder, north: int) -> None:
    ada, ben = build.rep("Ada Ames", north), build.rep("Ben Berg", north)
    week_ago = build.deal(ada, "Week Ago", "100", "Proposal", date(2026, 10, 1), external_id="D-7")
    build.activity(ada, "call", local(2026, 10, 28, 16), deal_id=week_ago)  # 28 Oct → 4 Nov: 7 days
    six = build.deal(ada, "Six Days", "100", "Proposal", date(2026, 10, 20))
    build.activity(ada, "call", local(2026, 10, 29, 0, 30), deal_id=six)  # 28 Oct in UTC, 29 Oct in Berlin: 6
    build.deal(ada, "Fresh", "100", "Qualify", date(2026, 10, 30))  # created 5 days ago, never touched: not yet
    build.deal(ada, "Never Touched", "100", "Qualify", date(2026, 10, 10))  # 25 days since creation
    by_ben = build.deal(ada, "Ben Called", "100", "Qualify", date(2026, 9, 1))
    build.activity(ben, "call", local(2026, 11, 3, 9), deal_id=by_ben)  # anyone's linked activity counts
    build.deal(ada, "Closed", "100", "Won", date(2026, 9, 1), date(2026, 10, 1))  # closed: never a follow-up
    build.deal(ben, "Ben's Own", "100", "Qualify", date(2026, 9, 1))  # someone else's deal
    day = service(db, now=WEDNESDAY).rep_day("Ada Ames", NOVEMBER)
    assert [(f.account, f.days_since_activity) for f in day.follow_ups] == [("Never Touched", 25), ("Week Ago", 7)]
    assert [f.as_json() for f in day.follow_ups] == [
        {"deal": "Never Touched deal", "account": "Never Touched", "days_since_activity": 25},
        {"deal": "D-7", "account": "Week Ago", "days_since_activity": 7}]


def test_rank_in_the_team_is_the_leaderboards_competition_rank(db: Database, build: Builder, north: int) -> None:
    south = build.team("South")
    reps = {name: build.rep(name, north) for name in ("Ada Ames", "Ben Berg", "Cy Cole")}
    outsider = build.rep("Zed Zane", south)
    for name, connected in (("Ada Ames", 4), ("Ben Berg", 6), ("Cy Cole", 4)):
        for i in range(connected):
            build.activity(reps[name], "call", local(2026, 11, 2, 9, i), "connected")
    for i in range(9):
        build.activity(outsider, "call", local(2026, 11, 2, 9, i), "connected")  # another team: not ranked here
    build.target("conversations", "month", date(2026, 11, 1), "10", team_id=north)
    # scores: Ben 60 %, Ada and Cy 40 % each: 1, 2, 2
    ranks = {name: service(db, now=WEDNESDAY).rep_day(name, NOVEMBER) for name in reps}
    assert {name: (r.rank, r.ranked_reps) for name, r in ranks.items()} == {
        "Ada Ames": (2, 3), "Ben Berg": (1, 3), "Cy Cole": (2, 3)}
    board = service(db, now=WEDNESDAY).leaderboard(NOVEMBER, team="North")
    assert {row.rep: row.rank for row in board.rows} == {name: r.rank for name, r in ranks.items()}
    assert ranks["Ada Ames"].as_json()["rank"] == 2


def test_today_json_has_exactly_the_contracts_shape(db: Database, funnel_team: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import test_cli

    monkeypatch.setitem(test_cli.ENV, "KPITUI_NOW", "2026-11-04T10:00:00+01:00")
    data = json.loads(kpitui(_url(db), "today", "--rep", "Ada Ames", "--format", "json").stdout)
    assert set(data) == {"rep", "date", "due", "what_it_takes", "follow_ups", "rank"}
    assert (data["rep"], data["date"], data["rank"]) == ("Ada Ames", "2026-11-04", 1)
    assert data["due"] == [] and data["follow_ups"] == []
    assert all(set(n) == {"key", "needed"} for n in data["what_it_takes"])
    csv_out = kpitui(_url(db), "today", "--rep", "Ada Ames", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("part,key,value,target,due_today,per_day_left,needed")
    assert "what_it_takes,calls,,,,,46,,," in csv_out
    md = kpitui(_url(db), "today", "--rep", "Ada Ames", "--format", "md").stdout
    assert "6,000.00 revenue to go takes 3 won deals ← 9 proposals ← 23 new opps" in md


def test_another_reps_day_is_refused_to_a_rep(db: Database, build: Builder, north: int) -> None:
    build.rep("Ada Ames", north)
    build.rep("Cy Cole", build.team("South"))
    done = kpitui(_url(db), "--as", "Ada Ames", "today", "--rep", "Cy Cole", ok=False)
    assert done.returncode != 0 and "Traceback" not in done.stderr


def test_today_costs_a_fixed_handful_of_statements(db: Database, build: Builder) -> None:
    def run(team: str) -> object:
        return service(db, now=WEDNESDAY).rep_day(f"R{team[1:]}-0", NOVEMBER)

    assert statements_for_a_team(db, build, 2, run) == statements_for_a_team(db, build, 6, run)
