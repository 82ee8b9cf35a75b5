"""The command line (DESIGN.md section 6): `main` and its commands, one module per concern. Parses, calls
services, formats; no SQL and no KPI logic here."""

from kpitui.cli import app, data, people, reports, today  # noqa: F401  (each module adds its commands to main)
from kpitui.cli.base import main

__all__ = ["main"]
