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


class Busy(KpituiError):
    """The database made us wait too long (someone else holds a lock, or a statement ran past its timeout)."""
