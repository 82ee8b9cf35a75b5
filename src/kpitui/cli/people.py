"""Who is who, and who may sign in: people, people deactivate|activate|move, grant."""

from __future__ import annotations

import sys
from typing import Any

import click

from kpitui.cli.base import FORMAT, Context, main
from kpitui.domain.text import clean_text


@main.command()
@click.argument("rep")
@click.option("--role-name", required=True, help="The person's PostgreSQL login role (created when missing).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar="KPITUI_PASSWORD",
              help="Its password: asked when not given (or from $KPITUI_PASSWORD), so that it stays out of the "
                   "shell history and `ps`.")
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
