"""Reads of the appointment book: "next session" everywhere, agendas, upcoming sessions.

"Next session" means one thing in the whole app: the earliest *booked* appointment that has not
started yet. The caseload, the case page, the client's home, both summary PDFs and the
client's export all ask here; every read goes through ``app.policy.appointments``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Appointment,
    AppointmentAttendee,
    AppointmentStatus,
    Case,
    CaseMember,
    User,
    utcnow,
)
from app.policy import appointments as rules
from app.services.combined_read import Part, read


def next_by_case(case_ids: sa.ScalarSelect[int] | Iterable[int]) -> sa.Subquery:
    """A subquery ``(case_id, next_at)``: each case's next booked appointment (caseload)."""
    now = utcnow()
    ids = case_ids if isinstance(case_ids, sa.ScalarSelect) else list(case_ids)
    return (
        sa.select(
            Appointment.case_id.label("case_id"),
            sa.func.min(Appointment.starts_at).label("next_at"),
        )
        .where(
            Appointment.case_id.in_(ids),
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at >= now,
        )
        .group_by(Appointment.case_id)
        .subquery("next_appointments")
    )


def next_session(
    case_id: int, *, after: datetime | None = None, everyone: Iterable[int] | None = None
) -> Appointment | None:
    """The case's next booked appointment after ``after`` (and now).

    ``everyone``: only an appointment all these people are expected at (the client copy of a
    summary names only a session each partner it is for would see themselves).
    """
    since = max(after, utcnow()) if after else utcnow()
    query = sa.select(Appointment).where(
        Appointment.case_id == case_id,
        Appointment.status == AppointmentStatus.BOOKED,
        Appointment.starts_at > since,
    )
    for user_id in sorted(set(everyone or [])):
        query = query.where(
            sa.exists().where(
                AppointmentAttendee.appointment_id == Appointment.id,
                AppointmentAttendee.user_id == user_id,
            )
        )
    return db.session.scalars(query.order_by(Appointment.starts_at).limit(1)).first()


def upcoming_for(viewer: User, *, limit: int = 5, case_id: int | None = None) -> list[Appointment]:
    """The booked appointments ``viewer`` may see that have not ended, soonest first."""
    now = utcnow()
    query = (
        sa.select(Appointment)
        .where(
            rules.visible_to(viewer),
            Appointment.status == AppointmentStatus.BOOKED,
            # Still listed while it runs (the video link is needed then); none lasts 10 h.
            Appointment.starts_at >= now - timedelta(minutes=600),
        )
        # Joined, not selected in: the page's sections share one statement budget, and the
        # limit keeps the joined rows few (docs/performance.md T1).
        .options(
            joinedload(Appointment.expected).joinedload(AppointmentAttendee.user),
            joinedload(Appointment.series),
        )
        .order_by(Appointment.starts_at)
        .limit(limit)
    )
    if case_id is not None:
        query = query.where(Appointment.case_id == case_id)
    return [
        a
        for a in db.session.scalars(query).unique()
        if a.starts_at + timedelta(minutes=a.duration_minutes) > now
    ]


def in_range(viewer: User, start: datetime, end: datetime) -> list[Appointment]:
    """Every appointment ``viewer`` may see starting in ``[start, end)``, with its case.

    One statement whatever the caseload; ``expected_names`` gives the people in one more
    (the calendar's constant budget, docs/performance.md T1).
    """
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .where(
                rules.visible_to(viewer),
                Appointment.starts_at >= start,
                Appointment.starts_at < end,
            )
            .options(joinedload(Appointment.case))
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def expected_names(appointment_ids: list[int]) -> dict[int, list[str]]:
    """``{appointment id: names of the current members expected}`` in one statement."""
    if not appointment_ids:
        return {}
    rows = db.session.execute(
        sa.select(AppointmentAttendee.appointment_id, User.name)
        .join(User, User.id == AppointmentAttendee.user_id)
        .join(Appointment, Appointment.id == AppointmentAttendee.appointment_id)
        .join(
            CaseMember,
            sa.and_(
                CaseMember.case_id == Appointment.case_id,
                CaseMember.user_id == AppointmentAttendee.user_id,
                CaseMember.erased_at.is_(None),
            ),
        )
        .where(AppointmentAttendee.appointment_id.in_(appointment_ids))
        .order_by(AppointmentAttendee.appointment_id, CaseMember.role)
    ).all()
    names: dict[int, list[str]] = {}
    for appointment_id, name in rows:
        names.setdefault(int(appointment_id), []).append(str(name))
    return names


def for_feed(viewer: User) -> list[Appointment]:
    """Every appointment of a feed (past 90 days onwards), with series, case and people."""
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .where(rules.visible_to(viewer), Appointment.starts_at >= utcnow() - timedelta(days=90))
            .options(
                selectinload(Appointment.series),
                selectinload(Appointment.expected),
                selectinload(Appointment.case)
                .selectinload(Case.members)
                .selectinload(CaseMember.user),
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def for_case_part(viewer: User, case: Case, *, limit: int = 8) -> Part:
    """The case's upcoming appointments (``for_case``) as a part of a combined read."""
    return Part(
        (Appointment,),
        sa.and_(
            rules.visible_to(viewer),
            Appointment.case_id == case.id,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at >= utcnow() - timedelta(minutes=600),
        ),
        order_by=(Appointment.starts_at, Appointment.id),
        options=(
            joinedload(Appointment.expected).joinedload(AppointmentAttendee.user),
            joinedload(Appointment.series),
        ),
        limit=limit,
        unique=True,
    )


def not_ended(appointments: Iterable[Appointment]) -> list[Appointment]:
    """Those of ``appointments`` still to come or running now."""
    now = utcnow()
    return [a for a in appointments if a.starts_at + timedelta(minutes=a.duration_minutes) > now]


def for_case(viewer: User, case: Case, *, limit: int = 8) -> list[Appointment]:
    """The case's upcoming appointments for its page (booked ones first to come)."""
    return not_ended(read({"a": for_case_part(viewer, case, limit=limit)}).first("a"))


def counts_per_counselor(viewer: User) -> dict[int, int]:
    """For the admin: how many booked appointments each counselor has from now on."""
    if not rules.admin_may_count(viewer):
        return {}
    rows = db.session.execute(
        sa.select(Appointment.counselor_id, sa.func.count())
        .where(Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at >= utcnow())
        .group_by(Appointment.counselor_id)
    ).all()
    return {int(counselor_id): int(count) for counselor_id, count in rows}
