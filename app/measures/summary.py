"""Measures in the session summary PDF: the clinician copy, and the client copy when chosen.

The clinician copy shows each person's measures since the session before this one (with the
trends up to this session) and the partner-gap chart. The client copy shows measures only if
the counselor included them for this session, and even then only what the policy lets every
reader of that copy see (app/policy/measures.py ``client_copy_members``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.measures import results
from app.models import Case, CounselingSession, SessionMeasureInclusion, User
from app.policy import measures as rules


def _previous_start(session: CounselingSession) -> Any:
    return db.session.scalar(
        sa.select(sa.func.max(CounselingSession.starts_at)).where(
            CounselingSession.case_id == session.case_id,
            CounselingSession.starts_at < session.starts_at,
        )
    )


def for_clinician(counselor: User, case: Case, members: Any, session: CounselingSession) -> Any:
    """Trends up to this session, the gap chart, and the sheets since the session before."""
    until = session.starts_at + timedelta(days=1)
    measures = results.case_measures(counselor, case, members, until=until)
    since = _previous_start(session)
    recent = [
        (
            trend,
            [
                p
                for p, s in zip(trend.points, trend.sheets, strict=True)
                if since is None or s.submitted_at > since
            ],
        )
        for trend in measures.trends
    ]
    return {"all": measures, "recent": [(t, pts) for t, pts in recent if pts], "since": since}


def included(session: CounselingSession) -> bool:
    """Whether the counselor chose to show measures in this session's client copy."""
    return included_id(session.id)


def included_id(session_id: int) -> bool:
    """The same, by the session's id."""
    return (
        db.session.scalar(
            sa.select(SessionMeasureInclusion.id).where(
                SessionMeasureInclusion.session_id == session_id
            )
        )
        is not None
    )


def for_client(case: Case, members: Any, session: CounselingSession) -> Any:
    """The measures the client copy may show (none unless included, and the policy allows)."""
    ids = [m.user_id for m in members]
    # Ask first as if included: for a couple the answer is no without reading anything.
    if not rules.client_copy_members(case, ids, True):
        return None
    allowed = rules.client_copy_members(case, ids, included(session))
    if not allowed:
        return None
    counselor = db.session.get_one(User, case.counselor_id)
    shown = [m for m in members if m.user_id in allowed]
    until = session.starts_at + timedelta(days=1)
    measures = results.case_measures(counselor, case, shown, until=until)
    trends = [t for t in measures.trends if all(s.shared_with_client for s in t.sheets)]
    return {"trends": trends} if trends else None
