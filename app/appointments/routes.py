"""The counselor's appointment pages: book, the appointment page, move, cancel, mark, record."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import audit
from app.appointments import bp
from app.appointments.forms import STATUS_LABELS, BookForm, CancelForm, MarkForm, RescheduleForm
from app.auth.forms import PostForm
from app.authz import case_for_counselor, deny, roles_required
from app.extensions import db
from app.models import Appointment, AppointmentStatus, Case, Modality, Role, SessionKind, utcnow
from app.practice_dates import practice_zone
from app.services import appointments as book_service
from app.services import recurrence
from app.services import sessions as session_service
from app.services.appointments import AppointmentRuleError, Details
from app.services.recurrence import Repeat

BASE = "/cases/<int:case_id>/appointments"


def _appointment(case_id: int, aid: int, *, writable: bool = False) -> tuple[Case, Appointment]:
    case = case_for_counselor(case_id, writable=writable)
    appointment = book_service.load(case.id, aid)
    if appointment is None:
        deny(f"appointment {aid} of case {case_id}", case_id=case_id)
    return case, appointment


def _member_choices(case_id: int) -> list[SelectChoice]:
    return [SelectChoice(m.user_id, m.user.name) for m in session_service.case_clients(case_id)]


def _details(form: BookForm | RescheduleForm, kind: str, expected: list[int]) -> Details:
    return Details(
        local_start=datetime.combine(form.date.data, form.time.data),
        timezone=str(practice_zone().key),
        duration_minutes=form.duration_minutes.data,
        modality=Modality(form.modality.data),
        location=form.location.data,
        video_url=form.video_url.data,
        kind=SessionKind(kind),
        expected_ids=expected,
    )


def _repeat(form: BookForm) -> Repeat | None:
    if form.repeat.data == "none":
        return None
    if form.ends.data == "until":
        return Repeat(int(form.repeat.data), until=form.until.data)
    return Repeat(int(form.repeat.data), count=form.count.data)


def _starts(details: Details, repeat: Repeat | None) -> list[datetime]:
    if repeat is None:
        return [details.starts_at]
    tz = practice_zone()
    return recurrence.expand(recurrence.build_rule(repeat, tz), details.local_start, tz)


def _overlapping(details: Details, starts: list[datetime], exclude: list[int]) -> list[Appointment]:
    found: dict[int, Appointment] = {}
    for start in starts:
        for other in book_service.overlaps(
            current_user, start, details.duration_minutes, exclude=exclude
        ):
            found[other.id] = other
    return sorted(found.values(), key=lambda a: a.starts_at)


def _detail_url(case_id: int, aid: int) -> str:
    return url_for("appointments.detail", case_id=case_id, aid=aid)


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new(case_id: int):
    """Book a session or a weekly / fortnightly series, with a warning on overlaps."""
    case = case_for_counselor(case_id, writable=True)
    form = BookForm()
    form.expected.choices = _member_choices(case.id)
    conflicts: list[Appointment] = []
    if request.method == "GET":
        soon = (datetime.now(practice_zone()) + timedelta(days=1)).replace(
            minute=0, second=0, microsecond=0
        )
        form.date.data, form.time.data = soon.date(), soon.time()
        form.expected.data = [c.value for c in form.expected.choices]
        form.request_key.data = secrets.token_urlsafe(24)
        form.until.data = None
    if form.validate_on_submit():
        details = _details(form, form.kind.data, list(form.expected.data or []))
        repeat = _repeat(form)
        conflicts = _overlapping(details, _starts(details, repeat), [])
        if not conflicts or form.overlap_ok.data:
            try:
                booked = book_service.book(
                    case, current_user, details, repeat=repeat, request_key=form.request_key.data
                )
            except AppointmentRuleError as exc:
                form[exc.field].errors.append(str(exc))
            else:
                for appointment in booked:
                    audit.record("appointment.book", appointment, case_id=case.id)
                db.session.commit()
                count = len(booked)
                flash(f"Booked {count} sessions." if count > 1 else "Session booked.", "success")
                return redirect(url_for("cases.detail", case_id=case.id, _anchor="appointments"))
        if conflicts:
            form.overlap_ok.errors.append(
                "This overlaps other sessions of yours (listed above). Tick the box to book anyway."
            )
    return render_template("appointments/book.html", case=case, form=form, conflicts=conflicts)


@bp.route(f"{BASE}/<int:aid>")
@roles_required(Role.COUNSELOR)
def detail(case_id: int, aid: int):
    """An appointment: when, how, who; its history; move, cancel, mark, record."""
    case, appointment = _appointment(case_id, aid)
    return render_template(
        "appointments/detail.html",
        case=case,
        appointment=appointment,
        status_labels=STATUS_LABELS,
        mark_form=MarkForm(),
        rule=recurrence.describe(appointment.series.rrule) if appointment.series else None,
        can_mark=appointment.starts_at <= utcnow() + timedelta(minutes=15),
        names={m.user_id: m.user.name for m in session_service.case_clients(case.id)},
    )


@bp.route(f"{BASE}/<int:aid>/move", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def move(case_id: int, aid: int):
    """Give a session (or it and the following ones) a new time, length or modality."""
    case, appointment = _appointment(case_id, aid, writable=True)
    if appointment.status is not AppointmentStatus.BOOKED:
        flash("Only a booked session can be moved.", "warning")
        return redirect(_detail_url(case.id, aid))
    form = RescheduleForm()
    conflicts: list[Appointment] = []
    if request.method == "GET":
        local = appointment.starts_at.astimezone(practice_zone())
        form.date.data, form.time.data = local.date(), local.time().replace(second=0)
        form.duration_minutes.data = appointment.duration_minutes
        form.modality.data = appointment.modality.value
        form.location.data = appointment.location
        form.video_url.data = appointment.video_url
    if form.validate_on_submit():
        expected = [a.user_id for a in appointment.expected]
        details = _details(form, appointment.kind.value, expected)
        conflicts = _overlapping(details, [details.starts_at], [appointment.id])
        if not conflicts or form.overlap_ok.data:
            try:
                moved = book_service.reschedule(
                    appointment,
                    current_user,
                    details,
                    reason=(form.reason.data or "").strip() or None,
                    all_following=form.scope.data == "following",
                )
            except AppointmentRuleError as exc:
                form[exc.field].errors.append(str(exc))
            else:
                for item in moved:
                    audit.record("appointment.move", item, case_id=case.id)
                db.session.commit()
                flash(
                    "Session moved." if len(moved) == 1 else f"{len(moved)} sessions moved.",
                    "success",
                )
                return redirect(_detail_url(case.id, aid))
        if conflicts:
            form.overlap_ok.errors.append(
                "This overlaps other sessions of yours (listed above). Tick the box to move anyway."
            )
    return render_template(
        "appointments/move.html", case=case, appointment=appointment, form=form, conflicts=conflicts
    )


@bp.route(f"{BASE}/<int:aid>/cancel", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def cancel(case_id: int, aid: int):
    """Cancel a session (or it and the following ones) with a reason."""
    case, appointment = _appointment(case_id, aid, writable=True)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            items = book_service.cancel(
                appointment,
                current_user,
                reason=form.reason.data,
                late=bool(form.late.data),
                all_following=form.scope.data == "following",
            )
        except AppointmentRuleError as exc:
            form[exc.field].errors.append(str(exc))
        else:
            for item in items:
                audit.record("appointment.cancel", item, case_id=case.id)
            db.session.commit()
            flash(
                "Session cancelled." if len(items) == 1 else f"{len(items)} sessions cancelled.",
                "success",
            )
            return redirect(_detail_url(case.id, aid))
    return render_template(
        "appointments/cancel.html", case=case, appointment=appointment, form=form
    )


@bp.route(f"{BASE}/<int:aid>/mark", methods=["POST"])
@roles_required(Role.COUNSELOR)
def mark(case_id: int, aid: int):
    """Mark how the session went."""
    case, appointment = _appointment(case_id, aid, writable=True)
    form = MarkForm()
    if form.validate_on_submit():
        try:
            book_service.mark(appointment, current_user, AppointmentStatus(form.status.data))
        except AppointmentRuleError as exc:
            flash(str(exc), "warning")
        else:
            audit.record("appointment.mark", appointment, case_id=case.id)
            db.session.commit()
            flash("Saved.", "success")
    return redirect(_detail_url(case.id, aid))


@bp.route(f"{BASE}/<int:aid>/record", methods=["POST"])
@roles_required(Role.COUNSELOR)
def record(case_id: int, aid: int):
    """Record the session from its appointment: its time, length, modality and people."""
    case, appointment = _appointment(case_id, aid, writable=True)
    if PostForm().validate_on_submit():
        try:
            session = book_service.record_session(appointment, case, current_user)
        except AppointmentRuleError as exc:
            flash(str(exc), "warning")
        else:
            audit.record("session.create", session, case_id=case.id)
            db.session.commit()
            return redirect(url_for("sessions.detail", case_id=case.id, sid=session.id))
    return redirect(_detail_url(case.id, aid))
