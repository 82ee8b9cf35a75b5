"""Log (or edit) one activity: a modal form that takes seconds from the keyboard.

`a`, then one key for the kind (c e m d p i), one for a call's outcome (1 2 3), Enter: a call logged now.
Tab reaches the text fields (when, minutes, deal, note); in them letters type, Enter saves, Esc cancels.
The service validates; its message is shown inline and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Footer, Input, Label, Static

from kpitui.domain.errors import KpituiError, NotFound
from kpitui.domain.records import ActivityRecord, DealRecord
from kpitui.domain.text import clean_text
from kpitui.domain.when import parse_when
from kpitui.services import Kpitui
from kpitui.ui.screens.form import FormScreen
from kpitui.ui.show import plain, problem
from kpitui.ui.widgets.choice_row import ChoiceRow
from kpitui.ui.widgets.deal_matches import DealMatches

KINDS = [("call", "c", "Call"), ("email", "e", "Email"), ("meeting", "m", "Meeting"), ("demo", "d", "Demo"),
         ("proposal", "p", "Proposal"), ("idea", "i", "Idea")]
OUTCOMES = [("connected", "1", "connected"), ("voicemail", "2", "voicemail"), ("no_answer", "3", "no answer")]
# the service's field names -> the form's widgets and the words a rep reads
FIELDS = {"kind": ("kind", "Kind"), "occurred_at": ("when", "When"), "when": ("when", "When"),
          "outcome": ("outcome", "Outcome"), "duration_min": ("duration", "Minutes"), "deal": ("deal", "Deal"),
          "note": ("note", "Note")}


def deal_ref(deal: DealRecord) -> str:
    """What `log_activity(deal=...)` accepts: the external id, else the numeric id."""
    return deal.external_id or str(deal.id)


def matching_deals(text: str, deals: list[DealRecord]) -> list[DealRecord]:
    """The deals a typed text may mean: those it names exactly (external id, label, account or name), else those
    whose label contains it."""
    folded = text.casefold().strip()
    if not folded:
        return []
    exact = [d for d in deals if folded in {(d.external_id or "").casefold(), plain(d.label).casefold(),
                                            plain(d.account).casefold(), plain(d.name).casefold()}]
    return exact or [d for d in deals if folded in plain(d.label).casefold()]


def resolve_deal(text: str, deals: list[DealRecord]) -> tuple[DealRecord | None, int]:
    """The deal a typed text means (external id, or a unique match on id, account or name) and how many match."""
    found = matching_deals(text, deals)
    return (found[0] if len(found) == 1 else None), len(found)


class ActivityForm(FormScreen[ActivityRecord | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("enter", "save", "Save", id="form.save"),
        Binding("ctrl+s", "save(True)", "Save + another", key_display="^s", id="form.save_another"),
        *(Binding(key, f"kind('{value}')", label, show=False, id=f"form.kind.{value}") for value, key, label in KINDS),
        *(Binding(key, f"outcome('{value}')", label, show=False, id=f"form.outcome.{value}")
          for value, key, label in OUTCOMES),
    ]

    @dataclass
    class Saved(Message):
        record: ActivityRecord
        again: bool

    @dataclass
    class Failed(Message):
        problem: str
        fields: list[str]

    @dataclass
    class DealsLoaded(Message):
        deals: list[DealRecord]

    def __init__(self, svc: Kpitui, existing: ActivityRecord | None = None, deal: DealRecord | None = None) -> None:
        """`existing`: edit that activity; `deal`: a new activity on that deal."""
        super().__init__(classes="form-screen")
        self.svc = svc
        self.existing = existing
        self.preset_deal = deal
        self.deals: list[DealRecord] = []
        self.saving = False
        self.saved_count = 0
        self._prefill = self._initial_values()
        self._picked_deal: DealRecord | None = None
        """The deal picked from the list of matches, while the deal field shows its label."""
        self._prefill_deal_ref: str | None = None
        """The deal reference behind the prefilled deal text, used while that text is unchanged."""
        if existing is not None and existing.deal_id is not None:
            self._prefill_deal_ref = existing.deal_ref
        elif existing is None and deal is not None:
            self._prefill_deal_ref = deal_ref(deal)

    def _initial_values(self) -> dict[str, str]:
        record = self.existing
        if record is None:
            deal = "" if self.preset_deal is None else plain(self.preset_deal.external_id or self.preset_deal.label)
            return {"kind": "call", "outcome": "", "when": "now", "duration": "", "deal": deal, "note": ""}
        return {"kind": record.kind, "outcome": record.outcome or "",
                "when": record.occurred_at.astimezone(self.svc.zone).strftime("%Y-%m-%d %H:%M"),
                "duration": "" if record.duration_min is None else str(record.duration_min),
                "deal": plain(record.deal or ""), "note": clean_text(record.note).replace("\n", " ")}

    # -- layout ----------------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        values = self._prefill
        with Vertical(id="form", classes="form") as form:
            form.border_title = "Log activity" if self.existing is None else f"Edit activity #{self.existing.id}"
            form.border_subtitle = "Enter save · ^s save + another · Esc cancel"
            with Horizontal(classes="field"):
                yield Label("Kind", classes="field-label")
                yield ChoiceRow(KINDS, values["kind"], id="kind")
            with Horizontal(classes="field", id="outcome-field"):
                yield Label("Outcome", classes="field-label")
                yield ChoiceRow(OUTCOMES, values["outcome"], id="outcome")
            with Horizontal(classes="field"):
                yield Label("When", classes="field-label")
                yield Input(values["when"], placeholder="now, today 14:00, yesterday 9:30, 2026-10-05 14:00",
                            id="when", select_on_focus=True)
                yield Static(id="when-hint", classes="hint", markup=False)
            with Horizontal(classes="field"):
                yield Label("Minutes", classes="field-label")
                yield Input(values["duration"], placeholder="optional", id="duration", restrict=r"\d{0,4}",
                            classes="short")
            with Horizontal(classes="field"):
                yield Label("Deal", classes="field-label")
                yield Input(values["deal"], placeholder="optional: id, account or name", id="deal")
                yield Static(id="deal-hint", classes="hint", markup=False)
            yield DealMatches(id="deal-matches")
            with Horizontal(classes="field"):
                yield Label("Note", classes="field-label")
                yield Input(values["note"], placeholder="optional", id="note", max_length=4000)
            yield Static(id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Save ⏎", id="save", variant="primary", compact=True)
                yield Button("Save + another ^s", id="again", compact=True)
                yield Button("Cancel esc", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        if self.app.is_headless:  # tests and screenshots: a steady cursor
            for field in self.query(Input):
                field.cursor_blink = False
        self._kind_changed(self._prefill["kind"])
        self._update_when_hint(self._prefill["when"])
        self.query_one("#kind", ChoiceRow).focus()
        self.load_deals()

    @work(thread=True, exclusive=True, group="form-deals", exit_on_error=False)
    def load_deals(self) -> None:
        try:
            deals = self.svc.deals(open_only=True)
        except KpituiError:
            return
        self.post_message(self.DealsLoaded(deals))

    def on_activity_form_deals_loaded(self, message: DealsLoaded) -> None:
        self.deals = message.deals
        choices: list[str] = []
        for deal in message.deals:
            for text in (deal.external_id, deal.account, deal.name):
                cleaned = plain(text)
                if cleaned and cleaned not in choices:
                    choices.append(cleaned)
        self.query_one("#deal", Input).suggester = SuggestFromList(choices, case_sensitive=False)
        self._update_deal_hint(self.query_one("#deal", Input).value)

    # -- live hints ------------------------------------------------------------------------------------------------
    @on(ChoiceRow.Changed, "#kind")
    def _on_kind(self, event: ChoiceRow.Changed) -> None:
        self._kind_changed(event.value)

    def _kind_changed(self, kind: str) -> None:
        self.query_one("#outcome-field").display = kind == "call"

    @on(Input.Changed, "#when")
    def _on_when(self, event: Input.Changed) -> None:
        self._update_when_hint(event.value)

    def _update_when_hint(self, text: str) -> None:
        hint = self.query_one("#when-hint", Static)
        try:
            moment = parse_when(text, self.svc.now(), self.svc.zone)
        except KpituiError:
            hint.update(Content.styled("?", "$text-error"))
            return
        hint.update(Content.styled(moment.astimezone(self.svc.zone).strftime("%a %d %b %H:%M"), "$text-muted"))

    @on(Input.Changed, "#deal")
    def _on_deal(self, event: Input.Changed) -> None:
        self._update_deal_hint(event.value)

    def _update_deal_hint(self, text: str) -> None:
        hint = self.query_one("#deal-hint", Static)
        if not text.strip():
            hint.update("")
            return
        if text == self._prefill["deal"] and self._prefill_deal_ref is not None:
            label = self.preset_deal.label if self.preset_deal is not None else "(unchanged)"
            hint.update(Content.styled(plain(label), "$text-muted"))
            return
        picked = self._picked_deal
        matches = [picked] if picked is not None and text == plain(picked.label) else matching_deals(text, self.deals)
        self.query_one("#deal-matches", DealMatches).show(matches)
        if len(matches) == 1:
            hint.update(Content.styled("→ " + plain(matches[0].label), "$text-success"))
        elif matches:
            hint.update(Content.styled(f"{len(matches)} deals match: Tab, ↑↓, Enter picks", "$text-warning"))
        else:
            hint.update(Content.styled("no open deal matches", "$text-warning"))

    @on(DealMatches.Picked)
    def _on_deal_picked(self, event: DealMatches.Picked) -> None:
        self._picked_deal = event.deal
        self.query_one("#deal", Input).value = plain(event.deal.label)  # the hint and the list follow (Changed)
        self.query_one("#note", Input).focus()

    # -- keys ------------------------------------------------------------------------------------------------------
    def action_kind(self, kind: str) -> None:
        self.query_one("#kind", ChoiceRow).value = kind

    def action_outcome(self, outcome: str) -> None:
        if self.query_one("#kind", ChoiceRow).value != "call":
            self.query_one("#kind", ChoiceRow).value = "call"
        row = self.query_one("#outcome", ChoiceRow)
        row.value = "" if row.value == outcome else outcome

    # -- saving ----------------------------------------------------------------------------------------------------
    def _values(self) -> dict[str, object]:
        kind = self.query_one("#kind", ChoiceRow).value
        outcome = self.query_one("#outcome", ChoiceRow).value if kind == "call" else ""
        when_text = self.query_one("#when", Input).value
        when: str | datetime = when_text
        if self.existing is not None and when_text == self._prefill["when"]:
            when = self.existing.occurred_at  # keep the seconds of the stored moment
        deal_text = self.query_one("#deal", Input).value.strip()
        deal: str | None = None
        if deal_text:
            if deal_text == self._prefill["deal"] and self._prefill_deal_ref is not None:
                deal = self._prefill_deal_ref
            elif self._picked_deal is not None and deal_text == plain(self._picked_deal.label):
                deal = deal_ref(self._picked_deal)
            else:
                found, _ = resolve_deal(deal_text, self.deals)
                deal = deal_ref(found) if found is not None else deal_text
        note = self.query_one("#note", Input).value
        if self.existing is not None and note == self._prefill["note"]:
            note = self.existing.note  # keep line breaks the one-line field cannot show
        duration = self.query_one("#duration", Input).value.strip()
        return {"kind": kind, "when": when, "outcome": outcome or None, "duration_min": duration or None,
                "deal": deal, "note": note}

    def save(self, again: bool = False) -> None:
        if self.saving:
            return
        self.saving = True
        self._show_problem("", [])
        self.write(self._values(), again and self.existing is None)

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def write(self, values: dict[str, object], again: bool) -> None:
        try:
            if self.existing is None:
                record = self.svc.log_activity(**values)  # type: ignore[arg-type]
            else:
                record = self.svc.update_activity(self.existing.id, **values)  # type: ignore[arg-type]
        except KpituiError as exc:
            self.post_message(self.Failed(*self._explain(exc)))
            return
        except Exception as exc:  # shown in the form, which stays open
            self.post_message(self.Failed(problem(exc), []))
            return
        self.post_message(self.Saved(record, again))

    @staticmethod
    def _explain(exc: KpituiError) -> tuple[str, list[str]]:
        """The message in the form's words, and which fields to mark."""
        problems = getattr(exc, "problems", None)
        if problems:
            lines, fields = [], []
            for name, message in problems:
                widget, label = FIELDS.get(name, ("", name))
                lines.append(f"{label}: {message}" if label else message)
                if widget:
                    fields.append(widget)
            return "; ".join(lines), fields
        text = str(exc)
        head = text.split(":", 1)[0].strip()
        if head in FIELDS:
            return text, [FIELDS[head][0]]
        if isinstance(exc, NotFound) and "deal" in text:
            return f"Deal: {text}", ["deal"]
        if "is not a moment" in text or "say the time" in text or "time of day" in text:
            return f"When: {text}", ["when"]
        return text, []

    def on_activity_form_failed(self, message: Failed) -> None:
        self.saving = False
        self._show_problem(message.problem, message.fields)
        if message.fields:
            target = self.query_one(f"#{message.fields[0]}")
            if target.focusable:
                target.focus()

    def _show_problem(self, text: str, fields: list[str]) -> None:
        self.query_one("#form-error", Static).update(Content(clean_text(text)))
        self.query_one("#form-error").set_class(bool(text), "-shown")
        for widget_id in ("kind", "outcome", "when", "duration", "deal", "note"):
            self.query_one(f"#{widget_id}").set_class(widget_id in fields, "-invalid")

    def on_activity_form_saved(self, message: Saved) -> None:
        self.saving = False
        record = message.record
        when = record.occurred_at.astimezone(self.svc.zone).strftime("%a %d %b %H:%M")
        verb = "Logged" if self.existing is None else "Saved"
        self.app.data_changed.publish("activities")  # type: ignore[attr-defined]
        if message.again:
            self.saved_count += 1
            self.notify(f"{verb} {record.kind} #{record.id} at {when}: log the next one", markup=False)
            self._reset()
        else:
            self.notify(f"{verb} {record.kind} #{record.id} at {when}", markup=False)
            self.dismiss(record)

    def _reset(self) -> None:
        """Ready for the next activity of the same kind and outcome, happening now."""
        self.query_one("#when", Input).value = "now"
        for widget_id in ("duration", "deal", "note"):
            self.query_one(f"#{widget_id}", Input).value = ""
        self.query_one("#kind", ChoiceRow).focus()
