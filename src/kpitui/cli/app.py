"""Commands that open the app: demo, standup, serve."""

from __future__ import annotations

import click

from kpitui.cli.base import Context, fail, main, require_a_database, run_app


@main.command()
@click.option("--as", "actor", default=None, metavar="REP")
@click.option("--keep", is_flag=True, help="Keep the demo's database when the app closes (it is deleted "
                                           "otherwise) and say where it is.")
@click.pass_obj
def demo(obj: Context, actor: str | None, keep: bool) -> None:
    """The app on a fresh copy of sample.db (the original never changes). It prints where the copy is and how
    to log into it from another shell, with the demo's clock; the copy is deleted when the app closes."""
    from kpitui.demo import demo_copy, remove_demo_copy, shell_hint

    path = demo_copy()
    try:
        _bring_up_to_date(path)
        hint = shell_hint(path, actor or obj.actor, keep=keep)
        click.echo(hint)
        run_app(str(path), actor or obj.actor, demo=True, notice=hint)
    finally:
        if keep:
            click.echo(f"The demo database is kept at {path}")
        else:
            remove_demo_copy(path)


def _bring_up_to_date(path: object) -> None:
    """Upgrade the copy to this version's schema before saying how to log into it: a sample.db of an older
    kpitui is upgraded on first open, and a shell command run meanwhile (the app opening it too) would be told
    the database is busy."""
    from kpitui.services import Kpitui

    Kpitui.open(str(path)).db.dispose()


@main.command()
@click.pass_obj
def standup(obj: Context) -> None:
    """The app straight in standup mode: the team rep by rep, large, for a screen share (managers)."""
    from kpitui.domain.errors import KpituiError

    try:  # who it is, when that is known before the app opens (--as, a PostgreSQL login): a rep is refused here
        actor = obj.service.actor if obj.actor is not None or not obj.service.db.is_sqlite else None
        obj.service.db.dispose()
    except KpituiError:
        actor = None  # someone unknown: the app's picker says so, and refuses a rep picked there
    if actor is not None and actor.role not in ("manager", "admin"):
        fail(f"standup mode is for managers: {actor.name} is a rep (`kpitui` opens your scorecard)", 2)
    run_app(obj.db_arg, obj.actor, standup=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.pass_obj
def serve(obj: Context, host: str, port: int) -> None:
    """The app in a web browser (textual-serve), behind a token printed in its URL; each tab runs `kpitui`
    with the same --db / --as, passed through the environment."""
    from kpitui.serve import serve as serve_app

    require_a_database(obj.db_arg)
    serve_app(obj.db_arg, obj.actor, host, port)
