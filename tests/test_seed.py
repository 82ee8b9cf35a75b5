"""The demo/benchmark seed: deterministic, consistent, and each rep profile visible in the data it leaves."""

from __future__ import annotations

import re
import sqlite3
import statistics
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from kpitui.domain.errors import InvalidInput
from kpitui.domain.kpis import ACTIVITY_KINDS, CALL_OUTCOMES
from kpitui.domain.periods import Period
from kpitui.store.db import Database
from kpitui.store.models import Activity, Target
from kpitui.store.schema import ensure_schema
from kpitui.store.seed import OPEN_STAGES, SeedPlan, SeedSummary, seed_database, seed_plan

BERLIN = ZoneInfo("Europe/Berlin")
END = date(2026, 11, 20)
TABLES = ("team", "rep", "team_manager", "deal", "activity", "target", "score", "forecast")


def _fresh(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    ensure_schema(db)
    return db


def _seeded(path: Path, **kwargs: object) -> SeedSummary:
    db = _fresh(path)
    try:
        return seed_database(db, **kwargs)  # type: ignore[arg-type]
    finally:
        db.dispose()


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}


class Seeded:
    """The default seed (14 reps, 400 days to 2026-11-20, seed 7), read back with plain SQL."""

    def __init__(self, path: Path, summary: SeedSummary, plan: SeedPlan) -> None:
        self.path = path
        self.summary = summary
        self.plan = plan
        self.conn = sqlite3.connect(path)
        ids = dict(self.conn.execute("SELECT email, id FROM rep"))
        self.profile_of = {ids[p.email]: p.profile for p in plan.people if p.profile}
        self.person = {ids[p.email]: p for p in plan.people}

    def rep_of(self, profile: str) -> int:
        (rep_id,) = [r for r, p in self.profile_of.items() if p == profile]
        return rep_id

    def per_rep(self, sql: str) -> dict[int, float]:
        """`sql` selects (rep_id, value); reps without a row get 0."""
        found = {r: v for r, v in self.conn.execute(sql)}
        return {r: (found.get(r) or 0) for r in self.profile_of}

    def all(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        return self.conn.execute(sql, args).fetchall()

    def one(self, sql: str, *args: object) -> object:
        return self.conn.execute(sql, args).fetchone()[0]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    path = tmp_path_factory.mktemp("seed") / "default.db"
    summary = _seeded(path)
    data = Seeded(path, summary, seed_plan())
    yield data
    data.conn.close()


def _local_date(stored: str) -> date:
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(BERLIN).date()


# -- determinism ------------------------------------------------------------------------------------------------


def test_same_arguments_give_identical_rows_and_another_seed_differs(tmp_path: Path) -> None:
    args = {"reps": 14, "days": 60, "end": END}
    a = _seeded(tmp_path / "a.db", seed=3, **args)
    b = _seeded(tmp_path / "b.db", seed=3, **args)
    _seeded(tmp_path / "c.db", seed=4, **args)
    assert a == b
    dump_a, dump_b, dump_c = (_dump(tmp_path / f"{n}.db") for n in "abc")
    assert dump_a == dump_b
    assert dump_a["activity"] and dump_a["deal"]
    assert dump_a["activity"] != dump_c["activity"]
    assert dump_a["deal"] != dump_c["deal"]


def test_plan_is_deterministic_and_scales_teams() -> None:
    assert seed_plan(reps=500, days=730, seed=1) == seed_plan(reps=500, days=730, seed=1)
    big = seed_plan(reps=500, days=730)
    assert len(big.teams) == len(set(big.teams))
    sizes = defaultdict(int)
    for p in big.people:
        if p.role == "rep":
            sizes[p.team] += 1
    assert len(sizes) == len(big.teams)
    assert all(8 <= n <= 15 for n in sizes.values()), sizes
    names = [p.name for p in big.people]
    emails = [p.email for p in big.people]
    assert len(set(names)) == len(names) and len(set(emails)) == len(emails)
    assert {p.profile for p in big.people if p.profile} >= {"high_volume", "closer", "steady", "new_hire",
                                                              "quality_star", "enterprise", "average"}
    with pytest.raises(InvalidInput):
        seed_plan(reps=0)


# -- shape and counts -------------------------------------------------------------------------------------------


def test_default_counts_are_plausible_and_match_the_tables(seeded: Seeded) -> None:
    s = seeded.summary
    assert s.teams == 3
    assert s.reps == 14 + 3 + 1  # reps, a manager per team, the admin
    assert 20_000 <= s.activities <= 45_000
    assert 300 <= s.deals <= 900
    assert s.targets > 1_000 and s.scores > 500 and s.forecasts > 150
    for table, expected in (("team", s.teams), ("rep", s.reps), ("activity", s.activities), ("deal", s.deals),
                            ("target", s.targets), ("score", s.scores), ("forecast", s.forecasts)):
        assert seeded.one(f"SELECT count(*) FROM {table}") == expected, table


def test_people_roles_teams_and_emails(seeded: Seeded) -> None:
    roles = dict(seeded.all("SELECT role, count(*) FROM rep GROUP BY role"))
    assert roles == {"admin": 1, "manager": 3, "rep": 14}
    managed = seeded.all("SELECT tm.team_id, r.team_id FROM team_manager tm JOIN rep r ON r.id = tm.rep_id "
                         "WHERE r.role = 'manager'")
    assert sorted(t for t, _ in managed) == [1, 2, 3] and all(t == own for t, own in managed)
    assert seeded.one("SELECT count(*) FROM team_manager") == 3
    for (team_id,) in seeded.all("SELECT id FROM team"):
        assert seeded.one("SELECT count(*) FROM rep WHERE team_id = ? AND role = 'rep'", team_id) >= 4
    people = seeded.all("SELECT name, email FROM rep")
    assert len({n for n, _ in people}) == len(people) and len({e for _, e in people}) == len(people)
    for name, email in people:
        first, last = name.split(" ")[0], name.split(" ")[-1]
        assert email == f"{first}.{last}@example.com".lower()
    assert seeded.all("SELECT role, active FROM rep WHERE active = 0") == [("rep", 0)]
    assert {p for p in seeded.profile_of.values()} == {"high_volume", "closer", "steady", "new_hire",
                                                        "quality_star", "enterprise", "average"}


# -- consistency ------------------------------------------------------------------------------------------------


def test_referential_integrity(seeded: Seeded) -> None:
    assert seeded.all("PRAGMA foreign_key_check") == []
    assert seeded.one("PRAGMA integrity_check") == "ok"
    # activities linked to a deal belong to the deal's owner
    assert seeded.one("SELECT count(*) FROM activity a JOIN deal d ON d.id = a.deal_id WHERE a.rep_id != d.rep_id") == 0
    assert seeded.one("SELECT count(*) FROM activity a JOIN rep r ON r.id = a.rep_id WHERE r.role != 'rep'") == 0


def test_deals_are_consistent(seeded: Seeded) -> None:
    first = END - timedelta(days=399)
    rows = seeded.all("SELECT external_id, account, name, amount_cents, stage, outcome, created_on, closed_on "
                      "FROM deal")
    assert len({r[0] for r in rows}) == len(rows)
    stages = set()
    for external_id, account, name, amount, stage, outcome, created, closed in rows:
        assert re.fullmatch(r"D-\d{6}", external_id)
        assert account and name
        stages.add(stage)
        created_on = date.fromisoformat(created)
        assert first <= created_on <= END
        if stage.lower() in ("won", "lost"):
            assert outcome == stage.lower()
            assert closed is not None
            assert created_on <= date.fromisoformat(closed) <= END
            assert isinstance(amount, int) and 100_000 <= amount <= 50_000_000
        else:
            assert stage in OPEN_STAGES and outcome == "open" and closed is None
            assert amount is None or amount > 0
    assert {"Won", "Lost"} < stages <= {"Won", "Lost", *OPEN_STAGES}
    assert len(stages) >= 4
    # accounts come back: new_customers differs from won deals
    assert seeded.one("SELECT count(DISTINCT account) FROM deal") < len(rows) * 0.9
    won_deals = seeded.one("SELECT count(*) FROM deal WHERE outcome = 'won'")
    assert seeded.one("SELECT count(DISTINCT account) FROM deal WHERE outcome = 'won'") < won_deals
    assert 5 <= seeded.one("SELECT count(*) FROM deal WHERE outcome = 'open'") <= len(rows) // 3


def test_activities_are_in_range_in_working_hours_and_well_formed(seeded: Seeded) -> None:
    first = END - timedelta(days=399)
    lo, hi = seeded.all("SELECT min(occurred_at), max(occurred_at) FROM activity")[0]
    assert _local_date(lo) >= first and _local_date(hi) <= END
    bad_kind = seeded.one(f"SELECT count(*) FROM activity WHERE kind NOT IN {ACTIVITY_KINDS}")
    bad_call = seeded.one(f"SELECT count(*) FROM activity WHERE kind = 'call' AND (outcome IS NULL OR outcome NOT IN "
                          f"{CALL_OUTCOMES} OR duration_min NOT BETWEEN 1 AND 20)")
    bad_other = seeded.one("SELECT count(*) FROM activity WHERE kind != 'call' AND outcome IS NOT NULL")
    assert (bad_kind, bad_call, bad_other) == (0, 0, 0)
    meetings_off = "SELECT count(*) FROM activity WHERE kind = 'meeting' AND duration_min NOT BETWEEN 15 AND 60"
    assert seeded.one(meetings_off) == 0
    kinds = dict(seeded.all("SELECT kind, count(*) FROM activity GROUP BY kind"))
    assert set(kinds) == set(ACTIVITY_KINDS)
    assert kinds["call"] > kinds["email"] > kinds["meeting"] > kinds["proposal"]
    empty = seeded.one("SELECT count(*) FROM activity WHERE note = ''")
    assert 0.1 < empty / seeded.summary.activities < 0.9
    # weekdays, office hours (local time)
    sample = [datetime.fromisoformat(t).replace(tzinfo=UTC).astimezone(BERLIN)
              for (t,) in seeded.all("SELECT occurred_at FROM activity WHERE id % 7 = 0")]
    weekend = sum(t.weekday() >= 5 for t in sample) / len(sample)
    office = sum(7 <= t.hour < 20 for t in sample) / len(sample)
    assert 0 < weekend < 0.03 and office == 1.0
    # the last day is seen at 16:30: nothing logged later than 16:00 local
    last_day = [t for t in sample if t.date() == END]
    assert last_day and all(t.hour < 16 for t in last_day)


def test_orm_reads_aware_utc_instants(tmp_path: Path) -> None:
    db = _fresh(tmp_path / "orm.db")
    seed_database(db, reps=3, days=10, seed=1)
    with Session(db.engine) as session:
        activity = session.exec(select(Activity)).first()
        target = session.exec(select(Target).where(Target.kpi == "win_rate")).first()
    assert activity is not None and activity.occurred_at.tzinfo is not None
    assert activity.occurred_at.utcoffset() == timedelta(0)
    assert target is not None and Decimal("0.2") < target.value < Decimal("0.4")
    assert target.value.as_tuple().exponent == -2  # a fraction like 0.30
    db.dispose()


def test_first_touch_comes_hours_to_days_after_a_deal_is_created(seeded: Seeded) -> None:
    firsts = seeded.all("SELECT d.created_on, min(a.occurred_at), d.closed_on FROM deal d "
                        "JOIN activity a ON a.deal_id = d.id GROUP BY d.id")
    assert len(firsts) > 0.9 * seeded.summary.deals
    hours = []
    for created, first, closed in firsts:
        assert _local_date(first) >= date.fromisoformat(created)
        if closed:
            assert _local_date(first) <= date.fromisoformat(closed)
        midnight = datetime.fromisoformat(created).replace(tzinfo=BERLIN)
        hours.append((datetime.fromisoformat(first).replace(tzinfo=UTC) - midnight).total_seconds() / 3600)
    assert min(hours) > 0 and statistics.median(hours) < 72 and max(hours) < 24 * 21
    proposals = seeded.one("SELECT count(*) FROM activity WHERE kind = 'proposal' AND deal_id IS NULL")
    assert proposals == 0
    linked = seeded.one("SELECT count(*) FROM activity WHERE kind IN ('meeting', 'demo') AND deal_id IS NOT NULL")
    assert linked > 100


def test_targets_cover_every_period_with_believable_values(seeded: Seeded) -> None:
    first = END - timedelta(days=399)
    rows = seeded.all("SELECT rep_id, team_id, kpi, period_kind, period_start, value FROM target")
    team_defaults: dict[tuple[int, str, str], dict[date, Decimal]] = defaultdict(dict)
    for rep_id, team_id, kpi, kind, start, value in rows:
        assert (rep_id is None) != (team_id is None)
        start_on = date.fromisoformat(start)
        assert Period.containing(kind, start_on).start == start_on
        assert kind in ("week", "month", "quarter")
        amount = Decimal(value)
        if kpi == "win_rate":
            assert Decimal("0.1") < amount < Decimal("0.6")
        else:
            assert amount > 0 and amount == amount.to_integral_value()
        if team_id is not None:
            team_defaults[(team_id, kpi, kind)][start_on] = amount
    for team_id in (1, 2, 3):
        for kpi in ("conversations", "meetings", "new_opps", "revenue", "calls", "win_rate"):
            for kind in ("week", "month", "quarter"):
                periods = team_defaults[(team_id, kpi, kind)]
                expected, p = [], Period.containing(kind, first)
                while p.start <= END:
                    expected.append(p.start)
                    p = p.next()
                assert sorted(periods) == expected, (team_id, kpi, kind)
        week = team_defaults[(team_id, "revenue", "week")][date(2026, 11, 16)]
        month = team_defaults[(team_id, "revenue", "month")][date(2026, 11, 1)]
        quarter = team_defaults[(team_id, "revenue", "quarter")][date(2026, 10, 1)]
        assert Decimal("3.8") * week <= month <= Decimal("4.8") * week
        assert Decimal("2.8") * month <= quarter <= Decimal("3.2") * month
        assert Decimal(1000) <= week <= Decimal(10000)
    # a few reps have their own targets, overriding the team default
    overriding = {r for r, *_ in rows if r is not None}
    assert {seeded.rep_of("closer"), seeded.rep_of("enterprise"), seeded.rep_of("new_hire")} == overriding


def test_scores_and_forecasts(seeded: Seeded) -> None:
    first = END - timedelta(days=399)
    for kind, on, value in seeded.all('SELECT kind, "on", value FROM score'):
        assert kind in ("csat", "call_review") and 1 <= value <= 5
        assert first <= date.fromisoformat(on) <= END
    per_rep_month = seeded.all("SELECT rep_id, strftime('%Y-%m', \"on\"), count(*) FROM score "
                               "WHERE kind = 'csat' GROUP BY 1, 2")
    assert statistics.median(n for *_, n in per_rep_month) >= 3
    forecasts = seeded.all("SELECT rep_id, period_kind, period_start, amount_cents FROM forecast")
    kinds = defaultdict(set)
    for rep_id, kind, start, amount in forecasts:
        assert Period.containing(kind, date.fromisoformat(start)).start == date.fromisoformat(start)
        assert amount > 0
        kinds[rep_id].add(kind)
    assert all(k == {"month", "quarter"} for k in kinds.values())
    assert set(kinds) == set(seeded.profile_of)


# -- profiles ---------------------------------------------------------------------------------------------------


def test_high_volume_rep_calls_most_but_converts_poorly(seeded: Seeded) -> None:
    calls = seeded.per_rep("SELECT rep_id, count(*) FROM activity WHERE kind = 'call' GROUP BY rep_id")
    connected = seeded.per_rep("SELECT rep_id, count(*) FROM activity WHERE outcome = 'connected' GROUP BY rep_id")
    meetings = seeded.per_rep("SELECT rep_id, count(*) FROM activity WHERE kind = 'meeting' GROUP BY rep_id")
    rep = seeded.rep_of("high_volume")
    assert max(calls, key=calls.__getitem__) == rep
    assert calls[rep] > 2 * statistics.median(calls.values())
    connect_rate = {r: connected[r] / calls[r] for r in calls}
    assert connect_rate[rep] < statistics.median(connect_rate.values())
    assert connect_rate[rep] == min(connect_rate.values())
    meetings_per_call = {r: meetings[r] / calls[r] for r in calls}
    assert meetings_per_call[rep] == min(meetings_per_call.values())


def _win_rates(seeded: Seeded) -> tuple[dict[int, float], dict[int, float]]:
    won = seeded.per_rep("SELECT rep_id, count(*) FROM deal WHERE outcome = 'won' GROUP BY rep_id")
    closed = seeded.per_rep("SELECT rep_id, count(*) FROM deal WHERE outcome != 'open' GROUP BY rep_id")
    return {r: won[r] / closed[r] for r in closed if closed[r] >= 5}, closed


def test_closer_wins_most_often_with_a_thin_pipeline_and_big_deals(seeded: Seeded) -> None:
    rates, _ = _win_rates(seeded)
    created = seeded.per_rep("SELECT rep_id, count(*) FROM deal GROUP BY rep_id")
    size = seeded.per_rep("SELECT rep_id, avg(amount_cents) FROM deal WHERE outcome = 'won' GROUP BY rep_id")
    rep = seeded.rep_of("closer")
    assert max(rates, key=rates.__getitem__) == rep
    assert rates[rep] > 0.5
    assert created[rep] < statistics.median(created.values())
    assert size[rep] > 2 * statistics.median(size.values())


def test_enterprise_rep_has_the_longest_cycles_and_largest_deals(seeded: Seeded) -> None:
    cycle = seeded.per_rep("SELECT rep_id, avg(julianday(closed_on) - julianday(created_on)) FROM deal "
                           "WHERE outcome = 'won' GROUP BY rep_id HAVING count(*) >= 2")
    size = seeded.per_rep("SELECT rep_id, avg(amount_cents) FROM deal WHERE outcome = 'won' GROUP BY rep_id")
    rep = seeded.rep_of("enterprise")
    assert max(cycle, key=cycle.__getitem__) == rep
    assert cycle[rep] > 60
    assert max(size, key=size.__getitem__) == rep


def test_quality_star_has_the_best_scores(seeded: Seeded) -> None:
    csat = seeded.per_rep("SELECT rep_id, avg(value) FROM score WHERE kind = 'csat' GROUP BY rep_id")
    review = seeded.per_rep("SELECT rep_id, avg(value) FROM score WHERE kind = 'call_review' GROUP BY rep_id")
    ideas = seeded.per_rep("SELECT rep_id, count(*) FROM activity WHERE kind = 'idea' GROUP BY rep_id")
    rep = seeded.rep_of("quality_star")
    assert max(csat, key=csat.__getitem__) == rep and csat[rep] > 4.3
    assert max(review, key=review.__getitem__) == rep
    assert max(ideas, key=ideas.__getitem__) == rep


def test_new_hire_starts_late_and_ramps_up(seeded: Seeded) -> None:
    rep = seeded.rep_of("new_hire")
    start = seeded.person[rep].start
    assert END - timedelta(days=100) <= start <= END - timedelta(days=80)
    times = [datetime.fromisoformat(t).replace(tzinfo=UTC).astimezone(BERLIN)
             for (t,) in seeded.all("SELECT occurred_at FROM activity WHERE rep_id = ?", rep)]
    assert times and min(t.date() for t in times) >= start
    assert seeded.one("SELECT min(created_on) FROM deal WHERE rep_id = ?", rep) >= start.isoformat()
    assert seeded.one('SELECT min("on") FROM score WHERE rep_id = ?', rep) >= start.isoformat()
    first_month = sum(start <= t.date() < start + timedelta(days=28) for t in times)
    last_month = sum(t.date() > END - timedelta(days=28) for t in times)
    assert last_month > 1.5 * first_month


def test_steady_rep_has_even_weeks_and_forecasts_accurately(seeded: Seeded) -> None:
    weekly: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    first_full_week = Period.containing("week", END - timedelta(days=399)).next().start
    for rep_id, t in seeded.all("SELECT rep_id, occurred_at FROM activity WHERE kind = 'call'"):
        day = _local_date(t)
        if first_full_week <= day < Period.containing("week", END).start:
            weekly[rep_id][Period.containing("week", day).label] += 1
    spread = {}
    for rep_id in seeded.profile_of:
        if seeded.profile_of[rep_id] == "new_hire" or not seeded.person[rep_id].active:
            continue
        counts = list(weekly[rep_id].values())
        working = [n for n in counts if n >= 0.5 * statistics.median(counts)]  # leave out holiday weeks
        spread[rep_id] = statistics.pstdev(working) / statistics.mean(working)
    rep = seeded.rep_of("steady")
    assert spread[rep] < statistics.median(spread.values())

    misses: dict[int, list[float]] = defaultdict(list)
    current = Period.containing("month", END).start
    for rep_id, start, forecast in seeded.all("SELECT rep_id, period_start, amount_cents FROM forecast "
                                              "WHERE period_kind = 'month'"):
        month = Period.containing("month", date.fromisoformat(start))
        if month.start == current:
            continue
        actual = seeded.one("SELECT sum(amount_cents) FROM deal WHERE rep_id = ? AND outcome = 'won' "
                            "AND closed_on >= ? AND closed_on < ?", rep_id, month.start.isoformat(),
                            month.end.isoformat())
        if actual:
            assert forecast != actual
            misses[rep_id].append(abs(forecast - actual) / actual)
    error = {r: statistics.mean(m) for r, m in misses.items() if len(m) >= 3}
    assert min(error, key=error.__getitem__) == rep and error[rep] < 0.1


def test_rep_who_left_has_only_older_history(seeded: Seeded) -> None:
    (rep,) = [r for r, p in seeded.person.items() if p.role == "rep" and not p.active]
    leave = seeded.person[rep].leave
    assert leave is not None and END - timedelta(days=399) < leave < END - timedelta(days=120)
    assert seeded.one("SELECT active FROM rep WHERE id = ?", rep) == 0
    last = seeded.one("SELECT max(occurred_at) FROM activity WHERE rep_id = ?", rep)
    assert last is not None and _local_date(last) <= leave
    assert seeded.one("SELECT count(*) FROM deal WHERE rep_id = ? AND (outcome = 'open' OR closed_on > ?)",
                      rep, leave.isoformat()) == 0
    assert seeded.one("SELECT count(*) FROM activity WHERE rep_id = ?", rep) > 300


# -- the write --------------------------------------------------------------------------------------------------


def test_progress_is_reported_and_a_second_seed_is_refused(tmp_path: Path) -> None:
    db = _fresh(tmp_path / "p.db")
    calls: list[tuple[int, int]] = []
    summary = seed_database(db, reps=4, days=21, seed=2, progress=lambda done, total: calls.append((done, total)))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len({t for _, t in calls}) == 1
    assert len(calls) >= 4
    with pytest.raises(InvalidInput, match="empty"):
        seed_database(db, reps=4, days=21, seed=2)
    with Session(db.engine) as session:
        assert len(session.exec(select(Activity)).all()) == summary.activities
    db.dispose()


def test_small_and_odd_arguments(tmp_path: Path) -> None:
    new_york = ZoneInfo("America/New_York")  # clocks change on Sunday 2026-03-08
    s = _seeded(tmp_path / "one.db", reps=1, days=3, seed=5, end=date(2026, 3, 9), zone=new_york)
    assert (s.teams, s.reps) == (1, 3) and s.activities > 0
    with sqlite3.connect(tmp_path / "one.db") as conn:
        for (t,) in conn.execute("SELECT occurred_at FROM activity"):
            local = datetime.fromisoformat(t).replace(tzinfo=UTC).astimezone(new_york)
            assert date(2026, 3, 7) <= local.date() <= date(2026, 3, 9) and 7 <= local.hour < 20
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(InvalidInput):
        _seeded(tmp_path / "none.db", reps=3, days=0)
