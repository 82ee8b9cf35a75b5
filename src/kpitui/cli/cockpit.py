"""The manager's cockpit on the command line: `alerts` (who needs attention; exit 3 when anyone does, so a cron
line can post it) and the `targets` group (`targets suggest [--apply]`)."""

from __future__ import annotations

import sys

import click

from kpitui.cli.base import FORMAT, PERIOD, Context, main

ALERTS_EXIT = 3


@main.command()
@click.option("--team", default=None, help="One team (default: your teams, or everyone; a rep: themselves).")
@PERIOD
@FORMAT
@click.pass_obj
def alerts(obj: Context, team: str | None, period: str | None, fmt: str) -> None:
    """Who needs attention: behind pace, nothing logged for 2 working days, stalled deals. Exit code 3 when
    there is any alert, 0 when there is none."""
    from kpitui.output import emit

    svc = obj.service
    report = svc.alerts(svc.period(period), team=team)
    emit(report, fmt)
    sys.stdout.flush()
    if report.alerts:
        sys.exit(ALERTS_EXIT)


@main.group()
def targets() -> None:
    """Targets: suggestions from each rep's history."""


@targets.command("suggest")
@click.option("--team", default=None, help="One team (default: your teams, or everyone).")
@click.option("--period", required=True, help="The week, month, quarter or year to suggest targets for: "
                                              "2026-W50, 2026-12, 2026-Q1, 2027, this-month ...")
@click.option("--apply", "apply_them", is_flag=True, help="Write them as the reps' own targets (audited, all or "
                                                          "nothing).")
@FORMAT
@click.pass_obj
def suggest(obj: Context, team: str | None, period: str, apply_them: bool, fmt: str) -> None:
    """Per rep and KPI: the 80th percentile of the rep's last 12 complete weeks, scaled to the period by working
    days (counts rounded up). Nothing for a rep with fewer than 4 weeks of history."""
    from kpitui.output import emit

    svc = obj.service
    report = svc.suggest_targets(svc.period(period), team=team)
    if apply_them:
        written = svc.apply_suggestions(report)
        emit(report, fmt)
        click.echo(f"{written} target{'s' if written != 1 else ''} set for {report.period.label}", err=True)
        return
    emit(report, fmt)
