"""Start-up (DESIGN.md section 8): a command imports only what it uses, and the app paints before the database
stack loads. Checked on what a real process imports (`python -X importtime` lists every module it loaded),
not timed: the benchmark times it (bench/kpibench/fresh.py, frame.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Builder, local
from kpitui.store.db import Database
from kpitui.store.schema import ensure_schema

ADA = "ada@example.com"
NOW = "2026-10-21T15:00:00+02:00"
DRAWING = ("textual", "plotext", "textual_plotext")  # what only the app needs
UNUSED_BY_COMMANDS = ("alembic", "sqlmodel", "sqlalchemy.orm")  # a database already at HEAD needs none


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    """A SQLite database at HEAD with one team, its rep and manager, and a call."""
    file = tmp_path / "start.db"
    db = Database(f"sqlite:///{file}")
    ensure_schema(db)
    build = Builder(db)
    team = build.team("Inside Sales")
    ada = build.rep("Ada Lovelace", team)
    build.rep("Mia Manager", team, role="manager")
    build.activity(ada, "call", local(2026, 10, 20, 10), outcome="connected")
    db.dispose()
    yield file


def imported(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Every module a `python -m kpitui.cli ARGS` process imported, and the process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")} | {
        "KPITUI_NOW": NOW, "TZ": "Europe/Berlin", "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "kpitui.cli", *args], capture_output=True,
                          text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    modules = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
               if line.startswith("import time:") and "|" in line}
    modules.discard("imported package")  # the header line
    return modules, done


def loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_kpitui_log_imports_no_ui_no_migrations_no_orm(path: Path) -> None:
    modules, done = imported("--db", str(path), "log", "call", "--rep", ADA, "--outcome", "connected",
                             "--at", "today 09:00")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Logged call" in done.stdout  # flushed before the fast exit
    assert "sqlalchemy" in modules  # the check below is not vacuous: the log did reach the database
    assert loaded(modules, DRAWING + UNUSED_BY_COMMANDS + ("rich",)) == []


def test_a_report_imports_no_ui_no_migrations_no_orm_no_pydantic(path: Path) -> None:
    modules, done = imported("--db", str(path), "scorecard", "--rep", ADA, "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"rep": "Ada Lovelace"' in done.stdout
    assert loaded(modules, DRAWING + UNUSED_BY_COMMANDS + ("pydantic", "rich")) == []  # JSON draws no table


def test_help_imports_no_database_stack() -> None:
    modules, done = imported("--help")
    assert done.returncode == 0 and "Usage:" in done.stdout
    assert loaded(modules, DRAWING + UNUSED_BY_COMMANDS + ("sqlalchemy", "pydantic", "rich", "kpitui.services")) \
        == []


def test_a_failing_command_still_reports_and_exits_non_zero(path: Path) -> None:
    """The fast exit is for success only: an error keeps its message and its exit code."""
    _modules, done = imported("--db", str(path), "log", "call", "--rep", "nobody@example.com")
    assert done.returncode == 2
    assert "no rep named 'nobody@example.com'" in done.stderr


def test_the_app_is_built_without_the_database_stack(path: Path) -> None:
    """What runs before the first frame (importing the app, building it) loads neither SQLAlchemy nor the
    services: the worker that opens the database does, after the frame."""
    code = ("import sys; from kpitui.ui.app import build_app; app = build_app(sys.argv[1], 'ada@example.com'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'pydantic', "
            "'alembic') or m.startswith('kpitui.services') or m.startswith('kpitui.store')))")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


async def test_the_app_opens_its_database_in_a_worker_then_shows_the_home(path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from kpitui.ui.app import build_app
    from kpitui.ui.screens.home import RepHome
    from kpitui.ui.screens.opening import Opening
    from test_ui_support import screen_text, settle

    monkeypatch.setenv("KPITUI_NOW", NOW)
    monkeypatch.setenv("KPITUI_TZ", "Europe/Berlin")
    app = build_app(str(path), ADA)
    screens: list[str] = []  # each screen on top of the stack, in the order they came

    def seen(_message: object) -> None:
        top = type(app.screen_stack[-1]).__name__ if app.screen_stack else None
        if top not in (None, "Screen") and (not screens or screens[-1] != top):  # "Screen": Textual's default
            screens.append(top)

    async with app.run_test(size=(120, 40), message_hook=seen) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RepHome)
        assert "Ada Lovelace · Inside Sales" in screen_text(app)  # the home filled in with Ada's own data
        assert app.start_error is None
    assert screens == [Opening.__name__, RepHome.__name__]


async def test_a_database_that_cannot_be_opened_ends_the_app_with_its_reason(tmp_path: Path) -> None:
    from kpitui.domain.errors import DatabaseError
    from kpitui.ui.app import build_app
    from test_ui_support import settle

    bad = tmp_path / "notes.db"
    bad.write_text("not a database, just some notes that happen to end in .db\n")
    app = build_app(str(bad), None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert isinstance(app.start_error, DatabaseError)
    assert "not a kpitui database" in str(app.start_error)
