"""The command line's frame: the `main` group, its context and the options every command shares. The commands
live beside it, one module per concern (DESIGN.md section 6); none runs SQL or computes a KPI."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kpitui.domain.errors import KpituiError
from kpitui.domain.text import clean_text

FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]), default="table",
                      show_default=True, help="Output format.")
PERIOD = click.option("--period", default=None, help="2026-Q3, 2026-10, 2026-W43, 2026-10-01..2026-10-15, "
                                                     "this-week, last-month, ... (default: this month)")
IMPORT_KINDS = ("reps", "deals", "activities", "targets", "scores", "forecasts")
EXPORT_KINDS = ("activities", "deals", "targets", "notes", "leaderboard", "scorecard")


class Context:
    def __init__(self, db: str | None, actor: str | None) -> None:
        self.db_arg = db
        self.actor = actor
        self.initialise = False  # only `init` may make an empty file into a database
        self.creates = False  # init, import, seed, demo: may start a new database
        self._service: Any = None

    @property
    def service(self) -> Any:
        if self._service is None:
            import gc

            from kpitui.services import Kpitui

            if not (self.creates or self.initialise):
                require_a_database(self.db_arg)

            self._service = Kpitui.open(self.db_arg, actor=self.actor, initialise=self.initialise)
            OPENED.append(self._service)
            if PROGRAM:
                gc.freeze()  # the import graph is done: no collection walks it again
        return self._service


OPENED: list[Any] = []  # the services this run opened: closed when it ends, whatever the outcome
PROGRAM = False  # running as the `kpitui` program (not called by a test's CliRunner)


def _close_opened() -> None:
    """Close the connections explicitly (SQLite checkpoints and removes its WAL on the last close): neither a
    fast exit nor frozen objects (gc.freeze) would close them."""
    while OPENED:
        OPENED.pop().db.dispose()


def _fast_exit() -> None:
    """End a successful command without the interpreter's teardown (which walks the whole import graph: ~90 ms
    for nothing). Output is flushed and the databases closed first (SQLite checkpoints its WAL on the last
    close); if a flush fails (a closed pipe), the ordinary exit takes over and reports it."""
    import os

    _close_opened()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(0)


def fail(message: str, code: int = 2) -> None:
    from rich.console import Console
    from rich.text import Text

    from kpitui.domain.text import clean_text

    line = Text("error: ", style="bold red") + Text(clean_text(message, multiline=True))
    Console(stderr=True, highlight=False, soft_wrap=True).print(line)
    sys.exit(code)


def debugging(ctx: click.Context) -> bool:
    """--debug or KPITUI_DEBUG=1: show the traceback of an error instead of its one line."""
    import os

    return bool(ctx.params.get("debug")) or os.environ.get("KPITUI_DEBUG", "").strip().lower() in {"1", "true",
                                                                                                  "yes", "on"}


class Group(click.Group):
    """Turns our own errors (bad input, a database that is not kpitui's, a bad setting) into one clear line
    and exit code 2, never a traceback; --debug shows the traceback."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """As a program (`kpitui ...`, `python -m kpitui.cli`: no args given, standalone) a successful run exits
        fast; a caller that passes args (a test's CliRunner) or wants the result gets click's own `main`."""
        global PROGRAM
        PROGRAM = args is None and standalone_mode
        try:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        except SystemExit as exc:
            if PROGRAM and exc.code in (0, None):
                _fast_exit()
            raise
        finally:
            _close_opened()

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KpituiError as exc:
            if debugging(ctx):
                raise
            fail(str(exc), getattr(exc, "exit_code", 2))


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal; silence when stderr is not one."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@click.group(cls=Group, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", default=None, metavar="URL|PATH", help="Database file or SQLAlchemy URL (else $KPITUI_DB, "
                                                              "else the user data directory).")
@click.option("--as", "actor", default=None, metavar="REP", help="Who you are: email or name (else $KPITUI_USER).")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error (also KPITUI_DEBUG=1).")
@click.version_option(package_name="kpitui")
@click.pass_context
def main(ctx: click.Context, db: str | None, actor: str | None, debug: bool) -> None:
    """kpitui: sales KPI scorecards and team leaderboards. With no command, opens the app."""
    import os

    ctx.obj = Context(db, actor if actor is not None else os.environ.get("KPITUI_USER"))
    ctx.obj.creates = ctx.invoked_subcommand in CREATES_DATABASE
    _require_named_actor(ctx.obj.actor)
    if ctx.invoked_subcommand not in CREATES_DATABASE:
        _require_existing_database(db or os.environ.get("KPITUI_DB"))
    if ctx.invoked_subcommand is None:
        run_app(ctx.obj.db_arg, ctx.obj.actor)


CREATES_DATABASE = {"init", "import", "seed", "demo"}


def _require_named_actor(actor: str | None) -> None:
    """`--as ""` or an empty KPITUI_USER is a mistake, not "nobody": nobody is the owner, with every right."""
    from kpitui.domain.errors import InvalidInput

    if actor is not None and not clean_text(actor):
        raise InvalidInput("who are you? --as (or KPITUI_USER) is empty: give your email or full name")


def _require_existing_database(named: str | None) -> None:
    """A database named by --db / KPITUI_DB must exist, except for commands that create one: a typo in the
    path would otherwise open a new, empty database and show zeros as if they were the team's numbers."""
    from kpitui.domain.errors import InvalidInput
    from kpitui.settings import database_url, has_url_scheme

    if named and not has_url_scheme(named) and not Path(database_url(named)).exists():
        raise InvalidInput(f"there is no database at {named}: check the path, or create one with "
                           f"`kpitui --db {named} init`")


def require_a_database(db_arg: str | None) -> None:
    """With no --db and no KPITUI_DB, the database in the user data directory must exist: `kpitui log` on a
    fresh machine (or in a shell that forgot the demo's --db) would otherwise create an empty one there and
    log into it, unseen by anyone. Checked when a command opens the database, so `kpitui log --help` works."""
    import os

    from kpitui.domain.errors import InvalidInput
    from kpitui.settings import default_db_path

    if db_arg or os.environ.get("KPITUI_DB"):
        return  # named: `_require_existing_database` has checked it
    path = default_db_path()
    if not path.exists():
        raise InvalidInput(f"there is no kpitui database yet (no --db, no KPITUI_DB, and none at {path}): "
                           "`kpitui init` creates an empty one there, `kpitui demo` tries the app on sample "
                           "data (and prints the --db to log into it), or name one with --db PATH")


def run_app(db: str | None, actor: str | None, demo: bool = False, standup: bool = False,
            notice: str | None = None) -> None:
    from kpitui.ui.app import build_app

    if not demo:
        require_a_database(db)

    app = build_app(db, actor, demo=demo, standup=standup, notice=notice)
    app.run()
    if app.start_error is not None:  # the database could not be opened: one clear line, as for any command
        raise app.start_error
    if app.base_service is not None:
        OPENED.append(app.base_service)
    if app.return_code:  # e.g. 2: standup mode refused to a rep chosen in the picker
        sys.exit(app.return_code)
