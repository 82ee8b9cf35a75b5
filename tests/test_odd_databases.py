"""Databases, settings and export targets that are not what they seem (issue 13, DESIGN.md section 7): one
clear line and exit code 2, nothing written, no backup per command, no traceback; export never writes over
the database and leaves an existing file as it was when it is refused.

Through the real entry point (a subprocess running `kpitui`), on real files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from test_cli import ENV, KPITUI, write

REPS = ("name,email,team,role\n"
        "Ada Ames,ada@example.com,North,rep\n"
        "Mia Moss,mia@example.com,North,manager\n"
        "Cy Cole,cy@example.com,South,rep\n")


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")} | ENV | (env or {})
    return subprocess.run([KPITUI, *args], capture_output=True, text=True, env=full_env, timeout=60,
                          stdin=subprocess.DEVNULL, cwd=cwd)


def refused(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit code 2, one line on stderr starting `error:`, no traceback; the line is returned."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "sqlalchemy" not in done.stderr.lower(), done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def kpitui_db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    assert run("--db", str(path), "init").returncode == 0
    assert run("--db", str(path), "import", "reps", str(write(tmp_path / "reps.csv", REPS))).returncode == 0
    assert run("--db", str(path), "--as", "cy@example.com", "log", "call", "--at", "today 09:00").returncode == 0
    (tmp_path / "reps.csv").unlink()
    return path


# --- export never writes over the database, and a refused export leaves the old file as it was -----------

@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_refuses_the_database_own_files(kpitui_db: Path, suffix: str) -> None:
    own = kpitui_db.with_name(kpitui_db.name + suffix)
    before = own.read_bytes() if own.exists() else None
    db_before = kpitui_db.read_bytes()

    line = refused(run("--db", str(kpitui_db), "export", "activities", "--output", str(own)), "database")

    assert "nothing was written" in line
    assert kpitui_db.read_bytes() == db_before
    assert (own.read_bytes() if own.exists() else None) == before
    assert run("--db", str(kpitui_db), "leaderboard").returncode == 0


def test_export_refuses_a_link_to_the_database(kpitui_db: Path, tmp_path: Path) -> None:
    link = tmp_path / "innocent.csv"
    link.symlink_to(kpitui_db)
    size = kpitui_db.stat().st_size
    refused(run("--db", str(kpitui_db), "export", "activities", "--output", str(link)), "database")
    assert kpitui_db.stat().st_size == size > 0


def test_a_refused_export_leaves_the_existing_file_as_it_was(kpitui_db: Path, tmp_path: Path) -> None:
    out = write(tmp_path / "report.csv", "last quarter's numbers\n")
    refused(run("--db", str(kpitui_db), "--as", "ada@example.com", "export", "activities", "--rep", "Cy Cole",
                "--output", str(out)), "Cy Cole")
    assert out.read_text() == "last quarter's numbers\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_an_export_replaces_the_file_whole_keeping_its_mode(kpitui_db: Path, tmp_path: Path) -> None:
    out = write(tmp_path / "report.csv", "old\n" * 1000)
    out.chmod(0o640)
    done = run("--db", str(kpitui_db), "export", "activities", "--period", "2026-10", "--output", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert text.startswith("external_id,") or "rep" in text.splitlines()[0]
    assert "old" not in text and "Cy Cole" in text
    assert out.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_export_into_a_missing_folder_is_one_line(kpitui_db: Path, tmp_path: Path) -> None:
    refused(run("--db", str(kpitui_db), "export", "activities", "--output", str(tmp_path / "no" / "x.csv")),
            "cannot write")


# --- files that are not kpitui databases ----------------------------------------------------------------

def test_random_bytes_are_refused_even_by_init(tmp_path: Path) -> None:
    path = tmp_path / "noise.db"
    path.write_bytes(os.urandom(4096))
    before = files(tmp_path)
    for args in (("leaderboard",), ("init",), ("import", "reps", str(write(tmp_path / "r.csv", REPS)))):
        refused(run("--db", str(path), *args), "not a kpitui database")
    (tmp_path / "r.csv").unlink()
    assert files(tmp_path) == before


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "team.db"
    folder.mkdir()
    refused(run("--db", str(folder), "leaderboard"), "is a folder")
    refused(run("--db", str(folder), "init"), "is a folder")
    assert list(folder.iterdir()) == []


def test_a_zero_byte_file_is_refused_unless_init_is_asked(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    refused(run("--db", str(path), "leaderboard"), "empty file", "init")
    refused(run("--db", str(path), "import", "reps", str(write(tmp_path / "r.csv", REPS))), "empty file")
    assert path.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["empty.db", "r.csv"]

    done = run("--db", str(path), "init")
    assert done.returncode == 0, done.stderr
    assert run("--db", str(path), "leaderboard").returncode == 0


def test_another_application_sqlite_file_is_refused_even_by_init(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('Ada')")
    conn.close()
    before = files(tmp_path)
    refused(run("--db", str(path), "leaderboard"), "another application")
    refused(run("--db", str(path), "init"), "another application")
    assert files(tmp_path) == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a read-only file system (/proc)")
def test_a_read_only_file_system_is_one_line(tmp_path: Path) -> None:
    refused(run("--db", "/proc/kpitui.db", "init"), "/proc/kpitui.db")


def test_an_unreachable_postgresql_is_one_line_without_the_password() -> None:
    line = refused(run("--db", "postgresql+psycopg://kpitui_owner:owner-secret@127.0.0.1:1/kpitui",
                       "leaderboard"), "127.0.0.1")
    assert "owner-secret" not in line and "kpitui_owner:***@" in line


def test_a_database_url_this_version_cannot_open_is_one_line(tmp_path: Path) -> None:
    refused(run("--db", "nosuchdb://u:pw-secret@host/x", "leaderboard"), "cannot open")
    line = refused(run("--db", "postgresql+psycopg://u:pw-secret@host:notaport/x", "leaderboard"))
    assert "pw-secret" not in line


# --- a --db value is a path unless it has a URL scheme ----------------------------------------------------

@pytest.mark.parametrize("name", ["my?db.db", "sales%20q.db", "q#1.db", ":memory:"])
def test_a_path_with_url_characters_is_that_file(tmp_path: Path, name: str) -> None:
    done = run("--db", name, "init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [name]
    assert run("--db", name, "import", "reps", str(write(tmp_path.parent / f"{tmp_path.name}.csv", REPS)),
               cwd=tmp_path).returncode == 0
    board = run("--db", name, "leaderboard", "--format", "csv", cwd=tmp_path)
    assert board.returncode == 0 and "Ada Ames" in board.stdout


# --- schema revisions: newer refused, older upgraded once with a backup named after it ---------------------

def test_a_newer_schema_is_refused_without_a_backup(kpitui_db: Path) -> None:
    with sqlite3.connect(kpitui_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0042'")
    conn.close()
    before = kpitui_db.read_bytes()
    for _ in range(2):
        refused(run("--db", str(kpitui_db), "leaderboard"), "written by a newer kpitui (revision 0042)")
    refused(run("--db", str(kpitui_db), "init"), "newer kpitui")
    assert kpitui_db.read_bytes() == before
    assert list(kpitui_db.parent.glob("*.bak")) == []


def test_an_older_schema_is_backed_up_once_named_after_its_revision(tmp_path: Path) -> None:
    from alembic import command

    from kpitui.store.db import Database
    from kpitui.store.schema import _alembic_config

    path = tmp_path / "old.db"
    db = Database(path)
    cfg = _alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.commit()
    db.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO team (id, name) VALUES (1, 'North')")
    raw.close()

    for _ in range(2):
        assert run("--db", str(path), "leaderboard").returncode == 0
    backups = [p.name for p in tmp_path.glob("*.bak")]
    assert len(backups) == 1 and backups[0].startswith("old.db.revision-0001-"), backups


# --- settings ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["garbage", "2026-13-01", "9999-12-31T23:59:59-14:00", "1066-10-14"])
def test_a_bad_kpitui_now_is_one_line(kpitui_db: Path, value: str) -> None:
    refused(run("--db", str(kpitui_db), "leaderboard", env={"KPITUI_NOW": value}), "KPITUI_NOW")


def test_debug_shows_the_traceback(kpitui_db: Path) -> None:
    for args, env in ((("--debug",), {}), ((), {"KPITUI_DEBUG": "1"})):
        done = run(*args, "--db", str(kpitui_db), "leaderboard", env={"KPITUI_NOW": "garbage"} | env)
        assert done.returncode != 0 and "Traceback" in done.stderr and "ConfigError" in done.stderr


# --- no traceback, whatever the arguments and settings --------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=24)
COMMANDS = [["leaderboard"], ["scorecard"], ["funnel"], ["export", "activities"], ["export", "targets"],
            ["export", "scorecard", "--format", "json"]]
ODD_DBS = ["", " ", ".", "my?db.db", "sales%20q.db", "nosuch://x", "sqlite://", "sqlite:///:memory:",
           "postgresql+psycopg://u:secret@127.0.0.1:1/x", "postgresql+psycopg://u:secret@host:port/x",
           "/proc/kpitui.db", "~", "~nobody-at-all/x.db", "file:x.db?mode=ro"]
PERIODS = ["2026-Q3", "2026-13", "2026-W00", "2026-W53", "9999-12", "0000-01", "2026-10-01..2026-09-01",
           "this-week", "last-month", "1969-12", "2026-02-30", "99999-01"]


def moments(first: int = 1, last: int = 9999) -> st.SearchStrategy[str]:
    from datetime import datetime, timedelta, timezone

    offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    return st.builds(lambda moment, zone: moment.replace(tzinfo=zone).isoformat(),
                     st.datetimes(min_value=datetime(first, 1, 2), max_value=datetime(last, 12, 30)), offsets)


def maybe(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), strategy)


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "team.db"
    assert run("--db", str(path), "init").returncode == 0
    assert run("--db", str(path), "import", "reps", str(write(folder / "reps.csv", REPS))).returncode == 0
    return path


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS), period=maybe(st.one_of(st.sampled_from(PERIODS), TEXT)),
       actor=maybe(st.one_of(st.sampled_from(["ada@example.com", "Mia Moss", "nobody", ""]), TEXT)),
       db=maybe(st.one_of(st.sampled_from(ODD_DBS), TEXT)), env_db=maybe(st.sampled_from(ODD_DBS)),
       now=maybe(st.one_of(moments(), TEXT, st.sampled_from(["2026-13-01", "garbage", "2026-10-20"]))),
       zone=maybe(st.one_of(st.sampled_from(["Europe/Berlin", "UTC", "America", "../etc/passwd", "Etc/GMT+14",
                                             "posix/Asia/Tokyo", "/etc/localtime"]), TEXT)))
def test_no_argument_or_setting_gets_a_traceback(shared_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 command: list[str], period: str | None, actor: str | None,
                                                 db: str | None, env_db: str | None, now: str | None,
                                                 zone: str | None) -> None:
    from click.testing import CliRunner

    from kpitui.cli import main

    args = ["--db", db if db is not None else str(shared_db)] if db is not None or env_db is None else []
    if actor is not None:
        args += ["--as", actor]
    args += command
    if period is not None:
        args += ["--period", period]
    env = {"KPITUI_NOW": now, "KPITUI_TZ": zone, "KPITUI_DB": env_db, "KPITUI_USER": None, "KPITUI_DEBUG": None}
    monkeypatch.chdir(tmp_path)  # relative --db values land here
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, env, result.exception)
    assert result.exit_code in (0, 2), (args, env, result.exit_code, result.output)
    event(f"exit code {result.exit_code}")
    assert "Traceback" not in result.output and "secret" not in result.output, result.output


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS), period=maybe(st.one_of(st.sampled_from(PERIODS), TEXT)),
       actor=maybe(st.one_of(st.sampled_from(["ada@example.com", "Mia Moss", "cy@example.com", "nobody"]), TEXT)),
       rep=maybe(st.one_of(st.sampled_from(["Ada Ames", "Cy Cole", "mia@example.com"]), TEXT)),
       now=maybe(moments(1970, 2999)))
def test_no_argument_on_a_good_database_gets_a_traceback(shared_db: Path, command: list[str],
                                                         period: str | None, actor: str | None, rep: str | None,
                                                         now: str | None) -> None:
    from click.testing import CliRunner

    from kpitui.cli import main

    args = ["--db", str(shared_db)] + (["--as", actor] if actor is not None else []) + command
    args += (["--period", period] if period is not None else []) + (["--rep", rep] if rep is not None else [])
    env = {"KPITUI_NOW": now or ENV["KPITUI_NOW"], "KPITUI_TZ": "Europe/Berlin", "KPITUI_DB": None,
           "KPITUI_USER": None, "KPITUI_DEBUG": None}
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, env, result.exception)
    assert result.exit_code in (0, 2), (args, env, result.exit_code, result.output)
    assert "Traceback" not in result.output, result.output
    event(f"exit code {result.exit_code}")
