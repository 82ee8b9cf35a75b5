"""`kpitui log` through the real entry point: the same natural times as the form, and a note too long is an
error naming the field (nothing cut, nothing written). The clock (test_cli.ENV): Tuesday 20 Oct 2026, 15:00
in Berlin."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_cli import counts, database, kpitui, team_db  # noqa: F401 - fixtures

ADA = ("--as", "ada@example.com")


@pytest.mark.parametrize(("at", "logged"), [
    ("monday 10:00", "2026-10-19 10:00"),
    ("2h ago", "2026-10-20 13:00"),
    ("9:30am", "2026-10-20 09:30"),
    ("yesterday 9:30pm", "2026-10-19 21:30"),
    ("friday 4pm", "2026-10-16 16:00"),
])
def test_log_at_reads_natural_times(team_db: Path | str, at: str, logged: str) -> None:  # noqa: F811
    done = kpitui(team_db, *ADA, "log", "call", "--at", at)
    assert done.stdout.strip().endswith(f"for Ada Ames at {logged}")


def test_log_at_a_moment_it_cannot_read_names_the_field(team_db: Path | str) -> None:  # noqa: F811
    done = kpitui(team_db, *ADA, "log", "call", "--at", "someday 10:00", ok=False)
    assert done.returncode == 2
    assert "occurred_at: 'someday 10:00' is not a moment" in done.stderr
    assert "monday 10:00" in done.stderr  # the message says what it reads


def test_a_note_too_long_is_an_error_naming_the_field(team_db: Path | str) -> None:  # noqa: F811
    before = counts(team_db)["activity"]
    done = kpitui(team_db, *ADA, "log", "call", "--note", "x" * 5000, ok=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: note: too long: 5000 characters, at most 4000"
    assert counts(team_db)["activity"] == before
    kpitui(team_db, *ADA, "log", "call", "--note", "x" * 4000)  # the limit itself is fine
    assert counts(team_db)["activity"] == before + 1
