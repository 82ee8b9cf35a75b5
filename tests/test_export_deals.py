"""`kpitui export deals --period P` writes the deals P's KPIs count: closed in P, or open at its end (created
by its end, not closed before its start). Hand-worked rows around 2026-Q3 (1 July .. 30 September)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from test_cli import kpitui, write

DEALS = (
    "external_id,rep,account,name,amount,stage,created_on,closed_on\n"
    "A,ada@example.com,Acme,closed in Q3,100,Won,2026-06-01,2026-08-15\n"        # counted: won in Q3
    "B,ada@example.com,Beta,closed before,100,Lost,2026-05-01,2026-06-30\n"      # closed before the start
    "C,ada@example.com,Gamma,open all along,100,Proposal,2026-06-01,\n"          # counted: open at the end
    "D,ada@example.com,Delta,created after,100,Proposal,2026-10-01,\n"           # created after the end
    "E,ada@example.com,Eps,closed after,100,Won,2026-09-30,2026-10-05\n"         # counted: open at the end
    "F,ada@example.com,Zeta,all after,100,Won,2026-10-02,2026-10-03\n"           # created after the end
    "G,ada@example.com,Eta,opened last day,100,Qualified,2026-09-30,\n"          # counted: open at the end
    "H,ada@example.com,Theta,lost first day,100,Lost,2026-07-01,2026-07-01\n"    # counted: lost in Q3
)


def test_export_deals_writes_the_deals_the_period_counts(tmp_path: Path) -> None:
    db = tmp_path / "deals.db"
    kpitui(db, "init")
    kpitui(db, "import", "reps", str(write(tmp_path / "reps.csv", "name,email,team,role\n"
                                                                  "Ada Ames,ada@example.com,North,rep\n")))
    kpitui(db, "import", "deals", str(write(tmp_path / "deals.csv", DEALS)))
    out = kpitui(db, "export", "deals", "--period", "2026-Q3").stdout
    assert sorted(row["external_id"] for row in csv.DictReader(io.StringIO(out))) == ["A", "C", "E", "G", "H"]
    october = kpitui(db, "export", "deals", "--period", "2026-10").stdout
    assert sorted(row["external_id"] for row in csv.DictReader(io.StringIO(october))) == ["C", "D", "E", "F", "G"]
    helped = kpitui(db, "export", "--help").stdout
    assert "closed in it, or open at its end" in " ".join(helped.split())
