"""The service's core: the database, who is acting, the clock, and looking people, teams and deals up."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import ParamSpec, Self, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from kpitui import settings
from kpitui.domain.calendar import WorkCalendar
from kpitui.domain.errors import AccessDenied, InvalidInput, NotFound
from kpitui.domain.periods import Period, parse_period
from kpitui.domain.text import clean_text
from kpitui.store import people_queries, records
from kpitui.store.db import Database
from kpitui.store.people_queries import RepRow
from kpitui.store.schema import open_database


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _require_active(person: RepRow) -> None:
    if not person.active:
        raise AccessDenied(f"{clean_text(person.name)} is deactivated and cannot sign in: an admin can "
                           "reactivate them (`kpitui people activate`)")


P = ParamSpec("P")
T = TypeVar("T")


def one_snapshot(method: Callable[P, T]) -> Callable[P, T]:
    """A report read in one snapshot: every read it makes joins one (Database.read), so its numbers agree."""

    @functools.wraps(method)
    def reading(*args: P.args, **kwargs: P.kwargs) -> T:
        service = args[0]
        assert isinstance(service, ServiceCore)
        with service.db.read():
            return method(*args, **kwargs)

    return reading


class ServiceCore:
    """What every part of the service shares: the database, the actor, the zone and the clock."""

    def __init__(self, db: Database, *, zone: ZoneInfo | None = None, actor: str | None = None,
                 clock: Callable[[], datetime] = settings.now, calendar: WorkCalendar | None = None) -> None:
        self.db = db
        self.zone = zone or settings.local_zone()
        self.calendar = calendar or settings.work_calendar()
        self.clock = clock
        self.actor: RepRow | None = self._sign_in(actor) if actor is not None else None
        if not db.is_sqlite:
            self._sign_in_as_database_login()

    def _sign_in_as_database_login(self) -> None:
        """On a shared PostgreSQL a person's login role is tied to their rep (`kpitui grant`): that rep is the
        actor, and the database enforces it anyway (row-level security), so --as cannot name someone else."""
        from kpitui.store.postgres_roles import login_rep_id

        with self.db.read() as session:
            rep_id = login_rep_id(session)
        if rep_id is None:
            return
        me = self._rep_row(rep_id)
        _require_active(me)
        if self.actor is not None and self.actor.id != me.id:
            raise AccessDenied(f"you are signed in to the database as {me.name}: you cannot act as "
                               f"{self.actor.name}")
        self.actor = me

    @classmethod
    def open(cls, db_arg: str | None = None, actor: str | None = None, *, initialise: bool = False,
             **kwargs: object) -> Self:
        """The service on the database named by `db_arg` (see settings.database_url), at the newest schema.
        `initialise` (the `init` command) may make an empty file into a kpitui database."""
        db = open_database(settings.database_url(db_arg), initialise=initialise)
        try:
            return cls(db, actor=actor, **kwargs)  # type: ignore[arg-type]
        except BaseException:
            db.dispose()  # no connection left behind by a refused sign-in
            raise

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    def period(self, text: str | None, default: str = "this-month") -> Period:
        return parse_period(text or default, self.today())

    def _sign_in(self, ref: str) -> RepRow:
        """The person `ref` names, if they may sign in: an empty name is an error (never "nobody", which would
        be the local owner with every right), and a deactivated person is refused."""
        if not clean_text(ref):
            raise InvalidInput("who are you? --as (or KPITUI_USER) is empty: give your email or full name")
        person = self.find_rep(ref)
        _require_active(person)
        return person

    def find_rep(self, ref: str) -> RepRow:
        """The one person whose email, else name, is `ref` (compared NFKC-casefolded, invisible characters
        ignored); an ambiguous name is an error listing who it could be."""
        shown = clean_text(ref)
        with self.db.read() as session:
            found = people_queries.find_reps(session, ref) if shown else []
        if not found:
            raise NotFound(f"no rep named {shown!r} (use their email or full name)")
        if len(found) > 1:
            matches = ", ".join(clean_text(p.name) + (f" <{clean_text(p.email)}>" if p.email else "")
                                for p in found)
            raise InvalidInput(f"{len(found)} people are named {shown!r}: use the email instead ({matches})")
        return found[0]

    def find_team(self, name: str) -> tuple[int, str]:
        with self.db.read() as session:
            team = people_queries.find_team(session, name)
        if team is None:
            raise NotFound(f"no team named {name!r}")
        return team

    def _rep_row(self, rep_id: int) -> RepRow:
        with self.db.read() as session:
            row = people_queries.rep_by_id(session, rep_id)
        if row is None:
            raise NotFound(f"no rep #{rep_id}")
        return row

    def _audit(self, session: Connection, entity: str, entity_id: int, action: str, before: object | None = None,
               after: object | None = None, team_id: int | None = None, subject_rep_id: int | None = None) -> None:
        subject = subject_rep_id if subject_rep_id is not None else getattr(after or before, "rep_id", None)
        records.audit(session, at=self.now(), actor_rep_id=self.actor.id if self.actor else None,
                      actor=self.actor.name if self.actor else "local owner", subject_rep_id=subject,
                      subject_team_id=team_id, entity=entity, entity_id=entity_id, action=action, before=before,
                      after=after)
