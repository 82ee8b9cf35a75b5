"""Generated junk against every parser and form model: a clear error or a valid value, never a traceback."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpitui.cli import main
from kpitui.domain.errors import InvalidInput
from kpitui.domain.inputs import ActivityIn, DealIn, TargetIn, parse_input
from kpitui.domain.periods import parse_period
from kpitui.domain.text import clean_text
from kpitui.domain.when import parse_when

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 18)
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
junk = st.text(max_size=40) | st.from_regex(r"\d{4}-(Q|W)?\d{1,2}(\.\.\d{4}-\d{2}-\d{2})?", fullmatch=True)


@given(junk)
def test_periods_parse_or_refuse(text: str) -> None:
    try:
        period = parse_period(text, TODAY)
    except InvalidInput as exc:
        assert str(exc)
        return
    assert period.start < period.end
    assert parse_period(period.label, TODAY) == period


@given(st.text(max_size=30) | st.from_regex(r"(today|yesterday)? ?\d{1,2}:\d{2}", fullmatch=True))
def test_moments_parse_or_refuse(text: str) -> None:
    try:
        moment = parse_when(text, NOW, BERLIN)
    except InvalidInput as exc:
        assert str(exc)
        return
    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


@given(st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False))
def test_money_is_exact_to_the_cent(amount: Decimal) -> None:
    deal = parse_input(DealIn, {"rep": "a@x.io", "stage": "Won", "amount": str(amount),
                                "created_on": "2026-10-01", "closed_on": "2026-10-02"}, zone=BERLIN, today=TODAY)
    assert deal.amount_cents == int(amount * 100)
    assert Decimal(deal.amount_cents) / 100 == amount


@given(st.text(max_size=20))
def test_amounts_parse_or_refuse(text: str) -> None:
    try:
        deal = parse_input(DealIn, {"rep": "a@x.io", "stage": "Qualified", "amount": text}, zone=BERLIN,
                           today=TODAY)
    except InvalidInput as exc:
        assert str(exc)
        return
    assert deal.amount is None or (deal.amount >= 0 and deal.amount == deal.amount.quantize(Decimal("0.01")))


row_values = st.one_of(st.none(), st.text(max_size=25), st.integers(-10, 10_000).map(str))


@given(st.fixed_dictionaries({"rep": row_values, "kind": row_values, "occurred_at": row_values,
                              "outcome": row_values, "duration_min": row_values, "deal": row_values,
                              "note": row_values}))
def test_activity_rows_validate_or_name_a_field(row: dict[str, str | None]) -> None:
    try:
        activity = parse_input(ActivityIn, row, zone=BERLIN, today=TODAY)
    except InvalidInput as exc:
        assert any(field in str(exc) for field in row)
        return
    assert activity.occurred_at.tzinfo is not None
    assert "\x1b" not in activity.note


@given(st.fixed_dictionaries({"team": st.sampled_from(["North", "", None]), "kpi": row_values,
                              "period": row_values | junk, "value": row_values}))
def test_target_rows_validate_or_name_a_field(row: dict[str, str | None]) -> None:
    try:
        target = parse_input(TargetIn, row, zone=BERLIN, today=TODAY)
    except InvalidInput as exc:
        assert str(exc)
        return
    assert target.value > 0


def test_point_one_plus_point_two_stays_point_three_through_import_sum_and_export(tmp_path) -> None:  # noqa: ANN001
    import json

    db = str(tmp_path / "money.db")
    runner = CliRunner()
    env = {"TZ": "UTC", "KPITUI_NOW": "2026-10-20T12:00:00Z"}
    (tmp_path / "reps.csv").write_text("name,email,team,role\nAda Ames,ada@example.com,North,rep\n")
    (tmp_path / "deals.csv").write_text(
        "external_id,rep,account,name,amount,stage,created_on,closed_on\n"
        "D-1,ada@example.com,A,x,0.1,Won,2026-10-01,2026-10-02\n"
        "D-2,ada@example.com,B,y,0.2,Won,2026-10-01,2026-10-03\n")
    for kind in ("reps", "deals"):
        assert runner.invoke(main, ["--db", db, "import", kind, str(tmp_path / f"{kind}.csv")], env=env).exit_code == 0
    board = json.loads(runner.invoke(main, ["--db", db, "leaderboard", "--period", "2026-10", "--format", "json"],
                                     env=env).output)
    assert board["totals"]["kpis"]["revenue"] == 0.3
    assert board["totals"]["kpis"]["avg_deal_size"] == 0.15
    exported = runner.invoke(main, ["--db", db, "export", "deals"], env=env).output
    assert ",0.10," in exported and ",0.20," in exported
    csv_board = runner.invoke(main, ["--db", db, "leaderboard", "--period", "2026-10", "--format", "csv"],
                              env=env).output
    assert ",0.3," in csv_board.splitlines()[-1]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(period=junk, sort=st.text(max_size=12), fmt=st.sampled_from(["table", "json", "csv", "md"]))
def test_cli_options_never_raise(tmp_path_factory, period: str, sort: str, fmt: str) -> None:  # noqa: ANN001
    db = str(tmp_path_factory.mktemp("cli") / "opts.db")
    result = CliRunner().invoke(main, ["--db", db, "leaderboard", "--period", period, "--sort", sort or "x",
                                       "--format", fmt], env={"TZ": "UTC"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
       st.sampled_from(["", "Z", "+05:00", "-01:00", "+14:00"]))
def test_any_year_is_a_moment_or_a_clear_refusal(moment: datetime, offset: str) -> None:
    """0001 or 9999 with any offset: a message about the date, never an OverflowError; what is accepted lies
    between 1970 and now (plus 5 minutes' grace), by the same rule in `log --at` and in the input models."""
    text = moment.isoformat(timespec="minutes") + offset
    try:
        instant = parse_when(text, NOW, BERLIN)
    except InvalidInput as exc:
        assert "before 1970" in str(exc) or "in the future" in str(exc) or "did not happen" in str(exc)
        try:
            parse_input(ActivityIn, {"rep": "a", "kind": "call", "occurred_at": text}, zone=BERLIN, now=NOW)
        except InvalidInput as same:
            assert str(same) == f"occurred_at: {exc}"
        else:
            raise AssertionError(f"{text} refused by log --at but accepted by the model") from None
        return
    assert datetime(1969, 12, 31, tzinfo=UTC) < instant <= NOW + timedelta(minutes=5)
    assert parse_input(ActivityIn, {"rep": "a", "kind": "call", "occurred_at": text}, zone=BERLIN,
                       now=NOW).occurred_at == instant


# -- exporting any period, then importing it, adds nothing (DESIGN.md section 7, re-import) ------------------------
notes = st.text(max_size=30).map(lambda text: clean_text(text, multiline=True))
activities = st.lists(st.fixed_dictionaries({
    "rep": st.sampled_from([0, 1]),
    "kind": st.sampled_from(["call", "email", "meeting", "demo"]),
    "at": st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 11, 17), timezones=st.just(UTC)),
    "outcome": st.sampled_from([None, "connected", "no_answer"]),
    "duration": st.none() | st.integers(0, 1440),
    "deal": st.sampled_from([None, 0, 1]),  # one deal with an external id, one without
    "note": notes,
    "external": st.booleans(),
}), max_size=6)
periods = st.sampled_from(["2026-10", "2026-Q2", "2026-W40", "2026", "2026-03-01..2026-05-31", "this-month"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=activities, period=periods)
def test_exporting_any_period_then_importing_it_adds_nothing(tmp_path_factory, rows: list[dict],  # noqa: ANN001
                                                             period: str) -> None:
    from conftest import service
    from kpitui.store.db import Database
    from kpitui.store.exporter import write_csv
    from kpitui.store.models import Activity, Deal, Rep, Team
    from kpitui.store.schema import ensure_schema

    folder = tmp_path_factory.mktemp("reimport")
    db = Database(f"sqlite:///{folder / 'p.db'}")
    try:
        ensure_schema(db)
        with db.write() as s:
            team = Team(name="North")
            s.add(team)
            s.flush()
            reps = [Rep(name="Ada Ames", email="ada@x.io", team_id=team.id), Rep(name="Bo Brandt", team_id=team.id)]
            s.add_all(reps)
            s.flush()
            deals = [Deal(external_id="D-1", rep_id=reps[0].id, stage="open", outcome="open",
                          created_on=date(2026, 1, 1)),
                     Deal(rep_id=reps[1].id, stage="open", outcome="open", created_on=date(2026, 1, 1))]
            s.add_all(deals)
            s.flush()
            for n, row in enumerate(rows):
                s.add(Activity(rep_id=reps[row["rep"]].id, kind=row["kind"], occurred_at=row["at"],
                               outcome=row["outcome"] if row["kind"] == "call" else None,
                               duration_min=row["duration"],
                               deal_id=None if row["deal"] is None else deals[row["deal"]].id, note=row["note"],
                               external_id=f"CRM {n}" if row["external"] else None))
        svc = service(db)
        with db.read() as s:
            before = sorted(tuple(r) for r in s.execute(Activity.__table__.select()))
        header, exported = svc.export_rows("activities", svc.period(period))
        path = folder / "export.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            write_csv(exported, header, out)
        report = svc.import_csv("activities", path)
        with db.read() as s:
            after = sorted(tuple(r) for r in s.execute(Activity.__table__.select()))
        assert (report.created, report.updated, report.skipped) == (0, 0, len(exported))
        assert after == before
    finally:
        db.dispose()
