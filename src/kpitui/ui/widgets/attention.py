"""The manager's "Needs attention" panel beside the leaderboard: the rules of `kpitui alerts` (behind pace,
nothing logged for 2 working days, stalled deals) for the period and team in view, loaded in a thread worker.
Enter on an item opens that rep's drill-down (the panel posts `OpenRep`; the screen opens it)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kpitui.domain.alerts import Alert, AlertsReport
from kpitui.domain.periods import Period
from kpitui.services import Kpitui
from kpitui.ui.show import plain, problem

CODE_WORDS = {"behind_pace": ("behind pace", "$text-warning"), "no_activity": ("quiet", "$text-error"),
              "stalled_deal": ("stalled deal", "$text-accent")}


def alert_prompt(alert: Alert) -> Content:
    """One item: who and what in the first line, the message (numbers included) below; user text literal."""
    word, style = CODE_WORDS.get(alert.code, (alert.code, ""))
    return Content.assemble((plain(alert.rep), "bold"), "  ", (word, style), "\n",
                            (plain(alert.message), "$text-muted"))


class AttentionPanel(Vertical):
    BINDINGS = [Binding("escape", "leave", "Board", show=False, id="attention.leave",
                        tooltip="back to the leaderboard")]

    @dataclass
    class Loaded(Message):
        period: Period
        team: str | None
        report: AlertsReport
        prompts: list[Content]

    @dataclass
    class Failed(Message):
        problem: str

    @dataclass
    class OpenRep(Message):
        """Enter on an item: the screen opens this rep's drill-down."""

        rep_id: int

    @dataclass
    class Leave(Message):
        """Esc: the screen gives the focus back to the leaderboard."""

    def __init__(self, svc: Kpitui, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="panel")
        self.svc = svc
        self.wanted: tuple[Period, str | None] | None = None
        self.report: AlertsReport | None = None
        self.border_title = "Needs attention"
        self.border_subtitle = "a focus · Enter drill in"

    def compose(self) -> ComposeResult:
        yield OptionList(id="attention-list")
        yield Static(Content.styled("Loading…", "$text-muted"), id="attention-empty")

    def load(self, period: Period, team: str | None) -> None:
        self.wanted = (period, team)
        self.fetch(period, team)

    @work(thread=True, exclusive=True, group="attention", exit_on_error=False)
    def fetch(self, period: Period, team: str | None) -> None:
        try:
            report = self.svc.alerts(period, team=team)
            prompts = [alert_prompt(a) for a in report.alerts]
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Loaded(period, team, report, prompts))

    def on_attention_panel_loaded(self, message: Loaded) -> None:
        message.stop()
        if (message.period, message.team) != self.wanted:
            return  # an older request finished after the view changed
        self.report = message.report
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(Option(prompt, id=str(i)) for i, prompt in enumerate(message.prompts))
        if message.prompts:
            options.highlighted = min(highlighted or 0, len(message.prompts) - 1)
        count = len(message.prompts)
        self.border_title = f"Needs attention ({count})" if count else "Needs attention"
        empty = self.query_one("#attention-empty", Static)
        empty.update(Content.styled("Nobody needs attention: everyone is on pace, active, and no deal has "
                                    "stalled.", "$text-muted"))
        empty.display = not count
        options.display = bool(count)

    def on_attention_panel_failed(self, message: Failed) -> None:
        message.stop()
        self.query_one("#attention-empty", Static).update(Content.styled(message.problem, "$text-error"))

    @on(OptionList.OptionSelected, "#attention-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.report is not None and 0 <= event.option_index < len(self.report.alerts):
            self.post_message(self.OpenRep(self.report.alerts[event.option_index].rep_id))

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    @property
    def selected(self) -> Alert | None:
        index = self.query_one(OptionList).highlighted
        if self.report is None or index is None or not 0 <= index < len(self.report.alerts):
            return None
        return self.report.alerts[index]

    def focus_list(self) -> None:
        options = self.query_one(OptionList)
        if options.display:
            options.focus()
        else:
            self.focus()
