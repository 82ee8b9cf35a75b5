"""Commands that open the app: demo, standup, serve."""

from __future__ import annotations

import click

from kpitui.cli.base import Context, fail, main, run_app


@main.command()
@click.option("--as", "actor", default=None, metavar="REP")
@click.pass_obj
def demo(obj: Context, actor: str | None) -> None:
    """The app on a fresh copy of sample.db (the original never changes)."""
    from kpitui.demo import demo_copy

    path = demo_copy()
    run_app(str(path), actor or obj.actor, demo=True)


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

    serve_app(obj.db_arg, obj.actor, host, port)
