"""What the counselor is told about a safety concern, and the flagged partner's discreet mode.

The alert is a safety flag: it cannot be switched off, ignores quiet hours, and, like every
notification, carries no content (the e-mail says only that something waits in the app). It is
announced once per concern (its key), in the transaction that raised the concern.
"""

from __future__ import annotations

from flask import url_for

from app.models import Case, SafetyConcern, User

CONCERN_KIND = "intake.safety_concern"

try:  # the outbox arrives with the notifications feature
    from app import notifications as _notifications
except ImportError:  # pragma: no cover - until the notifications branch is merged
    _notifications = None  # type: ignore[assignment]


def _still_open(notification: object) -> bool:
    from app.extensions import db

    about_id = getattr(notification, "about_id", None)
    concern = db.session.get(SafetyConcern, about_id) if about_id else None
    return concern is not None and concern.decided_at is None


if _notifications is not None:
    _notifications.register_kind(
        _notifications.NotificationKind(
            code=CONCERN_KIND,
            audience="counselor",
            title="A safety check needs your attention",
            link=lambda n: url_for("cases.detail", case_id=n.case_id),
            still_relevant=_still_open,
            default_timing="immediate",
            can_switch_off=False,
            bypass_quiet_hours=True,
        )
    )


def concern_raised(concern: SafetyConcern, case: Case) -> None:
    """Alert the case counselor once; the flagged partner's notifications go discreet."""
    from app.extensions import db

    if _notifications is None:
        return
    counselor = db.session.get_one(User, case.counselor_id)
    _notifications.announce(
        recipient=counselor,
        kind=CONCERN_KIND,
        case=case,
        about=("safety_concern", concern.id),
        key=f"{CONCERN_KIND}:{concern.id}",
        due_at=None,
    )
    flagged = db.session.get_one(User, concern.user_id)
    _notifications.set_discreet(flagged, True)


def concern_decided(concern: SafetyConcern) -> None:
    """Nothing to send: the banner goes; discreet mode stays until the partner changes it."""
