"""What each kind of import row writes: reps, deals, targets and forecasts here; activities and scores, which
may be imported again, in `store/reimport.py`. References (rep, team) resolve through `_Directory`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from kpitui.domain.inputs import DealIn, ForecastIn, RepIn, TargetIn
from kpitui.domain.text import clean_text, name_key
from kpitui.store import tables
from kpitui.store.import_report import REIMPORTED, _RowProblem, _RowProblems
from kpitui.store.models import Deal, Forecast, Rep, Target, Team, TeamManager

BATCH = 5000  # rows per bulk insert


# -- references -------------------------------------------------------------------------------------------------
class _Directory:
    """Reps and teams by the names people use for them: a rep by email or by name, compared by `name_key`
    (NFKC, case-folded, invisible characters ignored)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.reps_by_email: dict[str, Rep] = {}
        self.reps_by_name: dict[str, list[Rep]] = defaultdict(list)
        for rep in session.scalars(select(Rep)):
            self._index(rep)
        self.teams: dict[str, Team] = {t.name.lower(): t for t in session.scalars(select(Team))}

    def _index(self, rep: Rep) -> None:
        if rep.email:
            self.reps_by_email[name_key(rep.email)] = rep
        self.reps_by_name[name_key(rep.name)].append(rep)

    def rep(self, ref: str, field: str = "rep") -> Rep:
        key = name_key(ref)
        if key in self.reps_by_email:
            return self.reps_by_email[key]
        named = self.reps_by_name.get(key, [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise _RowProblem(field, f"{len(named)} reps are named {ref!r}: use the rep's email instead")
        raise _RowProblem(field, f"no rep named {ref!r}")

    def team(self, name: str, field: str = "team") -> Team:
        team = self.teams.get(name.lower())
        if team is None:
            raise _RowProblem(field, f"no team named {name!r}")
        return team


# -- what each kind writes --------------------------------------------------------------------------------------
class _Writer:
    references: tuple[str, ...] = ()  # the fields that name a rep, a team or a deal
    line = 0  # the physical line of the row being checked, for problems that name another line

    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today
        self.directory = _Directory(session)
        self.created = 0
        self.updated = 0
        self.skipped = 0  # rows equal to one already stored (activities, scores)
        self.teams_created = 0
        self.lines_by_external_id: dict[str, int] = {}

    def resolve(self, values: dict[str, Any]) -> dict[str, int]:
        """The ids of the references that have a value; `_RowProblems` names every one that matches nothing."""
        ids: dict[str, int] = {}
        problems: list[_RowProblem] = []
        for name in self.references:
            ref = values.get(name)
            if not ref:
                continue
            try:
                ids[name] = self.lookup(name, ref)
            except _RowProblem as problem:
                problems.append(problem)
        if problems:
            raise _RowProblems(problems)
        return ids

    def external_id_once(self, external_id: str) -> None:
        """An external id names one row: a second line of the file with it is an error naming the first."""
        first = self.lines_by_external_id.setdefault(external_id, self.line)
        if first != self.line:
            raise _RowProblem("external_id", f"{external_id!r} is on line {first} as well: an external id names "
                                             "one row, so it may appear once in a file")

    def lookup(self, name: str, ref: str) -> int:
        if name == "team":
            return self.directory.team(ref).id  # type: ignore[return-value]
        return self.directory.rep(ref, name).id  # type: ignore[return-value]

    def apply(self, item: Any, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Flush what is still batched."""


class _RepsWriter(_Writer):
    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.links = {(rid, tid) for rid, tid in session.execute(select(TeamManager.rep_id, TeamManager.team_id))}
        self.emails_in_file: dict[str, int] = {}  # name_key(email) -> first line
        self.names_in_file: dict[str, tuple[int, str | None]] = {}  # name_key(name) -> (first line, its email)
        self.logins: dict[str, bool] = {}  # PostgreSQL login role -> may log in, for people (de)activated here

    def _team(self, name: str, write: bool) -> Team | None:
        team = self.directory.teams.get(name.lower())
        if team is None and write:
            team = Team(name=name)
            self.session.add(team)
            self.session.flush()
            self.directory.teams[name.lower()] = team
            self.teams_created += 1
        return team

    def _check_identity(self, item: RepIn, rep: Rep | None) -> None:
        """One row per email in a file (a second would silently merge into the first), and no name that is
        another person's email, nor an email that is another person's name: `--as` takes either, and would
        sign the wrong person in."""
        name = name_key(item.name)
        email = name_key(item.email) if item.email else None
        if email is not None:
            first = self.emails_in_file.setdefault(email, self.line)
            if first != self.line:
                raise _RowProblem("email", f"{clean_text(item.email or '')!r} is also on line {first}: one row "
                                           "per person (emails are compared ignoring case)")
            named = [r for r in self.directory.reps_by_name.get(email, []) if r is not rep and r.email != item.email]
            in_file = self.names_in_file.get(email)
            if named or (in_file is not None and in_file[1] != item.email):
                raise _RowProblem("email", f"{clean_text(item.email or '')!r} is another person's name: a "
                                           "person's email may not be someone else's name")
        if name != email:
            owner = self.directory.reps_by_email.get(name)
            in_file_line = self.emails_in_file.get(name)
            if (owner is not None and owner is not rep) or (in_file_line is not None and in_file_line != self.line):
                raise _RowProblem("name", f"{item.name!r} is another person's email: a name may not be an email "
                                          "someone else signs in with")
        self.names_in_file.setdefault(name, (self.line, item.email))

    def apply(self, item: RepIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        directory = self.directory
        rep = directory.reps_by_email.get(name_key(item.email)) if item.email else None
        if rep is None:
            # the same person without an email yet, or (with no email given) the one rep of that name
            named = [r for r in directory.reps_by_name.get(name_key(item.name), [])
                     if item.email is None or r.email is None]
            if len(named) > 1:
                raise _RowProblem("name", f"{len(named)} reps are named {item.name!r}: add the email to say which")
            rep = named[0] if named else None
        self._check_identity(item, rep)
        role_given = bool(clean_text(cells.get("role") or ""))
        if not write:
            return
        team = self._team(item.team, write) if item.team else None
        if rep is None:
            rep = Rep(name=item.name, email=item.email, team_id=team.id if team else None, role=item.role,
                      active=item.active is not False)
            self.session.add(rep)
            self.created += 1
        else:
            old_name = name_key(rep.name)
            rep.name = item.name
            if item.email:
                rep.email = item.email
            if team is not None and team.id != rep.team_id:
                self._leave_team(rep)
                rep.team_id = team.id
            if role_given:
                rep.role = item.role
            if item.active is not None and item.active != rep.active:
                rep.active = item.active
                if rep.db_role:
                    self.logins[rep.db_role] = item.active
            self.updated += 1
            if old_name != name_key(rep.name):
                directory.reps_by_name[old_name] = [r for r in directory.reps_by_name[old_name] if r is not rep]
                directory.reps_by_name[name_key(rep.name)].append(rep)
        self.session.flush()
        if rep.email:
            directory.reps_by_email[name_key(rep.email)] = rep
        if rep not in directory.reps_by_name[name_key(rep.name)]:
            directory.reps_by_name[name_key(rep.name)].append(rep)
        if rep.role == "manager" and rep.team_id is not None and (rep.id, rep.team_id) not in self.links:
            self.session.add(TeamManager(rep_id=rep.id, team_id=rep.team_id))
            self.links.add((rep.id, rep.team_id))

    def _leave_team(self, rep: Rep) -> None:
        """A manager moved by the file stops managing the team they leave (as `kpitui people move`)."""
        if rep.team_id is not None and (rep.id, rep.team_id) in self.links:
            self.session.execute(delete(TeamManager).where(TeamManager.rep_id == rep.id,
                                                           TeamManager.team_id == rep.team_id))
            self.links.discard((rep.id, rep.team_id))

    def finish(self) -> None:
        """On PostgreSQL, a person the file deactivates loses LOGIN (and one it reactivates gets it back)."""
        if not self.logins or self.session.get_bind().dialect.name != "postgresql":
            return
        from kpitui.store.postgres_roles import set_login

        connection = self.session.connection()
        for role_name, allowed in sorted(self.logins.items()):
            set_login(connection, role_name, allowed)


class _DealsWriter(_Writer):
    """Upsert by external_id; a deal without one is always new. An update keeps the stored created_on when
    the file has none. An external id may appear once in a file."""

    references = ("rep",)

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.stored: dict[str, date] = {
            ext: created for ext, created in session.execute(
                select(Deal.external_id, Deal.created_on).where(Deal.external_id.is_not(None)))}
        self.pending: list[dict[str, Any]] = []

    def apply(self, item: DealIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        ext = item.external_id
        if ext is not None:
            self.external_id_once(ext)
        values: dict[str, Any] = {"rep_id": ids["rep"], "account": item.account, "name": item.name,
                                  "amount_cents": item.amount_cents, "stage": item.stage,
                                  "outcome": item.outcome, "closed_on": item.closed_on}
        known = self.stored.get(ext) if ext else None
        if item.created_on is not None:
            created = item.created_on
        elif known is not None:
            created = known
        else:  # the import date, unless the deal closed before it (a deal can't close before it exists)
            created = min(self.today, item.closed_on) if item.closed_on else self.today
        if item.closed_on is not None and item.closed_on < created:
            raise _RowProblem("closed_on", f"closed on {item.closed_on}, before the deal was created ({created})")
        if not write:
            return
        values["created_on"] = created
        if ext is not None and ext in self.stored:
            self.session.execute(update(Deal).where(Deal.external_id == ext).values(**values))
            self.updated += 1
        else:
            self.pending.append({"external_id": ext, **values})
            self.created += 1
            if len(self.pending) >= BATCH:
                self.finish()

    def finish(self) -> None:
        if self.pending:
            self.session.execute(insert(tables.deal), self.pending)
            self.pending = []


class _TargetsWriter(_Writer):
    """Upsert on (rep or team, kpi, period kind, period start)."""

    references = ("rep", "team")

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        t = tables.target.c
        self.stored: dict[tuple[Any, ...], int] = {
            (r.rep_id, r.team_id, r.kpi, r.period_kind, r.period_start): r.id
            for r in session.execute(select(t.id, t.rep_id, t.team_id, t.kpi, t.period_kind, t.period_start))}

    def apply(self, item: TargetIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        rep_id, team_id = ids.get("rep"), ids.get("team")
        key = (rep_id, team_id, item.kpi, item.period.kind, item.period.start)
        if not write:
            return
        if key in self.stored:
            self.session.execute(update(Target).where(Target.id == self.stored[key]).values(value=item.value))
            self.updated += 1
        else:
            result = self.session.execute(insert(tables.target).values(
                rep_id=rep_id, team_id=team_id, kpi=item.kpi, period_kind=item.period.kind,
                period_start=item.period.start, value=item.value))
            self.stored[key] = result.inserted_primary_key[0]
            self.created += 1


class _ForecastsWriter(_Writer):
    """Upsert on (rep, period kind, period start)."""

    references = ("rep",)

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        f = tables.forecast.c
        self.stored: dict[tuple[Any, ...], int] = {
            (r.rep_id, r.period_kind, r.period_start): r.id
            for r in session.execute(select(f.id, f.rep_id, f.period_kind, f.period_start))}

    def apply(self, item: ForecastIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        rep_id = ids["rep"]
        key = (rep_id, item.period.kind, item.period.start)
        cents = int(item.amount.scaleb(2))
        if not write:
            return
        if key in self.stored:
            self.session.execute(update(Forecast).where(Forecast.id == self.stored[key]).values(amount_cents=cents))
            self.updated += 1
        else:
            result = self.session.execute(insert(tables.forecast).values(
                rep_id=rep_id, period_kind=item.period.kind, period_start=item.period.start, amount_cents=cents))
            self.stored[key] = result.inserted_primary_key[0]
            self.created += 1


_WRITERS: dict[str, type[_Writer]] = {
    "reps": _RepsWriter,
    "deals": _DealsWriter,
    "targets": _TargetsWriter,
    "forecasts": _ForecastsWriter,
}


def _writer(kind: str) -> type[_Writer]:
    if kind in REIMPORTED:
        from kpitui.store.reimport import WRITERS

        return WRITERS[kind]
    return _WRITERS[kind]

