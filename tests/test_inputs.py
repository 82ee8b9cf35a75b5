"""The input models: every value a person types or imports is judged here, in plain words."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kpitui.domain.inputs import (
    ActivityIn,
    DealIn,
    ForecastIn,
    InvalidFields,
    RepIn,
    ScoreIn,
    TargetIn,
    field_problems,
    parse_decimal,
    parse_input,
)
from kpitui.domain.periods import Period
from kpitui.domain.text import clean_text
from kpitui.store.exporter import safe_cell, unguarded

BERLIN = ZoneInfo("Europe/Berlin")
CONTEXT = {"zone": BERLIN, "today": date(2026, 10, 14)}


def problems(model: type, data: dict, context: dict | None = None) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data, context=context or CONTEXT)
    found = dict(field_problems(info.value))
    for message in found.values():  # plain words, no pydantic jargon
        assert "Input should" not in message and "Value error" not in message and "type=" not in message
    return found


def activity(**fields: object) -> ActivityIn:
    data = {"rep": "ada@example.com", "kind": "call", "occurred_at": "2026-10-05T10:00"} | fields
    return ActivityIn.model_validate(data, context=CONTEXT)


# -- clean_text ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "clean"), [
    ("  Ada Ames  ", "Ada Ames"),
    ("Ada\x1b[2JAmes", "AdaAmes"),  # clear screen
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),  # OSC 8 hyperlink
    ("\x1b]52;c;ZXZpbA==\x07copied", "copied"),  # OSC 52 clipboard write
    ("a\x9b2Jb", "ab"),  # 8-bit CSI
    ("bell\x07 del\x7f nul\x00 c1\x85\x90x", "bell del nul c1 x"),
    ("Ann\tLee\nSmith", "Ann Lee Smith"),
    ("evil\u202egnp.exe", "evilgnp.exe"),  # right-to-left override
    ("[bold]not markup[/]", "[bold]not markup[/]"),  # markup is the UI's job: kept literally
    ("Zoë Ørsted 東京", "Zoë Ørsted 東京"),
])
def test_clean_text_single_line(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_multiline_keeps_tabs_and_newlines() -> None:
    assert clean_text("  line 1\r\n\tline 2\rline 3\x1b[2J\x0c  ", multiline=True) == "line 1\n\tline 2\nline 3"


@given(st.text())
def test_clean_text_leaves_no_control_characters(raw: str) -> None:
    for multiline in (False, True):
        text = clean_text(raw, multiline=multiline)
        allowed = {"\t", "\n"} if multiline else set()
        assert not any((ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) and c not in allowed for c in text)
        assert clean_text(text, multiline=multiline) == text


# -- money ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "value"), [
    ("1234.50", "1234.50"), ("1,234.50", "1234.50"), ("$1,234.50", "1234.50"), ("€ 99", "99.00"),
    ("1,234,567", "1234567.00"), ("0.10", "0.10"), (".5", "0.50"), ("7.", "7.00"), ("  12 ", "12.00"),
    ("1.500", "1.50"), (Decimal("3.1"), "3.10"), (42, "42.00"), ("0", "0.00"), ("999999999999.99", "999999999999.99"),
])
def test_amounts_people_write(raw: object, value: str) -> None:
    deal = DealIn.model_validate({"rep": "a", "stage": "open", "amount": raw})
    assert deal.amount == Decimal(value)
    assert str(deal.amount) == value


@pytest.mark.parametrize(("raw", "words"), [
    ("NaN", "not an amount"), ("inf", "not an amount"), ("-inf", "not an amount"), ("1e400", "not an amount"),
    ("1E3", "not an amount"), ("0x10", "not an amount"), ("1,5", "not an amount"), ("1.234,50", "not an amount"),
    ("12,34", "not an amount"), ("ten", "not an amount"), ("-5", "can't be negative"),
    ("0.105", "more than 2 decimal places"), ("1000000000000", "too large"), (Decimal("NaN"), "not an amount"),
    (Decimal("1E+400"), "too large"), (0.1, "floating-point"),
])
def test_amounts_refused(raw: object, words: str) -> None:
    found = problems(DealIn, {"rep": "a", "stage": "open", "amount": raw})
    assert words in found["amount"]


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False,
                   allow_infinity=False))
def test_money_round_trips_exactly(amount: Decimal) -> None:
    grouped = f"${amount:,.2f}"
    for text in (str(amount), f"{amount:.2f}", grouped):
        assert parse_decimal(text, places=2, max_digits=14, money=True) == amount


# -- deals ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("stage", "outcome"), [("Won", "won"), ("LOST", "lost"), ("won ", "won"),
                                                 ("Negotiation", "open"), ("won-ish", "open")])
def test_deal_outcome_from_stage(stage: str, outcome: str) -> None:
    deal = DealIn.model_validate({"rep": "a", "stage": stage, "created_on": "2026-01-02",
                                  "closed_on": "2026-02-03"})
    assert deal.outcome == outcome
    assert deal.model_dump()["outcome"] == outcome


def test_a_won_or_lost_deal_needs_its_close_date() -> None:
    assert problems(DealIn, {"rep": "a", "stage": "Won"}) == {"closed_on": "a won deal needs the date it closed"}
    assert "lost deal needs" in problems(DealIn, {"rep": "a", "stage": "lost", "closed_on": ""})["closed_on"]


def test_a_deal_cannot_close_before_it_was_created() -> None:
    found = problems(DealIn, {"rep": "a", "stage": "won", "created_on": "2026-03-01", "closed_on": "2026-02-28"})
    assert found == {"closed_on": "closed on 2026-02-28, before it was created (2026-03-01)"}


def test_an_open_deal_has_no_close_date() -> None:
    deal = DealIn.model_validate({"rep": "a", "stage": "Engaging", "closed_on": "2026-12-31"})
    assert deal.closed_on is None and deal.outcome == "open"


def test_deal_optional_cells_empty_mean_none() -> None:
    deal = DealIn.model_validate({"external_id": " ", "rep": "a", "account": "", "name": None, "amount": "",
                                  "stage": "Prospecting", "created_on": "", "closed_on": ""})
    assert (deal.external_id, deal.account, deal.name, deal.amount, deal.created_on) == (None, "", "", None, None)
    assert deal.amount_cents is None
    assert DealIn.model_validate({"rep": "a", "stage": "x", "amount": "0.10"}).amount_cents == 10


def test_deal_requires_rep_and_stage() -> None:
    found = problems(DealIn, {"rep": "  ", "stage": "\x1b"})
    assert found == {"rep": "required, but empty", "stage": "required, but empty"}


@pytest.mark.parametrize("raw", ["2026-10-32", "2026-02-29", "2026-13-01"])
def test_impossible_dates(raw: str) -> None:
    assert problems(DealIn, {"rep": "a", "stage": "x", "created_on": raw}) == {
        "created_on": f"'{raw}' is not a real date"}


@pytest.mark.parametrize("raw", ["10/25/2026", "25.10.2026", "2026-W43", "20261025", "yesterday"])
def test_dates_must_be_iso(raw: str) -> None:
    assert "YYYY-MM-DD" in problems(DealIn, {"rep": "a", "stage": "x", "created_on": raw})["created_on"]


# -- activities ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("written", "utc"), [
    ("2026-10-24T12:00", datetime(2026, 10, 24, 10, 0, tzinfo=UTC)),  # summer time, +02:00
    ("2026-10-25T01:30", datetime(2026, 10, 24, 23, 30, tzinfo=UTC)),  # before the change, still +02:00
    ("2026-10-25T02:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # happens twice: the first one
    ("2026-10-25T03:30", datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),  # winter time, +01:00
    ("2026-10-25 12:00", datetime(2026, 10, 25, 11, 0, tzinfo=UTC)),
    ("2026-10-25T02:30+01:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),  # the second 02:30, by its offset
    ("2026-10-25T10:00:00Z", datetime(2026, 10, 25, 10, 0, tzinfo=UTC)),
    ("2026-10-25T10:00:00-05:00", datetime(2026, 10, 25, 15, 0, tzinfo=UTC)),
])
def test_local_time_on_the_dst_change_day(written: str, utc: datetime) -> None:
    moment = activity(occurred_at=written).occurred_at
    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
    assert moment == utc


def test_local_time_uses_the_given_zone() -> None:
    tokyo = ActivityIn.model_validate({"rep": "a", "kind": "call", "occurred_at": "2026-10-25T09:00"},
                                      context={"zone": ZoneInfo("Asia/Tokyo")})
    assert tokyo.occurred_at == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


def test_python_datetimes_naive_and_aware() -> None:
    assert activity(occurred_at=datetime(2026, 7, 1, 9, 0)).occurred_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    aware = datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert activity(occurred_at=aware).occurred_at == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_clock_change_is_refused() -> None:
    found = problems(ActivityIn, {"rep": "a", "kind": "call", "occurred_at": "2026-03-29T02:30"})
    assert "did not happen in Europe/Berlin" in found["occurred_at"]


def test_activity_kind_and_outcome_are_forgiving_about_case() -> None:
    item = activity(kind=" CALL ", outcome="No answer", duration_min="12", note="")
    assert (item.kind, item.outcome, item.duration_min, item.deal) == ("call", "no_answer", 12, None)
    assert activity(outcome="").outcome is None


def test_bad_activity_names_each_field() -> None:
    found = problems(ActivityIn, {"rep": "", "kind": "teleport", "occurred_at": "2026-10-32T10:00:00",
                                  "duration_min": "-3", "note": "x" * 4001})
    assert found == {
        "rep": "required, but empty",
        "kind": "'teleport' is not an activity kind: use call, email, meeting, demo, proposal or idea",
        "occurred_at": "'2026-10-32' is not a real date",
        "duration_min": "can't be negative (-3)",
        "note": "too long: 4001 characters, at most 4000",
    }


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"kind": "meeting", "outcome": "connected"}, "outcome", "only calls have an outcome (this is a meeting)"),
    ({"kind": "email", "outcome": "voicemail"}, "outcome", "only calls have an outcome (this is an email)"),
    ({"outcome": "hung up"}, "outcome", "is not a call outcome: use connected, voicemail or no_answer"),
    ({"duration_min": "1441"}, "duration_min", "longer than a day"),
    ({"duration_min": "2.5"}, "duration_min", "is not a whole number of minutes"),
    ({"occurred_at": "last tuesday"}, "occurred_at", "is not a date and time"),
    ({"occurred_at": date(2026, 10, 1)}, "occurred_at", "needs a time"),
    ({"deal": "x" * 101}, "deal", "too long"),
    ({"colour": "red"}, "colour", "is not a field here"),
])
def test_activity_refusals(fields: dict, field: str, words: str) -> None:
    data = {"rep": "a", "kind": "call", "occurred_at": "2026-10-05T10:00"} | fields
    assert words in problems(ActivityIn, data)[field]


def test_notes_keep_lines_but_lose_escapes() -> None:
    item = activity(note="  first\r\nsecond\x1b]8;;http://x\x07link\x1b]8;;\x07 \x9b31m  ")
    assert item.note == "first\nsecondlink"


def test_parse_input_raises_invalid_fields_for_forms() -> None:
    with pytest.raises(InvalidFields) as info:
        parse_input(ActivityIn, {"rep": "ada", "kind": "nap", "occurred_at": "2026-10-05 10:00"}, zone=BERLIN)
    assert info.value.problems == [("kind", "'nap' is not an activity kind: use call, email, meeting, demo, "
                                             "proposal or idea")]
    assert str(info.value).startswith("kind: 'nap'")


# -- reps ----------------------------------------------------------------------------------------------------------
def test_rep_defaults_and_cleaning() -> None:
    rep = RepIn.model_validate({"name": " Ada\x1b[2J Ames ", "email": " ADA@Example.com ", "team": "", "role": ""})
    assert (rep.name, rep.email, rep.team, rep.role) == ("Ada Ames", "ada@example.com", None, "rep")
    assert RepIn.model_validate({"name": "Mia", "role": "Manager"}).role == "manager"


def test_rep_refusals() -> None:
    assert problems(RepIn, {"name": "x" * 201, "email": "not-an-email", "role": "boss"}) == {
        "name": "too long: 201 characters, at most 200",
        "email": "'not-an-email' is not an email address",
        "role": "'boss' is not a role: use rep, manager or admin",
    }


# -- targets, scores, forecasts ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("period", "kind", "start"), [
    ("2026-Q3", "quarter", date(2026, 7, 1)), ("2026-10", "month", date(2026, 10, 1)),
    ("2026-W43", "week", date(2026, 10, 19)), ("2026", "year", date(2026, 1, 1)),
    ("this-month", "month", date(2026, 10, 1)), ("2026-q4", "quarter", date(2026, 10, 1)),
])
def test_target_periods(period: str, kind: str, start: date) -> None:
    target = TargetIn.model_validate({"rep": "ada", "kpi": "calls", "period": period, "value": "50"},
                                     context=CONTEXT)
    assert isinstance(target.period, Period)
    assert (target.period.kind, target.period.start, target.value) == (kind, start, Decimal("50.00"))


@pytest.mark.parametrize("period", ["2026-10-01..2026-10-15", "2026-10-14", "today", "2026-Q5", "soon"])
def test_target_periods_refused(period: str) -> None:
    assert "period" in problems(TargetIn, {"team": "North", "kpi": "calls", "period": period, "value": "1"})


def test_target_needs_exactly_one_of_rep_and_team() -> None:
    both = problems(TargetIn, {"rep": "a", "team": "b", "kpi": "calls", "period": "2026-10", "value": "1"})
    assert both == {"team": "give a rep or a team, not both"}
    neither = problems(TargetIn, {"rep": "", "team": "", "kpi": "calls", "period": "2026-10", "value": "1"})
    assert "needs a rep or a team" in neither["team"]


@pytest.mark.parametrize(("kpi", "raw", "value"), [
    ("win_rate", "0.25", "0.2500"), ("win_rate", "25%", "0.2500"), ("revenue", "$50,000", "50000.00"),
    ("pipeline_coverage", "3", "3.0000"), ("csat", "4.5", "4.50"), ("cycle_days", "30", "30.00"),
])
def test_target_values(kpi: str, raw: str, value: str) -> None:
    target = TargetIn.model_validate({"team": "North", "kpi": kpi, "period": "2026-Q4", "value": raw})
    assert target.value == Decimal(value)


@pytest.mark.parametrize(("kpi", "raw", "words"), [
    ("win_rate", "25", "share between 0 and 1"), ("csat", "7", "from 1 to 5"), ("calls", "25%", "not a number"),
    ("calls", "-1", "can't be negative"), ("calls", "NaN", "not a number"), ("calls", "", "required"),
    ("velocity", "1", None),
    ("calls", "0", "a target must be above 0: clear it instead"),  # 0 read as "—" yet scored 0 %
    ("revenue", "$0.00", "a target must be above 0: clear it instead"),
    ("win_rate", "0%", "a target must be above 0: clear it instead"),
])
def test_target_values_refused(kpi: str, raw: str, words: str | None) -> None:
    found = problems(TargetIn, {"team": "North", "kpi": kpi, "period": "2026-Q4", "value": raw})
    if words is None:
        assert found["kpi"].startswith("'velocity' is not a KPI: use calls, conversations")
    else:
        assert words in found["value"]


def test_scores() -> None:
    score = ScoreIn.model_validate({"rep": "a", "kind": "CSAT", "date": "2026-10-01", "value": "5",
                                    "note": "great\x1b[5m call"})
    assert (score.kind, score.date, score.value, score.note) == ("csat", date(2026, 10, 1), 5, "great call")
    assert problems(ScoreIn, {"rep": "a", "kind": "nps", "date": "2026-10-01", "value": "0"}) == {
        "kind": "'nps' is not a score kind: use csat or call_review",
        "value": "must be from 1 to 5 (0 was given)",
    }
    assert "not a score from 1 to 5" in problems(ScoreIn, {"rep": "a", "kind": "csat", "date": "2026-10-01",
                                                           "value": "4.5"})["value"]


def test_forecasts() -> None:
    forecast = ForecastIn.model_validate({"rep": "a", "period": "2026-Q4", "amount": "$120,000.00"})
    assert forecast.amount == Decimal("120000.00") and forecast.period.kind == "quarter"
    assert problems(ForecastIn, {"rep": "a", "period": "2026-Q4", "amount": ""}) == {"amount": "required, but empty"}


# -- safe CSV cells ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+1 555 0100", "'+1 555 0100"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"),
    ("\0NUL", "'\0NUL"),
    ("Ada Ames", "Ada Ames"),
    ("a=b", "a=b"),
    ("", ""),
    (None, ""),
    (-12, "-12"),
    (Decimal("-12.50"), "-12.50"),
    (Decimal("1E+2"), "100"),
    (-0.25, "-0.25"),
    (True, "true"),
    (date(2026, 10, 25), "2026-10-25"),
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "2026-10-25T01:30:00+00:00"),
])
def test_safe_cell(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


@given(st.text(max_size=12, alphabet=st.sampled_from("'=+-@\t\rab 1\u200b\ufeff")))
def test_import_reads_back_every_cell_the_export_guarded(text: str) -> None:
    assert unguarded(safe_cell(text)) == text


# -- dates that cannot be: before 1970, in the future (DESIGN.md section 7) ---------------------------------------
NOW = datetime(2026, 10, 14, 13, 0, tzinfo=UTC)  # 15:00 in Berlin
AT_NOW = {"zone": BERLIN, "today": date(2026, 10, 14), "now": NOW}


@pytest.mark.parametrize(("written", "words"), [
    ("0001-01-01T00:00", "0001-01-01 00:00 is before 1970: check the year"),
    ("0001-01-01T00:00+05:00", "0001-01-01 00:00 is before 1970"),  # would overflow converting to UTC
    ("1900-01-01 10:00", "1900-01-01 10:00 is before 1970"),
    ("1969-12-31T23:59", "is before 1970"),
    ("9999-12-31T23:59-01:00", "9999-12-31 23:59 is in the future (it is now 2026-10-14 15:00 in Europe/Berlin)"),
    ("2027-01-01T09:00", "2027-01-01 09:00 is in the future"),
    ("2026-10-14T15:06", "2026-10-14 15:06 is in the future"),  # beyond the 5 minutes' grace
    ("2026-10-14T13:06Z", "2026-10-14 15:06 is in the future"),  # shown in local time
])
def test_activity_times_that_cannot_have_happened(written: str, words: str) -> None:
    found = problems(ActivityIn, {"rep": "a", "kind": "call", "occurred_at": written}, AT_NOW)
    assert words in found["occurred_at"]


@pytest.mark.parametrize("written", ["1970-01-01T00:00", "2026-10-14T15:04", "2026-10-14T13:05Z"])
def test_activity_times_at_the_edges_are_fine(written: str) -> None:
    ActivityIn.model_validate({"rep": "a", "kind": "call", "occurred_at": written}, context=AT_NOW)


@pytest.mark.parametrize(("field", "data"), [
    ("created_on", {"stage": "Qualified", "created_on": "2026-10-15"}),
    ("created_on", {"stage": "Qualified", "created_on": "0001-01-01"}),
    ("created_on", {"stage": "Qualified", "created_on": "9999-12-31"}),
    ("closed_on", {"stage": "Won", "created_on": "2026-10-01", "closed_on": "2026-10-15"}),
    ("closed_on", {"stage": "lost", "closed_on": "1969-12-31"}),
])
def test_deal_dates_that_cannot_have_happened(field: str, data: dict) -> None:
    message = problems(DealIn, {"rep": "a"} | data, AT_NOW)[field]
    assert "is in the future (today is 2026-10-14)" in message or "is before 1970: check the year" in message


def test_an_open_deal_may_expect_to_close_in_the_future() -> None:
    deal = DealIn.model_validate({"rep": "a", "stage": "Proposal", "created_on": "2026-10-14",
                                  "closed_on": "2027-03-31"}, context=AT_NOW)
    assert (deal.created_on, deal.closed_on) == (date(2026, 10, 14), None)


@pytest.mark.parametrize(("day", "words"), [
    ("2026-10-15", "2026-10-15 is in the future (today is 2026-10-14)"),
    ("1900-06-01", "1900-06-01 is before 1970: check the year"),
    ("0001-01-01", "0001-01-01 is before 1970: check the year"),
])
def test_score_dates_that_cannot_have_happened(day: str, words: str) -> None:
    assert problems(ScoreIn, {"rep": "a", "kind": "csat", "date": day, "value": "4"}, AT_NOW) == {"date": words}


def test_a_day_is_judged_in_the_configured_zone() -> None:
    # 23:30 UTC on the 14th is already the 15th in Tokyo: a score of the 15th is today there
    late = {"zone": ZoneInfo("Asia/Tokyo"), "now": datetime(2026, 10, 14, 23, 30, tzinfo=UTC)}
    assert ScoreIn.model_validate({"rep": "a", "kind": "csat", "date": "2026-10-15", "value": "4"},
                                  context=late).date == date(2026, 10, 15)
