"""The measures feature's notifications: a measure is due; a safety flag (never switched off).

Neither title names a measure, a score or the other partner: what reaches an inbox, a lock
screen or an e-mail says only that something is waiting (docs/security.md, measures).
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.models import Case, MeasureSchedule, SafetyFlag, User
from app.notifications import NotificationKind, announce, register_kind
from app.policy import measures as rules

DUE = "measure.due"
FLAG = "measure.safety_flag"


def _due_parts(n: Any) -> tuple[int, str]:
    # key: measure.due:<schedule id>:<user id>:<occurrence>
    _, schedule_id, _user, occurrence = str(n.key).split(":", 3)
    return int(schedule_id), occurrence


def _due_relevant(n: Any) -> bool:
    schedule_id, occurrence = _due_parts(n)
    return rules.due_still_relevant(n.recipient_id, schedule_id, occurrence)


def _flag_relevant(n: Any) -> bool:
    return rules.flag_still_relevant(n.recipient_id, int(n.about_id))


register_kind(
    NotificationKind(
        code=DUE,
        audience="client",
        title="A short questionnaire is waiting for you",
        link=lambda n: url_for("client.home"),
        still_relevant=_due_relevant,
        default_timing="immediate",
        can_switch_off=True,
        bypass_quiet_hours=False,
    )
)
register_kind(
    NotificationKind(
        code=FLAG,
        audience="counselor",
        title="A client's answers need your attention today",
        link=lambda n: url_for("cases.detail", case_id=n.case_id),
        still_relevant=_flag_relevant,
        default_timing="immediate",
        can_switch_off=False,
        bypass_quiet_hours=True,
    )
)


def announce_due(user: User, case: Case, schedule: MeasureSchedule, occurrence: str) -> None:
    """Tell one addressee a measure is due (once per occurrence)."""
    announce(
        recipient=user,
        kind=DUE,
        case=case,
        about=("measure_schedule", schedule.id),
        key=f"{DUE}:{schedule.id}:{user.id}:{occurrence}",
        due_at=None,
    )


def announce_flag(counselor: User, case: Case, flag: SafetyFlag) -> None:
    """Tell the case counselor at once; the flag's key makes it one notice per flag."""
    announce(
        recipient=counselor,
        kind=FLAG,
        case=case,
        about=("measure_safety_flag", flag.id),
        key=f"{FLAG}:{flag.id}",
        due_at=None,
    )
