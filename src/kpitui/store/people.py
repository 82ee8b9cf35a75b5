"""Writing people: deactivate, reactivate, move to another team (services/people.py decides who may)."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from kpitui.store import tables

_R = tables.rep.c
_M = tables.team_manager.c


def login_role(session: Connection, rep_id: int) -> str | None:
    """The person's PostgreSQL login role (`kpitui grant`), if they have one."""
    return session.execute(select(_R.db_role).where(_R.id == rep_id)).scalar()


def set_active(session: Connection, rep_id: int, active: bool) -> None:
    session.execute(update(tables.rep).where(_R.id == rep_id).values(active=active))


def move_to_team(session: Connection, rep_id: int, team_id: int, old_team_id: int | None, manager: bool) -> None:
    """Put the person in `team_id`. A manager stops managing the team they leave (its team_manager link goes,
    which ends their rights there in the service layer and in PostgreSQL's row-level security alike) and
    manages the team they join, as an import would have linked it."""
    session.execute(update(tables.rep).where(_R.id == rep_id).values(team_id=team_id))
    if old_team_id is not None and old_team_id != team_id:
        session.execute(delete(tables.team_manager).where(_M.rep_id == rep_id, _M.team_id == old_team_id))
    if manager:
        linked = session.execute(select(_M.rep_id).where(_M.rep_id == rep_id, _M.team_id == team_id)).first()
        if linked is None:
            session.execute(insert(tables.team_manager).values(rep_id=rep_id, team_id=team_id))
