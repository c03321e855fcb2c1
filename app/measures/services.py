"""Scheduling measures, answering them, paper entry, safety flags. Services flush; views commit.

Occurrences: each schedule falls due in *occurrences* named by a short key, and a person answers
each occurrence once (a unique key on schedule, person and occurrence):

* once: ``once``;
* weekly: the ISO week, ``2026-W49``;
* at intake and at the end: ``intake`` at once, ``end`` once the counselor asks for it;
* before each appointment: ``appt:<id>`` for the case's next booked appointment, from three
  days before it starts (the appointment book of the appointments feature).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.measures import instruments as catalogue
from app.measures import notifications as notices
from app.measures import schedule_rules
from app.measures.case_reads import open_flags_part
from app.measures.instruments import Instrument, MissingAnswers, Score
from app.measures.schedule_rules import NextAppointment
from app.models import (
    Appointment,
    AppointmentStatus,
    Case,
    CaseMember,
    CaseStatus,
    MeasureCadence,
    MeasureResponse,
    MeasureSchedule,
    ResponseStatus,
    SafetyFlag,
    User,
    utcnow,
)
from app.policy import measures as rules
from app.services.combined_read import read
from app.services.concurrency import create_once

__all__ = ["MissingAnswers", "Score"]


class NotAllowed(Exception):
    """The viewer may not do this (the view answers 404)."""


@dataclass(frozen=True)
class Due:
    """One measure waiting for the signed-in client."""

    schedule: MeasureSchedule
    occurrence: str
    instrument: Instrument
    started: MeasureResponse | None


@dataclass(frozen=True)
class Submitted:
    """What submitting gave: the sheet, its score, and whether a safety flag was raised."""

    response: MeasureResponse
    score: Score
    flag: SafetyFlag | None


def recipients(case: Case, schedule: MeasureSchedule) -> list[User]:
    """The case's current client members the schedule is addressed to."""
    members = db.session.scalars(
        sa.select(User)
        .join(CaseMember, CaseMember.user_id == User.id)
        .where(CaseMember.case_id == case.id, CaseMember.erased_at.is_(None))
        .order_by(CaseMember.role)
    ).all()
    return [u for u in members if schedule.user_id in (None, u.id)]


def assign(
    counselor: User,
    case: Case,
    *,
    instrument: str,
    cadence: MeasureCadence,
    user_id: int | None,
    share_results: bool,
    request_key: str | None,
) -> MeasureSchedule:
    """Give a measure to the case (every partner) or to one partner, and announce it."""
    if not rules.may_schedule(counselor, case):
        raise NotAllowed
    catalogue.get(instrument)
    if user_id is not None and user_id not in {u.id for u in _members(case)}:
        raise NotAllowed
    schedule, created = create_once(
        MeasureSchedule,
        request_key,
        lambda: MeasureSchedule(
            case_id=case.id,
            user_id=user_id,
            instrument=instrument,
            cadence=cadence,
            share_results=share_results,
            created_by_id=counselor.id,
        ),
    )
    if created:
        announce_due(case, schedule)
    return schedule


def _members(case: Case) -> list[User]:
    return recipients(case, MeasureSchedule(user_id=None))


def announce_due(case: Case, schedule: MeasureSchedule, now: datetime | None = None) -> int:
    """Announce the schedule's current occurrence to each addressee (idempotent by key)."""
    occurrence = current_for(schedule, now)
    if occurrence is None:
        return 0
    sent = 0
    for user in recipients(case, schedule):
        notices.announce_due(user, case, schedule, occurrence)
        sent += 1
    return sent


def next_appointments(case_ids: list[int], now: datetime) -> dict[int, NextAppointment]:
    """Each case's next booked appointment, in one statement."""
    if not case_ids:
        return {}
    rows = db.session.execute(
        sa.select(Appointment.case_id, Appointment.id, Appointment.starts_at)
        .where(
            Appointment.case_id.in_(case_ids),
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > now,
        )
        .order_by(Appointment.case_id, Appointment.starts_at, Appointment.id)
    ).all()
    found: dict[int, NextAppointment] = {}
    for case_id, appointment_id, starts_at in rows:
        found.setdefault(case_id, NextAppointment(appointment_id, starts_at))
    return found


def current_for(schedule: MeasureSchedule, now: datetime | None = None) -> str | None:
    """The schedule's occurrence due now (asking the appointment book when it needs to)."""
    now = now or utcnow()
    upcoming = None
    if schedule.cadence is MeasureCadence.BEFORE_APPOINTMENT:
        upcoming = next_appointments([schedule.case_id], now).get(schedule.case_id)
    return schedule_rules.current_occurrence(schedule, now, upcoming)


def announce_running(now: datetime | None = None) -> int:
    """Announce the current occurrence of every running schedule (the periodic task)."""
    now = now or utcnow()
    schedules = db.session.scalars(
        sa.select(MeasureSchedule)
        .join(Case, Case.id == MeasureSchedule.case_id)
        .where(MeasureSchedule.stopped_at.is_(None), Case.status != CaseStatus.CLOSED)
    ).all()
    sent = 0
    for schedule in schedules:
        sent += announce_due(db.session.get_one(Case, schedule.case_id), schedule, now)
    return sent


def request_end(counselor: User, case: Case, schedule: MeasureSchedule) -> None:
    """Ask for the end measure of an intake-and-end schedule."""
    if not rules.may_schedule(counselor, case) or schedule.case_id != case.id:
        raise NotAllowed
    if schedule.cadence is MeasureCadence.INTAKE_AND_END and schedule.end_requested_at is None:
        schedule.end_requested_at = utcnow()
        db.session.flush()
        announce_due(case, schedule)


def stop(counselor: User, case: Case, schedule: MeasureSchedule) -> None:
    """Stop a schedule: nothing more falls due (answers given stay)."""
    if not rules.is_case_counselor(counselor, case) or schedule.case_id != case.id:
        raise NotAllowed
    schedule.stopped_at = schedule.stopped_at or utcnow()


def due_for(client: User, now: datetime | None = None) -> list[Due]:
    """The measures waiting for the client now, in two queries whatever the history."""
    now = now or utcnow()
    schedules = db.session.scalars(
        sa.select(MeasureSchedule)
        .where(rules.schedules_for_client(client))
        .order_by(MeasureSchedule.created_at, MeasureSchedule.id)
    ).all()
    appointments = next_appointments(
        sorted({s.case_id for s in schedules if s.cadence is MeasureCadence.BEFORE_APPOINTMENT}),
        now,
    )
    wanted = {}
    for schedule in schedules:
        occurrence = schedule_rules.current_occurrence(
            schedule, now, appointments.get(schedule.case_id)
        )
        if occurrence is not None:
            wanted[(schedule.id, occurrence)] = schedule
    if not wanted:
        return []
    sheets = {
        (r.schedule_id, r.occurrence): r
        for r in db.session.scalars(
            sa.select(MeasureResponse).where(
                rules.own_answers(client),
                MeasureResponse.schedule_id.in_([sid for sid, _ in wanted]),
            )
        )
    }
    due = []
    for (schedule_id, occurrence), schedule in wanted.items():
        sheet = sheets.get((schedule_id, occurrence))
        if sheet is not None and sheet.status is ResponseStatus.SUBMITTED:
            continue
        due.append(Due(schedule, occurrence, catalogue.get(schedule.instrument), sheet))
    return due


def open_sheet(client: User, schedule: MeasureSchedule, occurrence: str) -> MeasureResponse:
    """The client's answer sheet for this occurrence, made on first opening (one per person)."""
    if not rules.may_answer(client, schedule):
        raise NotAllowed
    if occurrence != current_for(schedule):
        raise NotAllowed
    key = {
        "schedule_id": schedule.id,
        "user_id": client.id,
        "occurrence": occurrence,
    }
    existing = db.session.scalar(sa.select(MeasureResponse).filter_by(**key))
    if existing is not None:
        return existing
    instrument = catalogue.get(schedule.instrument)
    try:
        with db.session.begin_nested():
            sheet = MeasureResponse(
                case_id=schedule.case_id,
                instrument=instrument.code,
                instrument_version=instrument.version,
                answers={},
                **key,
            )
            db.session.add(sheet)
            db.session.flush()
    except sa.exc.IntegrityError:
        # Opened twice at once: the other request made the sheet.
        return db.session.scalars(sa.select(MeasureResponse).filter_by(**key)).one()
    return sheet


def own_sheet(client: User, response_id: int) -> MeasureResponse:
    """One of the client's own sheets (404 for anyone else's)."""
    sheet = db.session.scalar(
        sa.select(MeasureResponse).where(
            MeasureResponse.id == response_id, rules.own_answers(client)
        )
    )
    if sheet is None:
        raise NotAllowed
    return sheet


def save_draft(sheet: MeasureResponse, answers: Mapping[str, Any], seq: int | None) -> bool:
    """Autosave: keep the valid answers; an older save arriving late changes nothing."""
    if sheet.status is ResponseStatus.SUBMITTED:
        return False
    if seq is not None:
        if seq <= sheet.draft_seq:
            return False
        sheet.draft_seq = seq
    instrument = catalogue.get(sheet.instrument)
    sheet.answers = {**(sheet.answers or {}), **catalogue.clean_answers(instrument, answers)}
    return True


def submit(sheet: MeasureResponse, answers: Mapping[str, Any], share: bool) -> Submitted:
    """Score and send a sheet; MissingAnswers if any item is unanswered (nothing is scored)."""
    instrument = catalogue.get(sheet.instrument)
    merged = {**(sheet.answers or {}), **catalogue.clean_answers(instrument, answers)}
    sheet.answers = merged
    result = catalogue.score(instrument, merged)
    sheet.score = {"total": result.total, "band": result.band, "beyond": result.beyond_cutoff}
    sheet.status = ResponseStatus.SUBMITTED
    sheet.submitted_at = utcnow()
    sheet.shared_with_client = share
    db.session.flush()
    flag = _raise_flag_if_needed(instrument, sheet, merged)
    return Submitted(sheet, result, flag)


def _raise_flag_if_needed(
    instrument: Instrument, sheet: MeasureResponse, answers: Mapping[str, int]
) -> SafetyFlag | None:
    if instrument.safety_item is None:
        return None
    item = instrument.item(instrument.safety_item)
    if item.points(int(answers[item.key])) <= 0:
        return None
    flag = SafetyFlag(case_id=sheet.case_id, user_id=sheet.user_id, response_id=sheet.id)
    db.session.add(flag)
    db.session.flush()
    case = db.session.get_one(Case, sheet.case_id)
    counselor = db.session.get_one(User, case.counselor_id)
    notices.announce_flag(counselor, case, flag)
    return flag


def submit_for_client(
    client: User, sheet: MeasureResponse, answers: Mapping[str, Any]
) -> Submitted:
    """The client sends their own sheet; sharing of the result follows the schedule."""
    if sheet.user_id != client.id:
        raise NotAllowed
    schedule = db.session.get(MeasureSchedule, sheet.schedule_id) if sheet.schedule_id else None
    if schedule is None or not rules.may_answer(client, schedule):
        raise NotAllowed
    return submit(sheet, answers, share=schedule.share_results)


def enter_on_paper(
    counselor: User,
    case: Case,
    *,
    user_id: int,
    instrument: str,
    answers: Mapping[str, Any],
    request_key: str | None,
) -> Submitted:
    """The counselor types in a measure the client filled in on paper."""
    if not rules.may_schedule(counselor, case) or user_id not in {u.id for u in _members(case)}:
        raise NotAllowed
    chosen = catalogue.get(instrument)
    catalogue.score(chosen, answers)  # refuse before anything is stored
    sheet, created = create_once(
        MeasureResponse,
        request_key,
        lambda: MeasureResponse(
            case_id=case.id,
            user_id=user_id,
            instrument=chosen.code,
            instrument_version=chosen.version,
            occurrence=f"paper:{utcnow():%Y%m%d%H%M%S}",
            entered_by_id=counselor.id,
            answers={},
        ),
    )
    if not created and sheet.case_id != case.id:
        raise NotAllowed
    if not created:
        score = sheet.score or {}
        return Submitted(
            sheet,
            Score(score.get("total", 0), score.get("band", ""), bool(score.get("beyond"))),
            None,
        )
    return submit(sheet, answers, share=False)


def set_shared(counselor: User, case: Case, response_id: int, shared: bool) -> MeasureResponse:
    """Show (or stop showing) one result to the client who answered."""
    sheet = db.session.scalar(
        sa.select(MeasureResponse).where(
            MeasureResponse.id == response_id, rules.counselor_reads(counselor, case)
        )
    )
    if sheet is None:
        raise NotAllowed
    sheet.shared_with_client = shared
    return sheet


def open_flags(viewer: User, case: Case) -> list[SafetyFlag]:
    """Flags of the case still waiting for the counselor's note (empty for anyone else)."""
    if not rules.may_see_flags(viewer, case):
        return []
    return read({"flags": open_flags_part(viewer, case)}).first("flags")


def acknowledge(counselor: User, case: Case, flag_id: int, action: str) -> SafetyFlag:
    """Record what the counselor did; the banner goes once this is saved."""
    flag = db.session.get(SafetyFlag, flag_id)
    if flag is None or flag.case_id != case.id or not rules.may_see_flags(counselor, case):
        raise NotAllowed
    if flag.acknowledged_at is None:
        flag.action = action
        flag.acknowledged_at = utcnow()
        flag.acknowledged_by_id = counselor.id
    return flag
