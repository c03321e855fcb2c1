"""Issue 19.1, replayed: another counselor cannot attach an existing client to their case."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Case, JournalEntry, Visibility

SHARED_WORDS = "a canary walks by the harbour"


def _create(client, form) -> int:
    response = client.post("/cases/new", data=form)
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _write_entry(client, text: str, case_id: int | None = None):
    path = "/me/journal/new" + (f"?case={case_id}" if case_id else "")
    return client.post(
        path,
        data={"body": text, "visibility": Visibility.COUNSELOR_AND_PARTNER.value, "mood": "4"},
    )


def test_counselor2_cannot_attach_alex(app, practice, login_as, new_case_form, memberships_of):
    stranger = login_as(practice.counselor2)
    case2 = _create(stranger, new_case_form(practice.alex.email, b_email="new-bee@example.test"))
    assert memberships_of(practice.alex.id) == {practice.case.id}

    alex = login_as(practice.alex)
    assert _write_entry(alex, SHARED_WORDS).status_code == 302
    with app.app_context():
        entry = db.session.scalar(sa.select(JournalEntry))
        assert entry.case_id == practice.case.id
    # Nothing of Alex's reaches counselor2: not the feed, not the case page (nor its chart).
    for path in ("/caseload/journal", f"/cases/{case2}", "/caseload"):
        page = stranger.get(path).get_data(as_text=True)
        assert SHARED_WORDS not in page and "Alex Rivera" not in page, path
    # Alex's real counselor and partner do read it.
    assert SHARED_WORDS in login_as(practice.counselor).get(
        f"/caseload/journal/{entry.id}"
    ).get_data(as_text=True)
    assert login_as(practice.blake).get(f"/me/journal/shared/{entry.id}").status_code == 200


def test_alex_sees_who_invites_him_to_which_case(practice, login_as, new_case_form):
    _create(login_as(practice.counselor2), new_case_form(practice.alex.email, label="Doe couple"))
    home = login_as(practice.alex).get("/me").get_data(as_text=True)
    invitation = home.split('id="invitations"', 1)[1].split("</section>", 1)[0]
    assert "Dr. Sam Stranger" in invitation and "Doe couple" in invitation
    assert "Accept" in invitation and "Decline" in invitation


def test_declining_leaves_alex_out_and_is_audited(
    app, practice, login_as, new_case_form, memberships_of, pending_invitation
):
    case2 = _create(login_as(practice.counselor2), new_case_form(practice.alex.email))
    alex = login_as(practice.alex)
    invitation = pending_invitation(practice.alex.id)
    assert alex.post(f"/me/invitations/{invitation.id}/decline").status_code == 302
    assert memberships_of(practice.alex.id) == {practice.case.id}
    assert pending_invitation(practice.alex.id).state == "declined"
    assert "Dr. Sam Stranger" not in alex.get("/me").get_data(as_text=True)
    # A declined invitation cannot be accepted afterwards.
    assert alex.post(f"/me/invitations/{invitation.id}/accept").status_code == 404
    assert memberships_of(practice.alex.id) == {practice.case.id}
    _assert_audited(app, "invitation.declined", case2, practice.alex.id)
    page = login_as(practice.counselor2).get(f"/cases/{case2}").get_data(as_text=True)
    assert "Invitation declined" in page and "Alex Rivera" not in page


def test_accepting_makes_alex_a_member_and_is_audited(
    app, practice, login_as, new_case_form, memberships_of, pending_invitation
):
    case2 = _create(login_as(practice.counselor2), new_case_form(practice.alex.email))
    alex = login_as(practice.alex)
    invitation = pending_invitation(practice.alex.id)
    assert alex.post(f"/me/invitations/{invitation.id}/accept").status_code == 302
    assert memberships_of(practice.alex.id) == {practice.case.id, case2}
    _assert_audited(app, "invitation.accepted", case2, practice.alex.id)
    page = login_as(practice.counselor2).get(f"/cases/{case2}").get_data(as_text=True)
    assert "Joined" in page


def test_only_the_invitee_can_answer(
    practice, login_as, new_case_form, memberships_of, pending_invitation
):
    _create(login_as(practice.counselor2), new_case_form(practice.alex.email))
    invitation = pending_invitation(practice.alex.id)
    assert (
        login_as(practice.blake).post(f"/me/invitations/{invitation.id}/accept").status_code == 404
    )
    assert memberships_of(practice.blake.id) == {practice.case.id}
    assert memberships_of(practice.alex.id) == {practice.case.id}


def test_alex_link_asks_him_to_sign_in_and_never_sets_a_password(
    app, practice, login_as, new_case_form
):
    stranger = login_as(practice.counselor2)
    response = stranger.post("/cases/new", data=new_case_form(practice.alex.email))
    page = stranger.get(response.headers["Location"]).get_data(as_text=True)
    (link,) = re.findall(r'value="http://[^"]+(/invite/[^"]+)"', page)
    visitor = app.test_client()
    posted = visitor.post(
        link, data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    )
    assert posted.status_code == 302 and posted.headers["Location"].startswith("/me")
    assert "/login" in visitor.get(link, follow_redirects=True).request.path
    assert login_as(practice.alex).get("/me").status_code == 200  # the old password still works


def _assert_audited(app, action: str, case_id: int, actor_id: int) -> None:
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.case_id == case_id)
        ).all()
        assert [e.actor_id for e in events] == [actor_id]
        assert db.session.get(Case, case_id) is not None


def test_a_link_for_an_account_that_existed_never_sets_its_password(
    app, practice, login_as, new_case_form, memberships_of
):
    """Bob was invited by counselor but has no password yet; counselor2's link cannot take
    the account over, and Bob answers counselor2 after joining through his own link."""
    first = login_as(practice.counselor)
    own = first.post("/cases/new", data=new_case_form("bob@example.test", label="Bob alone"))
    (own_link,) = _links(first, own.headers["Location"])
    stranger = login_as(practice.counselor2)
    other = stranger.post("/cases/new", data=new_case_form("bob@example.test", label="Trap"))
    (stranger_link,) = _links(stranger, other.headers["Location"])
    visitor = app.test_client()
    assert visitor.get(stranger_link).status_code == 302
    taken = visitor.post(stranger_link, data={"password": PASSPHRASE, "confirm": PASSPHRASE})
    assert taken.status_code == 302 and taken.headers["Location"].startswith("/me")
    signin = app.test_client().post(
        "/login", data={"email": "bob@example.test", "password": PASSPHRASE}
    )
    assert signin.status_code == 200  # refused: the passphrase was never set
    bob = app.test_client()
    assert (
        bob.post(own_link, data={"password": PASSPHRASE, "confirm": PASSPHRASE}).status_code == 302
    )
    home = bob.get("/me").get_data(as_text=True)
    assert "Dr. Sam Stranger" in home and "Trap" in home
    with app.app_context():
        from app.models import User

        bob_id = db.session.scalar(sa.select(User.id).where(User.email == "bob@example.test"))
    assert len(memberships_of(bob_id)) == 1


PASSPHRASE = "somebody else's passphrase"


def _links(client, case_url: str) -> list[str]:
    page = client.get(case_url).get_data(as_text=True)
    return re.findall(r'value="http://[^"]+(/invite/[^"]+)"', page)
