"""What a client sees of the appointment book: upcoming sessions on /me, an .ics per session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Response, current_app
from flask_login import current_user

from app import audit
from app.appointments import bp, ics
from app.appointments.people import is_discreet, zone_of
from app.authz import deny, roles_required
from app.extensions import db
from app.models import Appointment, CaseMember, Modality, Role, User, utcnow
from app.policy import appointments as rules
from app.services import appointment_reads
from app.sessions.forms import MODALITY_LABELS

HOME_TEMPLATE = "appointments/_home_section.html"
#: The video link appears on the home page this long before the session (and while it runs).
LINK_SHOWN_BEFORE = timedelta(minutes=30)


def client_wording(viewer: User) -> ics.Wording:
    """How a client's calendar names their sessions (discreet mode hides practice and details)."""
    discreet = is_discreet(viewer)
    practice = current_app.config["REKINDLE_PRACTICE_NAME"]
    return (lambda _a: rules.client_event_title(practice, discreet), not discreet)


def upcoming_section(viewer: User, memberships: list[CaseMember]) -> dict[str, Any] | None:
    """The client's next sessions, in their own time zone; the video link shortly before."""
    if not memberships:
        return None
    tz = zone_of(viewer)
    now = utcnow()
    items = [
        {
            "appointment": a,
            "start": a.starts_at.astimezone(tz),
            "end": (a.starts_at + timedelta(minutes=a.duration_minutes)).astimezone(tz),
            "modality": MODALITY_LABELS[a.modality],
            "link": a.video_url
            if a.modality is Modality.VIDEO and a.starts_at - LINK_SHOWN_BEFORE <= now
            else None,
            "with_partner": len(a.expected) > 1,
        }
        for a in appointment_reads.upcoming_for(viewer, limit=4)
    ]
    return {"upcoming": items, "zone": str(tz.key), "link_minutes": 30}


@bp.route("/me/appointments/<int:aid>.ics")
@roles_required(Role.CLIENT)
def client_ics(aid: int):
    """One session as a calendar file ("add to calendar"): only a session the client is at."""
    item = db.session.scalar(
        sa.select(Appointment).where(Appointment.id == aid, rules.visible_to(current_user))
    )
    if item is None:
        deny(f"appointment {aid} (calendar file)")
    body = ics.single("Counseling sessions", item, client_wording(current_user))
    audit.record("appointment.ics", item, case_id=item.case_id)
    db.session.commit()
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="session-{item.starts_at:%Y-%m-%d}.ics"',
            "Cache-Control": "no-store",
        },
    )
