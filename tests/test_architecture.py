"""The layers stay apart, and the command line starts without the UI or Alembic."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from kpitui.store.schema import HEAD, MIGRATIONS

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    tool = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    done = subprocess.run([tool], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cli_start_does_not_import_the_ui_or_alembic() -> None:
    code = ("import sys, kpitui.cli, kpitui.services, kpitui.output; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'alembic', 'plotext')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_schema_head_matches_the_newest_migration() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD
