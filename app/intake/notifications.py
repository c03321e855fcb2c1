"""What the counselor is told about a safety concern, and the flagged partner's discreet mode.

The alert is a safety flag: it cannot be switched off, ignores quiet hours, and, like every
notification, carries no content (the e-mail says only that something waits in the app). It is
announced once per concern (its key), in the transaction that raised the concern. The other
partner is never a recipient of anything here.
"""

from __future__ import annotations

from flask import url_for

from app.extensions import db
from app.models import Case, Notification, SafetyConcern, User
from app.notifications import NotificationKind, announce, register_kind, set_preferences

CONCERN_KIND = "intake.safety_concern"


def _still_open(notification: Notification) -> bool:
    """Deliver only while the concern waits for the counselor of its case."""
    concern = db.session.get(SafetyConcern, notification.about_id or 0)
    if concern is None or concern.decided_at is not None:
        return False
    case = db.session.get(Case, concern.case_id)
    return case is not None and case.counselor_id == notification.recipient_id


register_kind(
    NotificationKind(
        code=CONCERN_KIND,
        audience="counselor",
        title="A safety check needs your attention",
        label="A safety check needs your attention (cannot be switched off)",
        link=lambda n: url_for("cases.detail", case_id=n.case_id, _anchor="intake"),
        still_relevant=_still_open,
        default_timing="immediate",
        can_switch_off=False,
        bypass_quiet_hours=True,
    )
)


def concern_raised(concern: SafetyConcern, case: Case) -> None:
    """Alert the case counselor once; the flagged partner's notifications go discreet."""
    announce(
        recipient=db.session.get_one(User, case.counselor_id),
        kind=CONCERN_KIND,
        case=case,
        about=("safety_concern", concern.id),
        key=f"{CONCERN_KIND}:{concern.id}",
    )
    set_preferences(db.session.get_one(User, concern.user_id), discreet=True)


def concern_decided(concern: SafetyConcern) -> None:
    """Nothing to send. Discreet mode stays on: only the partner turns it off, when safe."""
