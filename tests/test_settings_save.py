"""settings.save_setting: the app writes one setting into the user's config file and keeps everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpitui.domain.errors import ConfigError
from kpitui.settings import load_config, save_setting


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kpitui" / "config.toml"
    monkeypatch.setenv("KPITUI_CONFIG", str(path))
    return path


def test_a_new_file_is_made(config: Path) -> None:
    save_setting("leaderboard_columns", ["calls", "revenue"])
    assert load_config() == {"leaderboard_columns": ["calls", "revenue"]}


def test_other_lines_and_comments_stay_and_a_multiline_value_is_replaced(config: Path) -> None:
    config.parent.mkdir()
    config.write_text('# team settings\nworkdays = "sun-thu"  # our week\nleaderboard_columns = [\n  "calls",\n'
                      '  "emails",\n]\nholidays = [2026-12-24]\n', encoding="utf-8")
    save_setting("leaderboard_columns", ["meetings"])
    assert config.read_text(encoding="utf-8") == ('# team settings\nworkdays = "sun-thu"  # our week\n'
                                                  'leaderboard_columns = ["meetings"]\nholidays = [2026-12-24]\n')
    save_setting("standup_seconds", 90)
    assert load_config()["standup_seconds"] == 90
    assert load_config()["workdays"] == "sun-thu"


def test_a_broken_file_is_not_touched(config: Path) -> None:
    config.parent.mkdir()
    config.write_text("workdays = \n", encoding="utf-8")
    with pytest.raises(ConfigError):
        save_setting("leaderboard_columns", ["calls"])
    assert config.read_text(encoding="utf-8") == "workdays = \n"


def test_a_value_of_the_wrong_kind_is_refused(config: Path) -> None:
    with pytest.raises(ConfigError):
        save_setting("standup_seconds", "two minutes")
    assert not config.exists()
