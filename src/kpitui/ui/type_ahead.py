"""Keys typed ahead reach the form they were meant for, in order (a mixin of KpituiApp).

Textual runs a screen's key binding only when the key comes back to the app from the focused widget; by then
the keys queued behind it have been handed to the old screen. So `a e Tab yesterday 9:30 ...` typed fast
logged a call with no answer (the Tab lost, the letters taken as the home's or the form's keys). The app holds
the keys typed after a key bound to a form (FORM_KEYS, by binding id) until the form has its focus
(FormScreen.on_mount calls `keys_ready`), then routes them one at a time, each handled to the end before the
next; while a form is in front every burst is routed that way, so a Tab among letters moves the focus before
the next letter is sent.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.message import Message
from textual.widgets import Input

from kpitui.ui.screens.form import FormScreen

FORM_KEYS = {"activity.log", "activity.edit", "deal.log", "deal.move", "deal.won", "deal.lost", "deal.new",
             "deal.reopen", "detail.note_add", "detail.action_add"}
"""Bindings (by id) that open a form: the keys typed after one wait for the form's focus."""
READY_SECONDS = 5.0
"""Safety nets only, long enough for a loaded machine (a form built in over a second was seen in tests under
load): a form that never says it is ready, a key some screen swallows without a word."""
STUCK_SECONDS = 2.0


class TypeAhead(App[None]):
    """Needs, from the app: `_held_keys`, `_holding_for`, `_form_opened`, `_replaying` (set in __init__)."""

    _held_keys: list[events.Key | events.Paste] | None
    """Keys typed while a form is being built (or routed one by one in a form), oldest first."""
    _holding_for: events.Event | None
    _form_opened: bool
    _replaying: events.Event | None

    class KeysReady(Message):
        """The form in front has its focus: the keys held until now go to it, in the order they were typed."""

    def _opens_form(self, key: str) -> bool:
        """Whether `key`, in the screen in front, is bound to a form (log, edit, a deal's move)."""
        if isinstance(self.focused, Input):
            return False  # typed into the field
        active = self.active_bindings.get(key)
        return active is not None and active.enabled and active.binding.id in FORM_KEYS

    def hold_keys(self) -> None:
        """Until `keys_ready`: a fast typist's `a`, `e`, Tab, ... would otherwise be handled before the form's
        fields exist (Tab lost, letters taken as the old screen's keys, the wrong activity logged). A form that
        never says it is ready does not keep the keyboard: the keys go on after READY_SECONDS."""
        if self._held_keys is None:
            self._held_keys = []
            self.set_timer(READY_SECONDS, self.keys_ready)

    def keys_ready(self) -> None:
        """Called by a form once its focus is set. The held keys are replayed when this message's turn comes,
        so keys already queued behind it are held too and nothing overtakes anything."""
        if self._held_keys is not None:
            self.post_message(self.KeysReady())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if self._held_keys is not None:
                self._held_keys.append(event)
                return
            if isinstance(self.screen, FormScreen):
                # in a form, a burst (fast typing, a terminal's type-ahead) is routed one key at a time as well:
                # Textual hands every queued key to the focused field before a Tab among them has moved on
                self._held_keys = [event]
                await self._replay_next()
                return
            if isinstance(event, events.Key) and self._opens_form(event.key):
                # the binding runs when the key comes back from the focused widget, after the keys queued
                # behind it would have been handed to the old screen: hold them from now
                self.hold_keys()
                self._holding_for, self._form_opened = event, False
            await super().on_event(event)
            return
        await super().on_event(event)
        if event is self._holding_for:  # its binding has run: if it opened no form, nothing will say ready
            self._holding_for = None
            if not (self._form_opened or isinstance(self.screen, FormScreen)):  # pushed without open_screen
                self.keys_ready()
        elif event is self._replaying:  # came back through the screen to the app's bindings: done with it
            await self._replay_next()

    async def on_type_ahead_keys_ready(self, _message: KeysReady) -> None:
        if self._replaying is None:
            await self._replay_next()

    async def _replay_next(self) -> None:
        """The held keys one at a time, each handled to the end (taken by the focused widget, or back at the
        app's bindings: a Tab has moved the focus) before the next is routed; keys typed meanwhile queue
        behind them."""
        self._replaying = None
        if not self._held_keys:
            self._held_keys = None
            return
        event = self._held_keys.pop(0)
        again = events.Key(event.key, event.character) if isinstance(event, events.Key) \
            else events.Paste(event.text)
        again.set_sender(self)
        self._replaying = again
        target = self.focused or self.screen
        await super().on_event(again)
        if not again.is_forwarded:  # a priority binding (^q, ^p) took it at once
            await self._replay_next()
            return
        target.call_later(self._replayed, again)
        self.set_timer(STUCK_SECONDS, lambda: self._replay_stuck(again))

    async def _replayed(self, event: events.Event) -> None:
        """After the focused widget's turn: a key it took (stopped) is done; one it passed on is done when it
        reaches the app (`on_event`)."""
        if event is self._replaying and getattr(event, "_stop_propagation", True):
            await self._replay_next()

    async def _replay_stuck(self, event: events.Event) -> None:
        """A key some screen took without a word (or a priority binding): go on with the next."""
        if event is self._replaying:
            await self._replay_next()
