"""The notification centre: newest first in keyset pages, unread marked, opening one marks it
read and leads to the thing, "mark all read"; nobody reaches another person's notifications."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, utcnow
from tests.notifications_ui.conftest import add_shown, outbox


def _item_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'action="/notifications/(\d+)/open"', html)]


def test_each_role_has_a_centre_and_a_bell(app, factory, login_as):
    for user in (factory.client(), factory.counselor(), factory.admin()):
        page = login_as(user).get("/notifications")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert 'class="nav-bell' in html and "none unread" in html
        assert "Nothing yet" in html


def test_newest_first_with_the_unread_marked(app, couple, give, login_as):
    give(couple.case, [couple.a], "reflect-on-the-relationship")
    give(couple.case, [couple.a], "give-each-other-space")
    alex = login_as(couple.a)
    older, newer = (r.id for r in outbox(app, recipient_id=couple.a.id))
    assert alex.post(f"/notifications/{older}/open").status_code == 302
    html = alex.get("/notifications").get_data(as_text=True)
    assert _item_ids(html) == [newer, older]
    assert html.count("Unread: ") == 1 and html.index("Unread: ") < html.index(f"/{older}/open")
    assert "1 unread" in html


def test_opening_one_marks_it_read_and_leads_to_the_thing(app, couple, give, login_as):
    given = give(couple.case, [couple.a])
    alex = login_as(couple.a)
    [row] = outbox(app, recipient_id=couple.a.id)
    assert row.shown and not row.read
    response = alex.post(f"/notifications/{row.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/me/exercises/{given.recipient_a}")
    assert outbox(app, recipient_id=couple.a.id)[0].read
    assert "none unread" in alex.get("/me").get_data(as_text=True)


def test_an_answer_opens_on_its_review_page(app, couple, give, login_as):
    from tests.modules.helpers import send

    given = give(couple.case, [couple.a])
    send(login_as(couple.a), given.recipient_a, given.exercise_ids[0], {"text": "x"})
    [row] = outbox(app, kind="assignments.answer_sent")
    response = login_as(couple.counselor).post(f"/notifications/{row.id}/open")
    assert response.headers["Location"].endswith(
        f"/cases/{couple.case.id}/assignments/{given.assignment_id}"
    )


def test_what_was_taken_back_since_opens_nothing(app, couple, give, login_as):
    given = give(couple.case, [couple.a])
    with app.app_context():
        db.session.get(Assignment, given.assignment_id).removed_at = utcnow()
        db.session.commit()
    alex = login_as(couple.a)
    [row] = outbox(app, recipient_id=couple.a.id)
    response = alex.post(f"/notifications/{row.id}/open", follow_redirects=True)
    assert "no longer available" in response.get_data(as_text=True)
    assert outbox(app, recipient_id=couple.a.id)[0].read


def test_nobody_opens_another_persons_notification(app, couple, give, login_as, factory):
    give(couple.case, [couple.a])
    [row] = outbox(app, recipient_id=couple.a.id)
    for intruder in (couple.b, couple.counselor, factory.admin()):
        assert login_as(intruder).post(f"/notifications/{row.id}/open").status_code == 404
    assert not outbox(app, recipient_id=couple.a.id)[0].read
    # Marking all read marks only one's own.
    login_as(couple.b).post("/notifications/read")
    assert not outbox(app, recipient_id=couple.a.id)[0].read


def test_mark_all_read(app, factory, login_as):
    user = factory.client()
    add_shown(app, user, 3)
    client = login_as(user)
    assert "3 unread" in client.get("/notifications").get_data(as_text=True)
    response = client.post("/notifications/read", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "All notifications are marked as read." in html
    assert "none unread" in html and "Mark all as read" not in html
    assert all(r.read for r in outbox(app, recipient_id=user.id))


def test_pages_walk_back_through_everything_once(app, factory, login_as):
    user = factory.client()
    ids = add_shown(app, user, 45)
    client = login_as(user)
    seen, url, pages = [], "/notifications", 0
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += _item_ids(html)
        pages += 1
        match = re.search(r'rel="next" href="([^"]+)"', html)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert pages == 3
    assert seen == sorted(ids, reverse=True)


@pytest.mark.parametrize("cursor", ["abc", "-1", "0", "9" * 30, "1e9", "", "%00"])
def test_a_crafted_cursor_shows_the_first_page(app, factory, login_as, cursor):
    user = factory.client()
    ids = add_shown(app, user, 2)
    html = login_as(user).get(f"/notifications?before={cursor}").get_data(as_text=True)
    assert _item_ids(html) == sorted(ids, reverse=True)


def test_a_cancelled_notification_is_not_listed(app, factory, login_as):
    from app.models import Notification, NotificationState

    user = factory.client()
    [cancelled, kept] = add_shown(app, user, 2)
    with app.app_context():
        db.session.execute(
            sa.update(Notification)
            .where(Notification.id == cancelled)
            .values(state=NotificationState.CANCELLED, cancelled_at=utcnow())
        )
        db.session.commit()
    html = login_as(user).get("/notifications").get_data(as_text=True)
    assert _item_ids(html) == [kept] and "1 unread" in html
