"""The operations people perform, with the access rules. The CLI and the app call these and nothing below.

Who acts: `actor` is the signed-in rep (from --as / KPITUI_USER / the picker). With no actor the caller is
the local owner of the database file (the person running the CLI on their own SQLite file) and may do all,
like an admin. Rules: a rep sees their own detail and their team's leaderboard, and logs only their own
activities; a manager sees detail of, and writes for, the teams they manage; an admin does all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from kpitui import settings
from kpitui.domain.diagnosis import activity_volume, diagnose
from kpitui.domain.errors import AccessDenied, InvalidInput, NotFound
from kpitui.domain.kpis import CATALOGUE, DEFAULT_SCORECARD, KPIS, KpiInputs, KpiValue, compute_kpis, kpi, summed
from kpitui.domain.periods import Period, parse_period
from kpitui.domain.records import ActivityRecord, ChangeRecord, DealRecord, TargetRecord
from kpitui.domain.reports import (
    FunnelReport,
    Leaderboard,
    LeaderboardRow,
    Scorecard,
    ScorecardLine,
    TargetSheet,
    Trend,
    TrendPoint,
)
from kpitui.domain.scoring import (
    attainment,
    change,
    competition_ranks,
    funnel_steps,
    median,
    median_funnel,
    pace_status,
    projected,
    scorecard_score,
)
from kpitui.store import queries, records
from kpitui.store.db import Database
from kpitui.store.queries import RepRow
from kpitui.store.schema import ensure_schema

if TYPE_CHECKING:
    from kpitui.store.importer import ImportReport
    from kpitui.store.seed import SeedSummary

SORT_KEYS = ("score", *KPIS)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD)") from None


P = ParamSpec("P")
T = TypeVar("T")


def one_snapshot(method: Callable[P, T]) -> Callable[P, T]:
    """A report read in one snapshot: every read it makes joins one (Database.read), so its numbers agree."""

    @functools.wraps(method)
    def reading(*args: P.args, **kwargs: P.kwargs) -> T:
        service = args[0]
        assert isinstance(service, Kpitui)
        with service.db.read():
            return method(*args, **kwargs)

    return reading


@dataclass(frozen=True)
class TeamKpis:
    """One period's KPIs for a set of reps, plus the targets that applied."""

    period: Period
    reps: list[RepRow]
    inputs: dict[int, KpiInputs]
    kpis: dict[int, dict[str, KpiValue]]
    targets: dict[int, dict[str, Decimal]]
    weights: dict[int, dict[str, Decimal]]  # each rep's team scorecard

    @property
    def totals(self) -> dict[str, KpiValue]:
        return compute_kpis(summed(list(self.inputs.values())))


class Kpitui:
    def __init__(self, db: Database, *, zone: ZoneInfo | None = None, actor: str | None = None,
                 clock: Callable[[], datetime] = settings.now) -> None:
        self.db = db
        self.zone = zone or settings.local_zone()
        self.clock = clock
        self.actor: RepRow | None = self.find_rep(actor) if actor else None
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
        if self.actor is not None and self.actor.id != me.id:
            raise AccessDenied(f"you are signed in to the database as {me.name}: you cannot act as "
                               f"{self.actor.name}")
        self.actor = me

    @classmethod
    def open(cls, db_arg: str | None = None, actor: str | None = None, **kwargs: object) -> Kpitui:
        db = Database(settings.database_url(db_arg))
        ensure_schema(db)
        try:
            return cls(db, actor=actor, **kwargs)  # type: ignore[arg-type]
        except BaseException:
            db.dispose()  # no connection left behind by a refused sign-in
            raise

    # -- time ---------------------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    def period(self, text: str | None, default: str = "this-month") -> Period:
        return parse_period(text or default, self.today())

    # -- people and access --------------------------------------------------------------------------------------
    def find_rep(self, ref: str) -> RepRow:
        with self.db.read() as session:
            found = queries.find_reps(session, ref)
        if not found:
            raise NotFound(f"no rep named {ref!r} (use their email or full name)")
        if len(found) > 1:
            raise InvalidInput(f"{len(found)} reps are named {ref!r}: use the email instead")
        return found[0]

    def people(self, active_only: bool = True) -> list[RepRow]:
        """Everyone who can sign in (reps, managers, admins), by name: the picker's list."""
        with self.db.read() as session:
            return queries.reps_in_scope(session, None, active_only=active_only, roles=("rep", "manager", "admin"))

    def find_team(self, name: str) -> tuple[int, str]:
        with self.db.read() as session:
            team = queries.find_team(session, name)
        if team is None:
            raise NotFound(f"no team named {name!r}")
        return team

    def teams(self) -> list[tuple[int, str]]:
        """The teams the actor may look at."""
        with self.db.read() as session:
            everything = queries.all_teams(session)
        allowed = self._detail_team_ids()
        return everything if allowed is None else [t for t in everything if t[0] in allowed]

    def _is_admin(self) -> bool:
        return self.actor is None or self.actor.role == "admin"

    def _detail_team_ids(self) -> set[int] | None:
        """Teams whose reps' detail the actor may see; None = every team."""
        if self._is_admin():
            return None
        assert self.actor is not None
        if self.actor.role == "manager":
            with self.db.read() as session:
                managed = set(queries.managed_team_ids(session, self.actor.id))
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
                names = dict(queries.all_teams(session))
            return [team_id], names.get(team_id)
        return sorted(allowed), None

    # -- KPIs ---------------------------------------------------------------------------------------------------
    def team_kpis(self, period: Period, reps: Sequence[RepRow]) -> TeamKpis:
        return self.kpi_series([period], reps)[0]

    def kpi_series(self, periods: Sequence[Period], reps: Sequence[RepRow],
                   only: Sequence[str] | None = None) -> list[TeamKpis]:
        """KPIs of `reps` for contiguous periods, oldest first, in one handful of queries (fewer with `only`:
        then only those KPIs are right, and the score is not: it is computed with the default weights)."""
        with self.db.read() as session:
            series = queries.kpi_series(session, queries.Buckets(tuple(periods), self.zone), reps, only)
            weights = queries.scorecard_weights(session) if only is None else {}
        rep_weights = {r.id: weights.get(r.team_id, DEFAULT_SCORECARD) if r.team_id is not None
                       else DEFAULT_SCORECARD for r in reps}
        return [TeamKpis(period, list(reps), inputs, {rid: compute_kpis(x) for rid, x in inputs.items()},
                         {r.id: book.for_rep(r.id, r.team_id) for r in reps}, rep_weights)
                for period, inputs, book in zip(periods, series.inputs, series.books, strict=True)]

    @one_snapshot
    def leaderboard(self, period: Period, team: str | None = None, sort: str = "score",
                    with_previous: bool = False) -> Leaderboard:
        if sort not in SORT_KEYS:
            raise InvalidInput(f"cannot sort by {sort!r}: use score or one of {', '.join(KPIS)}")
        team_ids, team_name = self._leaderboard_scope(team)
        with self.db.read() as session:
            reps = queries.reps_in_scope(session, team_ids)
        if with_previous:
            previous, current = self.kpi_series([period.previous(), period], reps)
        else:
            previous, current = None, self.team_kpis(period, reps)
        rows = []
        for rep in reps:
            kpis, targets = current.kpis[rep.id], current.targets[rep.id]
            attained = {key: attainment(key, kpis[key], targets.get(key)) for key in KPIS}
            rows.append(LeaderboardRow(
                rank=None, rep_id=rep.id, rep=rep.name, team=rep.team,
                score=scorecard_score(attained, targets, current.weights[rep.id]), kpis=kpis, targets=targets,
                attainment=attained, previous=previous.kpis[rep.id] if previous else {}))
        higher = True if sort == "score" else KPIS[sort].higher_is_better
        ranked = competition_ranks(rows, lambda r: r.score if sort == "score" else r.kpis[sort],
                                   lambda r: r.rep, higher)
        rows = [LeaderboardRow(**{**row.__dict__, "rank": rank}) for rank, row in ranked]
        return Leaderboard(period, team_name, sort, rows, current.totals,
                           previous.totals if previous else {})

    @one_snapshot
    def scorecard(self, period: Period, rep: str | None = None) -> Scorecard:
        person = self._rep_for_detail(rep)
        previous, current = self.kpi_series([period.previous(), period], [person])
        return self._scorecard(person, previous, current)

    @one_snapshot
    def history(self, period: Period, keys: Sequence[str], rep: str | None = None,
                count: int = 8) -> dict[str, list[KpiValue]]:
        """Each KPI over the `count` periods of `period`'s kind ending with it, oldest first (tile sparklines)."""
        for key in keys:
            kpi(key)
        person = self._rep_for_detail(rep)
        periods = period.ending_here(count)
        series = self.kpi_series(periods, [person], only=list(keys))
        return {key: [t.kpis[person.id][key] for t in series] for key in keys}

    @one_snapshot
    def drilldown(self, period: Period, rep: str | None = None) -> tuple[Scorecard, FunnelReport]:
        """A rep's scorecard and funnel together: one handful of queries over the rep's team for both."""
        person = self._rep_for_detail(rep)
        members = self._team_of(person)
        previous, current = self.kpi_series([period.previous(), period], members)
        return self._scorecard(person, previous, current), self._rep_funnel(person, members, current)

    def _scorecard(self, person: RepRow, previous: TeamKpis, current: TeamKpis) -> Scorecard:
        period = current.period
        kpis, before, targets = current.kpis[person.id], previous.kpis[person.id], current.targets[person.id]
        weights = current.weights[person.id]
        today = self.today()
        lines = []
        ordered = [*weights, *(k.key for k in CATALOGUE if k.key not in weights)]
        for key in ordered:
            target = targets.get(key)
            projection = projected(key, kpis[key], period, today)
            lines.append(ScorecardLine(
                key=key, label=kpi(key).label, value=kpis[key], target=target,
                attainment=attainment(key, kpis[key], target), projected=projection,
                status=pace_status(key, projection, target), previous=before[key],
                change=change(key, kpis[key], before[key]), in_scorecard=key in weights))
        attained = {line.key: line.attainment for line in lines}
        return Scorecard(person.id, person.name, person.team, period,
                         scorecard_score(attained, targets, weights), lines)

    def set_scorecard(self, team: str, weights: dict[str, str | Decimal]) -> dict[str, Decimal]:
        """A team's own scorecard (KPI -> weight); an empty mapping goes back to the default."""
        team_id, team_name = self.find_team(team)
        self._require_team_write(team_id, team_name)
        parsed: dict[str, Decimal] = {}
        for key, raw in weights.items():
            kpi(key)
            try:
                weight = Decimal(str(raw))
            except ArithmeticError:
                raise InvalidInput(f"weight of {key}: {raw!r} is not a number") from None
            if not weight.is_finite() or weight <= 0 or weight > 100:
                raise InvalidInput(f"weight of {key}: give a number above 0 and at most 100 ({raw!r} was given)")
            parsed[key] = weight
        self.db.run_write(lambda s: queries.replace_scorecard_weights(s, team_id, parsed))
        return parsed or dict(DEFAULT_SCORECARD)

    def _require_team_write(self, team_id: int, team_name: str) -> None:
        allowed = self._detail_team_ids()
        if allowed is not None and (self.actor is None or self.actor.role != "manager" or team_id not in allowed):
            who = self.actor.name if self.actor else "you"
            raise AccessDenied(f"{who} may not change team {team_name}: its managers and admins only")

    @one_snapshot
    def funnel(self, period: Period, rep: str | None = None, team: str | None = None) -> FunnelReport:
        if rep and team:
            raise InvalidInput("give --rep or --team, not both")
        if team or (rep is None and self.actor is None):
            team_ids, team_name = self._leaderboard_scope(team)
            with self.db.read() as session:
                members = queries.reps_in_scope(session, team_ids)
            group = self.team_kpis(period, members)
            member_funnels = [funnel_steps(group.kpis[m.id]) for m in members]
            return FunnelReport(period, None, team_name, funnel_steps(group.totals), median_funnel(member_funnels),
                                [])
        person = self._rep_for_detail(rep)
        members = self._team_of(person)
        return self._rep_funnel(person, members, self.team_kpis(period, members))

    def _team_of(self, person: RepRow) -> list[RepRow]:
        """The rep's quota-carrying team mates, the rep included (the team median's population)."""
        with self.db.read() as session:
            members = queries.reps_in_scope(session, [person.team_id] if person.team_id is not None else [])
        if person.id not in {m.id for m in members}:
            members.append(person)
        return members

    def _rep_funnel(self, person: RepRow, members: list[RepRow], group: TeamKpis) -> FunnelReport:
        member_funnels = [funnel_steps(group.kpis[m.id]) for m in members]
        team_medians = {key: median([group.kpis[m.id][key] for m in members]) for key in KPIS}
        team_medians["activity_volume"] = median([activity_volume(group.kpis[m.id]) for m in members])
        mine = funnel_steps(group.kpis[person.id])
        team_funnel = median_funnel(member_funnels)
        findings = diagnose(group.kpis[person.id], mine, team_medians, team_funnel)
        return FunnelReport(group.period, person.name, person.team, mine, team_funnel, findings)

    @one_snapshot
    def trend(self, key: str, rep: str | None = None, weeks: int = 13, until: Period | None = None) -> Trend:
        """Weekly values of one KPI for the `weeks` weeks ending with the week of `until`'s last day, or of
        today when that is earlier (no empty future weeks), with each week's target."""
        kpi(key)
        person = self._rep_for_detail(rep)
        last_day = min(until.last_day, self.today()) if until else self.today()
        last = Period.week_of(max(last_day, until.start) if until else last_day)
        periods = last.ending_here(weeks)
        series = self.kpi_series(periods, [person], only=[key])
        return Trend(key, person.name, [TrendPoint(t.period, t.kpis[person.id][key], t.targets[person.id].get(key))
                                        for t in series])

    def _rep_for_detail(self, ref: str | None) -> RepRow:
        if ref:
            person = self.find_rep(ref)
        elif self.actor is not None:
            person = self.actor
        else:
            raise InvalidInput("say which rep: --rep NAME or EMAIL (or --as to sign in)")
        self._require_detail(person)
        return person

    # -- writes -------------------------------------------------------------------------------------------------
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

    # -- activities ---------------------------------------------------------------------------------------------
    def _rep_for_write(self, ref: str | None) -> RepRow:
        if ref:
            person = self.find_rep(ref)
        elif self.actor is not None:
            person = self.actor
        else:
            raise InvalidInput("say whose activity this is: --rep NAME or EMAIL (or --as to sign in)")
        self._require_write_for(person)
        return person

    def _activity_values(self, person: RepRow, kind: str, when: str | datetime | None, outcome: str | None,
                         duration_min: int | str | None, deal: str | None,
                         note: str | None) -> tuple[dict[str, object], DealRecord | None]:
        """Validate one activity as the form, the CLI and an import row all do (pydantic, ActivityIn): its
        column values, and the deal it names."""
        from kpitui.domain.inputs import ActivityIn, parse_input
        from kpitui.domain.when import parse_when

        moment = when if isinstance(when, datetime) else parse_when(when, self.now(), self.zone)
        data = {"rep": person.email or person.name, "kind": kind, "occurred_at": moment.isoformat(),
                "outcome": outcome, "duration_min": duration_min, "deal": deal, "note": note or ""}
        parsed = parse_input(ActivityIn, data, zone=self.zone, today=self.today())
        found = None
        if parsed.deal:
            found = self.find_deal(parsed.deal)
            if found.rep_id != person.id and not self._is_admin():
                raise InvalidInput(f"deal: {parsed.deal} belongs to {found.rep}, not {person.name}")
        return {"rep_id": person.id, "kind": parsed.kind, "occurred_at": parsed.occurred_at,
                "outcome": parsed.outcome, "duration_min": parsed.duration_min,
                "deal_id": found.id if found else None, "note": parsed.note}, found

    def log_activity(self, kind: str, rep: str | None = None, when: str | datetime | None = None,
                     outcome: str | None = None, duration_min: int | str | None = None, deal: str | None = None,
                     note: str | None = "") -> ActivityRecord:
        def write(session: Connection) -> ActivityRecord:
            # the rep and the deal are looked up inside the transaction: one connection, and no stale rep
            person = self._rep_for_write(rep)
            values, found = self._activity_values(person, kind, when, outcome, duration_min, deal, note)
            logged = records.inserted_activity(records.insert_activity(session, values), values, person.name, found)
            self._audit(session, "activity", logged.id, "create", after=logged)
            return logged

        return self.db.run_write(write)

    def activity(self, activity_id: int) -> ActivityRecord:
        with self.db.read() as session:
            found = records.get_activity(session, activity_id)
        if found is None:
            raise NotFound(f"no activity #{activity_id}")
        self._require_detail(self._rep_row(found.rep_id))
        return found

    def _rep_row(self, rep_id: int) -> RepRow:
        with self.db.read() as session:
            row = queries.rep_by_id(session, rep_id)
        if row is None:
            raise NotFound(f"no rep #{rep_id}")
        return row

    def activities(self, rep: str | None = None, period: Period | None = None,
                   kinds: Sequence[str] | None = None, limit: int = 200, offset: int = 0) -> list[ActivityRecord]:
        """Newest first, a page at a time."""
        person = self._rep_for_detail(rep)
        lo, hi = period.utc_bounds(self.zone) if period else (None, None)
        with self.db.read() as session:
            return records.list_activities(session, rep_ids=[person.id], lo=lo, hi=hi, kinds=kinds, limit=limit,
                                           offset=offset)

    def update_activity(self, activity_id: int, *, kind: str, when: str | datetime | None,
                        outcome: str | None = None, duration_min: int | str | None = None,
                        deal: str | None = None, note: str | None = "") -> ActivityRecord:
        def write(session: Connection) -> ActivityRecord:
            # the row as it is under the write lock: the change log's "before" is never stale
            existing = self.activity(activity_id)
            person = self._rep_row(existing.rep_id)
            self._require_write_for(person)
            values, _ = self._activity_values(person, kind, when, outcome, duration_min, deal, note)
            records.update_activity(session, activity_id, values)
            updated = self.activity(activity_id)
            self._audit(session, "activity", activity_id, "update", before=existing, after=updated)
            return updated

        return self.db.run_write(write)

    def delete_activity(self, activity_id: int) -> ActivityRecord:
        """Deletes and returns the record, which `restore_activity` puts back (undo)."""
        def write(session: Connection) -> ActivityRecord:
            existing = self.activity(activity_id)  # under the write lock: the undo restores what was deleted
            self._require_write_for(self._rep_row(existing.rep_id))
            records.delete_activity(session, activity_id)
            self._audit(session, "activity", activity_id, "delete", before=existing)
            return existing

        return self.db.run_write(write)

    def restore_activity(self, record: ActivityRecord) -> ActivityRecord:
        self._require_write_for(self._rep_row(record.rep_id))
        values = {"id": record.id, "rep_id": record.rep_id, "kind": record.kind, "occurred_at": record.occurred_at,
                  "outcome": record.outcome, "duration_min": record.duration_min, "deal_id": record.deal_id,
                  "note": record.note}
        def write(session: Connection) -> None:
            records.insert_activity(session, values)
            self._audit(session, "activity", record.id, "restore", after=record)

        self.db.run_write(write)
        return self.activity(record.id)

    # -- deals --------------------------------------------------------------------------------------------------
    def find_deal(self, ref: str) -> DealRecord:
        with self.db.read() as session:
            found = records.find_deal(session, ref.strip())
        if found is None:
            raise NotFound(f"no deal {ref!r}")
        return found

    def deals(self, rep: str | None = None, open_only: bool = False, period: Period | None = None,
              limit: int = 500) -> list[DealRecord]:
        person = self._rep_for_detail(rep)
        with self.db.read() as session:
            return records.list_deals(session, rep_ids=[person.id], open_only=open_only,
                                      closed_from=period.start if period else None,
                                      closed_before=period.end if period else None, limit=limit)

    def move_deal(self, deal_id: int, stage: str, amount: str | Decimal | None = None,
                  closed_on: date | str | None = None) -> DealRecord:
        """Change a deal's stage; won/lost need a close date (default today) and keep or set the amount."""
        from kpitui.domain.inputs import DealIn, parse_input

        with self.db.read() as session:
            deal = records.get_deal(session, deal_id)
        if deal is None:
            raise NotFound(f"no deal #{deal_id}")
        self._require_write_for(self._rep_row(deal.rep_id))
        new_amount = deal.amount if amount is None or amount == "" else amount
        parsed = parse_input(DealIn, {
            "external_id": deal.external_id, "rep": deal.rep, "account": deal.account, "name": deal.name,
            "amount": None if new_amount is None else str(new_amount), "stage": stage,
            "created_on": deal.created_on.isoformat(),
            "closed_on": str(closed_on) if closed_on else self.today().isoformat(),
        }, zone=self.zone, today=self.today())
        values = {"stage": parsed.stage, "outcome": parsed.outcome, "amount_cents": parsed.amount_cents,
                  "closed_on": parsed.closed_on}
        def write(session: Connection) -> DealRecord:
            records.update_deal(session, deal_id, values)
            moved = records.get_deal(session, deal_id)
            self._audit(session, "deal", deal_id, "update", before=deal, after=moved)
            return moved  # type: ignore[return-value]

        return self.db.run_write(write)

    # -- audit --------------------------------------------------------------------------------------------------
    def _audit(self, session: Connection, entity: str, entity_id: int, action: str, before: object | None = None,
               after: object | None = None, team_id: int | None = None) -> None:
        subject = getattr(after or before, "rep_id", None)
        records.audit(session, at=self.now(), actor_rep_id=self.actor.id if self.actor else None,
                      actor=self.actor.name if self.actor else "local owner", subject_rep_id=subject,
                      subject_team_id=team_id, entity=entity, entity_id=entity_id, action=action, before=before,
                      after=after)

    def changes(self, entity: str | None = None, entity_id: int | None = None, limit: int = 200) -> list[ChangeRecord]:
        """The change history of the records the actor may see in detail."""
        subjects: list[int] | None = None
        allowed = self._detail_team_ids()
        if allowed is not None:
            with self.db.read() as session:
                team_members = queries.reps_in_scope(session, sorted(allowed), active_only=False,
                                                     roles=("rep", "manager", "admin"))
            subjects = sorted({m.id for m in team_members} | ({self.actor.id} if self.actor else set()))
        with self.db.read() as session:
            return records.changes(session, entity=entity, entity_id=entity_id, subject_rep_ids=subjects,
                                   limit=limit)

    # -- targets ------------------------------------------------------------------------------------------------
    def target_sheet(self, team: str, period: Period) -> TargetSheet:
        team_id, team_name = self.find_team(team)
        self._require_team_detail(team_id, team_name)
        with self.db.read() as session:
            members = queries.reps_in_scope(session, [team_id])
            found = records.list_targets(session, period_kind=period.kind, period_start=period.start,
                                         team_ids=[team_id], rep_ids=[m.id for m in members])
        defaults = {t.kpi: t.value for t in found if t.rep_id is None}
        own: dict[int, dict[str, Decimal]] = {}
        for t in found:
            if t.rep_id is not None:
                own.setdefault(t.rep_id, {})[t.kpi] = t.value
        return TargetSheet(team_id, team_name, period, [(m.id, m.name) for m in members], defaults, own)

    def set_target(self, key: str, period: Period, value: str | Decimal | None, rep: str | None = None,
                   team: str | None = None) -> TargetRecord | None:
        """Set (or with an empty value, remove) a rep's own target or a team default. Audited."""
        from kpitui.domain.inputs import TargetIn, parse_input

        if bool(rep) == bool(team):
            raise InvalidInput("give a rep or a team (a team's target is the default for its reps)")
        if rep:
            person = self.find_rep(rep)
            if person.team_id is None:
                raise InvalidInput(f"{person.name} is in no team, so no manager can set their targets")
            team_id, team_name = person.team_id, person.team or ""
            owner: dict[str, int | None] = {"rep_id": person.id, "team_id": None}
        else:
            team_id, team_name = self.find_team(team or "")
            owner = {"rep_id": None, "team_id": team_id}
        self._require_team_write(team_id, team_name)
        key_kpi = kpi(key).key
        removing = value is None or (isinstance(value, str) and not value.strip())
        parsed_value = None
        if not removing:
            parsed = parse_input(TargetIn, {"rep": rep, "team": team, "kpi": key_kpi, "period": period.label,
                                            "value": str(value)}, zone=self.zone, today=self.today())
            parsed_value = parsed.value

        return self.db.run_write(lambda session: self._put_target(session, owner, team_id, key_kpi, period,
                                                                  parsed_value))

    def _put_target(self, session: Connection, owner: dict[str, int | None], team_id: int, key: str, period: Period,
                    value: Decimal | None) -> TargetRecord | None:
        """Write one target (None removes it) and its audit entry, inside the caller's transaction."""
        where = {**owner, "kpi": key, "period_kind": period.kind, "period_start": period.start}
        existing = records.find_target(session, **where)  # type: ignore[arg-type]
        if value is None:
            if existing is not None:
                records.delete_target(session, existing.id)
                self._audit(session, "target", existing.id, "delete", before=existing, team_id=team_id)
            return None
        target_id = records.upsert_target(session, existing, {**where, "value": value})
        after = records.find_target(session, **where)  # type: ignore[arg-type]
        self._audit(session, "target", target_id, "update" if existing else "create", before=existing, after=after,
                    team_id=team_id)
        return after

    def copy_targets_forward(self, team: str, period: Period) -> int:
        """Copy the previous period's targets of the team (defaults and own) where this period has none.
        One transaction: all copied or none."""
        source = self.target_sheet(team, period.previous())
        current = self.target_sheet(team, period)
        self._require_team_write(current.team_id, current.team)
        missing: list[tuple[dict[str, int | None], str, Decimal]] = [
            ({"rep_id": None, "team_id": current.team_id}, key, value)
            for key, value in source.defaults.items() if key not in current.defaults]
        for rep_id, values in source.own.items():
            missing += [({"rep_id": rep_id, "team_id": None}, key, value) for key, value in values.items()
                        if key not in current.own.get(rep_id, {})]

        def write(session: Connection) -> int:
            for owner, key, value in missing:
                self._put_target(session, owner, current.team_id, key, period, value)
            return len(missing)

        return self.db.run_write(write)

    def target_history(self, team: str, limit: int = 200) -> list[ChangeRecord]:
        team_id, team_name = self.find_team(team)
        self._require_team_detail(team_id, team_name)
        with self.db.read() as session:
            members = queries.reps_in_scope(session, [team_id], active_only=False, roles=("rep", "manager", "admin"))
            return records.changes(session, entity="target", subject_rep_ids=[m.id for m in members],
                                   subject_team_ids=[team_id], limit=limit)

    def _require_team_detail(self, team_id: int, team_name: str) -> None:
        allowed = self._detail_team_ids()
        if allowed is not None and team_id not in allowed:
            who = self.actor.name if self.actor else "you"
            raise AccessDenied(f"{who} may not see team {team_name}'s targets: its managers and admins only")

    # -- database logins ----------------------------------------------------------------------------------------
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

    # -- import, export, seed -----------------------------------------------------------------------------------
    def import_csv(self, kind: str, path: Path, mapping: dict[str, str] | None = None, dry_run: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> ImportReport:
        from kpitui.store.importer import import_csv

        self.require_admin(f"import {kind}")
        return import_csv(self.db, kind, path, mapping=mapping, dry_run=dry_run, zone=self.zone,
                          today=self.today(), progress=progress)

    def export_rows(self, kind: str, period: Period, rep: str | None = None,
                    team: str | None = None) -> tuple[list[str], list[list[object]]]:
        """Activities or deals of the reps in scope, or the targets of the period, as plain rows."""
        if rep:
            people = [self._rep_for_detail(rep)]
        else:
            team_ids, _ = self._leaderboard_scope(team)
            with self.db.read() as session:
                people = [p for p in queries.reps_in_scope(session, team_ids, active_only=False,
                                                           roles=("rep", "manager", "admin"))
                          if self.can_see_detail(p)]
        rep_ids = [p.id for p in people]
        with self.db.read() as session:
            if kind == "activities":
                lo, hi = period.utc_bounds(self.zone)
                items = records.list_activities(session, rep_ids=rep_ids, lo=lo, hi=hi, limit=10_000_000)
                header = ["id", "rep", "kind", "occurred_at", "outcome", "duration_min", "deal", "note"]
                return header, [[a.id, a.rep, a.kind, a.occurred_at.astimezone(self.zone).isoformat(), a.outcome,
                                 a.duration_min, a.deal, a.note] for a in reversed(items)]
            if kind == "deals":
                deals = records.list_deals(session, rep_ids=rep_ids, limit=10_000_000)
                header = ["external_id", "rep", "account", "name", "amount", "stage", "created_on", "closed_on"]
                return header, [[d.external_id, d.rep, d.account, d.name, d.amount, d.stage, d.created_on,
                                 d.closed_on] for d in deals]
            if kind == "targets":
                book = queries.targets(session, period)
                teams = dict(queries.all_teams(session))
                names = {p.id: p.name for p in people}
                header = ["rep", "team", "kpi", "period", "value"]
                rows: list[list[object]] = []
                for team_id, values in sorted(book.by_team.items()):
                    if team is None or teams.get(team_id, "").lower() == team.lower():
                        rows += [["", teams.get(team_id, ""), k, period.label, v] for k, v in sorted(values.items())]
                for rep_id, values in sorted(book.by_rep.items()):
                    if rep_id in names:
                        rows += [[names[rep_id], "", k, period.label, v] for k, v in sorted(values.items())]
                return header, rows
        raise InvalidInput(f"cannot export {kind!r}")

    def seed(self, reps: int = 14, days: int = 400, seed: int = 7, end: str | date | None = None,
             progress: Callable[[int, int], None] | None = None) -> SeedSummary:
        from kpitui.store.seed import seed_database

        self.require_admin("seed demo data")
        last_day = end if isinstance(end, date) else (parse_date(end) if end else self.today())
        return seed_database(self.db, reps=reps, days=days, seed=seed, end=last_day, zone=self.zone,
                             progress=progress)
