"""Who may see and change what: the one place the role rules live (see the package docstring)."""

from __future__ import annotations

from kpitui.domain.errors import AccessDenied, InvalidInput
from kpitui.services.core import ServiceCore
from kpitui.store import people_queries
from kpitui.store.people_queries import RepRow


class AccessRules(ServiceCore):
    def _is_admin(self) -> bool:
        return self.actor is None or self.actor.role == "admin"

    def _detail_team_ids(self) -> set[int] | None:
        """Teams whose reps' detail the actor may see; None = every team."""
        if self._is_admin():
            return None
        assert self.actor is not None
        if self.actor.role == "manager":
            with self.db.read() as session:
                managed = set(people_queries.managed_team_ids(session, self.actor.id))
            if self.actor.team_id is not None:
                managed.add(self.actor.team_id)
            return managed
        return set()

    def can_see_detail(self, rep: RepRow) -> bool:
        if self.actor is not None and self.actor.id == rep.id:
            return True
        allowed = self._detail_team_ids()
        return allowed is None or rep.team_id in allowed

    def _require_detail(self, rep: RepRow) -> None:
        if not self.can_see_detail(rep):
            raise AccessDenied(f"{self.actor.name if self.actor else 'you'} may not see {rep.name}'s detail: "
                               "managers see their own teams, reps themselves")

    def _leaderboard_scope(self, team: str | None) -> tuple[list[int] | None, str | None]:
        if team:
            team_id, team_name = self.find_team(team)
            allowed = self._detail_team_ids()
            own = self.actor is not None and self.actor.team_id == team_id
            if allowed is not None and team_id not in allowed and not own:
                raise AccessDenied(f"{self.actor.name if self.actor else 'you'} may not see team {team_name}")
            return [team_id], team_name
        if self._is_admin():
            return None, None
        assert self.actor is not None
        allowed = self._detail_team_ids() or set()
        if self.actor.team_id is not None:
            allowed.add(self.actor.team_id)
        if len(allowed) == 1:
            team_id = next(iter(allowed))
            with self.db.read() as session:
                names = dict(people_queries.all_teams(session))
            return [team_id], names.get(team_id)
        return sorted(allowed), None

    def _require_team_write(self, team_id: int, team_name: str) -> None:
        allowed = self._detail_team_ids()
        if allowed is not None and (self.actor is None or self.actor.role != "manager" or team_id not in allowed):
            who = self.actor.name if self.actor else "you"
            raise AccessDenied(f"{who} may not change team {team_name}: its managers and admins only")

    def _require_team_detail(self, team_id: int, team_name: str) -> None:
        allowed = self._detail_team_ids()
        if allowed is not None and team_id not in allowed:
            who = self.actor.name if self.actor else "you"
            raise AccessDenied(f"{who} may not see team {team_name}'s targets: its managers and admins only")

    def _require_write_for(self, rep: RepRow) -> None:
        if self._is_admin() or (self.actor is not None and self.actor.id == rep.id):
            return
        assert self.actor is not None
        if self.actor.role == "manager" and self.can_see_detail(rep):
            return
        raise AccessDenied(f"{self.actor.name} may not log or change activities of {rep.name}")

    def require_admin(self, what: str) -> None:
        if not self._is_admin():
            assert self.actor is not None
            raise AccessDenied(f"{self.actor.name} ({self.actor.role}) may not {what}: admins only")

    def _rep_for_detail(self, ref: str | None) -> RepRow:
        if ref:
            person = self.find_rep(ref)
        elif self.actor is not None:
            person = self.actor
        else:
            raise InvalidInput("say which rep: --rep NAME or EMAIL (or --as to sign in)")
        self._require_detail(person)
        return person

    def _rep_for_write(self, ref: str | None) -> RepRow:
        if ref:
            person = self.find_rep(ref)
        elif self.actor is not None:
            person = self.actor
        else:
            raise InvalidInput("say whose activity this is: --rep NAME or EMAIL (or --as to sign in)")
        self._require_write_for(person)
        return person
