"""Only entries shared with the counselor can be picked; reviewed marks stay in the case."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import SessionJournalPick, Visibility


def _picks(app, sid):
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(SessionJournalPick.entry_id).where(SessionJournalPick.session_id == sid)
            )
        )


def test_shared_entry_can_be_picked(app, login_as, build, couple_case):
    counselor, case, a, b = couple_case
    sid = build.session(case)
    shared = build.entry(case, a, body="shared", visibility=Visibility.COUNSELOR_AND_PARTNER)
    login_as(counselor).post(f"/cases/{case.id}/sessions/{sid}/picks", data={"entries": [shared]})
    assert _picks(app, sid) == {shared}


def test_private_or_foreign_entries_are_refused(app, login_as, build, couple_case, factory):
    counselor, case, a, b = couple_case
    sid = build.session(case)
    private = build.entry(case, b, body="mine", visibility=Visibility.PRIVATE)
    other_case, x, _ = factory.couple()
    foreign = build.entry(other_case, x, body="elsewhere")
    client = login_as(counselor)
    for entry_id in (private, foreign):
        client.post(f"/cases/{case.id}/sessions/{sid}/picks", data={"entries": [entry_id]})
    assert _picks(app, sid) == set()


def test_private_entries_are_not_offered(login_as, build, couple_case):
    counselor, case, a, b = couple_case
    sid = build.session(case)
    build.entry(case, b, title="PRIVATE-TITLE", body="mine", visibility=Visibility.PRIVATE)
    page = login_as(counselor).get(f"/cases/{case.id}/sessions/{sid}").get_data(as_text=True)
    assert "PRIVATE-TITLE" not in page


def test_reviewed_only_for_this_cases_assignments(app, login_as, build, couple_case, factory):
    from tests.pdf.helpers import give_homework

    counselor, case, a, b = couple_case
    sid = build.session(case)
    other_case, x, _ = factory.couple()
    other_sid = build.session(other_case)
    give_homework(app, other_case, other_sid, [x])
    response = login_as(counselor).post(
        f"/cases/{case.id}/sessions/{sid}/reviewed", data={"assignments": ["1"]}
    )
    assert response.status_code == 302
    from app.models import SessionAssignmentLink

    with app.app_context():
        links = db.session.scalars(
            sa.select(SessionAssignmentLink).where(SessionAssignmentLink.session_id == sid)
        ).all()
    assert links == []
