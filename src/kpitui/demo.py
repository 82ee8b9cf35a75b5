"""The demo: a fresh copy of sample.db, with the clock set to the sample's last day so every screen has
a full, stable picture whatever the date today.

sample.db is built by `kpitui --db sample.db seed` (see README); the seed is deterministic, so a missing
sample.db (e.g. an installed wheel) is rebuilt identically in the user cache directory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

SAMPLE_END = date(2026, 11, 20)  # the sample's last day; `seed` defaults for sample.db
SAMPLE_REPS = 14
SAMPLE_DAYS = 400
SAMPLE_SEED = 7
DEMO_CLOCK = f"{SAMPLE_END.isoformat()}T16:30:00"


def sample_path() -> Path:
    explicit = os.environ.get("KPITUI_SAMPLE")
    if explicit:
        return Path(explicit)
    in_checkout = Path(__file__).resolve().parents[2] / "sample.db"
    if in_checkout.exists():
        return in_checkout
    from platformdirs import user_cache_dir

    cached = Path(user_cache_dir("kpitui", appauthor=False)) / "sample.db"
    if not cached.exists():
        build_sample(cached)
    return cached


def build_sample(path: Path) -> None:
    from kpitui.services import Kpitui

    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    svc = Kpitui.open(str(path), zone=_sample_zone())
    svc.seed(reps=SAMPLE_REPS, days=SAMPLE_DAYS, seed=SAMPLE_SEED, end=SAMPLE_END.isoformat())
    svc.db.dispose()


def _sample_zone():  # noqa: ANN202
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")


def demo_copy() -> Path:
    """Copy sample.db to a temporary file (alone in a folder of its own, which `remove_demo_copy` deletes) and
    freeze the clock at the sample's last afternoon."""
    source = sample_path()
    target = Path(tempfile.mkdtemp(prefix="kpitui-demo-")) / "demo.db"
    shutil.copyfile(source, target)
    os.environ.setdefault("KPITUI_NOW", DEMO_CLOCK)
    os.environ.setdefault("KPITUI_TZ", "Europe/Berlin")
    return target


def shell_hint(path: Path, actor: str | None, *, keep: bool) -> str:
    """What the demo prints before it starts: where its database is and the command that logs into it from
    another shell. The demo's clock lives in the environment of this process only (KPITUI_NOW, KPITUI_TZ), so
    the command carries it: without it the shell would log at today's date, months after the sample's end,
    and the demo would not count it (an activity in its future)."""
    import shlex

    clock = f"KPITUI_NOW={os.environ['KPITUI_NOW']} KPITUI_TZ={os.environ['KPITUI_TZ']}"
    who = shlex.quote(actor) if actor else "EMAIL"
    lifetime = ("it is kept when the app closes" if keep else
                "it is deleted when the app closes; `kpitui demo --keep` keeps it")
    return (f"Demo database: {path} ({lifetime})\n"
            f"Log into it from another shell (the demo's clock is {os.environ['KPITUI_NOW']}, "
            f"{os.environ['KPITUI_TZ']}):\n"
            f"  {clock} kpitui --db {shlex.quote(str(path))} --as {who} log call --outcome connected"
            + ("" if actor else "\n  (EMAIL: the rep you sign in as)"))


def remove_demo_copy(path: Path) -> None:
    """Delete the demo's copy with its WAL files and folder (6 MB a run otherwise); only a folder that
    `demo_copy` made is removed."""
    folder = path.parent
    if folder.name.startswith("kpitui-demo-") and folder.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(folder, ignore_errors=True)
