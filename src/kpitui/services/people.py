"""People and teams: who can sign in, which teams the actor may look at, database logins."""

from __future__ import annotations

from kpitui.domain.errors import InvalidInput
from kpitui.services.access import AccessRules
from kpitui.store import queries
from kpitui.store.queries import RepRow


class PeopleService(AccessRules):
    def people(self, active_only: bool = True) -> list[RepRow]:
        """Everyone who can sign in (reps, managers, admins), by name: the picker's list."""
        with self.db.read() as session:
            return queries.reps_in_scope(session, None, active_only=active_only, roles=("rep", "manager", "admin"))

    def teams(self) -> list[tuple[int, str]]:
        """The teams the actor may look at."""
        with self.db.read() as session:
            everything = queries.all_teams(session)
        allowed = self._detail_team_ids()
        return everything if allowed is None else [t for t in everything if t[0] in allowed]

    def provision_login(self, rep: str, role_name: str, password: str) -> str:
        """Give a person their own PostgreSQL login role, in the group of their kpitui role, so the database
        enforces the access rules on whatever they connect with. Owner/admin only; returns the group."""
        from kpitui.store import postgres_roles

        self.require_admin("create database logins")
        if self.db.is_sqlite:
            raise InvalidInput("`kpitui grant` is for a shared PostgreSQL database: a SQLite file has no logins "
                               "(whoever can open the file can change it)")
        person = self.find_rep(rep)
        return self.db.run_write(lambda session: postgres_roles.provision_login(session, person.id, person.role,
                                                                                role_name, password))
