"""The command line through its real entry point (a subprocess running `kpitui`), on a real SQLite file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import BACKENDS, _postgres_database

KPITUI = shutil.which("kpitui") or str(Path(sys.executable).parent / "kpitui")
ENV = {"TZ": "Europe/Berlin", "KPITUI_NOW": "2026-10-20T15:00:00+02:00", "NO_COLOR": "1", "TERM": "dumb",
       "COLUMNS": "200"}


def kpitui(db: Path | str, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")} | ENV
    done = subprocess.run([KPITUI, "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def counts(db: Path | str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    url = str(db) if "://" in str(db) else f"sqlite:///{db}"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                    for t in ("team", "rep", "deal", "activity", "target", "score", "forecast")}
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """A SQLite file path, or a PostgreSQL URL (when KPITUI_TEST_POSTGRES is set): the CLI takes either."""
    if request.param == "sqlite":
        yield tmp_path / "cli.db"
        return
    with _postgres_database() as url:
        yield url


@pytest.fixture
def team_db(database: Path | str, tmp_path: Path) -> Path | str:
    db = database
    kpitui(db, "init")
    kpitui(db, "import", "reps", str(write(tmp_path / "reps.csv", (
        "name,email,team,role\n"
        "Ada Ames,ada@example.com,North,rep\n"
        "Bo Brandt,bo@example.com,North,rep\n"
        "Mia Moss,mia@example.com,North,manager\n"
        "Cy Cole,cy@example.com,South,rep\n"))))
    kpitui(db, "import", "deals", str(write(tmp_path / "deals.csv", (
        "external_id,rep,account,name,amount,stage,created_on,closed_on\n"
        "D-1,ada@example.com,Acme,Renewal,1000.10,Won,2026-09-01,2026-10-10\n"
        "D-2,ada@example.com,Beta,Pilot,500,Lost,2026-09-15,2026-10-12\n"
        "D-3,Bo Brandt,Gamma,New,250.20,Proposal,2026-10-02,\n"))))
    return db


def test_log_then_scorecard_and_leaderboard(team_db: Path | str) -> None:
    kpitui(team_db, "--as", "ada@example.com", "log", "call", "--at", "today 09:30", "--outcome", "connected",
           "--note", "intro call")
    kpitui(team_db, "--as", "ada@example.com", "log", "meeting", "--at", "2026-10-19T10:00", "--deal", "D-1")
    card = json.loads(kpitui(team_db, "--as", "ada@example.com", "scorecard", "--period", "2026-10",
                             "--format", "json").stdout)
    values = {k["key"]: k["value"] for k in card["kpis"]}
    assert (values["calls"], values["conversations"], values["meetings"]) == (1, 1, 1)
    assert (values["won_deals"], values["revenue"], values["win_rate"]) == (1, 1000.1, 0.5)
    board = json.loads(kpitui(team_db, "leaderboard", "--team", "North", "--period", "2026-10", "--format",
                              "json").stdout)
    assert [r["rep"] for r in board["rows"]] == ["Ada Ames", "Bo Brandt"]
    assert board["totals"]["kpis"]["open_pipeline"] == 250.2
    assert set(board["rows"][0]["kpis"]) >= {"calls", "win_rate", "forecast_accuracy", "call_review"}


def test_funnel_json_shape(team_db: Path | str) -> None:
    data = json.loads(kpitui(team_db, "funnel", "--rep", "Ada Ames", "--period", "2026-10", "--format",
                             "json").stdout)
    assert [s["key"] for s in data["steps"]] == ["calls", "conversations", "meetings", "new_opps", "proposals",
                                                 "won_deals"]
    assert len(data["team_median"]) == 6
    assert isinstance(data["diagnosis"], list)


def test_bad_log_is_refused_and_saves_nothing(team_db: Path | str) -> None:
    before = counts(team_db)
    bad = kpitui(team_db, "--as", "ada@example.com", "log", "call", "--at", "2026-10-32 10:00", ok=False)
    assert bad.returncode != 0
    assert "not a moment" in bad.stderr and "Traceback" not in bad.stderr
    bad = kpitui(team_db, "--as", "ada@example.com", "log", "teleport", ok=False)
    assert bad.returncode != 0 and "kind" in bad.stderr
    bad = kpitui(team_db, "--as", "ada@example.com", "log", "email", "--outcome", "connected", ok=False)
    assert bad.returncode != 0 and "outcome" in bad.stderr
    assert counts(team_db) == before


def test_a_rep_cannot_log_for_someone_else(team_db: Path | str) -> None:
    before = counts(team_db)
    refused = kpitui(team_db, "--as", "ada@example.com", "log", "call", "--rep", "bo@example.com", ok=False)
    assert refused.returncode != 0 and "may not" in refused.stderr
    refused = kpitui(team_db, "--as", "ada@example.com", "scorecard", "--rep", "Bo Brandt", ok=False)
    assert refused.returncode != 0 and "may not" in refused.stderr
    assert counts(team_db) == before
    kpitui(team_db, "--as", "mia@example.com", "log", "call", "--rep", "bo@example.com")  # his manager may
    refused = kpitui(team_db, "--as", "mia@example.com", "scorecard", "--rep", "cy@example.com", ok=False)
    assert "may not" in refused.stderr  # another team


def test_bad_import_names_lines_and_fields_and_changes_nothing(team_db: Path | str, tmp_path: Path) -> None:
    before = counts(team_db)
    board_before = kpitui(team_db, "leaderboard", "--period", "2026-10", "--format", "json").stdout
    bad = write(tmp_path / "bad.csv", (
        "rep,kind,occurred_at,outcome,duration_min,deal,note\n"
        "ada@example.com,call,2026-10-08T10:00:00,connected,5,,fine\n"
        "nobody@example.com,call,2026-10-09T10:00:00,connected,5,,\n"
        "ada@example.com,teleport,2026-10-32T10:00:00,,-3,,\n"))
    done = kpitui(team_db, "import", "activities", str(bad), ok=False)
    assert done.returncode != 0
    said = done.stderr + done.stdout
    assert "line 3" in said and "rep" in said
    assert "line 4" in said and "kind" in said and "occurred_at" in said and "duration_min" in said
    assert counts(team_db) == before
    assert kpitui(team_db, "leaderboard", "--period", "2026-10", "--format", "json").stdout == board_before
    missing = write(tmp_path / "missing.csv", "rep,occurred_at\nada@example.com,2026-10-08T10:00:00\n")
    done = kpitui(team_db, "import", "activities", str(missing), ok=False)
    assert done.returncode != 0 and "kind" in done.stderr
    assert counts(team_db) == before


def test_dry_run_writes_nothing(team_db: Path | str, tmp_path: Path) -> None:
    before = counts(team_db)
    good = write(tmp_path / "good.csv", "rep,kind,occurred_at,outcome,duration_min,deal,note\n"
                                        "ada@example.com,call,2026-10-08T10:00:00,connected,5,,\n")
    done = kpitui(team_db, "import", "activities", str(good), "--dry-run")
    assert "1" in done.stdout
    assert counts(team_db) == before


def test_hostile_names_and_notes_stay_literal_in_every_format(team_db: Path | str, tmp_path: Path) -> None:
    kpitui(team_db, "import", "reps", str(write(tmp_path / "evil.csv", (
        "name,email,team,role\n"
        '"[bold red]Eve[/] \x1b[31mX\x1b]8;;http://evil\x07link",eve@example.com,North,rep\n'))))
    kpitui(team_db, "--as", "eve@example.com", "log", "call", "--at", "today 10:00", "--note",
           "=HYPERLINK(\"http://evil\") [/]")
    for fmt in ("table", "md", "csv"):
        out = kpitui(team_db, "leaderboard", "--period", "2026-10", "--format", fmt).stdout
        assert "\x1b" not in out
        assert "[bold red]Eve[/]" in out or "\\[bold red\\]Eve\\[/\\]" in out
    exported = kpitui(team_db, "export", "activities", "--period", "2026-10").stdout
    assert "'=HYPERLINK" in exported
    assert "\x1b" not in exported


def test_leaderboard_formats(team_db: Path | str) -> None:
    table = kpitui(team_db, "leaderboard", "--period", "2026-10").stdout
    assert "Ada Ames" in table and "Total" in table
    md = kpitui(team_db, "leaderboard", "--period", "2026-10", "--format", "md").stdout
    assert md.count("\n|") >= 4
    csv_out = kpitui(team_db, "leaderboard", "--period", "2026-10", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("rank,rep,team,score,calls")


def test_unknown_things_get_one_clear_line(team_db: Path | str) -> None:
    for args, words in ((("scorecard", "--rep", "Nobody"), "no rep"),
                        (("leaderboard", "--period", "2026-13"), "month 13"),
                        (("leaderboard", "--sort", "vibes"), "cannot sort"),
                        (("leaderboard", "--team", "Nowhere"), "no team")):
        done = kpitui(team_db, *args, ok=False)
        assert done.returncode != 0
        assert words in done.stderr and "Traceback" not in done.stderr


def test_changes_are_audited_with_who_and_what(team_db: Path | str) -> None:
    from kpitui.services import Kpitui

    kpitui(team_db, "--as", "ada@example.com", "log", "call", "--at", "today 09:30", "--note", "first")
    svc = Kpitui.open(str(team_db), actor="ada@example.com")
    logged = svc.activities()[0]
    svc.update_activity(logged.id, kind="call", when=logged.occurred_at, outcome="connected", note="second")
    svc.delete_activity(logged.id)
    history = svc.changes(entity="activity", entity_id=logged.id)
    assert [c.action for c in history] == ["delete", "update", "create"]
    assert all(c.actor == "Ada Ames" for c in history)
    update = history[1]
    assert '"note": "first"' in (update.before or "") and '"note": "second"' in (update.after or "")
    assert Kpitui.open(str(team_db), actor="cy@example.com").changes(entity="activity") == []  # not his
    assert len(Kpitui.open(str(team_db), actor="mia@example.com").changes(entity="activity")) == 3  # her team


def test_seed_and_import_show_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import pty

    db = tmp_path / "tty.db"
    out: list[bytes] = []

    def read(fd: int) -> bytes:
        data = os.read(fd, 65536)
        out.append(data)
        return data

    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")} | ENV | {"TERM": "xterm"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal on stdin/stdout/stderr
        os.execve(KPITUI, [KPITUI, "--db", str(db), "seed", "--reps", "4", "--days", "30"], env)
    try:
        while True:
            try:
                read(fd)
            except OSError:
                break
    finally:
        _, status = os.waitpid(pid, 0)
    text = b"".join(out).decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Traceback" not in text
    assert "seed" in text and "Seeded" in text
    piped = kpitui(tmp_path / "pipe.db", "seed", "--reps", "4", "--days", "30")
    assert piped.stderr == ""  # not a terminal: no progress bar


def test_a_mistyped_database_path_is_an_error_not_an_empty_database(tmp_path: Path) -> None:
    missing = tmp_path / "sampel.db"
    done = kpitui(missing, "leaderboard", ok=False)
    assert done.returncode != 0
    assert "there is no database at" in done.stderr and "init" in done.stderr
    assert not missing.exists()
    kpitui(missing, "init")  # creating one is explicit
    assert missing.exists()
    kpitui(missing, "leaderboard")


def test_errors_are_one_line_even_when_long(team_db: Path | str) -> None:
    refused = kpitui(team_db, "--as", "ada@example.com", "scorecard", "--rep", "Bo Brandt", ok=False)
    assert len(refused.stderr.strip().splitlines()) == 1


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="needs KPITUI_TEST_POSTGRES")
def test_init_never_prints_the_password() -> None:
    from sqlalchemy.engine import make_url

    with _postgres_database() as url:
        password = make_url(url).password
        done = kpitui(url, "init")
        assert f":{password}@" not in done.stdout + done.stderr
        assert ":***@" in done.stdout
