"""`kpitui serve`: the app in a web browser (textual-serve), behind a token (DESIGN.md section 7).

textual-serve alone has no login and its WebSocket takes any Origin, so any web page the manager visits could
drive a live session. Here every request needs the random token printed at start-up (the first visit with
`?token=` turns it into an HttpOnly, SameSite=Strict cookie), the WebSocket also needs an Origin equal to the
address it was opened on, and the database URL reaches each browser tab's `kpitui` through the environment,
never its command line (where `ps` shows it). textual, aiohttp and textual-serve load only here.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from aiohttp import web

COOKIE = "kpitui_token"
Handler = Callable[["web.Request"], Awaitable["web.StreamResponse"]]


def is_loopback(host: str) -> bool:
    """True when only this machine can reach `host` ("localhost", 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def child_command() -> list[str]:
    """What each browser tab runs: no --db and no --as, so no password on a command line (KPITUI_DB instead)."""
    return [sys.executable, "-m", "kpitui.cli"]


def child_environment(db: str | None, actor: str | None) -> dict[str, str]:
    """The variables that carry --db / --as to the children (textual-serve passes os.environ on)."""
    env = {}
    if db:
        env["KPITUI_DB"] = db
    if actor:
        env["KPITUI_USER"] = actor
    return env


def make_server(host: str, port: int, token: str) -> Any:
    """A textual-serve Server that refuses whoever lacks `token` (and a foreign Origin on its WebSocket)."""
    import shlex

    from aiohttp import web
    from textual_serve.server import Server

    class GuardedServer(Server):  # type: ignore[misc]
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(guard)
            return app

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # The page's WebSocket and static URLs follow the address the browser used (not 0.0.0.0), so that
            # the cookie goes with them and their Origin matches their Host.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, app: web.Application) -> None:
            shown = f"[{host}]" if ":" in host else host
            click.echo(f"kpitui is served on http://{shown}:{port}/?token={token}", err=False)
            click.echo("Open that URL (the token is your login; anyone with it drives the app). "
                       "Ctrl+C stops the server.")
            sys.stdout.flush()

    def token_matches(value: str | None) -> bool:
        return bool(value) and secrets.compare_digest(str(value).encode(), token.encode())

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        by_cookie = token_matches(request.cookies.get(COOKIE))
        by_query = token_matches(request.query.get("token"))
        if not (by_cookie or by_query):
            return web.Response(status=401, text="kpitui: open the URL printed by `kpitui serve`, with its token.\n")
        if request.path == "/ws":
            origin = request.headers.get("Origin")
            if origin not in (f"http://{request.host}", f"https://{request.host}"):
                return web.Response(status=403, text="kpitui: this WebSocket takes no foreign Origin.\n")
            return await handler(request)
        if by_query:
            # Swap the token in the URL for a cookie, and drop it from the address bar and history.
            query = {k: v for k, v in request.query.items() if k != "token"}
            location = str(request.rel_url.with_query(query))
            found = web.Response(status=302, headers={"Location": location})
            found.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
            return found
        return await handler(request)

    return GuardedServer(shlex.join(child_command()), host=host, port=port, title="kpitui")


def serve(db: str | None, actor: str | None, host: str, port: int) -> None:
    """Run the server until Ctrl+C."""
    if not is_loopback(host):
        click.echo(f"warning: serving on {host}, not only on this machine: anyone who can reach it and has the "
                   "token drives the app as the person signed in (and the traffic is not encrypted).", err=True)
    os.environ.update(child_environment(db, actor))
    make_server(host, port, secrets.token_urlsafe(24)).serve()
