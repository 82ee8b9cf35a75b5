"""1:1 notes and action items: `notes [REP] [--open]`, `notes add REP TEXT [--action] [--due DATE]`,
`notes done ID` (DESIGN.md section 6; the rules in services/notes.py)."""

from __future__ import annotations

import sys
from typing import Any

import click

from kpitui.cli.base import Context, main
from kpitui.domain.text import clean_text

FORMATS = click.Choice(["table", "json", "csv", "md"])
HEADER = ["id", "rep", "author", "written_at", "kind", "due_on", "done_at", "done_by", "text"]


class NotesGroup(click.Group):
    """`notes REP` lists REP's notes while `notes add ...` and `notes done ...` are commands: a first word
    that is not a command's name is the REP of the listing."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        ctx.meta["notes.rep"] = cmd_name
        return _listing


def _shown(svc: Any, notes: list[Any], fmt: str) -> list[list[object]]:
    zone = svc.zone
    if fmt in ("json", "csv"):  # raw values: ISO instants with their offset, true dates, null for none
        return [[n.id, n.rep, n.author, n.written_at.astimezone(zone).isoformat(), "action" if n.is_action else "note",
                 n.due_on, n.done_at.astimezone(zone).isoformat() if n.done_at else None, n.done_by, n.text]
                for n in notes]
    today = svc.today()
    rows: list[list[object]] = []
    for n in notes:
        due = n.due_on.isoformat() if n.due_on else ""
        if n.overdue(today):
            due += " overdue"
        done = (f"{n.done_at.astimezone(zone):%Y-%m-%d} {n.done_by or ''}".strip() if n.done_at
                else "open" if n.is_action else "")
        rows.append([n.id, n.rep, n.author, f"{n.written_at.astimezone(zone):%Y-%m-%d %H:%M}",
                     "action" if n.is_action else "note", due, done, n.text])
    return rows


def _list(obj: Context, rep: str | None, open_only: bool, fmt: str) -> None:
    from kpitui.output import print_rows

    svc = obj.service
    if rep is None and (svc.actor is None or svc.actor.role in ("manager", "admin")):
        found = svc.team_notes(open_only=open_only)  # a manager's teams (an admin's: all), not their own
        who = "your teams" if svc.actor is not None and svc.actor.role == "manager" else "all teams"
    else:
        found = svc.notes(rep, open_only=open_only)
        who = clean_text(found[0].rep) if found else clean_text(rep or (svc.actor.name if svc.actor else ""))
    title = f"{'Open action items' if open_only else '1:1 notes'} · {who}"
    header = HEADER if fmt in ("json", "csv") else ["#", "Rep", "By", "Written", "Kind", "Due", "Done", "Text"]
    print_rows(title, header, _shown(svc, found, fmt), fmt, sys.stdout)


@main.group(cls=NotesGroup, invoke_without_command=True)
@click.option("--open", "open_only", is_flag=True, help="Only the action items not done yet.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help="Output format.")
@click.pass_context
def notes(ctx: click.Context, open_only: bool, fmt: str) -> None:
    """1:1 notes and action items: `notes [REP] [--open]` lists them (default: a rep's own, a manager's
    teams', everyone's for an admin); a manager writes them with `notes add`; the rep or their manager ticks
    an action item off with `notes done ID`."""
    if ctx.invoked_subcommand is None:
        _list(ctx.obj, None, open_only, fmt)


@click.command(hidden=True, name="list")
@click.option("--open", "open_only", is_flag=True, help="Only the action items not done yet.")
@click.option("--format", "fmt", type=FORMATS, default=None, help="Output format.")
@click.pass_context
def _listing(ctx: click.Context, open_only: bool, fmt: str | None) -> None:
    group = ctx.parent
    assert group is not None
    _list(ctx.obj, group.meta["notes.rep"], open_only or group.params["open_only"], fmt or group.params["fmt"])


@notes.command("add")
@click.argument("rep")
@click.argument("text")
@click.option("--action", is_flag=True, help="An action item (to be done), not only a note.")
@click.option("--due", default=None, metavar="DATE", help="When the action item is due (YYYY-MM-DD, today up to a "
                                                          "year ahead); makes the note an action item.")
@click.pass_obj
def notes_add(obj: Context, rep: str, text: str, action: bool, due: str | None) -> None:
    """Write a 1:1 note (or, with --action / --due, an action item) about REP: managers of REP's team."""
    written = obj.service.add_note(rep, text, action=action, due=due)
    what = "Action item" if written.is_action else "Note"
    due_text = f", due {written.due_on.isoformat()}" if written.due_on else ""
    click.echo(f"{what} #{written.id} for {clean_text(written.rep)}{due_text}")


@notes.command("done")
@click.argument("note_id", metavar="ID", type=int)
@click.pass_obj
def notes_done(obj: Context, note_id: int) -> None:
    """Mark action item ID done: the rep it is about or a manager of their team."""
    done = obj.service.mark_done(note_id)
    text = clean_text(done.text)
    click.echo(f"Action item #{done.id} done: {text if len(text) <= 60 else text[:57] + '...'}")
