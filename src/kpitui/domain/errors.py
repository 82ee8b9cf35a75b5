"""Errors a sales rep can read: the CLI prints them as one line, the UI shows them inline."""

from __future__ import annotations


class KpituiError(Exception):
    """Base for every user-facing error."""


class InvalidInput(KpituiError):
    """A value given by a person (form field, CLI option, CSV cell) is not acceptable."""


class NotFound(KpituiError):
    """A rep, team or deal named by the user does not exist."""


class AccessDenied(KpituiError):
    """The acting person's role does not allow this operation."""


class DatabaseError(KpituiError):
    """The database cannot be used as it is: missing, not kpitui's, newer than this version, unreachable,
    read-only. The message names the database (never its password) and what to do."""


class ConfigError(KpituiError):
    """A setting from the environment (KPITUI_NOW, KPITUI_TZ, KPITUI_DB) or a global option is not usable."""
