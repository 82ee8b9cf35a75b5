"""`kpitui deal ...` and `log --deal` through the real entry point. The clock is 2026-10-20 15:00 in Berlin
(test_cli.ENV); the team is test_cli's: Ada has D-1 (Acme, won 10 Oct) and D-2 (Beta, lost), Bo has D-3."""

from __future__ import annotations

import json
from pathlib import Path

import test_cli
from test_cli import counts, kpitui

database, team_db = test_cli.database, test_cli.team_db  # test_cli's fixtures: the same team

ADA = ("--as", "ada@example.com")


def october(db: Path | str) -> dict[str, object]:
    card = json.loads(kpitui(db, *ADA, "scorecard", "--period", "2026-10", "--format", "json").stdout)
    return {k["key"]: k["value"] for k in card["kpis"] if k["key"] in ("new_opps", "won_deals", "revenue")}


def test_a_deal_from_the_shell_counts_is_won_refused_to_others_and_reopened(team_db: Path | str) -> None:
    assert october(team_db) == {"new_opps": 0, "won_deals": 1, "revenue": 1000.1}
    added = kpitui(team_db, *ADA, "deal", "add", "--account", "Delta AG", "--name", "Expansion", "--amount",
                   "2000", "--stage", "proposal", "--external-id", "CRM-9")
    assert added.stdout.startswith("Added deal #4 CRM-9 · Delta AG · Expansion (Ada Ames): Proposal, 2,000.00")
    assert october(team_db)["new_opps"] == 1
    future = kpitui(team_db, *ADA, "deal", "won", "CRM-9", "--on", "2026-10-21", ok=False)
    assert future.returncode == 2
    assert future.stderr.strip() == "error: closed_on: 2026-10-21 is in the future (today is 2026-10-20)"
    other = kpitui(team_db, "--as", "bo@example.com", "deal", "move", "CRM-9", "Prospecting", ok=False)
    assert other.returncode == 2 and "Bo Brandt may not change deal CRM-9: it is another rep's" in other.stderr
    won = kpitui(team_db, *ADA, "deal", "won", "Delta AG")  # by account
    assert "Won, 2,000.00, closed 2026-10-20" in won.stdout
    assert october(team_db) == {"new_opps": 1, "won_deals": 2, "revenue": 3000.1}
    kpitui(team_db, *ADA, "deal", "reopen", "Expansion")  # by name
    assert october(team_db) == {"new_opps": 1, "won_deals": 1, "revenue": 1000.1}
    listed = json.loads(kpitui(team_db, *ADA, "deal", "list", "--format", "json").stdout)
    assert [(d["external_id"], d["stage"], d["closed_on"]) for d in listed] == [("CRM-9", "Proposal", None)]


def test_stage_typo_and_ambiguous_names_are_refused_and_nothing_is_written(team_db: Path | str) -> None:
    before = counts(team_db)
    typo = kpitui(team_db, *ADA, "deal", "add", "--account", "X", "--name", "Y", "--amount", "1", "--stage", "Qu",
                  ok=False)
    assert typo.stderr.strip() == ("error: stage: 'Qu' is not a stage; the pipeline's stages are Proposal, Won, "
                                   "Lost")
    assert counts(team_db) == before
    for name in ("Pilot", "Trial"):
        kpitui(team_db, *ADA, "deal", "add", "--account", "Omega", "--name", name, "--amount", "10")
    ambiguous = kpitui(team_db, *ADA, "log", "call", "--deal", "omega", ok=False)
    assert ambiguous.returncode == 2
    assert "deal: 2 deals match 'omega': #" in ambiguous.stderr
    assert "Omega · Pilot (Ada Ames, Proposal)" in ambiguous.stderr and "Omega · Trial" in ambiguous.stderr
    logged = kpitui(team_db, *ADA, "log", "call", "--deal", "trial", "--outcome", "connected")
    assert logged.stdout.startswith("Logged call")
    activities = json.loads(kpitui(team_db, *ADA, "export", "activities", "--period", "2026-10", "--format",
                                   "json").stdout)
    assert [a["deal"] for a in activities] == ["5"]  # Trial, #5 (Pilot is #4): without an external id, its id
    by_account = kpitui(team_db, *ADA, "log", "email", "--deal", "Beta")  # a closed deal, the only Beta
    assert by_account.returncode == 0
