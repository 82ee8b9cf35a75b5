"""Standup mode runs a meeting (Pilot, pressing keys): from rank 1 down, each rep's yesterday and deals to
discuss, a countdown that ticks once a second on the app's injectable clock and moves on by itself, a summary
page at the end; `kpitui standup` refuses a rep. Numbers: test_ui_manager_support (North, W43, Wed 21 Oct: the
previous working day is Tue 20 Oct)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Builder, service
from kpitui.store.db import Database
from kpitui.ui.app import build_app
from kpitui.ui.screens.leaderboard import ManagerHome
from kpitui.ui.screens.standup import DealsToDiscuss, Standup
from kpitui.ui.widgets.countdown import CountdownLabel
from test_cli import kpitui
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import NOW, make_app, press, screen_text, settle, sqlite_db

SIZE = (120, 35)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


class FakeClock:
    """The countdown's clock, moved by hand: the test does not wait two minutes."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def clock_text(app) -> str:  # noqa: ANN001
    return app.screen.query_one(CountdownLabel).render().plain


async def open_standup(pilot, clock: FakeClock) -> Standup:  # noqa: ANN001
    pilot.app.countdown_clock = clock
    await settle(pilot)
    await press(pilot, "down", "S")  # the cursor on rank 2: the meeting still starts at rank 1
    screen = pilot.app.screen
    assert isinstance(screen, Standup)
    return screen


async def test_the_countdown_ticks_once_a_second_and_moves_on(db: Database, build: Builder) -> None:
    fill_teams(build)
    clock = FakeClock()
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        standup = await open_standup(pilot, clock)
        assert standup.rep.name == "Ada Lovelace"
        timers = [t for t in standup._timers if t.name == "standup countdown"]
        assert len(timers) == 1 and timers[0]._interval == 1 and timers[0]._repeat is None
        assert "2:00" in clock_text(app)
        clock.now += 1
        ticks = standup.ticks
        await pilot.pause(2.1)  # real time: the interval fires once a second
        assert 1 <= standup.ticks - ticks <= 3
        assert "1:59" in clock_text(app)
        clock.now += 30
        await pilot.pause(1.1)
        assert "1:29" in clock_text(app)
        await press(pilot, "p")  # paused: time passes, the countdown does not
        clock.now += 60
        await pilot.pause(1.1)
        assert "1:29" in clock_text(app) and "paused" in clock_text(app)
        await press(pilot, "p")
        clock.now += 89  # time is up: on to the next rep, the whole time again, the same timer
        await pilot.pause(1.1)
        await settle(pilot)
        assert standup.rep.name == "Cy Young"
        assert "2:00" in clock_text(app)
        assert [t for t in standup._timers if t.name == "standup countdown"] == timers


async def test_the_time_per_person_comes_from_the_config_file(db: Database, build: Builder, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    fill_teams(build)
    config = tmp_path / "config.toml"
    config.write_text("standup_seconds = 90\n", encoding="utf-8")
    monkeypatch.setenv("KPITUI_CONFIG", str(config))
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await open_standup(pilot, FakeClock())
        assert "1:30" in clock_text(app)
        await press(pilot, "plus")
        assert "2:00" in clock_text(app)


async def test_each_rep_shows_yesterday_and_the_deals_to_discuss(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await open_standup(pilot, FakeClock())
        text = screen_text(app)
        assert "Tue 20 Oct: 2 meetings" in text  # Ada logged two meetings on Tuesday, her calls were Monday
        assert app.screen.query_one(DealsToDiscuss).row_count == 0  # no open deal
        await press(pilot, "space")
        text = screen_text(app)
        assert "Cy Young" in text and "2/3" in text
        yesterday = app.screen.query_one("#standup-yesterday").render().plain
        assert yesterday == "Tue 20 Oct: 2 calls · 2 conversations · 1 new opp"  # Fresh was created Tuesday
        deals = app.screen.query_one(DealsToDiscuss)
        assert [deals.get_row_at(i)[0].plain for i in range(deals.row_count)] == ["Fresh · Fresh deal"]
        assert "Open actions" not in text  # nothing to plug in yet: nothing shown


async def test_the_summary_page_closes_the_meeting(db: Database, build: Builder) -> None:
    """Wed of W43, 3 of 5 working days: every North rep's projected score is under 95 % (Ada 85 %, Cy 84 %,
    Bob 48 %) and so is the team's (82 %); the team's score is 49 % (summed facts, see test_ui_leaderboard_fit)."""
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        standup = await open_standup(pilot, FakeClock())
        await press(pilot, "space", "space", "space")
        await settle(pilot)
        assert standup.on_summary and standup.summary is not None
        text = screen_text(app)
        assert "Summary" in text and "Team score 49%" in text and "pace: behind" in text
        assert "behind: 3 of 3" in text
        assert [line.rep for line in standup.summary.behind] == ["Ada Lovelace", "Cy Young", "Bob Builder"]
        assert "⏱" not in text  # no countdown on the summary
        await press(pilot, "space")
        assert standup.on_summary  # the end: no further
        await press(pilot, "left")
        assert standup.rep.name == "Bob Builder" and not standup.on_summary
        await press(pilot, "escape")
        assert isinstance(app.screen, ManagerHome)


@pytest.mark.parametrize("size", [(80, 24), (120, 35), (200, 50)])
async def test_standup_fills_the_terminal(db: Database, build: Builder, size: tuple[int, int]) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=size) as pilot:
        standup = await open_standup(pilot, FakeClock())
        deals = standup.query_one("#standup-deals-panel")
        bottom = deals.region.y + deals.region.height
        assert bottom >= size[1] - 2 or standup.query_one("#standup-bottom").region.bottom >= size[1] - 2
        assert "Deals to discuss" in screen_text(app) and "Yesterday" in screen_text(app)


async def test_a_rep_picked_in_the_app_is_refused_standup(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = build_app(None, None, service=service(db, now=NOW), standup=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.sign_in("ada@example.com")
        await pilot.pause()
    assert app.return_code == 2


def test_kpitui_standup_refuses_a_rep(db: Database, build: Builder, tmp_path: Path) -> None:
    fill_teams(build)
    done = kpitui(tmp_path / "ui.db", "--as", "ada@example.com", "standup", ok=False)
    assert done.returncode == 2
    assert "standup mode is for managers: Ada Lovelace is a rep" in done.stderr


async def test_open_action_items_show_per_rep_and_in_the_summary(db: Database, build: Builder) -> None:
    fill_teams(build)
    mia = service(db, actor=MIA, now=NOW)
    mia.add_note("ada@example.com", "[/] call Acme back", action=True, due="2026-10-23")
    done = mia.add_note("ada@example.com", "send the deck", action=True)
    mia.mark_done(done.id)
    mia.add_note("ada@example.com", "a plain note, not an action")
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        standup = await open_standup(pilot, FakeClock())
        actions = standup.query_one("#standup-actions").render().plain
        assert actions == "Open actions\n☐ [/] call Acme back  (due 23 Oct)"  # markup shown as typed
        await press(pilot, "space")
        assert not standup.query_one("#standup-actions").display  # Cy has none: nothing shown
        await press(pilot, "space", "space")
        await settle(pilot)
        assert standup.summary is not None
        assert standup.summary.actions == ["Ada Lovelace: [/] call Acme back  (due 23 Oct)"]
        assert "☐ Ada Lovelace: [/] call Acme back" in screen_text(app)
