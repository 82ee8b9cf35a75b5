"""Who are you? A searchable list of reps, shown when neither --as nor KPITUI_USER names someone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from kpitui.domain.errors import KpituiError
from kpitui.domain.text import name_key
from kpitui.services import Kpitui
from kpitui.ui.show import plain, problem

if TYPE_CHECKING:
    from kpitui.ui.app import KpituiApp


@dataclass(frozen=True)
class Person:
    id: int
    name: str  # cleaned, for display
    team: str
    ref: str  # as stored, to sign in with

    def matches(self, query: str) -> bool:
        folded = name_key(query)  # as names are compared everywhere: NFKC, case-folded
        return not folded or folded in name_key(self.name) or folded in name_key(self.team)


class RepPicker(Screen[None]):
    BINDINGS = [
        Binding("enter", "choose", "Sign in", priority=True),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("escape", "clear", "Clear filter"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    @dataclass
    class Loaded(Message):
        people: list[Person]

    def __init__(self, svc: Kpitui, *, demo: bool = False, problem: str | None = None) -> None:
        super().__init__(id="picker", classes="picker")
        self.svc = svc
        self.demo = demo
        self.problem = problem
        self.people: list[Person] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Who are you?", "bold"), id="picker-title")
        if self.demo:
            today = self.svc.today()
            yield Static(Content(f"Demo data as of {today:%a %d %b %Y} (the clock is frozen there): "
                                 "pick anyone to look around."), id="picker-demo")
        yield Static(Content(plain(self.problem or "")), id="picker-problem")
        yield Input(placeholder="Type to filter by name or team, or your email", id="picker-filter")
        yield OptionList(id="picker-list")
        yield Static(Content("↑/↓ choose · Enter sign in · not listed? type your email and press Enter"),
                     id="picker-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#picker-problem").display = bool(self.problem)
        self.load_people()

    @work(thread=True, exclusive=True, group="picker", exit_on_error=False)
    def load_people(self) -> None:
        try:
            everyone = self.svc.people()
        except Exception as exc:  # shown, never a dead worker
            self.app.call_from_thread(self._show_problem, problem(exc))
            return
        people = [Person(r.id, plain(r.name), plain(r.team or ""), r.email or r.name) for r in everyone]
        self.post_message(self.Loaded(people))

    def on_rep_picker_loaded(self, message: Loaded) -> None:
        self.people = message.people
        self._fill(self.query_one("#picker-filter", Input).value)
        if not self.people:
            self._show_problem(f"Nobody here yet: {self.svc.db.url} has no reps. Add them with "
                               "`kpitui import reps FILE` (name, email, team, role, active), or try `kpitui demo`.")

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        options.add_options(
            Option(Content.assemble((p.name, "bold"), ("  " + p.team, "$text-muted")), id=str(p.id))
            for p in self.people if p.matches(query))
        if options.option_count and query.strip():  # nobody is preselected until you type or press ↓
            options.highlighted = 0

    def action_move(self, delta: int) -> None:
        options = self.query_one("#picker-list", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -delta
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def action_clear(self) -> None:
        self.query_one("#picker-filter", Input).value = ""

    def action_choose(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        typed = self.query_one("#picker-filter", Input).value.strip()
        if options.highlighted is not None and options.option_count:
            option_id = options.get_option_at_index(options.highlighted).id
            person = next(p for p in self.people if str(p.id) == option_id)
            self._sign_in(person.ref)
        elif typed:
            self._sign_in(typed)
        else:
            self.app.bell()

    @on(OptionList.OptionSelected, "#picker-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        person = next(p for p in self.people if str(p.id) == event.option.id)
        self._sign_in(person.ref)

    def _sign_in(self, ref: str) -> None:
        try:
            cast("KpituiApp", self.app).sign_in(ref)
        except KpituiError as exc:
            self._show_problem(str(exc))

    def _show_problem(self, message: str) -> None:
        problem = self.query_one("#picker-problem", Static)
        problem.update(Content(plain(message)))
        problem.display = True
