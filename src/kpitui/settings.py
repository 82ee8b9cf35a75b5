"""Where the database is, which time zone decides local dates, and what time it is.

Resolution order for the database: `--db`, else `KPITUI_DB`, else a file in the user data directory.
The time zone: `KPITUI_TZ`, else `TZ`, else the system's zone, else UTC. `KPITUI_NOW` (ISO 8601 with offset)
freezes the clock, for tests and reproducible demos.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kpitui.domain.errors import InvalidInput


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("kpitui", appauthor=False)) / "kpitui.db"


def database_url(db: str | None) -> str:
    """A SQLAlchemy URL from a path or URL; plain paths become SQLite files."""
    value = db or os.environ.get("KPITUI_DB") or str(default_db_path())
    if "://" in value:
        return value
    path = Path(value).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _system_zone_name() -> str | None:
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return None
    marker = "zoneinfo/"
    if marker in target:
        return target.split(marker, 1)[1]
    try:
        return Path("/etc/timezone").read_text().strip() or None
    except OSError:
        return None


def local_zone() -> ZoneInfo:
    for name in (os.environ.get("KPITUI_TZ"), os.environ.get("TZ", "").lstrip(":"), _system_zone_name()):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                if name == os.environ.get("KPITUI_TZ"):
                    raise InvalidInput(f"KPITUI_TZ={name!r} is not a known time zone") from None
    return ZoneInfo("UTC")


def now() -> datetime:
    """The current moment, aware, in UTC (frozen by KPITUI_NOW)."""
    frozen = os.environ.get("KPITUI_NOW")
    if frozen:
        moment = datetime.fromisoformat(frozen)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local_zone())
        return moment.astimezone(UTC)
    return datetime.now(UTC)
