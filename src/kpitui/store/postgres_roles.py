"""PostgreSQL login roles: one per person, a member of the group of their kpitui role (migration 0004).

The database enforces the access rules with row-level security keyed on `session_user`, so the same
credentials in `psql` get no more than in the app. Run as the owner of the tables, which needs CREATEROLE
(PostgreSQL 16+: also ADMIN OPTION on the kpitui_* group roles, which the role that created them has).
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from kpitui.domain.errors import AccessDenied, InvalidInput

GROUP_OF_ROLE = {"rep": "kpitui_rep", "manager": "kpitui_manager", "admin": "kpitui_admin"}
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def check_role_name(name: str) -> str:
    if not ROLE_NAME.fullmatch(name):
        raise InvalidInput(f"role name {name!r}: use lower-case letters, digits and _, starting with a letter "
                           "or _, at most 63 characters")
    if name.startswith("pg_") or name in {*GROUP_OF_ROLE.values(), "public", "postgres"}:
        raise InvalidInput(f"role name {name!r} is reserved: pick one for the person, e.g. their first name")
    return name


def login_rep_id(session: Connection) -> int | None:
    """The rep this connection logged in as (rep.db_role = session_user), if any: the actor by default."""
    return session.execute(text("SELECT id FROM rep WHERE db_role = session_user::text")).scalar()


def _quote(session: Connection, value: str) -> tuple[str, str]:
    row = session.execute(text("SELECT quote_ident(:v), quote_literal(:v)"), {"v": value}).one()
    return row[0], row[1]


def _password_verifier(session: Connection, role_name: str, password: str) -> str:
    """The SCRAM verifier, computed here so the clear password never reaches the server (nor its logs)."""
    raw = session.connection.dbapi_connection
    pgconn = getattr(raw, "pgconn", None)
    if pgconn is not None:
        return pgconn.encrypt_password(password.encode(), role_name.encode(), b"scram-sha-256").decode()
    return password


def provision_login(session: Connection, rep_id: int, rep_role: str, role_name: str, password: str) -> str:
    """Create the LOGIN role when missing (else set its password), put it in exactly the kpitui group of
    `rep_role`, and record it as rep.db_role. Returns the group. One transaction: the caller's."""
    check_role_name(role_name)
    group = GROUP_OF_ROLE.get(rep_role)
    if group is None:
        raise InvalidInput(f"no database group for the role {rep_role!r}: give the person the role rep, manager "
                           "or admin first")
    if not password:
        raise InvalidInput("give a password for the login role (--password)")
    found = session.execute(text(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, "
        "       pg_has_role(oid, (SELECT relowner FROM pg_class WHERE oid = 'rep'::regclass), 'USAGE') "
        "FROM pg_roles WHERE rolname = :name"), {"name": role_name}).one_or_none()
    if found is not None and any(found):
        raise InvalidInput(f"role {role_name!r} already exists with powers the database cannot restrict "
                           "(superuser, BYPASSRLS, CREATEROLE, CREATEDB or owner of the tables): give the person "
                           "a role of their own")
    holder = session.execute(text("SELECT name FROM rep WHERE db_role = :name AND id <> :id"),
                             {"name": role_name, "id": rep_id}).scalar()
    if holder is not None:
        raise InvalidInput(f"role {role_name!r} already belongs to {holder}")
    ident, _ = _quote(session, role_name)
    _, secret = _quote(session, _password_verifier(session, role_name, password))
    ddl = session.exec_driver_sql  # quoted by the server above; no bind-parameter parsing
    try:
        if found is None:
            ddl(f"CREATE ROLE {ident} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS INHERIT "
                f"PASSWORD {secret}")
        else:
            ddl(f"ALTER ROLE {ident} LOGIN PASSWORD {secret}")
        for other in GROUP_OF_ROLE.values():
            member = session.execute(text("SELECT pg_has_role(:name, :group, 'MEMBER')"),
                                     {"name": role_name, "group": other}).scalar()
            if other != group and member:
                ddl(f"REVOKE {other} FROM {ident}")
        ddl(f"GRANT {group} TO {ident}")
        session.execute(text("UPDATE rep SET db_role = :name WHERE id = :id"), {"name": role_name, "id": rep_id})
    except IntegrityError:
        raise InvalidInput(f"role {role_name!r} already belongs to another rep") from None
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            raise AccessDenied(f"the database refused to create or grant the role {role_name!r}: run "
                               "`kpitui grant` connected as the owner of the kpitui tables, with CREATEROLE") from exc
        raise
    return group


def set_login(session: Connection, role_name: str, allowed: bool) -> None:
    """LOGIN or NOLOGIN for a person's role: a deactivated person cannot connect at all (row-level security
    already gives an inactive person's open sessions nothing: kpitui_current_rep() requires `active`)."""
    exists = session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": role_name}).first()
    if exists is None:
        return  # dropped outside kpitui: nothing can sign in with it
    ident, _ = _quote(session, role_name)
    try:
        session.exec_driver_sql(f"ALTER ROLE {ident} {'LOGIN' if allowed else 'NOLOGIN'}")
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            raise AccessDenied(f"the database refused to {'unlock' if allowed else 'lock'} the login role "
                               f"{role_name!r}: run this connected as the owner of the kpitui tables, with "
                               "CREATEROLE; nothing was changed") from exc
        raise
