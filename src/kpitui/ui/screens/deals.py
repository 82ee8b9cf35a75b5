"""My open pipeline by stage: a new deal (`n`), move one (`m`), close it won (`w`) or lost (`x`), log an activity
on it (`a`); `c` shows the closed deals instead, newest first, where `o` reopens one.

Stages come in the pipeline's order (domain/pipeline.py). The text columns (account, name) share what the
width leaves after the others, so Amount is never cut at 80 columns and a wide terminal shows whole names.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from kpitui.domain.formatting import format_money
from kpitui.domain.pipeline import Pipeline
from kpitui.domain.records import DealRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.show import plain, problem, user_text
from kpitui.ui.widgets.banner import RepBanner

OPEN_ONLY = {"move", "log_on_deal"}
CLOSED_ONLY = {"reopen"}
MIN_TEXT = 8  # the narrowest account / name column


def text_widths(available: int, account_need: int, name_need: int) -> tuple[int, int]:
    """The account and name columns' widths from what the other columns leave: whole when they fit, else name
    gets three fifths and what it does not need goes back to account."""
    if account_need + name_need <= available:
        return account_need, name_need
    account = max(MIN_TEXT, min(account_need, available * 2 // 5))
    name = max(MIN_TEXT, min(name_need, available - account))
    return max(MIN_TEXT, min(account_need, available - name)), name


class MyDeals(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("n", "app.new_deal", "New", id="deal.new"),
        Binding("m", "move('move')", "Move stage", id="deal.move"),
        Binding("w", "move('won')", "Won", id="deal.won"),
        Binding("x", "move('lost')", "Lost", id="deal.lost"),
        Binding("o", "reopen", "Reopen", id="deal.reopen"),
        Binding("c", "toggle_closed", "Closed", id="deal.closed", tooltip="closed deals / open pipeline"),
        Binding("a", "log_on_deal", "Log on deal", id="deal.log"),
        Binding("g", "app.go_menu", "Go to", id="go.menu"),
        Binding("r", "reload", "Refresh", show=False, id="deal.reload"),
    ]

    @dataclass
    class Loaded(Message):
        deals: list[DealRecord]
        pipeline: Pipeline
        closed: bool

    @dataclass
    class Failed(Message):
        problem: str

    @dataclass
    class Reopened(Message):
        deal: DealRecord

    def __init__(self, svc: Kpitui) -> None:
        super().__init__(id="deals", classes="rep-screen")
        self.svc = svc
        self.deals: dict[str, DealRecord] = {}
        self.pipeline = Pipeline(())
        self.showing_closed = False
        self._shown: list[DealRecord] = []

    def compose(self) -> ComposeResult:
        yield RepBanner(place="Deals", id="banner")
        yield Static(id="deal-summary", markup=False)
        yield DataTable[Text](id="deal-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def _show_banner(self) -> None:
        actor = self.svc.actor
        assert actor is not None
        banner = self.query_one(RepBanner)
        banner.place = "Closed" if self.showing_closed else "Deals"
        banner.show(actor.name, actor.team, self.app.period, self.svc.today(), self.svc.calendar)  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self._show_banner()
        self.app.data_changed.subscribe(self, lambda _what: self.action_reload())  # type: ignore[attr-defined]
        self.query_one(DataTable).focus()
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Open deals move, close and take activities; closed ones reopen (the footer shows what applies)."""
        if action in OPEN_ONLY and self.showing_closed:
            return False
        return not (action in CLOSED_ONLY and not self.showing_closed)

    def action_reload(self) -> None:
        self.load(self.showing_closed)

    def action_toggle_closed(self) -> None:
        self.showing_closed = not self.showing_closed
        self.refresh_bindings()
        self._show_banner()
        self.action_reload()

    @work(thread=True, exclusive=True, group="deals", exit_on_error=False)
    def load(self, closed: bool) -> None:
        try:
            deals = self.svc.deals(open_only=not closed, closed_only=closed)
            pipeline = self.svc.pipeline()
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Loaded(deals, pipeline, closed))

    def on_my_deals_loaded(self, message: Loaded) -> None:
        if message.closed != self.showing_closed:
            return  # a load for the view just left
        self.pipeline = message.pipeline
        if message.closed:
            deals = sorted(message.deals, key=lambda d: (d.closed_on, d.id), reverse=True)
        else:
            deals = sorted(message.deals, key=lambda d: (self.pipeline.order_key(d.stage), -(d.amount or 0), d.id))
        self._shown = deals
        self._fill()
        self._summarise(deals)

    def on_resize(self, event: events.Resize) -> None:
        if self._shown:
            self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        selected = self.selected
        deals = self._shown
        closed = self.showing_closed
        today = self.svc.today()
        stage_w = max([5, *(len(plain(d.stage)) for d in deals)])
        deal_w = max([4, *(len(plain(d.external_id or f"#{d.id}")) for d in deals)])
        amounts = ["—" if d.amount is None else format_money(d.amount) for d in deals]
        amount_w = max([6, *(len(a) for a in amounts)])
        ages = [f"{((d.closed_on or today) - d.created_on).days} d" for d in deals]
        age_w = max([3, *(len(a) for a in ages)])
        width = self.size.width or self.app.size.width
        # 2 cells of padding per column, 2 for the scrollbar and the table's edge
        fixed = stage_w + deal_w + amount_w + age_w + 2 * 6 + 2
        show_date = width - fixed - 12 >= 2 * MIN_TEXT + 12  # the date column only when the text still fits
        account_w, name_w = text_widths(width - fixed - (12 if show_date else 0),
                                        max([7, *(len(plain(d.account)) for d in deals)]),
                                        max([4, *(len(plain(d.name)) for d in deals)]))
        table.clear(columns=True)
        # explicit widths: the same on every refill, whatever the table measured before
        columns = [("Stage", "stage", stage_w), ("Deal", "deal", deal_w), ("Account", "account", account_w),
                   ("Name", "name", name_w), ("Amount", "amount", amount_w)]
        if show_date:
            columns.append(("Closed" if closed else "Created", "date", 10))
        columns.append(("Cycle" if closed else "Age", "age", max(age_w, 5)))
        for label, key, column_width in columns:
            table.add_column(label, key=key, width=column_width)
        styles = {"won": "bold green", "lost": "red"}  # Rich styles: DataTable cells know no $variables
        for deal, amount, age in zip(deals, amounts, ages, strict=True):
            day = deal.closed_on if closed and deal.closed_on else deal.created_on
            cells = [user_text(deal.stage, style="bold" if not closed else styles.get(deal.outcome, "bold")),
                     user_text(deal.external_id or f"#{deal.id}"), user_text(deal.account, limit=account_w),
                     user_text(deal.name, limit=name_w), Text(amount, justify="right")]
            if show_date:
                cells.append(Text(day.isoformat()))
            cells.append(Text(age, justify="right"))
            table.add_row(*cells, key=str(deal.id))
        self.deals = {str(d.id): d for d in deals}
        if selected is not None and str(selected.id) in self.deals:
            table.move_cursor(row=table.get_row_index(str(selected.id)))

    def _summarise(self, deals: list[DealRecord]) -> None:
        total = sum((d.amount or Decimal(0) for d in deals), Decimal(0))
        if self.showing_closed:
            won = [d for d in deals if d.outcome == "won"]
            won_amount = sum((d.amount or Decimal(0) for d in won), Decimal(0))
            summary = Content.assemble(("Closed ", "$text-muted"),
                                       (f"{len(deals)} deal{'' if len(deals) == 1 else 's'}", "bold"),
                                       (f" · won {len(won)} · {format_money(won_amount, compact=True)}",
                                        "$text-muted"), ("  │  o: reopen · c: open pipeline", "$text-muted"))
            self.query_one("#deal-summary", Static).update(summary)
            return
        parts = [Content.assemble(("Open pipeline ", "$text-muted"), (format_money(total, compact=True), "bold"),
                                  (f" in {len(deals)} deals", "$text-muted"))]
        stages = [*self.pipeline.stages, *sorted({d.stage for d in deals} - set(self.pipeline.stages))]
        for stage in stages:
            in_stage = [d for d in deals if d.stage == stage]
            if not in_stage:
                continue
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
        if deal is None or self.showing_closed:
            self.app.bell()
            return
        from kpitui.ui.screens.deal_form import DealForm

        stages = list(self.pipeline.stages)
        self.app.open_screen(DealForm(self.svc, deal, mode, stages))  # type: ignore[arg-type, attr-defined]

    def action_reopen(self) -> None:
        deal = self.selected
        if deal is None or not self.showing_closed:
            self.app.bell()
            return
        self.reopen(deal)

    @work(thread=True, exclusive=True, group="deal-reopen", exit_on_error=False)
    def reopen(self, deal: DealRecord) -> None:
        try:
            reopened = self.svc.reopen_deal(deal.id)
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Reopened(reopened))

    def on_my_deals_reopened(self, message: Reopened) -> None:
        deal = message.deal
        self.notify(clean_text(f"{deal.label}: open again, in {deal.stage}"), title="Deal reopened", markup=False)
        self.app.data_changed.publish("deals")  # type: ignore[attr-defined]

    def action_log_on_deal(self) -> None:
        if self.showing_closed:
            self.app.bell()
            return
        from kpitui.ui.screens.activity_form import ActivityForm

        self.app.open_screen(ActivityForm(self.svc, deal=self.selected))  # type: ignore[attr-defined]
