"""Shared by the UI tests (no tests here): a small hand-built team whose numbers can be worked out by hand,
the app built through the same factory as the CLI, and helpers to wait for workers and read the screen.

The UI tests run on SQLite only (each module overrides `db` with `sqlite_db`): the screens call the service
layer, whose own tests run on PostgreSQL too, and snapshot names must not depend on which backends exist.

The clock is frozen on Wednesday 2026-10-21 15:00 in Berlin: this week is 2026-W43 (Mon 19 – Sun 25 Oct).
Ada's connected calls (= conversations): W43: 3, W42: 2, W41: 5; October: 10.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from conftest import Builder, local, service
from kpitui.store.db import Database
from kpitui.store.schema import ensure_schema
from kpitui.ui.app import KpituiApp, build_app

NOW = local(2026, 10, 21, 15)
ADA = "ada@example.com"
MARKUP_NOTE = "[bold red]hi[/]"
ESCAPE_NOTE = "\x1b[31mred"


def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """For a module's own `db` fixture, overriding conftest's (SQLite and PostgreSQL)."""
    database = Database(f"sqlite:///{tmp_path / 'ui.db'}")
    ensure_schema(database)
    yield database
    database.dispose()


def fill(build: Builder) -> dict[str, int]:
    team = build.team("Inside Sales")
    ada = build.rep("Ada Lovelace", team)
    bob = build.rep("Bob Builder", team)
    build.rep("Mia Manager", team, role="manager")
    for key, value in (("conversations", "10"), ("meetings", "4"), ("new_opps", "1"), ("revenue", "5000")):
        build.target(key, "week", date(2026, 10, 19), value, team_id=team)
    acme = build.deal(ada, "Acme", "1000", "Discovery", date(2026, 10, 1), external_id="D-1")
    build.deal(ada, "Globex", "3000", "won", date(2026, 9, 1), closed=date(2026, 10, 20), external_id="D-2")
    build.deal(ada, "Initech", "2500", "Proposal", date(2026, 10, 8), external_id="D-3")
    # this week (W43)
    for day, hour in ((19, 10), (19, 11), (20, 9)):
        build.activity(ada, "call", local(2026, 10, day, hour), outcome="connected", deal_id=acme)
    build.activity(ada, "call", local(2026, 10, 20, 10), outcome="voicemail")
    build.activity(ada, "meeting", local(2026, 10, 20, 14), note=MARKUP_NOTE)
    build.activity(ada, "email", local(2026, 10, 21, 8), note=ESCAPE_NOTE)
    # last week (W42) and the week before (W41)
    for day in (13, 15):
        build.activity(ada, "call", local(2026, 10, day, 10), outcome="connected")
    build.activity(ada, "meeting", local(2026, 10, 14, 10))
    for day in (5, 6, 7, 8, 9):
        build.activity(ada, "call", local(2026, 10, day, 10), outcome="connected")
    build.activity(bob, "call", local(2026, 10, 20, 10), outcome="connected")
    return {"team": team, "ada": ada, "bob": bob, "acme": acme}


def make_app(db: Database, actor: str | None = ADA, now: datetime = NOW) -> KpituiApp:
    return build_app(None, actor, service=service(db, actor=actor, now=now))


async def settle(pilot: Pilot[Any]) -> None:
    """Until no worker runs and no message waits: a write, then the reload it triggers, then the repaint."""
    app = pilot.app
    for _ in range(6):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            break


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Each key, and the work it starts, in turn; a run of plain characters (typing) is pressed at once."""
    typing: list[str] = []
    for key in keys:
        if len(key) == 1:
            typing.append(key)
            continue
        if typing:
            await pilot.press(*typing)
            typing = []
        await pilot.press(key)
        await settle(pilot)
    if typing:
        await pilot.press(*typing)
        await settle(pilot)


def screen_text(app: KpituiApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_a_one_day_comparison_span_reads_as_one_day() -> None:
    from kpitui.domain.periods import Period
    from kpitui.ui.show import period_span

    assert period_span(Period.between(date(2026, 11, 9), date(2026, 11, 9))) == "9 Nov"  # not "9–9 Nov"
    assert period_span(Period.between(date(2026, 11, 9), date(2026, 11, 11))) == "9–11 Nov"
    assert period_span(Period.between(date(2026, 10, 30), date(2026, 11, 2))) == "30 Oct–2 Nov"
