"""Counselor comments and read markers."""

import sqlalchemy as sa

from app.extensions import db
from app.models import JournalComment, JournalRead, Visibility


def test_counselor_comments_and_author_sees_it(world, make_entry, login_as, count_rows):
    entry_id = make_entry(world.a, world.case, visibility=Visibility.COUNSELOR)
    counselor = login_as(world.counselor)
    response = counselor.post(
        f"/caseload/journal/{entry_id}/comments", data={"body": "Thank you for sharing this."}
    )
    assert response.status_code == 302
    assert count_rows(JournalComment) == 1
    assert count_rows(JournalRead) == 1  # commenting implies reading
    assert "Thank you for sharing this." in login_as(world.a).get(
        f"/me/journal/{entry_id}"
    ).get_data(as_text=True)


def test_partner_sees_comments_only_when_shared_with_partner(world, make_entry, login_as):
    entry_id = make_entry(
        world.a,
        world.case,
        visibility=Visibility.COUNSELOR_AND_PARTNER,
        comment="A gentle observation",
        comment_by=world.counselor,
    )
    author = login_as(world.a)
    partner = login_as(world.b)
    assert "A gentle observation" in partner.get(f"/me/journal/shared/{entry_id}").get_data(
        as_text=True
    )
    author.post(f"/me/journal/{entry_id}/visibility", data={"visibility": "counselor"})
    assert partner.get(f"/me/journal/shared/{entry_id}").status_code == 404
    assert "A gentle observation" not in partner.get("/me").get_data(as_text=True)
    assert "A gentle observation" in author.get(f"/me/journal/{entry_id}").get_data(as_text=True)


def test_empty_comment_gets_message_next_to_field(world, make_entry, login_as, count_rows):
    entry_id = make_entry(world.a, world.case, visibility=Visibility.COUNSELOR)
    response = login_as(world.counselor).post(
        f"/caseload/journal/{entry_id}/comments", data={"body": "  "}
    )
    assert response.status_code == 200
    assert "Write a comment before sending." in response.get_data(as_text=True)
    assert count_rows(JournalComment) == 0


def test_mark_read_once_and_unread_marker_goes(world, make_entry, login_as, app):
    entry_id = make_entry(world.a, world.case, visibility=Visibility.COUNSELOR, title="Mark me")
    counselor = login_as(world.counselor)
    assert "Unread" in counselor.get("/caseload/journal").get_data(as_text=True)
    assert counselor.get("/caseload/journal?unread=1").get_data(as_text=True).count("Mark me") == 1
    counselor.post(f"/caseload/journal/{entry_id}/read")
    counselor.post(f"/caseload/journal/{entry_id}/read")
    with app.app_context():
        reads = db.session.scalars(sa.select(JournalRead.reader_id)).all()
    assert reads == [world.counselor.id]
    assert "Mark me" not in counselor.get("/caseload/journal?unread=1").get_data(as_text=True)


def test_viewing_does_not_mark_read(world, make_entry, login_as, count_rows):
    entry_id = make_entry(world.a, world.case, visibility=Visibility.COUNSELOR)
    login_as(world.counselor).get(f"/caseload/journal/{entry_id}")
    assert count_rows(JournalRead) == 0


def test_closed_case_refuses_comments(world, make_entry, login_as, app):
    from app.models import Case, CaseStatus

    entry_id = make_entry(world.a, world.case, visibility=Visibility.COUNSELOR)
    with app.app_context():
        db.session.get(Case, world.case.id).status = CaseStatus.CLOSED
        db.session.commit()
    counselor = login_as(world.counselor)
    assert counselor.get(f"/caseload/journal/{entry_id}").status_code == 200
    assert (
        counselor.post(f"/caseload/journal/{entry_id}/comments", data={"body": "hi"}).status_code
        == 409
    )
