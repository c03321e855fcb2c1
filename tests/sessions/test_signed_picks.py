"""A signed session stays as it was signed (security issue 19.13).

After signing, the journal entries discussed change only through an amendment; a picked entry
its author later makes private is withheld from the session page and both PDFs, and the record
says that an excerpt was withdrawn, and when.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import NoteAmendment, SessionJournalPick, utcnow
from app.templating import day
from tests.pdf.helpers import pdf_text

WITHDRAWN = "An excerpt was withdrawn by its author on"


def _picks(app, sid: int) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(SessionJournalPick.entry_id).where(SessionJournalPick.session_id == sid)
            )
        )


def _signed_session_with_pick(build, couple_case, **entry):
    counselor, case, a, _b = couple_case
    sid = build.session(case, sections={"data": "Discussed the week"}, signed_by=counselor)
    picked = build.entry(case, a, **entry)
    build.pick(sid, picked)
    return counselor, case, a, sid, picked


def test_picks_of_a_signed_session_cannot_be_changed_directly(app, login_as, build, couple_case):
    counselor, case, a, sid, picked = _signed_session_with_pick(build, couple_case, body="one")
    other = build.entry(case, a, title="Another", body="two")
    client = login_as(counselor)
    response = client.post(
        f"/cases/{case.id}/sessions/{sid}/picks", data={"entries": [other]}, follow_redirects=True
    )
    assert "add an amendment" in response.get_data(as_text=True)
    assert _picks(app, sid) == {picked}


def test_an_amendment_changes_the_picks_and_says_so(app, login_as, build, couple_case):
    counselor, case, a, sid, picked = _signed_session_with_pick(build, couple_case, body="one")
    other = build.entry(case, a, title="Another", body="two")
    client = login_as(counselor)
    response = client.post(
        f"/cases/{case.id}/sessions/{sid}/amend",
        data={
            "body": "We also talked about the second entry.",
            "entries": [picked, other],
            "entries_shown": "1",
        },
    )
    assert response.status_code == 302
    assert _picks(app, sid) == {picked, other}
    with app.app_context():
        amendment = db.session.scalars(sa.select(NoteAmendment)).one()
        assert "Journal entries discussed: added 1" in amendment.body
        assert "Another" not in amendment.body, "titles are client writing; not copied"


def test_an_amendment_without_pick_changes_leaves_them(app, login_as, build, couple_case):
    counselor, case, a, sid, picked = _signed_session_with_pick(build, couple_case, body="one")
    # A form without the entries (none were shared when it was shown) changes no pick.
    login_as(counselor).post(f"/cases/{case.id}/sessions/{sid}/amend", data={"body": "Aside."})
    assert _picks(app, sid) == {picked}
    login_as(counselor).post(
        f"/cases/{case.id}/sessions/{sid}/amend",
        data={"body": "Just a note.", "entries": [picked], "entries_shown": "1"},
    )
    assert _picks(app, sid) == {picked}
    with app.app_context():
        bodies = db.session.scalars(sa.select(NoteAmendment.id)).all()
        assert len(bodies) == 2
        assert all(
            "Journal entries" not in a.body for a in db.session.scalars(sa.select(NoteAmendment))
        )


def test_a_withdrawn_excerpt_is_withheld_everywhere_and_the_record_says_so(
    app, login_as, build, couple_case
):
    counselor, case, a, sid, picked = _signed_session_with_pick(
        build, couple_case, title="WITHDRAWN-TITLE", body="WITHDRAWN-BODY words"
    )
    base = f"/cases/{case.id}/sessions/{sid}"
    client = login_as(counselor)
    before = pdf_text(client.get(f"{base}/summary.pdf").data)
    assert "WITHDRAWN-BODY" in before and WITHDRAWN not in before

    author = login_as(a)
    assert (
        author.post(f"/me/journal/{picked}/visibility", data={"visibility": "private"}).status_code
        == 302
    )
    with app.app_context():
        today = day(utcnow())

    page = client.get(base).get_data(as_text=True)
    clinician = pdf_text(client.get(f"{base}/summary.pdf").data)
    client_copy = pdf_text(client.get(f"{base}/summary.pdf?copy=client").data)
    for text in (page, clinician, client_copy):
        assert "WITHDRAWN-TITLE" not in text and "WITHDRAWN-BODY" not in text
    for text in (page, clinician):
        assert f"{WITHDRAWN} {today}" in " ".join(text.split())
    assert _picks(app, sid) == {picked}, "the pick stays: sharing again brings it back"


def test_sharing_again_brings_the_excerpt_back(app, login_as, build, couple_case):
    counselor, case, a, sid, picked = _signed_session_with_pick(
        build, couple_case, title="BACK-TITLE", body="BACK-BODY"
    )
    author = login_as(a)
    author.post(f"/me/journal/{picked}/visibility", data={"visibility": "private"})
    author.post(f"/me/journal/{picked}/visibility", data={"visibility": "counselor"})
    page = login_as(counselor).get(f"/cases/{case.id}/sessions/{sid}").get_data(as_text=True)
    assert "BACK-TITLE" in page and WITHDRAWN not in page
