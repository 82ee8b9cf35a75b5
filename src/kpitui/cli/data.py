"""Commands that write or move data: init, import, log, export, seed."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from kpitui.cli.base import EXPORT_KINDS, IMPORT_KINDS, Context, main, progress_bar
from kpitui.domain.text import clean_text


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
@click.option("--deal", default=None, help="The deal: its id, external id, name or account (when one deal has it).")
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
@click.argument("kind", type=click.Choice(EXPORT_KINDS))
@click.option("--rep", default=None, help="For scorecard (and to filter activities/deals).")
@click.option("--team", default=None, help="For leaderboard (and to filter).")
@click.option("--period", default=None, help="2026-Q3, 2026-10, 2026-W43, 2026-10-01..2026-10-15, this-week, "
              "last-month, ... (default: this month). Activities: those in the period; deals: those its KPIs "
              "count (closed in it, or open at its end); targets, leaderboard, scorecard: its own.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "md", "table"]), default="csv",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of standard output.")
@click.pass_obj
def export(obj: Context, kind: str, rep: str | None, team: str | None, period: str | None, fmt: str,
           output: Path | None) -> None:
    """Export activities, deals, targets, 1:1 notes, the leaderboard or a scorecard (CSV is formula-safe)."""
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
