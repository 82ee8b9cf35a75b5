"""A CRM export with its own column names, imported with --map alone, gives leaderboards whose won deals,
revenue, win rate, average deal size and cycle days match an independent computation over the same CSV,
per rep and per team, for quarters, months, ISO weeks, a year and a custom range."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpitui.cli import main

CRM = Path(__file__).parent / "data" / "crm"
PERIODS = {
    "2026-Q1": (date(2026, 1, 1), date(2026, 4, 1)),
    "2026-Q2": (date(2026, 4, 1), date(2026, 7, 1)),
    "2026-Q4": (date(2026, 10, 1), date(2027, 1, 1)),
    "2026-03": (date(2026, 3, 1), date(2026, 4, 1)),
    "2026-07": (date(2026, 7, 1), date(2026, 8, 1)),
    "2026-W01": (date(2025, 12, 29), date(2026, 1, 5)),
    "2026-W14": (date(2026, 3, 30), date(2026, 4, 6)),
    "2026-W39": (date(2026, 9, 21), date(2026, 9, 28)),
    "2026": (date(2026, 1, 1), date(2027, 1, 1)),
    "2026-03-15..2026-07-01": (date(2026, 3, 15), date(2026, 7, 2)),
}
# the import day: after the export's last date (its dates may not lie in the future, DESIGN.md section 7)
IMPORT_DAY = "2027-04-30"
CLOCK = {"TZ": "UTC", "KPITUI_NOW": f"{IMPORT_DAY}T12:00:00Z"}
MAP_REPS = ["--map", "name=sales_agent", "--map", "team=manager"]
MAP_DEALS = ["--map", "external_id=opportunity_id", "--map", "rep=sales_agent", "--map", "name=product",
             "--map", "stage=deal_stage", "--map", "created_on=engage_date", "--map", "closed_on=close_date",
             "--map", "amount=close_value"]


def expected(rows: list[dict[str, str]], agents: set[str], start: date, end: date) -> dict[str, object]:
    """The five lagging KPIs computed straight from the CSV, in plain Python."""
    won = lost = 0
    revenue = Decimal(0)
    cycle = 0
    for row in rows:
        if row["sales_agent"] not in agents or not row["close_date"]:
            continue
        closed = date.fromisoformat(row["close_date"])
        if not start <= closed < end:
            continue
        if row["deal_stage"].lower() == "won":
            won += 1
            revenue += Decimal(row["close_value"])
            cycle += (closed - date.fromisoformat(row["engage_date"])).days
        elif row["deal_stage"].lower() == "lost":
            lost += 1
    return {
        "won_deals": won,
        "revenue": float(revenue),
        "win_rate": won / (won + lost) if won + lost else None,
        "avg_deal_size": float((revenue / won).quantize(Decimal("0.01"))) if won else None,
        "cycle_days": cycle / won if won else None,
    }


@pytest.fixture(scope="module")
def crm_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("crm") / "crm.db")
    runner = CliRunner()
    for args in (["import", "reps", str(CRM / "sales_teams.csv"), *MAP_REPS],
                 ["import", "deals", str(CRM / "sales_pipeline.csv"), *MAP_DEALS]):
        result = runner.invoke(main, ["--db", db, *args], env=CLOCK)
        assert result.exit_code == 0, result.output
    return db


def leaderboard(db: str, period: str, team: str | None = None) -> dict:
    args = ["--db", db, "leaderboard", "--period", period, "--format", "json"] + (["--team", team] if team else [])
    result = CliRunner().invoke(main, args, env=CLOCK)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def close(actual: object, wanted: object) -> bool:
    if wanted is None or actual is None:
        return actual is wanted
    return actual == pytest.approx(wanted, abs=0.006)


@pytest.mark.parametrize("period", list(PERIODS))
def test_leaderboard_matches_an_independent_computation(crm_db: str, period: str) -> None:
    rows = list(csv.DictReader((CRM / "sales_pipeline.csv").open()))
    teams = defaultdict(set)
    for member in csv.DictReader((CRM / "sales_teams.csv").open()):
        teams[member["manager"]].add(member["sales_agent"])
    start, end = PERIODS[period]
    board = leaderboard(crm_db, period)
    assert board["period"]["start"] == start.isoformat()
    assert board["period"]["end"] == (end - timedelta(days=1)).isoformat()
    assert len(board["rows"]) == 15
    for row in board["rows"]:
        want = expected(rows, {row["rep"]}, start, end)
        for key, value in want.items():
            assert close(row["kpis"][key], value), (period, row["rep"], key, row["kpis"][key], value)
    everyone = set().union(*teams.values())
    for key, value in expected(rows, everyone, start, end).items():
        assert close(board["totals"]["kpis"][key], value), (period, "company", key)
    for manager, agents in teams.items():
        team_board = leaderboard(crm_db, period, team=manager)
        assert {r["rep"] for r in team_board["rows"]} == agents
        for key, value in expected(rows, agents, start, end).items():
            assert close(team_board["totals"]["kpis"][key], value), (period, manager, key)


def test_open_deals_without_dates_get_the_import_date(crm_db: str) -> None:
    rows = list(csv.DictReader((CRM / "sales_pipeline.csv").open()))
    undated = sum(1 for r in rows if not r["engage_date"])
    engaged_that_day = sum(1 for r in rows if r["engage_date"] == IMPORT_DAY)
    assert undated > 0
    board = leaderboard(crm_db, f"{IMPORT_DAY}..{IMPORT_DAY}")
    assert board["totals"]["kpis"]["new_opps"] == undated + engaged_that_day
