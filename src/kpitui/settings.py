"""Where the database is, which time zone decides local dates, and what time it is.

Resolution order for the database: `--db`, else `KPITUI_DB`, else a file in the user data directory.
The time zone: `KPITUI_TZ`, else `TZ`, else the system's zone, else UTC. `KPITUI_NOW` (ISO 8601 with offset)
freezes the clock, for tests and reproducible demos.

Settings a user changes live in one TOML file, `config.toml` in the platform's config directory (or the file
`KPITUI_CONFIG` names); environment variables override it:

    workdays = "mon-fri"                 # KPITUI_WORKDAYS; also "sun-thu", "mon,tue,thu"
    holidays = [2026-12-24, 2026-12-25]  # and/or a file of ISO dates, one a line:
    holidays_file = "~/holidays.txt"    # KPITUI_HOLIDAYS=FILE (replaces both)
    leaderboard_columns = ["conversations", "meetings", "revenue"]   # the app writes it: `c` on the leaderboard
    standup_seconds = 120                # the countdown per rep in standup mode
    stages = ["Prospecting", "Qualified", "Proposal", "Negotiation"]  # the open stages, in order
    won_stage = "Won"                    # and the closed ones (default: as the data spells them)
    lost_stage = "Lost"

The app writes only the settings a user chooses in it (`save_setting`): one key is replaced, every other line
of the file (comments included) stays as it was.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kpitui.domain.errors import ConfigError, InvalidInput

FROZEN_YEARS = (1970, 2999)  # a clock outside them is a typo, and period arithmetic near year 9999 overflows

if TYPE_CHECKING:
    from kpitui.domain.calendar import WorkCalendar


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("kpitui", appauthor=False)) / "kpitui.db"


URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def has_url_scheme(value: str) -> bool:
    """A `--db` value is a URL only when it starts with `scheme://`; anything else is a file path, however many
    `?`, `%` or `#` it holds (`my?db.db` is a file of that name, not `my` with a query string)."""
    return bool(URL_SCHEME.match(value))


def database_url(db: str | None) -> str | Path:
    """The database named by `--db`, else `KPITUI_DB`, else the default file: a URL (kept as text, made into a
    SQLAlchemy URL by the store) or the Path of a SQLite file, which the store builds into a URL field by field,
    so no character of a file name is read as URL syntax."""
    if db is not None and not db.strip():
        raise ConfigError("--db is empty: give a database file or a URL")
    source = "--db" if db else "KPITUI_DB"
    value = db or os.environ.get("KPITUI_DB") or str(default_db_path())
    if "\x00" in value:
        raise ConfigError(f"{source} holds a NUL character: give a database file or a URL")
    if has_url_scheme(value):
        return value
    path = Path(value)
    try:
        path = path.expanduser()
    except RuntimeError:  # ~user that does not exist: take the name literally
        pass
    return path.absolute()


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
            except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder (America), a long name
                if name == os.environ.get("KPITUI_TZ"):
                    raise InvalidInput(f"KPITUI_TZ={name!r} is not a known time zone") from None
    return ZoneInfo("UTC")


def now() -> datetime:
    """The current moment, aware, in UTC (frozen by KPITUI_NOW)."""
    frozen = os.environ.get("KPITUI_NOW")
    if frozen:
        return _frozen_now(frozen)
    return datetime.now(UTC)


def _frozen_now(text: str) -> datetime:
    """KPITUI_NOW as a moment; a value that is not one is a clear error, not a traceback."""
    try:
        moment = datetime.fromisoformat(text.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local_zone())
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ConfigError(f"KPITUI_NOW={text!r} is not a moment: write ISO 8601, e.g. "
                          "2026-10-20T15:00:00+02:00") from None
    if not FROZEN_YEARS[0] <= moment.year <= FROZEN_YEARS[1]:
        raise ConfigError(f"KPITUI_NOW={text!r} is outside the years {FROZEN_YEARS[0]}-{FROZEN_YEARS[1]}")
    return moment


def config_path() -> Path:
    named = os.environ.get("KPITUI_CONFIG")
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("kpitui", appauthor=False)) / "config.toml"


CONFIG_KEYS = {"workdays": str, "holidays": list, "holidays_file": str, "leaderboard_columns": list,
               "standup_seconds": int, "stages": list, "won_stage": str, "lost_stage": str}


def load_config() -> dict[str, Any]:
    """The config file's settings (an absent file is no settings); a broken one is an error naming it. tomllib
    is imported only when there is a file to read: every command asks, most people have none."""
    path = config_path()
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    import tomllib

    try:
        with handle:
            config = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    for key, value in config.items():
        expected = CONFIG_KEYS.get(key)
        if expected is None:
            raise ConfigError(f"config file {path}: unknown setting {key!r} (known: {', '.join(CONFIG_KEYS)})")
        if not isinstance(value, expected):
            raise ConfigError(f"config file {path}: {key} should be a {expected.__name__}, not {value!r}")
    return config


def save_setting(key: str, value: list[str] | int | str) -> Path:
    """Write one setting into the config file, keeping every other line as it is (comments too): the key's old
    assignment is taken out and the new one put in its place (else before any table, else at the end). The
    result is parsed back and must hold exactly the old settings plus this one, or nothing is written. Atomic:
    a temporary file beside it, then a rename."""
    import json
    import tomllib

    if key not in CONFIG_KEYS or not isinstance(value, CONFIG_KEYS[key]):
        raise ConfigError(f"cannot save setting {key}={value!r}")
    path = config_path()
    before = load_config()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    assignment = f"{key} = {json.dumps(value, ensure_ascii=False)}"  # a JSON list of strings or int is TOML
    expected = {**before, key: value}
    place, kept = _without_key(lines, key, {k: v for k, v in before.items() if k != key})
    for candidate in ([*kept[:place], assignment, *kept[place:]], [*kept, assignment]):
        text = "\n".join(candidate) + "\n"
        try:
            if tomllib.loads(text) == expected:
                break
        except tomllib.TOMLDecodeError:
            continue
    else:
        raise ConfigError(f"config file {path}: could not add {key} safely; add it by hand: {assignment}")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot write it: {exc}") from None
    return path


def _without_key(lines: list[str], key: str, rest: dict[str, Any]) -> tuple[int, list[str]]:
    """The file's lines without `key`'s assignment (which may span lines: an array), and where it stood (else
    before the first table, else the end). The shortest cut that leaves exactly `rest` is the assignment."""
    import tomllib

    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    start = next((i for i, line in enumerate(lines) if pattern.match(line)), None)
    if start is None:
        table = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
        return table, lines
    for end in range(start + 1, len(lines) + 1):
        kept = lines[:start] + lines[end:]
        try:
            if tomllib.loads("\n".join(kept)) == rest:
                return start, kept
        except tomllib.TOMLDecodeError:
            continue
    raise ConfigError(f"config file {config_path()}: could not find where {key} ends; edit it by hand")


def _holidays_from_file(name: str, origin: str) -> frozenset:
    from kpitui.domain.calendar import parse_holidays

    path = Path(name).expanduser()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{origin}: cannot read holidays from {path}: {exc.__class__.__name__}") from None
    try:
        return parse_holidays(lines, str(path))
    except InvalidInput as exc:
        raise ConfigError(f"{origin}: {exc}") from None


def work_calendar() -> WorkCalendar:
    """Working days and holidays from the config file, with KPITUI_WORKDAYS / KPITUI_HOLIDAYS overriding it."""
    from datetime import date

    from kpitui.domain.calendar import MONDAY_TO_FRIDAY, WorkCalendar, parse_holidays, parse_workdays

    config = load_config()
    workdays_text = os.environ.get("KPITUI_WORKDAYS") or config.get("workdays")
    try:
        workdays = parse_workdays(workdays_text) if workdays_text else MONDAY_TO_FRIDAY
    except InvalidInput as exc:
        origin = "KPITUI_WORKDAYS" if os.environ.get("KPITUI_WORKDAYS") else f"config file {config_path()}"
        raise ConfigError(f"{origin}: {exc}") from None
    env_file = os.environ.get("KPITUI_HOLIDAYS")
    if env_file:
        return WorkCalendar(workdays, _holidays_from_file(env_file, "KPITUI_HOLIDAYS"))
    listed = [d.isoformat() if isinstance(d, date) else str(d) for d in config.get("holidays", [])]
    try:
        holidays = parse_holidays(listed, f"config file {config_path()}, holidays")
    except InvalidInput as exc:
        raise ConfigError(str(exc)) from None
    if config.get("holidays_file"):
        holidays |= _holidays_from_file(config["holidays_file"], f"config file {config_path()}")
    return WorkCalendar(workdays, holidays)


def pipeline_settings() -> dict[str, Any]:
    """The pipeline's settings from the config file (`stages`, `won_stage`, `lost_stage`), checked."""
    from kpitui.domain.pipeline import check_configured

    config = {key: value for key, value in load_config().items() if key in ("stages", "won_stage", "lost_stage")}
    try:
        check_configured(config, f"config file {config_path()}")
    except InvalidInput as exc:
        raise ConfigError(str(exc)) from None
    return config
