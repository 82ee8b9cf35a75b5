"""My open pipeline by stage: move a deal (`m`), close it won (`w`) or lost (`x`), log an activity on it (`a`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from kpitui.domain.formatting import format_money
from kpitui.domain.records import DealRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.show import plain, problem, user_text
from kpitui.ui.widgets.banner import RepBanner


def stage_order(deals: list[DealRecord]) -> list[str]:
    """Stages in pipeline order as far as the data tells it: by the mean age of their deals, oldest last."""
    ages: dict[str, list[int]] = defaultdict(list)
    for deal in deals:
        ages[deal.stage].append(deal.created_on.toordinal())
    return sorted(ages, key=lambda s: (-sum(ages[s]) / len(ages[s]), s.casefold()))


class MyDeals(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("m", "move('move')", "Move stage", id="deal.move"),
        Binding("w", "move('won')", "Won", id="deal.won"),
        Binding("x", "move('lost')", "Lost", id="deal.lost"),
        Binding("a", "log_on_deal", "Log on deal", id="deal.log"),
        Binding("g", "app.go_menu", "Go to", id="go.menu"),
        Binding("r", "reload", "Refresh", show=False, id="deal.reload"),
    ]

    @dataclass
    class Loaded(Message):
        deals: list[DealRecord]

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui) -> None:
        super().__init__(id="deals", classes="rep-screen")
        self.svc = svc
        self.deals: dict[str, DealRecord] = {}

    def compose(self) -> ComposeResult:
        yield RepBanner(place="Deals", id="banner")
        yield Static(id="deal-summary", markup=False)
        table: DataTable[Text] = DataTable(id="deal-table", cursor_type="row", zebra_stripes=True)
        # Amount before the free text, so 80 columns show it; account and name take what is left
        for label, key in (("Stage", "stage"), ("Deal", "deal"), ("Amount", "amount"), ("Age", "age"),
                           ("Account", "account"), ("Name", "name"), ("Created", "created")):
            table.add_column(label, key=key)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        actor = self.svc.actor
        assert actor is not None
        self.query_one(RepBanner).show(actor.name, actor.team, self.app.period, self.svc.today(), self.svc.calendar)  # type: ignore[attr-defined]
        self.app.data_changed.subscribe(self, lambda _what: self.action_reload())  # type: ignore[attr-defined]
        self.query_one(DataTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="deals", exit_on_error=False)
    def load(self) -> None:
        try:
            deals = self.svc.deals(open_only=True)
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Loaded(deals))

    def on_my_deals_loaded(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        selected = self.selected
        table.clear()
        order = stage_order(message.deals)
        deals = sorted(message.deals, key=lambda d: (order.index(d.stage), -(d.amount or 0), d.id))
        self.deals = {str(d.id): d for d in deals}
        today = self.svc.today()
        for deal in deals:
            table.add_row(
                user_text(deal.stage, style="bold"), user_text(deal.external_id or f"#{deal.id}"),
                Text("—" if deal.amount is None else format_money(deal.amount), justify="right"),
                Text(f"{(today - deal.created_on).days} d", justify="right"),
                user_text(deal.account, limit=28), user_text(deal.name, limit=36),
                Text(deal.created_on.isoformat()), key=str(deal.id))
        if selected is not None and str(selected.id) in self.deals:
            table.move_cursor(row=table.get_row_index(str(selected.id)))
        self._summarise(deals, order)

    def _summarise(self, deals: list[DealRecord], order: list[str]) -> None:
        total = sum((d.amount or Decimal(0) for d in deals), Decimal(0))
        parts = [Content.assemble(("Open pipeline ", "$text-muted"), (format_money(total, compact=True), "bold"),
                                  (f" in {len(deals)} deals", "$text-muted"))]
        for stage in order:
            in_stage = [d for d in deals if d.stage == stage]
            amount = sum((d.amount or Decimal(0) for d in in_stage), Decimal(0))
            parts.append(Content.assemble((plain(stage), "bold"),
                                          (f" {len(in_stage)} · {format_money(amount, compact=True)}",
                                           "$text-muted")))
        self.query_one("#deal-summary", Static).update(Content("  │  ").join(parts))

    def on_my_deals_failed(self, message: Failed) -> None:
        self.notify(clean_text(message.problem), severity="error", markup=False)

    @property
    def selected(self) -> DealRecord | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.deals.get(key or "")

    def action_move(self, mode: str) -> None:
        deal = self.selected
        if deal is None:
            self.app.bell()
            return
        from kpitui.ui.screens.deal_form import DealForm

        stages = sorted({d.stage for d in self.deals.values()}, key=str.casefold)
        self.app.open_screen(DealForm(self.svc, deal, mode, stages))  # type: ignore[arg-type, attr-defined]

    def action_log_on_deal(self) -> None:
        from kpitui.ui.screens.activity_form import ActivityForm

        self.app.open_screen(ActivityForm(self.svc, deal=self.selected))  # type: ignore[attr-defined]
