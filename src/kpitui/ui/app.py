"""The app: who is signed in, which period is in view, and the actions every screen shares.

`build_app` is the one factory: the CLI, the Pilot tests and the snapshot tests build the app through it.

Start-up: the first frame is painted before the database stack loads. Given a database rather than an open
service (the CLI), the app shows `Opening` at once and opens the service in a thread worker (importing
SQLAlchemy, checking the schema, signing in), then the home of the signed-in role (or the picker) replaces it;
the home fills in from its own workers. So this module imports nothing of `kpitui.services` at the top.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import Notify
from textual.reactive import var
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from kpitui.domain.errors import KpituiError
from kpitui.domain.periods import Period
from kpitui.domain.text import clean_text
from kpitui.ui import period_nav
from kpitui.ui.auto_refresh import AutoRefresh
from kpitui.ui.commands import KpituiCommands
from kpitui.ui.screens.form import FormScreen
from kpitui.ui.show import problem
from kpitui.ui.type_ahead import TypeAhead

if TYPE_CHECKING:
    from kpitui.services import Kpitui
    from kpitui.ui.screens.home import RepHome
    from kpitui.ui.screens.leaderboard import ManagerHome

MANAGER_ROLES = ("manager", "admin")


class KpituiApp(TypeAhead, AutoRefresh, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "kpitui"
    COMMANDS = App.COMMANDS | {KpituiCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", key_display="?", id="help",
                tooltip="every key of every screen"),
    ]

    countdown_clock: Callable[[], float] = staticmethod(time.monotonic)
    """The standup countdown's clock (seconds); tests replace it rather than wait."""

    period: var[Period | None] = var(None)
    """The period every rep screen shows; `[` / `]` / `w` change it."""

    def __init__(self, service: Kpitui | None, *, demo: bool = False, sign_in_problem: str | None = None,
                 standup: bool = False, opener: Callable[[], tuple[Kpitui, str | None]] | None = None,
                 opening: str = "", notice: str | None = None) -> None:
        super().__init__()
        self.notice = notice
        """Shown once at the start (`kpitui demo`: where its database is, how to log into it from a shell)."""
        self.standup = standup
        """Open straight in standup mode (`kpitui standup`)."""
        self.base_service: Kpitui = service  # type: ignore[assignment]  # set by `_opened` when opened later
        self.svc: Kpitui | None = service if service is not None and service.actor is not None else None
        self.opener = opener
        """Opens the service and signs in (a thread worker runs it); None when `service` is given open."""
        self.opening = opening
        """What the start screen says is being opened."""
        self.start_error: BaseException | None = None
        """Why the service could not be opened: the app exits and the CLI reports it (`run_app`)."""
        self.demo = demo
        self.sign_in_problem = sign_in_problem
        self.quitting = False
        self.data_changed: Signal[str] = Signal(self, "data-changed")
        """Published after every write (log, edit, delete, undo, deal move) so screens reload; also with
        "elsewhere" when another process wrote (`watch_database`)."""
        self._change_token: int | None = None
        self._watching = False
        self._views_wanted = 0
        self._held_keys: list[events.Key | events.Paste] | None = None
        self._holding_for: events.Event | None = None
        self._form_opened = False
        self._replaying: events.Event | None = None

    # -- start ---------------------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.notice:
            self.notify(self.notice, title="Demo", timeout=20, markup=False)
        if self.opener is not None:
            from kpitui.ui.screens.opening import Opening

            painted = threading.Event()
            self.push_screen(Opening(self.opening, painted))
            self.open_service(painted)
        else:
            self._start()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_service(self, painted: threading.Event) -> tuple[Kpitui, str | None] | None:
        """The database stack loads here, off the event loop, once the start screen is painted: importing in a
        thread holds the GIL for most of 0.2 s, which would otherwise hold back that first frame. None when the
        database cannot be opened (`start_error` says why; never a failed worker)."""
        assert self.opener is not None
        painted.wait(timeout=2.0)
        try:
            return self.opener()
        except BaseException as exc:  # reported by the CLI once the app has exited
            self.start_error = exc
            return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "open" or event.state != WorkerState.SUCCESS:
            return
        if self.quitting or self._exit or self._closing or self._closed:  # no home for an app on its way out
            return
        if event.worker.result is None:
            self.exit()
        else:
            self._opened(*event.worker.result)

    def _opened(self, service: Kpitui, sign_in_problem: str | None) -> None:
        self.base_service = service
        self.svc = service if service.actor is not None else None
        self.sign_in_problem = sign_in_problem
        self._start(replace=True)

    def _start(self, replace: bool = False) -> None:
        """The signed-in person's home, or the picker when nobody is; from now on, watch for other writers."""
        self.start_watching()
        if self.svc is not None:
            self._open_home(self.svc, replace=replace)
            return
        from kpitui.ui.screens.picker import RepPicker

        picker = RepPicker(self.base_service, demo=self.demo, problem=self.sign_in_problem)
        if replace:
            self.switch_screen(picker)
        else:
            self.push_screen(picker)

    def sign_in(self, ref: str) -> None:
        """Act as the rep named `ref` (email or name); raises NotFound / InvalidInput for the picker to show."""
        from kpitui.services import Kpitui

        base = self.base_service
        svc = Kpitui(base.db, zone=base.zone, actor=ref, clock=base.clock)
        self.svc = svc
        self._open_home(svc, replace=True)

    def _open_home(self, svc: Kpitui, replace: bool = False) -> None:
        """Managers and admins land on the team leaderboard, reps on their own scorecard."""
        from kpitui.ui.screens.home import RepHome
        from kpitui.ui.screens.leaderboard import ManagerHome

        self.period = Period.week_of(svc.today())
        home: Screen[None]
        if svc.actor is not None and svc.actor.role in MANAGER_ROLES:
            home = ManagerHome(svc, standup=self.standup)
        else:
            if self.standup:  # `kpitui standup` and the rep was picked in the app: refused, as the CLI does
                from rich.text import Text

                name = svc.actor.name if svc.actor is not None else "you"
                self.exit(return_code=2, message=Text.assemble(("error: ", "bold red"), clean_text(
                    f"standup mode is for managers: {name} is a rep (`kpitui` opens your scorecard)")))
                return
            home = RepHome(svc)
        if self.quitting:
            return
        if replace:
            self.switch_screen(home)
        else:
            self.push_screen(home)

    @property
    def home(self) -> RepHome | None:
        from kpitui.ui.screens.home import RepHome

        return next((s for s in self.screen_stack if isinstance(s, RepHome)), None)

    @property
    def manager_home(self) -> ManagerHome | None:
        from kpitui.ui.screens.leaderboard import ManagerHome

        return next((s for s in self.screen_stack if isinstance(s, ManagerHome)), None)

    def _back_to_manager_home(self) -> ManagerHome | None:
        home = self.manager_home
        if home is not None:
            while self.screen is not home:
                self.pop_screen()
        return home

    # -- the manager's side ----------------------------------------------------------------------------------------
    def action_open_rep(self, ref: str) -> None:
        """The drill-down of the rep named `ref` (email or name). The service decides who may see whom: a refusal
        is shown as a notification and the leaderboard stays."""
        from kpitui.ui.lineup import RepRef, ref_of
        from kpitui.ui.screens.rep_detail import RepDetail

        home = self._back_to_manager_home()
        if home is None or self.svc is None:
            return
        reps = home.lineup
        index = next((i for i, r in enumerate(reps) if ref in (r.ref, r.name)), None)
        if index is None:
            try:
                person = self.svc.find_rep(ref)
            except KpituiError as exc:
                self.notify(problem(exc), severity="error", markup=False)
                return
            reps, index = [RepRef(person.id, person.name, ref_of(person), person.team)], 0
        self.open_screen(RepDetail(self.svc, reps, index, home.scope_label, home.trend_key), home.select_rep)

    def action_targets(self) -> None:
        home = self._back_to_manager_home()
        if home is not None:
            home.action_targets()

    def action_standup(self) -> None:
        home = self._back_to_manager_home()
        if home is not None:
            home.action_standup()

    def action_export_leaderboard(self) -> None:
        home = self.manager_home
        if home is not None and self.svc is not None and self.period is not None:
            self.export_leaderboard(self.svc, self.period, home.board.team if home.board else home.team, home.sort)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_leaderboard(self, svc: Kpitui, period: Period, team: str | None, sort: str) -> Path | None:
        return self._export_csv("Leaderboard", team or "all-teams", period,
                                lambda: svc.leaderboard(period, team=team, sort=sort))

    def _export_csv(self, what: str, who: str, period: Period, build: Callable[[], Any]) -> Path | None:
        """Write a report as formula-safe CSV to the current directory and say where (from a thread worker).
        In a browser (`kpitui serve`) the file goes to the browser instead: the server's directory is not the
        user's, and they could not fetch it from there."""
        import io

        from kpitui.output import emit

        try:
            report = build()
            slug = re.sub(r"[^a-z0-9]+", "-", clean_text(who).lower()).strip("-") or "report"
            name = f"{what.lower()}-{slug}-{period.label}.csv"
            if self.is_web:
                buffer = io.StringIO(newline="")
                emit(report, "csv", buffer)
                self.call_from_thread(self.deliver_text, buffer, save_filename=name, mime_type="text/csv",
                                      encoding="utf-8")
                self.call_from_thread(self.notify, clean_text(f"{what} sent to your browser as {name}"),
                                      title="Exported", markup=False)
                return None
            path = Path.cwd() / name
            with path.open("w", newline="", encoding="utf-8") as out:
                emit(report, "csv", out)
        except Exception as exc:  # shown, never a dead worker
            self.call_from_thread(self.notify, "Export failed: " + problem(exc), severity="error", markup=False)
            return None
        self.call_from_thread(self.notify, clean_text(f"{what} saved to {path}"), title="Exported", markup=False)
        return path

    # -- period ----------------------------------------------------------------------------------------------------
    def _today(self) -> date:
        return (self.svc or self.base_service).today()

    def action_shift_period(self, steps: int) -> None:
        if self.period is not None:
            self.period = self.period.shifted(steps)

    def action_cycle_period_kind(self) -> None:
        if self.period is not None:
            self.period = period_nav.next_kind(self.period, self._today())

    def action_this_period(self) -> None:
        if self.period is not None:
            self.period = period_nav.current(self.period, self._today())

    def action_set_period(self, text: str) -> None:
        if (self.svc or self.base_service) is None:  # still opening
            return
        try:
            self.period = (self.svc or self.base_service).period(text)
        except KpituiError as exc:
            self.notify(clean_text(str(exc)), severity="error", markup=False)

    # -- screens --------------------------------------------------------------------------------------------------
    def _on_notify(self, event: Notify) -> None:
        """One toast at a time: toasts stack from the bottom right, and a few quick logs in a row covered the
        recent activities they announce. The newest says what just happened; `l` lists the rest. (`notify` only
        posts a message: the stack is built here.)"""
        self._notifications.clear()
        super()._on_notify(event)

    async def action_quit(self) -> None:
        self.quitting = True
        await super().action_quit()

    def open_screen(self, screen: Screen[Any], callback: Callable[[Any], None] | None = None) -> None:
        """Push `screen`, unless the app is on its way out (a key pressed after `q` must not build a screen).
        Keys typed while a form is being built wait for it (`hold_keys`)."""
        if self.quitting:
            return
        if isinstance(screen, FormScreen):
            self.hold_keys()
            self._form_opened = True
        self.push_screen(screen, callback)

    # -- navigation ----------------------------------------------------------------------------------------------
    def action_help(self) -> None:
        from kpitui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.open_screen(HelpScreen())

    def action_go_menu(self) -> None:
        from kpitui.ui.screens.go_to import GoTo

        if self.svc is not None:
            self.open_screen(GoTo(), self.action_go)

    def action_go(self, place: str | None) -> None:
        """Back to the rep home, then on to `place` (home, activities, deals)."""
        if self.svc is None or place is None or self.home is None:
            return
        from kpitui.ui.screens.activities import ActivityList
        from kpitui.ui.screens.deals import MyDeals

        while self.screen is not self.home:
            self.pop_screen()
        if place == "activities":
            self.open_screen(ActivityList(self.svc))
        elif place == "deals":
            self.open_screen(MyDeals(self.svc))

    def action_log_activity(self) -> None:
        from kpitui.ui.screens.activity_form import ActivityForm

        if self.svc is not None and not isinstance(self.screen, ActivityForm):
            self.open_screen(ActivityForm(self.svc))

    def action_new_deal(self) -> None:
        from kpitui.ui.screens.new_deal import NewDealForm

        if self.svc is not None and self.svc.actor is not None and not isinstance(self.screen, NewDealForm):
            self.open_screen(NewDealForm(self.svc))

    # -- export --------------------------------------------------------------------------------------------------
    def action_export_scorecard(self) -> None:
        if self.svc is not None and self.period is not None:
            self.export_scorecard(self.svc, self.period)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_scorecard(self, svc: Kpitui, period: Period) -> Path | None:
        actor = svc.actor
        return self._export_csv("Scorecard", actor.name if actor else "rep", period, lambda: svc.scorecard(period))


def build_app(db: str | None, actor: str | None, *, demo: bool = False, service: Kpitui | None = None,
              standup: bool = False, notice: str | None = None) -> KpituiApp:
    """The app as the CLI runs it: `db` and `actor` as resolved from --db / --as / the environment.

    `service` (tests, snapshots) replaces opening `db`, and the app starts on its home at once; its actor, if
    any, is who is signed in. Without it the app opens `db` in a worker after its first frame. An actor that
    cannot be found opens the picker with the reason shown, rather than failing to start. `standup` opens a
    manager's app straight in standup mode.
    """
    if service is not None:
        opened, problem = _signed_in(service, actor)
        return KpituiApp(opened, demo=demo, sign_in_problem=problem, standup=standup, notice=notice)

    def opener() -> tuple[Kpitui, str | None]:
        from kpitui.services import Kpitui

        target = db
        if demo and target is None:
            from kpitui.demo import demo_copy

            target = str(demo_copy())
        return _signed_in(Kpitui.open(target), actor)

    return KpituiApp(None, demo=demo, standup=standup, opener=opener, opening=_opening_label(db, demo),
                     notice=notice)


def _signed_in(service: Kpitui, actor: str | None) -> tuple[Kpitui, str | None]:
    """`service` acting as `actor`, or unsigned with the reason `actor` cannot sign in."""
    if not actor or (service.actor is not None and actor == (service.actor.email or service.actor.name)):
        return service, None
    from kpitui.services import Kpitui

    try:
        return Kpitui(service.db, zone=service.zone, actor=actor, clock=service.clock), None
    except KpituiError as exc:
        return Kpitui(service.db, zone=service.zone, clock=service.clock), str(exc)


def _opening_label(db: str | None, demo: bool) -> str:
    """What is being opened, for the start screen: a file's name, or a URL's database (never its password)."""
    if db is None:
        return "the demo" if demo else "your database"
    if "://" in db:
        tail = db.rsplit("/", 1)[-1].split("?", 1)[0]
        return tail or "the database"
    return Path(db).name or db
