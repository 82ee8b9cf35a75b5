"""SVG screenshots of every rep and manager screen on the demo data: `python -m kpitui.ui.screenshots [--out
screens]`.

Runs the app headless on a fresh copy of sample.db (built by seeding when missing, which takes a while) with the
demo's frozen clock, drives it with the same keys a rep would press, and saves one SVG per screen.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from kpitui.ui.app import KpituiApp, build_app

# name -> keys pressed after the home screen has loaded (None: the picker, nobody signed in)
SHOTS: dict[str, list[str] | None] = {
    "picker": None,
    "home": [],
    "home-all-kpis": ["k"],
    "home-last-month": ["w", "left_square_bracket"],
    "log-activity": ["a", "c", "1"],
    "activities": ["l"],
    "activity-history": ["a", "c", "1", "enter", "l", "x", "u", "h"],
    "deals": ["D"],
    "deal-won": ["D", "w"],
    "help": ["question_mark"],
    "command-palette": ["ctrl+p"],
}
# the same, signed in as the demo's first manager; the history shot sets one target first (on the demo copy)
MANAGER_SHOTS: dict[str, list[str]] = {
    "manager-leaderboard": [],
    "manager-sorted-by-win-rate": ["s", "s", "s", "s", "s"],
    "manager-drill-down": ["down", "enter"],
    "manager-drill-down-deals": ["down", "enter", "d"],
    "manager-targets": ["e"],
    "manager-target-edit": ["e", "down", "right", "enter"],
    "manager-target-history": ["e", "down", "right", "enter", "1", "2", "enter", "h"],
    "manager-standup": ["S"],
    "manager-palette": ["ctrl+p"],
}


async def settle(pilot: Pilot[Any]) -> None:
    """Until every worker has finished and its result is on screen."""
    app = pilot.app
    for _ in range(6):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            break


async def shoot(app: KpituiApp, keys: list[str], target: Path, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        app.save_screenshot(filename=target.name, path=str(target.parent))


def default_rep(db: str) -> str:
    """The demo's top-ranked rep this week, so the home has numbers worth showing."""
    from kpitui.services import Kpitui

    svc = Kpitui.open(db)
    try:
        board = svc.leaderboard(svc.period("this-week"))
        return board.rows[0].rep
    finally:
        svc.db.dispose()


def default_manager(db: str) -> str:
    """The first person with the manager role (by name), so the leaderboard is one team's."""
    from kpitui.services import Kpitui

    svc = Kpitui.open(db)
    try:
        return next(p.email or p.name for p in svc.people() if p.role == "manager")
    finally:
        svc.db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screens"), help="directory for the SVGs (screens/)")
    parser.add_argument("--as", dest="actor", default=None, help="the rep to show (default: top of the board)")
    parser.add_argument("--size", default="120x36", help="terminal size, WIDTHxHEIGHT (default 120x36)")
    parser.add_argument("--manager", default=None, help="the manager to show (default: the first by name)")
    parser.add_argument("--only", nargs="*", default=None, choices=[*SHOTS, *MANAGER_SHOTS],
                        help="just these screens")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.lower().split("x"))

    from kpitui.demo import demo_copy

    db = str(demo_copy())
    actor = args.actor or default_rep(db)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, keys in SHOTS.items():
        if args.only and name not in args.only:
            continue
        app = build_app(db, None if keys is None else actor, demo=True)
        target = args.out / f"{name}.svg"
        asyncio.run(shoot(app, keys or [], target, (width, height)))
        app.base_service.db.dispose()
        print(target)
    manager = args.manager or default_manager(db)
    for name, keys in MANAGER_SHOTS.items():
        if args.only and name not in args.only:
            continue
        app = build_app(db, manager, demo=True)
        target = args.out / f"{name}.svg"
        asyncio.run(shoot(app, keys, target, (width, height)))
        app.base_service.db.dispose()
        print(target)


if __name__ == "__main__":
    main()
