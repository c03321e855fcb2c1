"""Who may know about validated measures: answers, scores, schedules and safety flags.

The rule (docs/security.md "Who sees what", measures):

* answers and scores are for the case counselor, once submitted;
* the client who answered reads their own answers, and their own scores (total, band, charts)
  only where the counselor chose to share that result with them;
* a partner never learns anything of the other partner's measures: not that one is due, not
  that it was answered, not a score, not a flag; nothing in any page, count, export, PDF or
  notification reaches them;
* another counselor, the practice admin and every other person see nothing;
* a safety flag is known to the case counselor only.

Every list, count, chart, notification, export and PDF of the measures feature asks here.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    Case,
    CaseMember,
    CaseStatus,
    MeasureResponse,
    MeasureSchedule,
    ResponseStatus,
    Role,
    SafetyFlag,
    User,
)


def is_case_counselor(viewer: User, case: Case) -> bool:
    """The viewer is the counselor of this case."""
    return viewer.role is Role.COUNSELOR and case.counselor_id == viewer.id


def may_schedule(viewer: User, case: Case) -> bool:
    """Only the case counselor assigns measures, and not in a closed case."""
    return is_case_counselor(viewer, case) and case.status is not CaseStatus.CLOSED


def counselor_reads(viewer: User, case: Case) -> ColumnElement[bool]:
    """Submitted answers in ``case`` the viewer may read as its counselor (else nothing)."""
    if not is_case_counselor(viewer, case):
        return sa.false()
    return sa.and_(
        MeasureResponse.case_id == case.id,
        MeasureResponse.status == ResponseStatus.SUBMITTED,
    )


def counselor_reads_cases(viewer: User, case_ids: Iterable[int]) -> ColumnElement[bool]:
    """Submitted answers in those of ``case_ids`` the viewer is the counselor of."""
    if viewer.role is not Role.COUNSELOR:
        return sa.false()
    mine = sa.select(Case.id).where(Case.counselor_id == viewer.id, Case.id.in_(list(case_ids)))
    return sa.and_(
        MeasureResponse.case_id.in_(mine),
        MeasureResponse.status == ResponseStatus.SUBMITTED,
    )


def own_answers(viewer: User) -> ColumnElement[bool]:
    """The viewer's own answer sheets (drafts too): a client's own writing, nobody else's."""
    if viewer.role is not Role.CLIENT:
        return sa.false()
    return MeasureResponse.user_id == viewer.id


def own_results_shared(viewer: User) -> ColumnElement[bool]:
    """The viewer's own submitted measures whose result the counselor shared with them."""
    return sa.and_(
        own_answers(viewer),
        MeasureResponse.status == ResponseStatus.SUBMITTED,
        MeasureResponse.shared_with_client.is_(True),
    )


def may_read_answers(viewer: User, case: Case, response: MeasureResponse) -> bool:
    """One loaded answer sheet: its author, or the case counselor once it is submitted."""
    if response.case_id != case.id:
        return False
    if viewer.role is Role.CLIENT:
        return response.user_id == viewer.id
    return is_case_counselor(viewer, case) and response.status is ResponseStatus.SUBMITTED


def may_see_score(viewer: User, case: Case, response: MeasureResponse) -> bool:
    """The score and band: the counselor; the author only if the counselor shared it."""
    if response.case_id != case.id or response.status is not ResponseStatus.SUBMITTED:
        return False
    if viewer.role is Role.CLIENT:
        return response.user_id == viewer.id and response.shared_with_client
    return is_case_counselor(viewer, case)


def may_see_flags(viewer: User, case: Case) -> bool:
    """Safety flags: the case counselor alone."""
    return is_case_counselor(viewer, case)


def schedules_for_client(viewer: User) -> ColumnElement[bool]:
    """Running schedules addressed to the viewer (to them alone, or to every member)."""
    if viewer.role is not Role.CLIENT:
        return sa.false()
    member_of = sa.select(CaseMember.case_id).where(
        CaseMember.user_id == viewer.id, CaseMember.erased_at.is_(None)
    )
    open_cases = sa.select(Case.id).where(Case.status != CaseStatus.CLOSED)
    return sa.and_(
        MeasureSchedule.case_id.in_(member_of),
        MeasureSchedule.case_id.in_(open_cases),
        MeasureSchedule.stopped_at.is_(None),
        sa.or_(MeasureSchedule.user_id.is_(None), MeasureSchedule.user_id == viewer.id),
    )


def may_answer(viewer: User, schedule: MeasureSchedule) -> bool:
    """Whether the viewer may answer this schedule now (its addressee, in an open case)."""
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True)).where(
                MeasureSchedule.id == schedule.id, schedules_for_client(viewer)
            )
        )
    )


def due_still_relevant(recipient_id: int, schedule_id: int, occurrence: str) -> bool:
    """Right before a "measure due" notice goes out: still addressed to them, still unanswered."""
    recipient = db.session.get(User, recipient_id)
    schedule = db.session.get(MeasureSchedule, schedule_id)
    if recipient is None or schedule is None or not may_answer(recipient, schedule):
        return False
    answered = db.session.scalar(
        sa.select(MeasureResponse.id).where(
            MeasureResponse.schedule_id == schedule_id,
            MeasureResponse.user_id == recipient_id,
            MeasureResponse.occurrence == occurrence,
            MeasureResponse.status == ResponseStatus.SUBMITTED,
        )
    )
    return answered is None


def flag_still_relevant(recipient_id: int, flag_id: int) -> bool:
    """A safety notice goes to whoever counsels the case now, while the flag is open."""
    flag = db.session.get(SafetyFlag, flag_id)
    recipient = db.session.get(User, recipient_id)
    if flag is None or recipient is None or flag.acknowledged_at is not None:
        return False
    case = db.session.get(Case, flag.case_id)
    return case is not None and may_see_flags(recipient, case)


def shows_crisis_resources(viewer: User, response: MeasureResponse) -> bool:
    """The crisis resources follow a safety answer, shown to the person who gave it alone."""
    if response.user_id != viewer.id or viewer.role is not Role.CLIENT:
        return False
    return (
        db.session.scalar(sa.select(SafetyFlag.id).where(SafetyFlag.response_id == response.id))
        is not None
    )


def author_sees_score(viewer: User, response: MeasureResponse) -> bool:
    """Whether the client who answered may see this sheet's score (shared by the counselor)."""
    return (
        viewer.role is Role.CLIENT
        and response.user_id == viewer.id
        and response.status is ResponseStatus.SUBMITTED
        and response.shared_with_client
    )


def client_copy_members(case: Case, member_ids: list[int], included: bool) -> set[int]:
    """Whose measures the session summary's client copy may show.

    Nobody's unless the counselor included measures for that session. The copy is one
    document for everyone in the case, so a couple's copy never shows either partner's
    measures (each partner would read the other's); an individual's copy may show their own.
    """
    if not included or len(member_ids) != 1:
        return set()
    return set(member_ids)
