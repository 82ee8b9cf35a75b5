"""The drill-down's "1:1 notes" tab: a rep's dated notes and action items (due date, done or open), newest
first, and the highlighted one in full below. It loads its own rows (`show_rep`), so the drill-down only says
which rep. User text is cleaned and shown as `Text` / `Content`, never markup (TRAPS.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from kpitui.domain.records import NoteRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.show import problem, user_text

TEXT_CELL = 60
EMPTY = "No 1:1 notes yet"
KEYS = "a note · A action item · x mark done · ↑↓ read each in full"


def state_cell(note: NoteRecord, today: date) -> Text:
    """A note, a done item, or an open one with its due day (red once overdue): one narrow column."""
    if not note.is_action:
        return Text("note", style="dim")
    if note.done_at is not None:
        return Text("✓ done", style="green")
    due = f"☐ {note.due_on:%d %b}" if note.due_on else "☐ to do"
    return Text(due, style="bold red" if note.overdue(today) else "bold")


def note_detail(note: NoteRecord, zone: ZoneInfo, today: date) -> Content:
    """The whole note: when and by whom, its state, then its text with its line breaks."""
    written = note.written_at.astimezone(zone)
    parts: list[Content] = [Content.styled(f"{written:%a %d %b %Y %H:%M} · ", "$text-muted"),
                            Content(clean_text(note.author))]
    if note.is_action:
        due = f" · due {note.due_on:%a %d %b}" if note.due_on else ""
        if note.done_at is not None:
            state = f" · done {note.done_at.astimezone(zone):%d %b}"
            parts += [Content.styled(f"{due}{state} by ", "$text-success"), Content(clean_text(note.done_by or ""))]
        else:
            parts.append(Content.styled(f"{due} · {'overdue' if note.overdue(today) else 'open'}",
                                        "$text-error" if note.overdue(today) else "$text-warning"))
    return Content.assemble(*parts, "\n", Content(clean_text(note.text, multiline=True)))


class NotesTable(DataTable[Text]):
    COLUMNS = (("Written", "written", 10), ("Status", "state", 8), ("Note", "text", TEXT_CELL), ("By", "by", 14))

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.records: dict[str, NoteRecord] = {}

    def on_mount(self) -> None:
        for label, key, width in self.COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, notes: list[NoteRecord], zone: ZoneInfo, today: date, select: int | None = None) -> None:
        """Replace the rows, the cursor on note `select`, else on the same note when it is still listed."""
        selected = self.selected
        if select is not None:
            selected = next((n for n in notes if n.id == select), selected)
        self.clear()
        self.records = {str(n.id): n for n in notes}
        for n in notes:
            self.add_row(Text(f"{n.written_at.astimezone(zone):%Y-%m-%d}"), state_cell(n, today),
                         user_text(n.text.replace("\n", " ⏎ "), limit=TEXT_CELL), user_text(n.author, limit=14),
                         key=str(n.id))
        if selected is not None and str(selected.id) in self.records:
            self.move_cursor(row=self.get_row_index(str(selected.id)))

    @property
    def selected(self) -> NoteRecord | None:
        if not self.records or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        return self.records.get(key or "")


class NotesPanel(Vertical):
    DEFAULT_CSS = """
    NotesPanel { height: 1fr; }
    NotesPanel NotesTable { height: 1fr; }
    NotesPanel #notes-detail { height: auto; max-height: 8; padding: 0 1; border-top: solid $foreground 20%; }
    NotesPanel #notes-keys { height: 1; padding: 0 1; color: $text-muted; }
    """

    @dataclass
    class Loaded(Message):
        rep_id: int
        notes: list[NoteRecord]

    @dataclass
    class Failed(Message):
        problem: str

    @dataclass
    class Ticked(Message):
        note: NoteRecord

    def __init__(self, svc: Kpitui, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.svc = svc
        self.rep_id: int | None = None
        self.ref = ""
        self.select: int | None = None  # the note to put the cursor on once loaded (one just written)

    def compose(self) -> ComposeResult:
        yield NotesTable(id="notes-table")
        yield Static(Content.styled(EMPTY, "$text-muted"), id="notes-detail", markup=False)
        yield Static(KEYS, id="notes-keys", markup=False)

    def show_rep(self, rep_id: int, ref: str) -> None:
        """Show the notes about this rep (email or name as the service finds them)."""
        self.rep_id, self.ref = rep_id, ref
        self.load(rep_id, ref)

    @work(thread=True, exclusive=True, group="rep-notes", exit_on_error=False)
    def load(self, rep_id: int, ref: str) -> None:
        worker = get_current_worker()
        try:
            notes = self.svc.notes(ref)
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(rep_id, notes))

    def reload(self, select: int | None = None) -> None:
        self.select = select
        if self.rep_id is not None:
            self.load(self.rep_id, self.ref)

    def tick_selected(self) -> None:
        """Mark the highlighted action item done (the service says whether the actor may)."""
        note = self.selected
        if note is None or not note.is_action:
            self.notify("Pick an action item (☐ to do) to mark done", severity="warning", markup=False)
        elif note.done_at is not None:
            self.notify("That action item is already done", severity="warning", markup=False)
        else:
            self.tick(note.id)

    @work(thread=True, exclusive=True, group="rep-notes-done", exit_on_error=False)
    def tick(self, note_id: int) -> None:
        try:
            note = self.svc.mark_done(note_id)
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Ticked(note))

    def on_notes_panel_ticked(self, message: Ticked) -> None:
        note = message.note
        text = clean_text(note.text)
        self.notify(text if len(text) <= 60 else text[:57] + "...", title="Action item done", markup=False)
        self.app.data_changed.publish("notes")  # type: ignore[attr-defined]
        self.reload()

    def on_notes_panel_loaded(self, message: Loaded) -> None:
        if message.rep_id != self.rep_id:
            return  # an older request finished after the rep changed
        self.query_one(NotesTable).show(message.notes, self.svc.zone, self.svc.today(), self.select)
        self.select = None
        self._show_detail()

    def on_notes_panel_failed(self, message: Failed) -> None:
        self.notify(clean_text(message.problem), severity="error", markup=False)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        note = self.selected
        detail = self.query_one("#notes-detail", Static)
        if note is None:
            detail.update(Content.styled(EMPTY, "$text-muted"))
        else:
            detail.update(note_detail(note, self.svc.zone, self.svc.today()))

    @property
    def selected(self) -> NoteRecord | None:
        return self.query_one(NotesTable).selected
