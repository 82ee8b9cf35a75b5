"""An import killed with SIGKILL midway leaves the database intact and holding all of it or none of it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

KPITUI = str(Path(sys.executable).parent / "kpitui")
ROWS = 150_000


def test_sigkill_during_a_large_import(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")} | {"TZ": "UTC"}
    reps = tmp_path / "reps.csv"
    reps.write_text("name,email,team,role\nAda Ames,ada@example.com,North,rep\n")
    subprocess.run([KPITUI, "--db", str(db), "import", "reps", str(reps)], check=True, env=env,
                   capture_output=True)
    big = tmp_path / "big.csv"
    with big.open("w") as f:
        f.write("rep,kind,occurred_at,outcome,duration_min,deal,note\n")
        for i in range(ROWS):
            f.write(f"ada@example.com,call,2026-10-{1 + i % 28:02d}T{8 + i % 10:02d}:{i % 60:02d}:00,connected,5,,"
                    f"call {i}\n")
    proc = subprocess.Popen([KPITUI, "--db", str(db), "import", "activities", str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.0)  # validating and writing 150,000 rows takes several seconds: kill it in the middle
    assert proc.poll() is None, "the import finished before it could be killed: make the file larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM activity").fetchone()[0] in (0, ROWS)
        assert conn.execute("SELECT COUNT(*) FROM rep").fetchone()[0] == 1
