"""Each step ends with what happened and what comes next (issue ux-pass, item 11).

Creating a case, accepting an invitation with a new password, joining from the home page;
signing a note is covered by tests/browser/test_ux_session_note.py.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Invitation

FORM = {
    "label": "Harper couple",
    "kind": "couple",
    "a_name": "Billie Harper",
    "a_email": "billie@example.test",
    "b_name": "Frankie Harper",
    "b_email": "frankie@example.test",
}
PASSWORD = "a brand new passphrase for Billie"


def test_creating_a_case_says_what_comes_next(factory, login_as):
    counselor = login_as(factory.counselor())
    page = counselor.post("/cases/new", data=FORM, follow_redirects=True).get_data(as_text=True)
    assert "The case “Harper couple” is created." in page
    assert "invitation link below" in page


def test_accepting_an_invitation_says_what_comes_next(app, factory, login_as):
    counselor = login_as(factory.counselor())
    created = counselor.post("/cases/new", data=FORM)
    page = counselor.get(created.headers["Location"]).get_data(as_text=True)
    link = re.findall(r'value="http://[^"]+(/invite/[^"]+)"', page)[0]
    visitor = app.test_client()
    answer = visitor.post(
        link, data={"password": PASSWORD, "confirm": PASSWORD}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Your password is set and you are signed in." in answer
    assert "What to do next" in answer


def test_joining_from_home_says_what_comes_next(app, factory, login_as):
    alex = factory.client(name="Alex Rivera")
    counselor = login_as(factory.counselor())
    counselor.post("/cases/new", data={**FORM, "a_email": alex.email, "a_name": "Alex Rivera"})
    with app.app_context():
        invitation = db.session.scalar(
            sa.select(Invitation).where(
                Invitation.user_id == alex.id, Invitation.member_role.is_not(None)
            )
        )
        invitation_id = invitation.id
    page = (
        login_as(alex)
        .post(f"/me/invitations/{invitation_id}/accept", follow_redirects=True)
        .get_data(as_text=True)
    )
    assert "You joined “Harper couple”." in page and "What to do next" in page
