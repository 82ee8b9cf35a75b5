"""The operations people perform, with the access rules. The CLI and the app call these and nothing below.

Who acts: `actor` is the signed-in rep (from --as / KPITUI_USER / the picker). With no actor the caller is
the local owner of the database file (the person running the CLI on their own SQLite file) and may do all,
like an admin. Rules: a rep sees their own detail and their team's leaderboard, and logs only their own
activities; a manager sees detail of, and writes for, the teams they manage; an admin does all.

The facade `Kpitui` is one object for the CLI and the app; each concern is a module of its own (access rules,
people, activities, deals, targets, reports, the manager's cockpit, 1:1 notes, import/export), joined here as
the parts of one class so that every caller keeps `svc.leaderboard(...)`, `svc.log_activity(...)` and every
part shares one actor and one database.
"""

from __future__ import annotations

from kpitui.services.activities import ActivityService
from kpitui.services.cockpit import CockpitService
from kpitui.services.core import one_snapshot, parse_date
from kpitui.services.deals import DealService
from kpitui.services.exchange import ExchangeService
from kpitui.services.meetings import MeetingService
from kpitui.services.notes import NoteService
from kpitui.services.people import PeopleService
from kpitui.services.reports import SORT_KEYS, ReportService, TeamKpis
from kpitui.services.targets import TargetService

__all__ = ["SORT_KEYS", "Kpitui", "TeamKpis", "one_snapshot", "parse_date"]


class Kpitui(MeetingService, CockpitService,  # before ReportService, which they build on
             ReportService, TargetService, ActivityService, DealService, PeopleService, NoteService, ExchangeService):
    """Everything a person can do with kpitui, with the role rules applied."""
