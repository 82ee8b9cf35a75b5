"""The app refreshes itself when another process writes (DESIGN.md section 5): a mixin of KpituiApp.

Every REFRESH_SECONDS a thread worker asks the service whether anyone committed since the last token
(Kpitui.changed_since: `PRAGMA data_version` on SQLite, LISTEN/NOTIFY on PostgreSQL; store/changes.py). When
so, the app publishes `data_changed("elsewhere")`, the signal every data screen already reloads on after our
own writes (keeping its cursor), and reloads the screen in view when it only reloads on `r`. One mechanism for
every screen: none of them knows about polling.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.signal import Signal
from textual.widgets import DataTable

if TYPE_CHECKING:
    from kpitui.services import Kpitui

REFRESH_SECONDS = 1.5
"""How often the app asks the database whether another process wrote."""


class AutoRefresh(App[None]):
    """Needs, from the app: `svc`, `base_service`, `quitting`, `data_changed`, `_change_token`, `_watching`."""

    svc: Kpitui | None
    base_service: Kpitui
    quitting: bool
    data_changed: Signal[str]
    _change_token: int | None
    _watching: bool
    _views_wanted: int

    def start_watching(self) -> None:
        self._look_for_changes()  # the first token, before any screen has read
        self.set_interval(REFRESH_SECONDS, self._look_for_changes, name="auto-refresh")

    class DatabaseChanged(Message):
        """Another connection committed since the last look: the screens in view reload."""

    def _look_for_changes(self) -> None:
        if not self._watching and not self.quitting:
            self._watching = True
            self.watch_database(self.svc or self.base_service)

    # not exclusive: a new tick must never cancel a look in progress (whoever waits on the workers would get
    # WorkerCancelled); `_watching` keeps them from overlapping
    @work(thread=True, group="auto-refresh", exit_on_error=False)
    def watch_database(self, svc: Kpitui) -> None:
        """One cheap question to the database, off the event loop (store/changes.py)."""
        try:
            changed, self._change_token = svc.changed_since(self._change_token)
        except Exception:  # a database gone for a moment: ask again at the next tick, say nothing
            changed = False
        finally:
            self._watching = False
        if changed:
            self.post_message(self.DatabaseChanged())

    def on_auto_refresh_database_changed(self, _message: DatabaseChanged) -> None:
        """Every screen that reloads after our own writes reloads now (they keep their cursor); the screen in
        view also when it only reloads on `r`. A modal form stays open and untouched: the screen beneath it
        refreshes."""
        if self.quitting:
            return
        in_view = next((s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen)), None)
        views = [] if in_view is None else [TableView.of(table) for table in in_view.query(DataTable)]
        self.data_changed.publish("elsewhere")
        if in_view is None:
            return
        if not _subscribed(self.data_changed, in_view):
            reload = getattr(in_view, "action_reload", None)
            if callable(reload):
                reload()
        if any(views):
            # after the reload callbacks the signal queued on the screen, which start its workers
            self._views_wanted += 1
            in_view.call_later(self.keep_views, in_view, [v for v in views if v], self._views_wanted)

    @work(group="auto-refresh-views", exit_on_error=False)
    async def keep_views(self, screen: Screen[Any], views: list[TableView], wanted: int) -> None:
        """Once the screen's reload has been shown, each table scrolled back so the row under the cursor sits
        on the same line as before: rebuilding a DataTable scrolls it to the top (`clear`), and a row that came
        in above would otherwise move everything the rep was looking at."""
        for _ in range(100):  # up to 5 s
            if not any(w.node is screen and not w.is_finished for w in self.workers):
                break
            await asyncio.sleep(0.05)
        if wanted == self._views_wanted:  # a later change restores the view as it was before that one
            screen.call_later(lambda: [view.restore() for view in views])  # after the loaded data, queued before


@dataclass
class TableView:
    """Where a table's cursor row is on the screen: its key, and its line within the visible rows."""

    table: DataTable[Any]
    key: object
    line: int

    @classmethod
    def of(cls, table: DataTable[Any]) -> TableView | None:
        if not table.row_count or table.cursor_type != "row":
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return cls(table, key, table.cursor_row - round(table.scroll_y))

    def restore(self) -> None:
        table = self.table
        if not table.is_attached or not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        if key != self.key:
            return  # the row is gone, or the rep moved on meanwhile: leave the view as the screen made it
        table.scroll_to(y=max(0, table.cursor_row - self.line), animate=False, immediate=True)


def _subscribed(signal: Signal[str], screen: Screen[Any]) -> bool:
    """Whether `screen` reloads on `signal` already (Textual has no public way to ask)."""
    return screen in getattr(signal, "_subscriptions", {})
