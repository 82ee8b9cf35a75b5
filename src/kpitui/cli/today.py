"""The rep's day: `kpitui today` (DESIGN.md section 6)."""

from __future__ import annotations

import click

from kpitui.cli.base import FORMAT, PERIOD, Context, main


@main.command()
@click.option("--rep", default=None, help="Rep name or email (default: you).")
@PERIOD
@FORMAT
@click.pass_obj
def today(obj: Context, rep: str | None, period: str | None, fmt: str) -> None:
    """What to do today: due today per leading KPI, what the revenue gap takes, deals to follow up, rank."""
    import sys

    from kpitui.today_output import emit_today

    svc = obj.service
    emit_today(svc.rep_day(rep, svc.period(period)), fmt, sys.stdout)
