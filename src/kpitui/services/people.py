"""People and teams: who can sign in, which teams the actor may look at, database logins, and the admin's
changes to people (deactivate, reactivate, move to another team), each written to the change log.

Deactivated means: their history stays (scorecard, exports, change log), they drop off every leaderboard and
team median (the leaderboard lists the active people of a team as it is now, whatever the period), and they
cannot sign in: not with --as, KPITUI_USER or the app's picker, and on PostgreSQL their login role is NOLOGIN.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from kpitui.domain.errors import InvalidInput
from kpitui.domain.text import clean_text
from kpitui.services.access import AccessRules
from kpitui.store import people as people_store
from kpitui.store import people_queries
from kpitui.store.people_queries import RepRow

ALL_ROLES = ("rep", "manager", "admin")


@dataclass(frozen=True)
class PersonChange:
    """What an admin's change did: the person after it, and whether anything changed at all."""

    person: RepRow
    changed: bool


class PeopleService(AccessRules):
    def people(self, active_only: bool = True) -> list[RepRow]:
        """Everyone who can sign in (reps, managers, admins), by name: the picker's list."""
        with self.db.read() as session:
            return people_queries.reps_in_scope(session, None, active_only=active_only, roles=ALL_ROLES)

    def list_people(self) -> list[RepRow]:
        """`kpitui people`: everyone, deactivated included, for an admin; for others the people of the teams
        they see on their leaderboard, and themselves."""
        team_ids, _ = (None, None) if self._is_admin() else self._leaderboard_scope(None)
        with self.db.read() as session:
            found = people_queries.reps_in_scope(session, team_ids, active_only=False, roles=ALL_ROLES)
        if self.actor is not None and all(p.id != self.actor.id for p in found):
            found.append(self.actor)
        return found

    def teams(self) -> list[tuple[int, str]]:
        """The teams the actor may look at."""
        with self.db.read() as session:
            everything = people_queries.all_teams(session)
        allowed = self._detail_team_ids()
        return everything if allowed is None else [t for t in everything if t[0] in allowed]

    def deactivate(self, ref: str) -> PersonChange:
        """Stop `ref` signing in and drop them from leaderboards; their history stays. Admins only."""
        return self._set_active(ref, False)

    def activate(self, ref: str) -> PersonChange:
        """Undo `deactivate`: they sign in again (PostgreSQL: LOGIN again) and are back on leaderboards."""
        return self._set_active(ref, True)

    def _set_active(self, ref: str, active: bool) -> PersonChange:
        self.require_admin("activate or deactivate people")
        person = self.find_rep(ref)
        if not active and self.actor is not None and self.actor.id == person.id:
            raise InvalidInput("you cannot deactivate yourself: ask another admin")

        def write(session: Connection) -> PersonChange:
            before = people_queries.rep_by_id(session, person.id)  # as it is under the write lock
            assert before is not None
            if before.active == active:
                return PersonChange(before, False)
            people_store.set_active(session, person.id, active)
            self._set_database_login(session, person.id, active)
            after = people_queries.rep_by_id(session, person.id)
            self._audit(session, "rep", person.id, "activate" if active else "deactivate", before=before,
                        after=after, team_id=before.team_id, subject_rep_id=person.id)
            assert after is not None
            return PersonChange(after, True)

        return self.db.run_write(write)

    def _set_database_login(self, session: Connection, rep_id: int, allowed: bool) -> None:
        if self.db.is_sqlite:
            return
        from kpitui.store import postgres_roles

        role_name = people_store.login_role(session, rep_id)
        if role_name:
            postgres_roles.set_login(session, role_name, allowed)

    def move(self, ref: str, team: str) -> PersonChange:
        """Put `ref` in another team. A manager's rights over the team they leave end at once; they manage
        the team they join. Admins only."""
        self.require_admin("move people between teams")
        person = self.find_rep(ref)
        team_id, _ = self.find_team(team)

        def write(session: Connection) -> PersonChange:
            before = people_queries.rep_by_id(session, person.id)
            assert before is not None
            if before.team_id == team_id:
                return PersonChange(before, False)
            people_store.move_to_team(session, person.id, team_id, before.team_id, manager=before.role == "manager")
            after = people_queries.rep_by_id(session, person.id)
            self._audit(session, "rep", person.id, "move", before=before, after=after, team_id=team_id,
                        subject_rep_id=person.id)
            assert after is not None
            return PersonChange(after, True)

        return self.db.run_write(write)

    def provision_login(self, rep: str, role_name: str, password: str) -> str:
        """Give a person their own PostgreSQL login role, in the group of their kpitui role, so the database
        enforces the access rules on whatever they connect with. Owner/admin only; returns the group."""
        from kpitui.store import postgres_roles

        self.require_admin("create database logins")
        if self.db.is_sqlite:
            raise InvalidInput("`kpitui grant` is for a shared PostgreSQL database: a SQLite file has no logins "
                               "(whoever can open the file can change it)")
        person = self.find_rep(rep)
        if not person.active:
            raise InvalidInput(f"{clean_text(person.name)} is deactivated: reactivate them first "
                               "(`kpitui people activate`)")
        return self.db.run_write(lambda session: postgres_roles.provision_login(session, person.id, person.role,
                                                                                role_name, password))
