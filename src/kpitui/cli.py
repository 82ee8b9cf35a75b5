"""The command line (DESIGN.md section 6). Parses, calls services, formats; no SQL and no KPI logic here."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
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
EXPORT_KINDS = ("activities", "deals", "targets", "leaderboard", "scorecard")


class Context:
    def __init__(self, db: str | None, actor: str | None) -> None:
        self.db_arg = db
        self.actor = actor
        self.initialise = False  # only `init` may make an empty file into a database
        self._service: Any = None

    @property
    def service(self) -> Any:
        if self._service is None:
            from kpitui.services import Kpitui

            self._service = Kpitui.open(self.db_arg, actor=self.actor, initialise=self.initialise)
        return self._service


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
    _require_named_actor(ctx.obj.actor)
    if ctx.invoked_subcommand not in CREATES_DATABASE:
        _require_existing_database(db or os.environ.get("KPITUI_DB"))
    if ctx.invoked_subcommand is None:
        _run_app(ctx.obj.db_arg, ctx.obj.actor)


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


def _run_app(db: str | None, actor: str | None, demo: bool = False, standup: bool = False) -> None:
    from kpitui.ui.app import build_app

    build_app(db, actor, demo=demo, standup=standup).run()


@main.command()
@click.pass_obj
def init(obj: Context) -> None:
    """Create an empty database (or bring an existing one up to date)."""
    obj.initialise = True
    svc = obj.service
    click.echo(f"Database ready: {clean_text(svc.db.name)}")


@main.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Read canonical FIELD from the file's COLUMN (repeatable).")
@click.option("--dry-run", is_flag=True, help="Check every row and report, write nothing.")
@click.pass_obj
def import_(obj: Context, kind: str, file: Path, mappings: tuple[str, ...], dry_run: bool) -> None:
    """Import a CSV file: all rows or none."""
    from kpitui.domain.errors import InvalidInput

    mapping: dict[str, str] = {}
    for item in mappings:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise InvalidInput(f"--map {item!r}: write it as FIELD=COLUMN, e.g. rep=sales_agent")
        mapping[field.strip()] = column.strip()
    with progress_bar(f"import {kind}") as progress:
        report = obj.service.import_csv(kind, file, mapping=mapping, dry_run=dry_run, progress=progress)
    click.echo(report.summary())


@main.command()
@click.argument("kind")
@click.option("--rep", default=None, help="Whose activity (default: you, from --as).")
@click.option("--at", "when", default=None, help="When: now, today 14:00, yesterday 9:30, ISO 8601.")
@click.option("--outcome", default=None, help="For calls: connected, voicemail or no_answer.")
@click.option("--duration", "duration_min", type=int, default=None, help="Minutes.")
@click.option("--deal", default=None, help="The deal's external id.")
@click.option("--note", default="", help="A short note.")
@click.pass_obj
def log(obj: Context, kind: str, rep: str | None, when: str | None, outcome: str | None,
        duration_min: int | None, deal: str | None, note: str) -> None:
    """Log one activity (call, email, meeting, demo, proposal, idea)."""
    svc = obj.service
    activity = svc.log_activity(kind=kind, rep=rep, when=when, outcome=outcome, duration_min=duration_min,
                                deal=deal, note=note)
    click.echo(f"Logged {activity.kind} #{activity.id} for {clean_text(activity.rep)} at "
               f"{activity.local_time(svc.zone)}")


@main.command()
@click.option("--rep", default=None, help="Rep name or email (default: you).")
@PERIOD
@FORMAT
@click.pass_obj
def scorecard(obj: Context, rep: str | None, period: str | None, fmt: str) -> None:
    """One rep's KPIs against target, with pace and change vs the previous period."""
    from kpitui.output import emit

    svc = obj.service
    emit(svc.scorecard(svc.period(period), rep), fmt)


@main.command()
@click.option("--team", default=None, help="One team (default: your teams, or everyone).")
@PERIOD
@click.option("--sort", default="score", show_default=True, help="score or any KPI key.")
@FORMAT
@click.pass_obj
def leaderboard(obj: Context, team: str | None, period: str | None, sort: str, fmt: str) -> None:
    """Every rep in scope ranked, with every KPI and team totals."""
    from kpitui.output import emit

    svc = obj.service
    emit(svc.leaderboard(svc.period(period), team=team, sort=sort), fmt)


@main.command()
@click.option("--rep", default=None)
@click.option("--team", default=None)
@PERIOD
@FORMAT
@click.pass_obj
def funnel(obj: Context, rep: str | None, team: str | None, period: str | None, fmt: str) -> None:
    """calls → conversations → meetings → new opps → proposals → won, beside the team median."""
    from kpitui.output import emit

    svc = obj.service
    emit(svc.funnel(svc.period(period), rep=rep, team=team), fmt)


@main.command()
@click.argument("kind", type=click.Choice(EXPORT_KINDS))
@click.option("--rep", default=None, help="For scorecard (and to filter activities/deals).")
@click.option("--team", default=None, help="For leaderboard (and to filter).")
@PERIOD
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "md", "table"]), default="csv",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of standard output.")
@click.pass_obj
def export(obj: Context, kind: str, rep: str | None, team: str | None, period: str | None, fmt: str,
           output: Path | None) -> None:
    """Export activities, deals, targets, the leaderboard or a scorecard (CSV is formula-safe)."""
    from kpitui.export_file import refuse_database_files, replacing
    from kpitui.output import emit, print_rows

    svc = obj.service
    when = svc.period(period)
    target = refuse_database_files(output, svc.db.sqlite_path) if output else None
    with replacing(target) if target else nullcontext(sys.stdout) as out:
        if kind == "leaderboard":
            emit(svc.leaderboard(when, team=team), fmt, out)
        elif kind == "scorecard":
            emit(svc.scorecard(when, rep), fmt, out)
        else:
            header, rows = svc.export_rows(kind, when, rep=rep, team=team)
            print_rows(f"{kind} · {when.label}", header, rows, fmt, out)
    if output:
        click.echo(f"Wrote {clean_text(str(output))}", err=True)


@main.command()
@click.option("--reps", default=14, show_default=True, type=click.IntRange(1, 5000))
@click.option("--days", default=400, show_default=True, type=click.IntRange(1, 3650))
@click.option("--seed", "seed_value", default=7, show_default=True, type=int)
@click.option("--end", default=None, help="Last day of data (YYYY-MM-DD; default: today).")
@click.pass_obj
def seed(obj: Context, reps: int, days: int, seed_value: int, end: str | None) -> None:
    """Fill the database with deterministic, realistic demo data."""
    with progress_bar("seed") as progress:
        summary = obj.service.seed(reps=reps, days=days, seed=seed_value, end=end, progress=progress)
    click.echo(f"Seeded {summary.teams} teams, {summary.reps} reps, {summary.activities:,} activities, "
               f"{summary.deals:,} deals, {summary.targets:,} targets, {summary.scores:,} scores, "
               f"{summary.forecasts:,} forecasts")


@main.command()
@click.option("--as", "actor", default=None, metavar="REP")
@click.pass_obj
def demo(obj: Context, actor: str | None) -> None:
    """The app on a fresh copy of sample.db (the original never changes)."""
    from kpitui.demo import demo_copy

    path = demo_copy()
    _run_app(str(path), actor or obj.actor, demo=True)


@main.command()
@click.pass_obj
def standup(obj: Context) -> None:
    """The app straight in standup mode: the team rep by rep, large, for a screen share (managers)."""
    _run_app(obj.db_arg, obj.actor, standup=True)


@main.command()
@click.argument("rep")
@click.option("--role-name", required=True, help="The person's PostgreSQL login role (created when missing).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Its password (asked when not given, so it stays out of the shell history).")
@click.pass_obj
def grant(obj: Context, rep: str, role_name: str, password: str) -> None:
    """Shared PostgreSQL: give REP a login role of their own; the database then enforces their access."""
    group = obj.service.provision_login(rep, role_name, password)
    click.echo(f"{clean_text(rep)} signs in as {role_name} (group {group}): "
               f"kpitui --db postgresql+psycopg://{role_name}:PASSWORD@HOST/DATABASE")


@main.group(invoke_without_command=True)
@FORMAT
@click.pass_context
def people(ctx: click.Context, fmt: str) -> None:
    """Who is who: name, email, team, role, active. Admins: `people deactivate|activate REP`, `people move REP
    --team TEAM` (each written to the change log)."""
    if ctx.invoked_subcommand is not None:
        return
    from kpitui.output import print_rows

    as_flag = fmt in ("json", "csv")  # true/false there; yes/no to read
    rows: list[list[object]] = [[p.name, p.email or "", p.team or "", p.role,
                                 p.active if as_flag else ("yes" if p.active else "no")]
                                for p in ctx.obj.service.list_people()]
    print_rows("people", ["name", "email", "team", "role", "active"], rows, fmt, sys.stdout)


def _said(change: Any, done: str, unchanged: str) -> None:
    click.echo(f"{clean_text(change.person.name)} {done if change.changed else unchanged}")


@people.command("deactivate")
@click.argument("rep")
@click.pass_obj
def people_deactivate(obj: Context, rep: str) -> None:
    """REP can no longer sign in and leaves the leaderboards; their history stays."""
    _said(obj.service.deactivate(rep), "is deactivated: they can no longer sign in",
          "was already deactivated")


@people.command("activate")
@click.argument("rep")
@click.pass_obj
def people_activate(obj: Context, rep: str) -> None:
    """REP can sign in again and is back on the leaderboards."""
    _said(obj.service.activate(rep), "is active again", "was already active")


@people.command("move")
@click.argument("rep")
@click.option("--team", required=True, help="The team they join.")
@click.pass_obj
def people_move(obj: Context, rep: str, team: str) -> None:
    """Move REP to TEAM; a manager stops managing the team they leave at once."""
    change = obj.service.move(rep, team)
    _said(change, f"is now in team {clean_text(change.person.team or '')}",
          f"is already in team {clean_text(change.person.team or '')}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.pass_obj
def serve(obj: Context, host: str, port: int) -> None:
    """The app in a web browser (textual-serve): each browser tab runs `kpitui` with the same --db / --as."""
    import shlex

    from textual_serve.server import Server

    command = [sys.executable, "-m", "kpitui.cli"]
    if obj.db_arg:
        command += ["--db", obj.db_arg]
    if obj.actor:
        command += ["--as", obj.actor]
    Server(shlex.join(command), host=host, port=port, title="kpitui").serve()


if __name__ == "__main__":
    main()
