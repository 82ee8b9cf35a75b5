"""Who needs attention (`kpitui alerts`, DESIGN.md section 6), on hand-built data, worked out by hand.

Clock: Wednesday 11 November 2026, 15:00 in Berlin. November has 21 working days (Monday to Friday); on the
Wednesday 8 of them have begun (2–6, 9, 10, 11). The last 2 working days before today: Mon 9 and Tue 10.
North (Mia manages it) has a team default of 100 calls for November:
- Ada: 5 calls on 9–10 Nov → on pace for 5 × 21 / 8 = 13.125 → behind_pace; active.
- Bob: 40 calls on 2–6 Nov → on pace for 40 × 21 / 8 = 105 (not behind); nothing on 9–10 Nov → no_activity.
- Ada's deals: Acme (open, last touched 20 Oct: 22 days) and Old (open, created 1 Oct, never touched: 41 days)
  are stalled; Beta (touched 1 Nov: 10 days), Fresh (created 2 Nov) and Won (closed) are not; Edge was touched
  on 28 Oct at 23:30 Berlin (14 days: stalled) and Late on 29 Oct at 00:30 Berlin, still 28 Oct in UTC
  (13 days: not stalled).
South (Sue) has Sam, active on 10 Nov, no targets, no deals: nothing to say.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Builder, local, service, statements_for_a_team
from kpitui.domain.errors import AccessDenied
from kpitui.domain.periods import Period
from kpitui.store.db import Database
from test_cli import KPITUI

NOW = local(2026, 11, 11, 15)
NOVEMBER = Period.month_of(date(2026, 11, 1))
MIA, SUE = "mia@example.com", "sue@example.com"


@pytest.fixture
def ids(build: Builder) -> dict[str, int]:
    north, south = build.team("North"), build.team("South")
    ada, bob = build.rep("Ada Ames", north), build.rep("Bob Brandt", north)
    build.rep("Mia Moss", north, role="manager")
    sam = build.rep("Sam South", south)
    build.rep("Sue Shaw", south, role="manager")
    build.target("calls", "month", date(2026, 11, 1), "100", team_id=north)
    for day, n in ((9, 3), (10, 2)):
        for i in range(n):
            build.activity(ada, "call", local(2026, 11, day, 9, i))
    for day in (2, 3, 4, 5, 6):
        for i in range(8):
            build.activity(bob, "call", local(2026, 11, day, 9, i))
    build.activity(sam, "email", local(2026, 11, 10, 9))
    acme = build.deal(ada, "Acme", "2500", "Proposal", date(2026, 10, 1), external_id="D-1")
    build.activity(ada, "email", local(2026, 10, 20, 10), deal_id=acme)
    build.deal(ada, "Old", None, "Discovery", date(2026, 10, 1))
    beta = build.deal(ada, "Beta", "100", "Proposal", date(2026, 10, 1))
    build.activity(ada, "email", local(2026, 11, 1, 10), deal_id=beta)
    build.deal(ada, "Fresh", "100", "Discovery", date(2026, 11, 2))
    build.deal(ada, "Won", "100", "won", date(2026, 9, 1), closed=date(2026, 9, 20))
    edge = build.deal(ada, "Edge", "100", "Discovery", date(2026, 10, 1))
    build.activity(ada, "email", local(2026, 10, 28, 23, 30), deal_id=edge)
    late = build.deal(ada, "Late", "100", "Discovery", date(2026, 10, 1))
    build.activity(ada, "email", local(2026, 10, 29, 0, 30), deal_id=late)
    return {"north": north, "ada": ada, "bob": bob, "sam": sam}


def by_code(report, code: str) -> list:  # noqa: ANN001
    return [a for a in report.alerts if a.code == code]


def test_five_of_a_hundred_calls_after_8_of_21_days_is_behind_pace_forty_is_not(db: Database, ids) -> None:  # noqa: ANN001
    report = service(db, actor=MIA, now=NOW).alerts(NOVEMBER)
    behind = by_code(report, "behind_pace")
    assert [(a.rep, a.kpi) for a in behind] == [("Ada Ames", "calls")]
    ada = behind[0]
    assert ada.value == 5 and ada.target == Decimal(100)
    assert ada.projected == pytest.approx(5 * 21 / 8)
    assert "5 of 100 after 8 of 21 working days" in ada.message and "13% of target" in ada.message


def test_pace_is_judged_only_once_a_fifth_of_the_working_days_is_gone(db: Database, ids) -> None:  # noqa: ANN001
    # (The rows are the fixture's, whatever the clock.) Thursday 5 Nov: 4 of 21 days (19 %) gone, nobody is
    # judged; Friday 6 Nov: 5 of 21 (24 %): Ada's 5 calls project to 5 × 21 / 5 = 21, behind; Bob's 40 to 168.
    early = service(db, actor=MIA, now=local(2026, 11, 5, 15)).alerts(NOVEMBER)
    assert by_code(early, "behind_pace") == []
    later = service(db, actor=MIA, now=local(2026, 11, 6, 15)).alerts(NOVEMBER)
    assert [(a.rep, a.value, a.projected) for a in by_code(later, "behind_pace")] == [("Ada Ames", 5, 21)]


def test_nothing_on_the_last_two_working_days_is_no_activity(db: Database, ids) -> None:  # noqa: ANN001
    quiet = by_code(service(db, actor=MIA, now=NOW).alerts(NOVEMBER), "no_activity")
    assert [a.rep for a in quiet] == ["Bob Brandt"]
    assert quiet[0].value == 5  # last activity Fri 6 Nov, 5 days before Wed 11
    assert "Mon 9 Nov and Tue 10 Nov" in quiet[0].message and "Fri 6 Nov" in quiet[0].message
    # Monday 16 Nov: the two working days before it are Thu 12 and Fri 13 (the weekend is skipped); nobody
    # logged anything then, and Bob's last activity is 10 days old.
    monday = by_code(service(db, actor=MIA, now=local(2026, 11, 16, 9)).alerts(NOVEMBER), "no_activity")
    assert [(a.rep, a.value) for a in monday] == [("Ada Ames", 6), ("Bob Brandt", 10)]
    assert "Thu 12 Nov and Fri 13 Nov" in monday[0].message


def test_an_open_deal_untouched_for_14_days_is_stalled(db: Database, ids) -> None:  # noqa: ANN001
    stalled = by_code(service(db, actor=MIA, now=NOW).alerts(NOVEMBER), "stalled_deal")
    assert [(a.rep, a.value) for a in stalled] == [("Ada Ames", 41), ("Ada Ames", 22), ("Ada Ames", 14)]
    messages = [a.message for a in stalled]
    assert messages[0].startswith("Old deal (#") and "since it was created Thu 1 Oct" in messages[0]
    assert messages[1].startswith("Acme deal (D-1, 2,500.00)") and "last activity Tue 20 Oct" in messages[1]
    assert messages[2].startswith("Edge deal")


def test_a_rep_sees_only_themselves_and_a_manager_only_their_teams(db: Database, ids) -> None:  # noqa: ANN001
    mine = service(db, actor="bob@example.com", now=NOW).alerts(NOVEMBER)
    assert {a.rep for a in mine.alerts} == {"Bob Brandt"}
    with pytest.raises(AccessDenied):
        service(db, actor="bob@example.com", now=NOW).alerts(NOVEMBER, team="South")
    with pytest.raises(AccessDenied):
        service(db, actor=SUE, now=NOW).alerts(NOVEMBER, team="North")
    assert service(db, actor=SUE, now=NOW).alerts(NOVEMBER).alerts == []
    everyone = service(db, now=NOW).alerts(NOVEMBER)
    assert {a.rep for a in everyone.alerts} == {"Ada Ames", "Bob Brandt"}


def test_alerts_cost_a_fixed_handful_of_statements(db: Database, build: Builder) -> None:
    svc = service(db, now=NOW)
    few = statements_for_a_team(db, build, 2, lambda team: svc.alerts(NOVEMBER, team=team))
    many = statements_for_a_team(db, build, 12, lambda team: svc.alerts(NOVEMBER, team=team))
    assert few == many


# -- the command line ---------------------------------------------------------------------------------------------
def run(db: Database, *args: str) -> subprocess.CompletedProcess[str]:
    url = db.engine.url
    target = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")} | {
        "TZ": "Europe/Berlin", "KPITUI_TZ": "Europe/Berlin", "KPITUI_NOW": NOW.isoformat(), "NO_COLOR": "1",
        "TERM": "dumb", "COLUMNS": "200"}
    return subprocess.run([KPITUI, "--db", str(target), *args], capture_output=True, text=True, env=env,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_cli_exits_3_with_alerts_in_the_json_shape_and_0_without(db: Database, ids) -> None:  # noqa: ANN001
    done = run(db, "--as", MIA, "alerts", "--period", "2026-11", "--format", "json")
    assert done.returncode == 3, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == ["period", "alerts"]
    assert data["period"] == {"label": "2026-11", "start": "2026-11-01", "end": "2026-11-30"}
    assert all(list(a) == ["rep", "team", "code", "kpi", "message", "value", "target", "projected"]
               for a in data["alerts"])
    first = data["alerts"][0]
    assert {k: first[k] for k in ("rep", "team", "code", "kpi", "value", "target", "projected")} == {
        "rep": "Ada Ames", "team": "North", "code": "behind_pace", "kpi": "calls", "value": 5, "target": 100.0,
        "projected": 13.125}
    assert [a["code"] for a in data["alerts"]] == ["behind_pace", "stalled_deal", "stalled_deal", "stalled_deal",
                                                   "no_activity"]
    quiet = run(db, "--as", SUE, "alerts", "--format", "json")
    assert quiet.returncode == 0, quiet.stderr
    assert json.loads(quiet.stdout)["alerts"] == []


def test_cli_markdown_for_a_chat_and_a_refusal(db: Database, ids, tmp_path: Path) -> None:  # noqa: ANN001
    done = run(db, "--as", MIA, "alerts", "--format", "md")
    assert done.returncode == 3
    assert done.stdout.startswith("### Needs attention · North · 2026-11 · 5 alerts")
    assert "| Ada Ames | North | behind pace | Calls: 5 of 100" in done.stdout
    table = run(db, "--as", SUE, "alerts")
    assert table.returncode == 0 and "Nobody needs attention" in table.stdout
    refused = run(db, "--as", "bob@example.com", "alerts", "--team", "South")
    assert refused.returncode == 2 and "may not see team South" in refused.stderr
