"""Bulk builders for caseload tests (also used by the browser journey)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask

from app.extensions import db
from app.models import (
    Appointment,
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Case,
    CaseKind,
    CaseMember,
    CaseStatus,
    CounselingSession,
    JournalEntry,
    JournalRead,
    MemberRole,
    ModuleVersion,
    ResponseStatus,
    Role,
    StrategyModule,
    User,
    Visibility,
    utcnow,
)


def populate_caseload(
    app: Flask,
    counselor_id: int,
    n: int,
    prefix: str = "Case",
    couples: list[tuple[str, str, str]] | None = None,
) -> list[int]:
    """Give a counselor ``n`` couple cases with sessions, assignments and journal entries.

    ``couples`` gives (label, partner A, partner B) names instead of numbered ones.
    """
    now = utcnow()
    today = date.today()
    ids = []
    with app.app_context():
        module = StrategyModule(is_builtin=False, owner_id=counselor_id)
        db.session.add(module)
        db.session.flush()
        version = ModuleVersion(module_id=module.id, title="Reflect", summary="s", introduction="i")
        db.session.add(version)
        db.session.flush()
        for i in range(n):
            label, name_a, name_b = (
                couples[i % len(couples)]
                if couples
                else (f"{prefix} {i:03d}", f"Ari {prefix} {i}", f"Bo {prefix} {i}")
            )
            statuses = [CaseStatus.ACTIVE, CaseStatus.INTAKE, CaseStatus.PAUSED]
            case = Case(
                label=label,
                kind=CaseKind.COUPLE,
                status=statuses[i % 3],
                counselor_id=counselor_id,
            )
            a = User(email=f"{prefix}{i}a@x.test".lower(), name=name_a, role=Role.CLIENT)
            b = User(email=f"{prefix}{i}b@x.test".lower(), name=name_b, role=Role.CLIENT)
            db.session.add_all([case, a, b])
            db.session.flush()
            db.session.add_all(
                [
                    CaseMember(case_id=case.id, user_id=a.id, role=MemberRole.PARTNER_A),
                    CaseMember(case_id=case.id, user_id=b.id, role=MemberRole.PARTNER_B),
                    CounselingSession(
                        case_id=case.id,
                        counselor_id=counselor_id,
                        starts_at=now - timedelta(days=7),
                    ),
                    # The next session is a booked appointment (the appointment book).
                    Appointment(
                        uid=f"{prefix}{i}@test",
                        case_id=case.id,
                        counselor_id=counselor_id,
                        starts_at=now + timedelta(days=7),
                        timezone="UTC",
                    ),
                ]
            )
            live = Assignment(
                case_id=case.id,
                module_version_id=version.id,
                due_date=today - timedelta(days=1),
            )
            removed = Assignment(
                case_id=case.id,
                module_version_id=version.id,
                due_date=today - timedelta(days=1),
                removed_at=now,
            )
            db.session.add_all([live, removed])
            db.session.flush()
            db.session.add_all(
                [
                    AssignmentRecipient(
                        assignment_id=live.id, user_id=a.id, status=AssignmentStatus.SUBMITTED
                    ),
                    AssignmentRecipient(
                        assignment_id=live.id, user_id=b.id, status=AssignmentStatus.ASSIGNED
                    ),
                    AssignmentRecipient(
                        assignment_id=removed.id,
                        user_id=b.id,
                        status=AssignmentStatus.ASSIGNED,
                    ),
                ]
            )
            entries = [
                JournalEntry(
                    case_id=case.id,
                    author_id=a.id,
                    visibility=visibility,
                    status=status,
                )
                for visibility, status in [
                    (Visibility.COUNSELOR, ResponseStatus.SUBMITTED),
                    (Visibility.COUNSELOR_AND_PARTNER, ResponseStatus.SUBMITTED),
                    (Visibility.COUNSELOR, ResponseStatus.SUBMITTED),  # read below
                    (Visibility.PRIVATE, ResponseStatus.SUBMITTED),
                    (Visibility.COUNSELOR, ResponseStatus.DRAFT),
                ]
            ]
            db.session.add_all(entries)
            db.session.flush()
            db.session.add(JournalRead(entry_id=entries[2].id, reader_id=counselor_id))
            ids.append(case.id)
        db.session.commit()
    return ids
