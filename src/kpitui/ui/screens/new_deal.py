"""A new opportunity (`n`): account, name, stage picked from the pipeline, amount. It counts in today's new_opps.

The pipeline is read off the UI thread; until it is there the stage list holds the pipeline's first guess
(nothing), and saving without a stage takes the pipeline's first stage (as `kpitui deal add` does).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Footer, Input, Label, Select, Static

from kpitui.domain.pipeline import Pipeline
from kpitui.domain.records import DealRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.screens.form import FormScreen
from kpitui.ui.show import plain, problem

FIELD_WIDGETS = {"account": "new-account", "name": "new-name", "amount": "new-amount", "stage": "new-stage"}


class NewDealForm(FormScreen[DealRecord | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="new_deal.cancel"),
        Binding("enter", "save", "Save", id="new_deal.save"),
    ]

    @dataclass
    class PipelineLoaded(Message):
        pipeline: Pipeline

    @dataclass
    class Saved(Message):
        deal: DealRecord

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui) -> None:
        super().__init__(classes="form-screen")
        self.svc = svc
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="new-deal-form", classes="form") as form:
            form.border_title = "New deal"
            form.border_subtitle = "Enter save · Esc cancel"
            with Horizontal(classes="field"):
                yield Label("Account", classes="field-label")
                yield Input(id="new-account", placeholder="the customer", max_length=300)
            with Horizontal(classes="field"):
                yield Label("Name", classes="field-label")
                yield Input(id="new-name", placeholder="what is being sold", max_length=300)
            with Horizontal(classes="field"):
                yield Label("Stage", classes="field-label")
                yield Select[str]([], id="new-stage", prompt="first stage", compact=True)
            with Horizontal(classes="field"):
                yield Label("Amount", classes="field-label")
                yield Input(id="new-amount", placeholder="e.g. 12000", classes="short")
            yield Static(id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Save ⏎", id="save", variant="primary", compact=True)
                yield Button("Cancel esc", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        if self.app.is_headless:
            for field in self.query(Input):
                field.cursor_blink = False
        self.query_one("#new-account", Input).focus()
        self.load_pipeline()

    @work(thread=True, exclusive=True, group="new-deal-pipeline", exit_on_error=False)
    def load_pipeline(self) -> None:
        try:
            pipeline = self.svc.pipeline()
        except Exception as exc:  # shown in the form
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.PipelineLoaded(pipeline))

    def on_new_deal_form_pipeline_loaded(self, message: PipelineLoaded) -> None:
        stages = message.pipeline.stages
        select = self.query_one("#new-stage", Select)
        select.set_options([(Content(plain(stage)), stage) for stage in stages])
        if stages:
            select.value = stages[0]

    def save(self, again: bool = False) -> None:
        if self.saving:
            return
        stage = self.query_one("#new-stage", Select).value
        self.saving = True
        self.write(self.query_one("#new-account", Input).value, self.query_one("#new-name", Input).value,
                   self.query_one("#new-amount", Input).value.strip() or None,
                   stage if isinstance(stage, str) else None)

    @work(thread=True, exclusive=True, group="new-deal-save", exit_on_error=False)
    def write(self, account: str, name: str, amount: str | None, stage: str | None) -> None:
        try:
            deal = self.svc.add_deal(account, name, amount, stage=stage)
        except Exception as exc:  # shown in the form, which stays open
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Saved(deal))

    def on_new_deal_form_failed(self, message: Failed) -> None:
        self.saving = False
        self.query_one("#form-error", Static).update(Content(clean_text(message.problem)))
        self.query_one("#form-error").add_class("-shown")
        heads = {part.split(":", 1)[0].strip() for part in message.problem.split(";")}
        for name, widget_id in FIELD_WIDGETS.items():
            self.query_one(f"#{widget_id}").set_class(name in heads, "-invalid")

    def on_new_deal_form_saved(self, message: Saved) -> None:
        self.saving = False
        deal = message.deal
        self.notify(clean_text(f"{deal.label}: {deal.stage}"), title="Deal added", markup=False)
        self.app.data_changed.publish("deals")  # type: ignore[attr-defined]
        self.dismiss(deal)
