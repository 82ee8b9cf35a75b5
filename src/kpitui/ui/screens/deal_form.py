"""Move a deal to another stage (picked from the pipeline's list: Enter on a stage saves), or close it won / lost
with the amount and the date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from kpitui.domain.records import DealRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.screens.form import FormScreen
from kpitui.ui.show import plain, problem

Mode = Literal["move", "won", "lost"]
TITLES = {"move": "Move deal", "won": "Mark deal won", "lost": "Mark deal lost"}
FIELD_WIDGETS = {"stage": "stage-list", "amount": "amount", "closed_on": "closed-on"}


class DealForm(FormScreen[DealRecord | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="deal_form.cancel"),
        Binding("enter", "save", "Save", id="deal_form.save"),
    ]

    @dataclass
    class Saved(Message):
        deal: DealRecord

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui, deal: DealRecord, mode: Mode, stages: list[str]) -> None:
        """`stages`: the pipeline's open stages in order (the deal's own is added when the pipeline lacks it)."""
        super().__init__(classes="form-screen")
        self.svc = svc
        self.deal = deal
        self.mode = mode
        self.stages = stages if deal.stage in stages else [*stages, deal.stage]
        self.saving = False

    def compose(self) -> ComposeResult:
        deal = self.deal
        with Vertical(id="deal-form", classes="form") as form:
            form.border_title = TITLES[self.mode]
            form.border_subtitle = "Enter save · Esc cancel"
            yield Static(Content(plain(deal.label)), id="deal-form-deal", markup=False)
            with Horizontal(classes="field -tall" if self.mode == "move" else "field"):
                yield Label("Stage", classes="field-label")
                if self.mode == "move":
                    stages = OptionList(*(Option(Content(plain(s)), id=str(i)) for i, s in enumerate(self.stages)),
                                        id="stage-list", compact=True)
                    stages.highlighted = self.stages.index(deal.stage)
                    yield stages
                else:
                    yield Static(Content.styled(self.mode, "bold"), id="stage-fixed")
            if self.mode != "move":
                with Horizontal(classes="field"):
                    yield Label("Amount", classes="field-label")
                    yield Input("" if deal.amount is None else f"{deal.amount:.2f}", id="amount",
                                placeholder="keep as is", classes="short")
                with Horizontal(classes="field"):
                    yield Label("Closed on", classes="field-label")
                    yield Input(self.svc.today().isoformat(), id="closed-on", placeholder="YYYY-MM-DD",
                                classes="short")
            if self.mode == "lost":
                with Horizontal(classes="field"):
                    yield Label("Reason", classes="field-label")
                    yield Input(id="reason", placeholder="optional: why it was lost", max_length=500)
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
        if self.mode == "move":
            self.query_one("#stage-list", OptionList).focus()
        elif fields:
            fields[0].focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.save()

    def save(self, again: bool = False) -> None:
        """A deal form has no "again"."""
        if self.saving:
            return
        if self.mode == "move":
            picked = self.query_one("#stage-list", OptionList).highlighted
            stage, amount, closed_on = self.stages[picked or 0], None, None
        else:
            stage = self.mode
            amount = self.query_one("#amount", Input).value.strip() or None
            closed_on = self.query_one("#closed-on", Input).value.strip() or None
        reason = self.query_one("#reason", Input).value if self.mode == "lost" else None
        self.saving = True
        self.write(stage, amount, closed_on, reason)

    @work(thread=True, exclusive=True, group="deal-save", exit_on_error=False)
    def write(self, stage: str, amount: str | None, closed_on: str | None, reason: str | None) -> None:
        try:
            deal = self.svc.move_deal(self.deal.id, stage, amount=amount, closed_on=closed_on, reason=reason)
        except Exception as exc:  # shown in the form, which stays open
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Saved(deal))

    def on_deal_form_failed(self, message: Failed) -> None:
        self.saving = False
        self.query_one("#form-error", Static).update(Content(clean_text(message.problem)))
        self.query_one("#form-error").add_class("-shown")
        head = message.problem.split(":", 1)[0].strip()
        for name, widget_id in FIELD_WIDGETS.items():
            for widget in self.query(f"#{widget_id}"):
                widget.set_class(name == head, "-invalid")

    def on_deal_form_saved(self, message: Saved) -> None:
        self.saving = False
        deal = message.deal
        self.notify(clean_text(f"{deal.label}: {deal.stage}"), title="Deal updated", markup=False)
        self.app.data_changed.publish("deals")  # type: ignore[attr-defined]
        self.dismiss(deal)
