"""Write a 1:1 note or an action item about the rep of the drill-down (a manager of their team)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Footer, Input, Label, Static

from kpitui.domain.inputs import MAX_NOTE
from kpitui.domain.records import NoteRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.screens.form import FormScreen
from kpitui.ui.show import plain, problem

FIELD_WIDGETS = {"text": "note-text", "due": "note-due"}


class NoteForm(FormScreen[NoteRecord | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="note_form.cancel"),
        Binding("enter", "save", "Save", id="note_form.save"),
    ]

    @dataclass
    class Saved(Message):
        note: NoteRecord

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui, rep_ref: str, rep_name: str, *, action: bool) -> None:
        super().__init__(classes="form-screen")
        self.svc = svc
        self.rep_ref = rep_ref
        self.rep_name = rep_name
        self.action = action
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="note-form", classes="form") as form:
            form.border_title = "New action item" if self.action else "New 1:1 note"
            form.border_subtitle = "Enter save · Esc cancel"
            yield Static(Content.assemble(("About ", "$text-muted"), (plain(self.rep_name), "bold")),
                         id="note-form-rep", markup=False)
            with Horizontal(classes="field"):
                yield Label("To do" if self.action else "Note", classes="field-label")
                yield Input(id="note-text", max_length=MAX_NOTE,
                            placeholder="what was agreed" if self.action else "what you talked about")
            if self.action:
                with Horizontal(classes="field"):
                    yield Label("Due", classes="field-label")
                    yield Input(id="note-due", placeholder="YYYY-MM-DD", classes="short")
                    yield Static(Content.styled("optional · today up to a year ahead", "$text-muted"),
                                 classes="hint", markup=False)
            yield Static(id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Save ⏎", id="save", variant="primary", compact=True)
                yield Button("Cancel esc", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        fields = list(self.query(Input))
        if self.app.is_headless:
            for field in fields:
                field.cursor_blink = False
        fields[0].focus()

    def save(self, again: bool = False) -> None:
        """A note form has no "again"."""
        if self.saving:
            return
        text = self.query_one("#note-text", Input).value
        due = self.query_one("#note-due", Input).value.strip() or None if self.action else None
        self.saving = True
        self.write(text, due)

    @work(thread=True, exclusive=True, group="note-save", exit_on_error=False)
    def write(self, text: str, due: str | None) -> None:
        try:
            note = self.svc.add_note(self.rep_ref, text, action=self.action, due=due)
        except Exception as exc:  # shown in the form, which stays open
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Saved(note))

    def on_note_form_failed(self, message: Failed) -> None:
        self.saving = False
        error = self.query_one("#form-error", Static)
        error.update(Content(clean_text(message.problem)))
        error.add_class("-shown")
        head = message.problem.split(":", 1)[0].strip()
        for name, widget_id in FIELD_WIDGETS.items():
            for widget in self.query(f"#{widget_id}"):
                widget.set_class(name == head, "-invalid")

    def on_note_form_saved(self, message: Saved) -> None:
        self.saving = False
        note = message.note
        what = "Action item" if note.is_action else "Note"
        self.notify(clean_text(f"{what} for {note.rep}"), title="Saved", markup=False)
        self.app.data_changed.publish("notes")  # type: ignore[attr-defined]
        self.dismiss(note)
