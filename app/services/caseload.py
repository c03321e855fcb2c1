"""The caseload dashboard: one row per case with its figures, in a fixed number of statements.

Every figure comes from a grouped subquery joined to the page of cases, so the number of
statements never grows with the caseload (docs/performance.md T1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import policy
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Case,
    CaseMember,
    CaseStatus,
    CounselingSession,
    Exercise,
    JournalEntry,
    JournalRead,
    Response,
    User,
    utcnow,
)
from app.models.measure import member_recent_scores
from app.policy import EVERY_CASE, JOURNAL
from app.policy import review as review_policy
from app.practice_dates import practice_today
from app.services import appointment_reads
from app.services.listing import contains

PAGE_SIZE = 20
DONE = (AssignmentStatus.SUBMITTED, AssignmentStatus.REVIEWED)
STATUS_FILTERS = ("open", "all", *(s.value for s in CaseStatus))


@dataclass
class CaseRow:
    """One line of the dashboard."""

    case: Case
    last_session: datetime | None
    next_session: datetime | None
    done: int
    total: int
    overdue: int
    unread: int
    waiting_review: int = 0
    #: ``(partner name, exercises answered, exercises assigned)``, partner A first.
    progress: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        """Overdue work, work sent and waiting for review, or shared writing not read yet."""
        return bool(self.overdue or self.unread or self.waiting_review)


@dataclass
class DashboardPage:
    """A page of rows and what the pager needs."""

    rows: list[CaseRow]
    total: int
    page: int
    pages: int


def dashboard(
    counselor: User, *, status: str = "open", search: str = "", page: int = 1
) -> DashboardPage:
    """The counselor's cases, most in need of attention first, filtered and paginated."""
    now = utcnow()
    today = practice_today()
    mine = sa.select(Case.id).where(Case.counselor_id == counselor.id).scalar_subquery()

    sessions = (
        sa.select(
            CounselingSession.case_id.label("case_id"),
            sa.func.max(
                sa.case((CounselingSession.starts_at < now, CounselingSession.starts_at))
            ).label("last_at"),
        )
        .where(CounselingSession.case_id.in_(mine))
        .group_by(CounselingSession.case_id)
        .subquery("s")
    )
    # "Next session" is the next booked appointment (app.services.appointment_reads).
    booked = appointment_reads.next_by_case(mine)
    done = AssignmentRecipient.status.in_(DONE)
    work = (
        sa.select(
            Assignment.case_id.label("case_id"),
            sa.func.count(AssignmentRecipient.id).label("total"),
            sa.func.sum(sa.case((done, 1), else_=0)).label("done"),
            sa.func.sum(
                sa.case((sa.and_(sa.not_(done), Assignment.due_date < today), 1), else_=0)
            ).label("overdue"),
            sa.func.sum(
                sa.case((AssignmentRecipient.status == AssignmentStatus.SUBMITTED, 1), else_=0)
            ).label("waiting"),
        )
        .join(AssignmentRecipient, AssignmentRecipient.assignment_id == Assignment.id)
        .where(Assignment.case_id.in_(mine), Assignment.removed_at.is_(None))
        .group_by(Assignment.case_id)
        .subquery("w")
    )
    read_by_me = sa.exists().where(
        JournalRead.entry_id == JournalEntry.id, JournalRead.reader_id == counselor.id
    )
    unread = (
        sa.select(JournalEntry.case_id.label("case_id"), sa.func.count().label("unread"))
        .where(
            policy.readable_by_counselor(JOURNAL, counselor, EVERY_CASE),
            sa.not_(read_by_me),
        )
        .group_by(JournalEntry.case_id)
        .subquery("j")
    )

    filters = [Case.counselor_id == counselor.id]
    if status == "open":
        filters.append(Case.status != CaseStatus.CLOSED)
    elif status in {s.value for s in CaseStatus}:
        filters.append(Case.status == CaseStatus(status))
    search = search.strip()[:100]
    if search:
        member_match = (
            sa.select(CaseMember.id)
            .join(User, User.id == CaseMember.user_id)
            .where(
                CaseMember.case_id == Case.id,
                contains(User.name, search),
            )
            .exists()
        )
        filters.append(sa.or_(contains(Case.label, search), member_match))

    page = max(page, 1)

    overdue_col = sa.func.coalesce(work.c.overdue, 0)
    unread_col = sa.func.coalesce(unread.c.unread, 0)
    waiting_col = sa.func.coalesce(work.c.waiting, 0)
    attention = overdue_col + unread_col + waiting_col
    status_rank = sa.case(
        (Case.status == CaseStatus.ACTIVE, 0),
        (Case.status == CaseStatus.INTAKE, 1),
        (Case.status == CaseStatus.PAUSED, 2),
        else_=3,
    )
    query = (
        sa.select(
            Case,
            sessions.c.last_at,
            booked.c.next_at,
            sa.func.coalesce(work.c.done, 0),
            sa.func.coalesce(work.c.total, 0),
            overdue_col,
            unread_col,
            waiting_col,
            # Every matching case, counted before LIMIT: the pager's total in the same statement.
            sa.func.count().over(),
        )
        .outerjoin(sessions, sessions.c.case_id == Case.id)
        .outerjoin(booked, booked.c.case_id == Case.id)
        .outerjoin(work, work.c.case_id == Case.id)
        .outerjoin(unread, unread.c.case_id == Case.id)
        .where(*filters)
        .options(
            selectinload(Case.members).joinedload(CaseMember.user),
            # Each partner's latest relationship scores, in the members' statement (measures).
            selectinload(Case.members).joinedload(member_recent_scores()),
        )
        .order_by(
            sa.case((Case.status == CaseStatus.CLOSED, 1), else_=0),
            sa.case((attention > 0, 0), else_=1),
            attention.desc(),
            status_rank,
            Case.label,
            Case.id,
        )
    )
    # The page asked for, or the last one when it is past the end (an old link): decided in the
    # statement itself, which also counts every matching case for the pager (the window count).
    matching = sa.select(sa.func.count(Case.id)).where(*filters).scalar_subquery()
    wanted = (page - 1) * PAGE_SIZE
    offset = sa.case(
        (matching > wanted, wanted),
        (matching == 0, 0),
        else_=((matching - 1) // PAGE_SIZE) * PAGE_SIZE,
    )
    found = db.session.execute(query.limit(PAGE_SIZE).offset(offset)).all()
    total = int(found[0][-1]) if found else 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    rows = [
        CaseRow(
            case=case,
            last_session=last_at,
            next_session=next_at,
            done=int(done_count),
            total=int(total_count),
            overdue=int(overdue_count),
            unread=int(unread_count),
            waiting_review=int(waiting),
        )
        for (
            case,
            last_at,
            next_at,
            done_count,
            total_count,
            overdue_count,
            unread_count,
            waiting,
            _matching,
        ) in found
    ]
    progress = partner_progress([row.case.id for row in rows])
    for row in rows:
        row.progress = progress.get(row.case.id, [])
    return DashboardPage(rows=rows, total=total, page=page, pages=pages)


def partner_progress(case_ids: list[int]) -> dict[int, list[tuple[str, int, int]]]:
    """Per case and partner: exercises answered (sent) of exercises assigned, in one statement.

    What a counselor thinks in: "Alex 6 of 8, Sam 2 of 8", not "2 of 2 assignments".
    """
    if not case_ids:
        return {}
    per_version = (
        sa.select(Exercise.version_id.label("version_id"), sa.func.count().label("n"))
        .group_by(Exercise.version_id)
        .subquery("v")
    )
    sent = (
        sa.select(Response.recipient_id.label("recipient_id"), sa.func.count().label("n"))
        .where(review_policy.sent_answers())
        .group_by(Response.recipient_id)
        .subquery("r")
    )
    rows = db.session.execute(
        sa.select(
            Assignment.case_id,
            CaseMember.role,
            User.name,
            sa.func.sum(sa.func.coalesce(sent.c.n, 0)),
            sa.func.sum(sa.func.coalesce(per_version.c.n, 0)),
        )
        .join(AssignmentRecipient, AssignmentRecipient.assignment_id == Assignment.id)
        .join(
            CaseMember,
            sa.and_(
                CaseMember.case_id == Assignment.case_id,
                CaseMember.user_id == AssignmentRecipient.user_id,
                CaseMember.erased_at.is_(None),
            ),
        )
        .join(User, User.id == AssignmentRecipient.user_id)
        .outerjoin(per_version, per_version.c.version_id == Assignment.module_version_id)
        .outerjoin(sent, sent.c.recipient_id == AssignmentRecipient.id)
        .where(Assignment.case_id.in_(case_ids), Assignment.removed_at.is_(None))
        .group_by(Assignment.case_id, CaseMember.role, User.id, User.name)
        .order_by(Assignment.case_id, CaseMember.role)
    ).all()
    result: dict[int, list[tuple[str, int, int]]] = {}
    for case_id, _role, name, answered, assigned in rows:
        result.setdefault(case_id, []).append((name, int(answered or 0), int(assigned or 0)))
    return result
