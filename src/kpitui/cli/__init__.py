"""The command line (DESIGN.md section 6): `main` and its commands, one module per concern. Parses, calls
services, formats; no SQL and no KPI logic here."""

from kpitui.cli import app, cockpit, data, deals, notes, people, reports  # noqa: F401  (each adds its commands to main)
from kpitui.cli.base import main

__all__ = ["main"]
