"""The start screen: painted at once, while a worker loads the database stack and opens the database
(`KpituiApp.open_service`); the signed-in person's home replaces it. It imports nothing but Textual, so the first
frame costs what a Textual hello app's does."""

from __future__ import annotations

import threading

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class Opening(Screen[None]):
    DEFAULT_CSS = """
    Opening { align: center middle; }
    Opening > #opening { width: auto; height: auto; color: $text-muted; }
    """

    def __init__(self, what: str, painted: threading.Event | None = None) -> None:
        super().__init__()
        self.what = what
        self.painted = painted or threading.Event()
        """Set once the screen has been painted: the worker opening the database waits for it."""

    def on_mount(self) -> None:
        self.call_after_refresh(self.painted.set)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Content(f"Opening {self.what} …"), id="opening")  # a file name is user text: no markup
        yield Footer()
