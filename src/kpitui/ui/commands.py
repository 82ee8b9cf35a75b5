"""The command palette (ctrl+p): log an activity, set the period, go to a screen, export the scorecard; for
managers also go to a rep (fuzzy, by name or team), the targets editor, standup mode, export the leaderboard.

Hits are built from `Content` with the matched letters styled by offset: `Matcher.highlight` would parse the
candidate as markup (TRAPS.md), which breaks as soon as a command names user text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from kpitui.ui.show import plain

if TYPE_CHECKING:
    from kpitui.ui.app import KpituiApp

# Hit help text is parsed as markup by the palette: it never holds user text (names, teams).
HELP_GO_TO_REP = "Scorecard, funnel, trend, activities and deals of this rep"
PERIODS = (("this-week", "this week"), ("this-month", "this month"), ("this-quarter", "this quarter"),
           ("last-week", "last week"), ("last-month", "last month"), ("last-quarter", "last quarter"))


def highlighted(matcher: Matcher, text: str) -> Content:
    """`text` as literal Content with the fuzzy-matched characters styled."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class KpituiCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast("KpituiApp", self.app)
        commands: list[tuple[str, Callable[[], object], str]] = [
            ("Help: show every key", app.action_help, "The keys of every screen (? or F1)"),
        ]
        if app.svc is None:
            return commands
        manager = app.manager_home
        if manager is not None:
            commands += [
                ("Open targets editor", app.action_targets, "Reps × KPIs for this period (e)"),
                ("Standup mode", app.action_standup, "Full screen, rep by rep (S)"),
                ("Export leaderboard (CSV)", app.action_export_leaderboard,
                 "Write the leaderboard in view to a CSV file in the current directory"),
            ]
            visible = {team_id for team_id, _name in manager.teams}
            admin = app.svc.actor is None or app.svc.actor.role == "admin"
            for person in manager.people.values():
                if person.role == "rep" and (admin or person.team_id in visible):
                    name = plain(person.name)
                    commands.append((f"Go to rep: {name}", partial(app.action_open_rep, person.email or person.name),
                                     HELP_GO_TO_REP))
        else:
            commands += [
                ("Log activity", app.action_log_activity, "Open the quick-log form (a)"),
                ("New deal", app.action_new_deal, "Add an opportunity: it counts in new opps (n)"),
                ("Go to my deals", partial(app.action_go, "deals"), "Open pipeline by stage (D)"),
                ("Go to my activities", partial(app.action_go, "activities"), "Filter, edit, delete (l)"),
                ("Go home", partial(app.action_go, "home"), "Your scorecard"),
                ("Export my scorecard (CSV)", app.action_export_scorecard,
                 "Write this period's scorecard to a CSV file in the current directory"),
            ]
        commands += [(f"Set period: {label}", partial(app.action_set_period, key), f"Show {label} ({key})")
                     for key, label in PERIODS]
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlighted(matcher, name), callback, text=name, help=help_text)
