"""`kpitui deal ...`: add an opportunity, move it through the pipeline, close it won or lost, reopen it, list
them. A deal is named by its id, external id, name or account (when one deal has it)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from kpitui.cli.base import FORMAT, Context, main
from kpitui.domain.text import clean_text

if TYPE_CHECKING:  # a type only: `kpitui --help` need not load the domain's records
    from kpitui.domain.records import DealRecord


def _said(verb: str, deal: DealRecord) -> None:
    amount = "" if deal.amount is None else f", {deal.amount:,.2f}"
    closed = f", closed {deal.closed_on.isoformat()}" if deal.closed_on else ""
    click.echo(clean_text(f"{verb} deal #{deal.id} {deal.label} ({deal.rep}): {deal.stage}{amount}{closed}"))


@main.group()
def deal() -> None:
    """Add, move, win, lose, reopen and list deals."""


@deal.command("add")
@click.option("--account", required=True, help="The customer's account.")
@click.option("--name", required=True, help="The deal's name.")
@click.option("--amount", required=True, help="Its value, e.g. 12000 or 12,000.50.")
@click.option("--stage", default=None, help="A stage of the pipeline (default: its first).")
@click.option("--rep", default=None, help="Whose deal (default: you, from --as); a manager: a rep of their teams.")
@click.option("--external-id", default=None, help="The CRM's id for it.")
@click.pass_obj
def add(obj: Context, account: str, name: str, amount: str, stage: str | None, rep: str | None,
        external_id: str | None) -> None:
    """Add an open deal created today (it counts in today's new_opps)."""
    _said("Added", obj.service.add_deal(account, name, amount, stage=stage, rep=rep, external_id=external_id))


@deal.command("move")
@click.argument("ref", metavar="ID")
@click.argument("stage")
@click.pass_obj
def move(obj: Context, ref: str, stage: str) -> None:
    """Move an open deal to another stage of the pipeline."""
    _said("Moved", obj.service.move_deal(ref, stage))


@deal.command("won")
@click.argument("ref", metavar="ID")
@click.option("--on", "on", default=None, help="The day it closed (YYYY-MM-DD; default: today; not in the future).")
@click.option("--amount", default=None, help="The amount it closed at (default: as it is).")
@click.pass_obj
def won(obj: Context, ref: str, on: str | None, amount: str | None) -> None:
    """Close a deal won: it counts in won_deals and revenue of the period it closed in."""
    _said("Won", obj.service.win_deal(ref, on=on, amount=amount))


@deal.command("lost")
@click.argument("ref", metavar="ID")
@click.option("--on", "on", default=None, help="The day it closed (YYYY-MM-DD; default: today; not in the future).")
@click.option("--reason", default=None, help="Why it was lost (kept in the deal's change history).")
@click.pass_obj
def lost(obj: Context, ref: str, on: str | None, reason: str | None) -> None:
    """Close a deal lost."""
    _said("Lost", obj.service.lose_deal(ref, on=on, reason=reason))


@deal.command("reopen")
@click.argument("ref", metavar="ID")
@click.option("--stage", default=None, help="The open stage to put it in (default: the one it closed from).")
@click.pass_obj
def reopen(obj: Context, ref: str, stage: str | None) -> None:
    """Open a closed deal again: its close date is cleared and it leaves won_deals / revenue."""
    _said("Reopened", obj.service.reopen_deal(ref, stage=stage))


@deal.command("list")
@click.option("--rep", default=None, help="Whose deals (default: you).")
@click.option("--closed", is_flag=True, help="The closed deals (won and lost) instead of the open ones.")
@FORMAT
@click.pass_obj
def list_(obj: Context, rep: str | None, closed: bool, fmt: str) -> None:
    """Open deals in pipeline order (or closed ones, newest first)."""
    from kpitui.output import print_rows

    svc = obj.service
    deals = svc.deals(rep, open_only=not closed, closed_only=closed)
    if closed:
        deals.sort(key=lambda d: (d.closed_on, d.id), reverse=True)
    else:
        pipeline = svc.pipeline()
        deals.sort(key=lambda d: (pipeline.order_key(d.stage), -(d.amount or 0), d.id))
    header = ["id", "external_id", "rep", "account", "name", "amount", "stage", "created_on", "closed_on"]
    rows = [[d.id, d.external_id, d.rep, d.account, d.name, d.amount, d.stage, d.created_on, d.closed_on]
            for d in deals]
    print_rows("closed deals" if closed else "open deals", header, rows, fmt, sys.stdout)
