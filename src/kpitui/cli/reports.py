"""Reports: scorecard, leaderboard, funnel."""

from __future__ import annotations

import click

from kpitui.cli.base import FORMAT, PERIOD, Context, main


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
