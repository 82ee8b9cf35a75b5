"""The shell and the demo agree (real entry point): `kpitui demo` says where its database is and how to log
into it, with its clock, and deletes it when the app closes (unless --keep); a command that would create an
empty database outside init/import/seed says so instead."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_cli import KPITUI

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]")


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")}
    return base | {"TZ": "Europe/Berlin", "NO_COLOR": "1", "TERM": "xterm-256color", "TMPDIR": str(tmp_path),
                   "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
                   "XDG_CACHE_HOME": str(tmp_path / "cache")} | extra


class Terminal:
    """`kpitui` on a pseudo-terminal, as a person runs it: what it prints, and keys sent to it."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the real entry point
            os.execve(KPITUI, [KPITUI, *args], env)
        self.output = ""

    def read_until(self, pattern: str, seconds: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if found := re.search(pattern, ANSI.sub("", self.output)):
                return found
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.fd, 65536).decode("utf-8", "replace")
                except OSError:
                    break
        raise AssertionError(f"{pattern!r} not seen in: {ANSI.sub('', self.output)[-2000:]}")

    def close(self, seconds: float = 30) -> int:
        """ctrl+q, then the exit status (the app cleans up on its way out)."""
        os.write(self.fd, b"\x11")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if select.select([self.fd], [], [], 0.2)[0]:
                    self.output += os.read(self.fd, 65536).decode("utf-8", "replace")
            except OSError:
                pass
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("kpitui demo did not quit on ctrl+q")


@pytest.mark.parametrize("keep", [False, True], ids=["deleted", "kept"])
def test_demo_says_where_its_database_is_logs_there_with_its_clock_and_cleans_up(tmp_path: Path,
                                                                                 keep: bool) -> None:
    env = env_for(tmp_path)
    term = Terminal(["demo", "--as", "chen.graf@example.com", *(["--keep"] if keep else [])], env)
    try:
        where = term.read_until(r"Demo database: (\S+/demo\.db) \(")
        hint = term.read_until(r"\n  (KPITUI_NOW=\S+ KPITUI_TZ=\S+ kpitui --db \S+ --as \S+ log call[^\r\n]*)")
        path = Path(where[1])
        assert path.parent.parent == tmp_path and path.exists()
        assert hint[1] == (f"KPITUI_NOW=2026-11-20T16:30:00 KPITUI_TZ=Europe/Berlin kpitui --db {path} "
                           "--as chen.graf@example.com log call --outcome connected")
        # the printed command, run as another shell would (the app is open meanwhile)
        shell_env = {k: v for k, v in env.items() if k not in ("KPITUI_NOW", "KPITUI_TZ")}
        shell_env["PATH"] = f"{Path(KPITUI).parent}:{shell_env.get('PATH', '')}"
        logged = subprocess.run(["sh", "-c", hint[1]], capture_output=True, text=True, env=shell_env, timeout=60)
        assert logged.returncode == 0, logged.stderr
        # the demo's clock, not today's date: the activity lands on the sample's last afternoon
        assert logged.stdout.strip().endswith("for Chen Graf at 2026-11-20 16:30")
    finally:
        status = term.close()
    assert status == 0
    if keep:
        assert path.exists()
        assert f"The demo database is kept at {path}" in ANSI.sub("", term.output)
    else:
        assert not path.parent.exists()  # the 6 MB copy, its WAL files and its folder
    assert list(tmp_path.glob("kpitui-demo-*")) == ([path.parent] if keep else [])


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KPITUI, *args], capture_output=True, text=True, env=env_for(tmp_path), timeout=60,
                          stdin=subprocess.DEVNULL)


def test_log_with_no_database_anywhere_says_so_and_creates_none(tmp_path: Path) -> None:
    default = tmp_path / "data" / "kpitui" / "kpitui.db"
    for args in (["log", "call"], ["scorecard"], []):  # [] : the app itself
        done = run(tmp_path, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert f"there is no kpitui database yet (no --db, no KPITUI_DB, and none at {default})" in done.stderr
        assert "`kpitui init` creates an empty one there" in done.stderr
        assert "Traceback" not in done.stderr
        assert not default.exists() and not default.parent.exists()
    assert run(tmp_path, "log", "--help").returncode == 0  # asking how is not opening a database


def test_init_still_creates_the_default_database_and_then_log_uses_it(tmp_path: Path) -> None:
    default = tmp_path / "data" / "kpitui" / "kpitui.db"
    assert run(tmp_path, "init").returncode == 0
    assert default.exists()
    done = run(tmp_path, "log", "call")  # the database opens: what is missing now is whose call it is
    assert done.returncode == 2
    assert done.stderr.strip() == "error: say whose activity this is: --rep NAME or EMAIL (or --as to sign in)"
