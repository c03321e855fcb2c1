"""The in-app centre's reads: unread count, newest first by keyset pages, mark read — own only."""

from __future__ import annotations

from app.extensions import db
from app.models import User
from app.notifications import for_recipient, mark_read, unread_count
from tests.notifications.conftest import PING_TITLE, tell
from tests.performance.conftest import counting


def items(app, user: User, **kwargs):
    with app.test_request_context():
        return for_recipient(db.session.get(User, user.id), **kwargs)


def test_new_notifications_are_unread_newest_first_with_their_link(app, factory, ping, inbox):
    client = factory.client()
    ids = [tell(app, client, key=f"n{i}") for i in range(3)]
    listed = items(app, client)
    assert [i.id for i in listed] == ids[::-1]
    assert all(i.title == PING_TITLE and not i.read for i in listed)
    assert listed[0].link == f"/me?n={ids[-1]}"
    with app.app_context():
        assert unread_count(client) == 3


def test_keyset_pages_cost_one_statement_each(app, factory, ping, inbox):
    client = factory.client()
    ids = [tell(app, client, key=f"p{i}") for i in range(7)]
    first = items(app, client, limit=3)
    second = items(app, client, limit=3, before=first[-1].id)
    third = items(app, client, limit=3, before=second[-1].id)
    assert [i.id for i in first + second + third] == ids[::-1]
    with counting(app) as statements, app.test_request_context():
        user = db.session.get(User, client.id)
        statements.clear()
        for_recipient(user, before=second[-1].id, limit=3)
        unread_count(user)
    assert len(statements) == 2


def test_mark_read_touches_only_ones_own(app, factory, ping, inbox):
    mine, theirs = factory.client(), factory.client()
    my_ids = [tell(app, mine, key=f"m{i}") for i in range(2)]
    their_id = tell(app, theirs, key="t")
    with app.app_context():
        assert mark_read(db.session.get(User, mine.id), [my_ids[0], their_id]) == 1
        db.session.commit()
        assert unread_count(mine) == 1 and unread_count(theirs) == 1
        assert mark_read(db.session.get(User, mine.id), "all") == 1
        db.session.commit()
        assert unread_count(mine) == 0 and unread_count(theirs) == 1
    assert all(i.read for i in items(app, mine))
    assert [i.id for i in items(app, theirs)] == [their_id]


def test_nobody_sees_anothers_notifications(app, factory, ping, inbox):
    mine, theirs = factory.client(), factory.client()
    tell(app, theirs, key="not yours")
    assert items(app, mine) == []
    with app.app_context():
        assert unread_count(mine) == 0


def test_a_row_not_yet_delivered_is_not_listed(app, factory, ping, inbox):
    from datetime import timedelta

    from app.models import utcnow

    client = factory.client()
    tell(app, client, due_at=utcnow() + timedelta(hours=1))
    assert items(app, client) == []
