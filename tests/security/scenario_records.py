"""Single records of the privacy scenario that need no ``World``: modules, journal entries,
answers, invitations, appointments and PDF jobs (``scenario.build_world`` puts them together).
"""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import (
    Appointment,
    AppointmentAttendee,
    AssignmentRecipient,
    Case,
    Exercise,
    ExerciseKind,
    Invitation,
    JournalEntry,
    MemberRole,
    ModuleVersion,
    Response,
    ResponseStatus,
    SessionKind,
    StrategyModule,
    User,
    Visibility,
    utcnow,
)


def _module(owner: User | None, slug: str | None, title: str) -> tuple[StrategyModule, Exercise]:
    module = StrategyModule(
        owner_id=owner.id if owner else None, slug=slug, is_builtin=owner is None
    )
    db.session.add(module)
    db.session.flush()
    version = ModuleVersion(
        module_id=module.id,
        number=1,
        title=title,
        summary="A short practice for the week.",
        introduction="Take ten quiet minutes.",
        created_by_id=owner.id if owner else None,
    )
    db.session.add(version)
    db.session.flush()
    exercise = Exercise(
        version_id=version.id,
        position=0,
        kind=ExerciseKind.REFLECTION,
        title="What went well",
        prompt="Write about one moment this week.",
        config={},
    )
    db.session.add(exercise)
    db.session.flush()
    module.current_version_id = version.id
    return module, exercise


def _entry(case: Case, author: User, text: str, visibility: Visibility) -> JournalEntry:
    entry = JournalEntry(
        case_id=case.id,
        author_id=author.id,
        visibility=visibility,
        status=ResponseStatus.SUBMITTED,
        shared_at=None if visibility is Visibility.PRIVATE else utcnow(),
    )
    entry.title = f"Title {text}"
    entry.body = f"Body {text}"
    entry.tags = []
    db.session.add(entry)
    db.session.flush()
    return entry


def _answer(recipient: AssignmentRecipient, exercise: Exercise, text: str, visibility: Visibility):
    response = Response(
        recipient_id=recipient.id,
        exercise_id=exercise.id,
        status=ResponseStatus.SUBMITTED,
        visibility=visibility,
        submitted_at=utcnow(),
    )
    response.answer = {"text": text}
    db.session.add(response)
    db.session.flush()
    return response


def _invitation(case: Case, invitee: User | None, counselor: User, marker: str) -> Invitation:
    """A pending invitation to a place in ``case`` (its link is never used in these tests)."""
    now = utcnow()
    invitation = Invitation(
        token_hash=f"{marker}-{case.id}-{invitee.id if invitee else 0}".ljust(64, "0"),
        user_id=invitee.id if invitee else None,
        case_id=case.id,
        member_role=MemberRole.PARTNER_B.value,
        invitee_name=invitee.name if invitee else "Nobody Known",
        invitee_email=invitee.email if invitee else f"nobody-{marker.lower()}@example.test",
        created_by_id=counselor.id,
        created_at=now,
        expires_at=now + timedelta(days=7),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


def _appointment(case: Case, counselor: User, people: list[User], n: int) -> Appointment:
    """A booked session tomorrow (joint for two people, individual for one)."""
    appointment = Appointment(
        uid=f"scenario-{case.id}-{n}@test",
        case_id=case.id,
        counselor_id=counselor.id,
        starts_at=utcnow() + timedelta(days=1, hours=n),
        timezone="UTC",
        location="Room 1",
        kind=SessionKind.JOINT if len(people) > 1 else SessionKind.INDIVIDUAL,
    )
    appointment.expected = [AppointmentAttendee(user_id=p.id) for p in people]
    db.session.add(appointment)
    db.session.flush()
    return appointment


def _pdf_job(owner: User):
    """A finished export PDF of ``owner``, waiting in the job queue's store."""
    from app.models import PdfJob
    from app.pdf import jobs

    job = PdfJob(kind="export", user_id=owner.id, title="A copy of your data", filename="x.pdf")
    db.session.add(job)
    db.session.flush()
    jobs.store(job, _blank_pdf())
    return job


def _blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=100, height=100)
    writer.write(out)
    return out.getvalue()
