"""Every key of every screen, read from the screens' own BINDINGS so the list cannot go stale."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


def sections() -> list[tuple[str, list[Binding]]]:
    from kpitui.ui.app import KpituiApp
    from kpitui.ui.screens.activities import ActivityList
    from kpitui.ui.screens.activity_form import ActivityForm
    from kpitui.ui.screens.columns import ColumnChooser
    from kpitui.ui.screens.deal_form import DealForm
    from kpitui.ui.screens.deals import MyDeals
    from kpitui.ui.screens.go_to import GoTo
    from kpitui.ui.screens.home import RepHome
    from kpitui.ui.screens.leaderboard import ManagerHome
    from kpitui.ui.screens.new_deal import NewDealForm
    from kpitui.ui.screens.picker import RepPicker
    from kpitui.ui.screens.rep_detail import RepDetail
    from kpitui.ui.screens.standup import Standup
    from kpitui.ui.screens.target_history import TargetHistory
    from kpitui.ui.screens.targets import TargetInput, TargetsEditor
    from kpitui.ui.screens.team_funnel import TeamFunnel

    def bindings(owner: type) -> list[Binding]:
        return [b for b in owner.BINDINGS if isinstance(b, Binding)]

    everywhere = [*bindings(KpituiApp),
                  Binding("ctrl+p", "command_palette", "Commands: log, period, go to, export"),
                  Binding("ctrl+q", "quit", "Quit")]
    return [("Everywhere", everywhere), ("Home", bindings(RepHome)), ("Log / edit activity", bindings(ActivityForm)),
            ("Activities (l)", bindings(ActivityList)), ("My deals (D)", bindings(MyDeals)),
            ("Move / close a deal", bindings(DealForm)), ("New deal (n)", bindings(NewDealForm)),
            ("Go to (g)", bindings(GoTo)),
            ("Who are you?", bindings(RepPicker)),
            ("Leaderboard (managers)", bindings(ManagerHome)), ("Leaderboard columns (c)", bindings(ColumnChooser)),
            ("Team funnel (Enter on Σ)", bindings(TeamFunnel)), ("Rep drill-down", bindings(RepDetail)),
            ("Targets (e)", bindings(TargetsEditor)), ("Edit a target", bindings(TargetInput)),
            ("Target history (h)", bindings(TargetHistory)), ("Standup (S)", bindings(Standup))]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "app.pop_screen", "Close", key_display="esc", id="help.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="menu") as box:
            box.border_title = "Keys"
            box.border_subtitle = "esc to close"
            yield Static("Letters work while the cursor is not in a text field; in a field they type.",
                         classes="hint", markup=False)
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True, show_header=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Where", key="where")
        table.add_column("Key", key="key")
        table.add_column("Does", key="does")
        for title, bindings in sections():
            for index, binding in enumerate(bindings):
                keys = binding.key_display or ", ".join(self.app.get_key_display(Binding(k, ""))
                                                        for k in binding.key.split(","))
                if binding.key_display and "," in binding.key:
                    others = binding.key.split(",")[1:]
                    keys = ", ".join([binding.key_display, *(self.app.get_key_display(Binding(k, ""))
                                                             for k in others)])
                does = binding.description or binding.action
                if binding.tooltip:
                    does = f"{does}: {binding.tooltip}"
                table.add_row(Text(title if index == 0 else "", style="bold"), Text(keys), Text(does))
        table.focus()
