"""`kpitui serve` is not an open door (DESIGN.md section 7): a token, a cookie, an Origin check, no password on
a command line, and browser exports delivered to the browser. Driven for real: the guarded aiohttp app in
process, and the whole `kpitui serve` as a subprocess with a browser tab's WebSocket."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from kpitui.serve import COOKIE, is_loopback, make_server
from kpitui.store.db import Database
from kpitui.store.schema import ensure_schema

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
async def client() -> TestClient:
    server = make_server("127.0.0.1", 8000, TOKEN)
    async with TestClient(TestServer(await server._make_app())) as test_client:
        yield test_client


async def test_every_request_without_the_token_gets_401(client: TestClient) -> None:
    for path in ("/", "/?token=wrong", "/static/js/textual.js", "/download/anything", "/ws"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 401, path
    client.session.cookie_jar.update_cookies({COOKIE: "wrong"})
    assert (await client.get("/")).status == 401


async def test_the_token_becomes_an_httponly_strict_cookie_and_leaves_the_url(client: TestClient) -> None:
    first = await client.get(f"/?token={TOKEN}&fontsize=14", allow_redirects=False)
    assert first.status == 302
    assert first.headers["Location"] == "/?fontsize=14"
    cookie = first.headers["Set-Cookie"]
    assert f"{COOKIE}={TOKEN}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = await client.get("/?fontsize=14")  # the cookie alone now
    assert page.status == 200
    assert "textual" in (await page.text()).lower()


async def test_the_websocket_refuses_a_foreign_or_missing_origin(client: TestClient) -> None:
    client.session.cookie_jar.update_cookies({COOKIE: TOKEN})
    host = f"{client.host}:{client.port}"
    for origin in ("http://evil.example", f"http://{client.host}:1", None):
        headers = {"Origin": origin} if origin else {}
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect("/ws", headers=headers)
        assert refused.value.status == 403, origin
    client.session.cookie_jar.clear()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws", headers={"Origin": f"http://{host}"})
    assert refused.value.status == 401


def test_loopback_hosts() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "127.1.2.3", "[::1]"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.5", "example.com"]))


# -- the whole thing: `kpitui serve` in a subprocess and a browser tab's WebSocket ---------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def test_a_non_loopback_host_gets_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    ensure_schema(Database(f"sqlite:///{path}"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")}
    proc = subprocess.Popen([sys.executable, "-m", "kpitui.cli", "--db", str(path), "serve", "--host", "0.0.0.0",
                             "--port", str(_free_port())], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        warning = proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert warning.startswith("warning: serving on 0.0.0.0"), warning


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    from conftest import Builder

    path = tmp_path / "team.db"
    database = Database(f"sqlite:///{path}")
    ensure_schema(database)
    build = Builder(database)
    build.rep("Lea Santos", build.team("North"), email="lea@example.com")
    database.dispose()
    workdir = tmp_path / "server-cwd"
    workdir.mkdir()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")} | {
        "KPITUI_NOW": "2026-10-20T15:00:00+02:00", "TZ": "Europe/Berlin"}
    proc = subprocess.Popen([sys.executable, "-m", "kpitui.cli", "--db", str(path), "--as", "lea@example.com",
                             "serve", "--port", str(port)], cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if match := re.search(r"http://\S+", line):
                yield proc, match.group(0), workdir
                break
        else:
            pytest.fail(f"no URL printed: {proc.stderr.read() if proc.stderr else ''}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def _until(ws: aiohttp.ClientWebSocketResponse, wanted: str, seconds: float) -> list[object]:
    """Read the tab's WebSocket until a text message of type `wanted` arrives."""
    async with asyncio.timeout(seconds):
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                envelope = json.loads(message.data)
                if envelope[0] == wanted:
                    return list(envelope)
    raise AssertionError(f"the WebSocket closed before {wanted}")


async def test_serve_end_to_end(served: tuple[subprocess.Popen[str], str, Path], tmp_path: Path) -> None:
    proc, url, workdir = served
    assert "token=" in url
    base = url.split("/?", 1)[0]
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for an IP address host
    async with aiohttp.ClientSession(cookie_jar=jar) as browser:
        async with asyncio.timeout(30):  # the URL is printed as the server starts, a moment before it listens
            while True:
                try:
                    first = await browser.get(base + "/")
                    break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.1)
        assert first.status == 401
        assert (await browser.get(url)).status == 200
        assert (await browser.get(base + "/")).status == 200
        ws = await browser.ws_connect(base.replace("http", "ws") + "/ws?width=120&height=40",
                                      headers={"Origin": base})
        await ws.send_json(["resize", {"width": 120, "height": 40}])
        async with asyncio.timeout(60):
            while (await ws.receive()).type != aiohttp.WSMsgType.BINARY:
                pass
        # The tab's `kpitui` has neither the database nor the person on its command line; they are in its
        # environment, which only this user (and root) may read.
        children = _descendants(proc.pid)
        argvs = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in children]
        assert any(b"kpitui.cli" in b" ".join(argv) for argv in argvs), argvs
        for argv in argvs:
            joined = b" ".join(argv)
            assert b"team.db" not in joined and b"--db" not in joined and b"lea@" not in joined, argv
        app_pid = next(pid for pid, argv in zip(children, argvs, strict=True) if b"kpitui.cli" in b" ".join(argv))
        environ = Path(f"/proc/{app_pid}/environ").read_bytes().split(b"\0")
        assert f"KPITUI_DB={tmp_path / 'team.db'}".encode() in environ

        # The palette's export is delivered to the browser, not written into the server's directory.
        await asyncio.sleep(2)
        await ws.send_json(["stdin", "\x10"])
        await asyncio.sleep(1)
        await ws.send_json(["stdin", "export my scorecard"])
        await asyncio.sleep(1)
        await ws.send_json(["stdin", "\r"])
        _kind, key = await _until(ws, "deliver_file_start", 30)
        download = await browser.get(f"{base}/download/{key}")
        assert download.status == 200
        assert "scorecard" in download.headers["Content-Disposition"]
        body = await download.text()
        assert "Lea Santos" in body or "calls" in body.lower()
        assert list(workdir.iterdir()) == []
        await ws.close()
