"""The rep's open action items from their 1:1s, on their home: soonest due first, overdue in red. Hidden while
there are none. It loads itself (and again after every write), so the home only places it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from kpitui.domain.records import NoteRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui

SHOWN = 3  # items listed; the rest counted in the subtitle (`kpitui notes --open` lists them all)


class OpenActions(Static):
    DEFAULT_CSS = """
    OpenActions {
        display: none;
        height: auto;
        max-height: 5;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        border: round $warning 50%;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
    }
    OpenActions.-some { display: block; }
    """

    @dataclass
    class Loaded(Message):
        items: list[NoteRecord]

    def __init__(self, svc: Kpitui, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, markup=False)
        self.svc = svc
        self.items: list[NoteRecord] = []

    def on_mount(self) -> None:
        self.border_title = "Action items from your 1:1s"
        self.app.data_changed.subscribe(self, lambda _what: self.load())  # type: ignore[attr-defined]
        self.load()

    @work(thread=True, exclusive=True, group="open-actions", exit_on_error=False)
    def load(self) -> None:
        worker = get_current_worker()
        try:
            items = self.svc.open_actions()
        except Exception:  # noqa: BLE001 - a side panel: without it the home still works
            items = []
        if not worker.is_cancelled:
            self.post_message(self.Loaded(items))

    def on_open_actions_loaded(self, message: Loaded) -> None:
        self.items = message.items
        self.set_class(bool(self.items), "-some")
        self._show()

    def on_resize(self) -> None:
        self._show()

    def _show(self) -> None:
        """SHOWN items; one on a short terminal (under 34 rows), where every row of the home counts."""
        shown = 1 if self.screen.has_class("-short") else SHOWN
        today = self.svc.today()
        lines = []
        for item in self.items[:shown]:
            late = item.overdue(today)
            due = (f"due {item.due_on:%a %d %b}" + (" · overdue" if late else "")) if item.due_on else "no due date"
            text = clean_text(item.text)
            lines.append(Content.assemble(("☐ ", "bold"), text if len(text) <= 90 else text[:89] + "…",
                                          (f"  {due}", "$text-error" if late else "$text-muted")))
        self.update(Content("\n").join(lines))
        more = len(self.items) - shown
        self.border_subtitle = f"+{more} more · kpitui notes --open" if more > 0 else ""
