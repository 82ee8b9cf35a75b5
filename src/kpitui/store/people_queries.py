"""Reading people and teams: reps by scope, by name or email, by id; teams; the teams a manager manages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, true

from kpitui.domain.text import clean_text, name_key
from kpitui.store import tables
from kpitui.store.buckets import _values, shaped


@dataclass(frozen=True)
class RepRow:
    id: int
    name: str
    email: str | None
    team_id: int | None
    team: str | None
    role: str
    active: bool


@shaped
def _reps_statement(match: str, by_team: bool = False, active_only: bool = False) -> Any:
    """People with their team's name, by name; `match` is "email", "name", "id", "roles" (a list) or
    "all"."""
    r, t = tables.rep.c, tables.team.c
    conditions = {"email": func.lower(r.email) == bindparam("key"), "name": func.lower(r.name) == bindparam("key"),
                  "id": r.id == bindparam("key"), "roles": r.role.in_(_values("roles")), "all": true()}
    stmt = (select(r.id, r.name, r.email, r.team_id, t.name.label("team"), r.role, r.active)
            .select_from(tables.rep.outerjoin(tables.team, r.team_id == t.id))
            .where(conditions[match]).order_by(func.lower(r.name), r.id))
    if by_team:
        stmt = stmt.where(r.team_id.in_(_values("team_ids")))
    if active_only:
        stmt = stmt.where(r.active.is_(True))
    return stmt


def _rep_rows(session: Connection, stmt: Any, **params: Any) -> list[RepRow]:
    return [RepRow(**row._mapping) for row in session.execute(stmt, params)]


QUOTA_ROLES = ("rep",)


def reps_in_scope(session: Connection, team_ids: Sequence[int] | None, active_only: bool = True,
                  roles: Sequence[str] = QUOTA_ROLES) -> list[RepRow]:
    """Quota-carrying reps of the teams (all teams when None): the leaderboard's rows and the team median."""
    stmt = _reps_statement("roles", team_ids is not None, active_only)
    scope = {} if team_ids is None else {"team_ids": list(team_ids)}
    return _rep_rows(session, stmt, roles=list(roles), **scope)


def find_reps(session: Connection, ref: str) -> list[RepRow]:
    """Reps whose email, else whose name, is `ref`. As typed (cleaned, case-insensitive) first, in SQL; when
    nothing matches so, compared by `name_key` (NFKC, case-folded, invisible characters ignored), in Python,
    since SQL has no NFKC: "\u200bLea Santos" and "ＬＥＡ SANTOS" find Lea Santos. The exact match comes first
    so a look-alike stored under another spelling never takes the place of the person typed (and the scan of
    everyone, 70 ms at 5,000 people, runs only for names typed differently from how they are stored)."""
    typed = clean_text(ref).lower()
    if not typed:
        return []
    exact = (_rep_rows(session, _reps_statement("email"), key=typed)
             or _rep_rows(session, _reps_statement("name"), key=typed))
    if exact:
        return exact
    key = name_key(ref)
    everyone = _rep_rows(session, _reps_statement("all"))
    return ([p for p in everyone if p.email and name_key(p.email) == key]
            or [p for p in everyone if name_key(p.name) == key])


def rep_by_id(session: Connection, rep_id: int) -> RepRow | None:
    rows = _rep_rows(session, _reps_statement("id"), key=rep_id)
    return rows[0] if rows else None


def find_team(session: Connection, name: str) -> tuple[int, str] | None:
    t = tables.team.c
    row = session.execute(select(t.id, t.name).where(func.lower(t.name) == name.strip().lower())).first()
    return (row.id, row.name) if row else None


def all_teams(session: Connection) -> list[tuple[int, str]]:
    t = tables.team.c
    return [(row.id, row.name) for row in session.execute(select(t.id, t.name).order_by(func.lower(t.name)))]


def managed_team_ids(session: Connection, rep_id: int) -> list[int]:
    m = tables.team_manager.c
    return [tid for (tid,) in session.execute(select(m.team_id).where(m.rep_id == rep_id))]

