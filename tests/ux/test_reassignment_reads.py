"""After a reassignment the new counselor inherits the journal entries the former one had read,
unless the practice chooses that reassigned cases start unread (issue ux-pass, item 10).

Message markers are never carried: they are the receipts clients see, and a copy would say the
new counselor read messages they never opened."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.messages import counts as message_counts
from app.messages import services as message_services
from app.models import Case, JournalEntry, JournalRead, Message, MessageRead, User
from app.services import journal as journal_service
from tests.messages.conftest import create_threads
from tests.sessions.conftest import SessionBuilder


@pytest.fixture(params=[False, True], ids=["carried", "start-unread"])
def app_config(request) -> dict:
    return {"REKINDLE_REASSIGNED_CASES_START_UNREAD": request.param}


def _world(app, factory):
    """A couple case with two shared entries and two messages; the first of each read."""
    before, after = factory.counselor(name="Morgan Lee"), factory.counselor(name="Dana Reyes")
    alex, sam = factory.client(), factory.client()
    case = factory.case(before, [alex, sam])
    builder = SessionBuilder(app)
    read_entry = builder.entry(case, alex, body="Read by Morgan")
    builder.entry(case, sam, body="Nobody read this yet")
    joint = create_threads(app, case.id)["joint"]
    with app.app_context():
        first = Message(thread_id=joint, author_id=alex.id, body="First")
        db.session.add(first)
        db.session.flush()
        db.session.add(Message(thread_id=joint, author_id=sam.id, body="Second"))
        journal_service.mark_read(db.session.get(JournalEntry, read_entry), before)
        message_services.mark_read(joint, before.id, first.id)
        db.session.commit()
    return case, before, after


def _unread(app, user_id: int, case_id: int) -> tuple[int, int]:
    with app.app_context():
        user = db.session.get(User, user_id)
        return (
            journal_service.unread_count(user),
            message_counts.unread_by_case(user).get(case_id, 0),
        )


def _markers(app, user_id: int) -> tuple[int, int]:
    with app.app_context():
        journal = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(JournalRead)
            .where(JournalRead.reader_id == user_id)
        )
        messages = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(MessageRead)
            .where(MessageRead.user_id == user_id)
        )
        return journal or 0, messages or 0


def test_reassignment_carries_read_state_unless_the_practice_says_start_unread(
    app, factory, login_as, app_config
):
    case, before, after = _world(app, factory)
    assert _unread(app, before.id, case.id) == (1, 1)
    response = login_as(factory.admin()).post(
        f"/admin/cases/{case.id}/reassign", data={"counselor": str(after.id)}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Case, case.id).counselor_id == after.id

    if app_config["REKINDLE_REASSIGNED_CASES_START_UNREAD"]:
        assert _unread(app, after.id, case.id) == (2, 2)
        assert _markers(app, after.id) == (0, 0)
    else:
        assert _unread(app, after.id, case.id) == (1, 2)
        assert _markers(app, after.id) == (1, 0)
    # The former counselor's markers stay for their history, but reach the case no more.
    assert _markers(app, before.id) == (1, 1)
    assert _unread(app, before.id, case.id) == (0, 0)
    former = login_as(before)
    assert former.get("/caseload/journal").status_code == 200
    assert "Read by Morgan" not in former.get("/caseload/journal").get_data(as_text=True)


def test_no_client_sees_a_receipt_from_a_counselor_who_never_opened_the_thread(
    app, factory, login_as, app_config
):
    case, before, after = _world(app, factory)
    with app.app_context():
        # The first message of the world (the body is encrypted, so it is found by order).
        first = db.session.scalar(sa.select(Message).order_by(Message.id).limit(1))
        assert first is not None
        thread_id, alex = first.thread_id, db.session.get(User, first.author_id)
    login_as(factory.admin()).post(
        f"/admin/cases/{case.id}/reassign", data={"counselor": str(after.id)}
    )
    page = login_as(alex).get(f"/messages/{thread_id}").get_data(as_text=True)
    assert "Dana Reyes" in page  # the thread names its new counselor ...
    assert "Read by Dana Reyes" not in page  # ... who has not read it


def test_a_marker_never_moves_back_when_the_case_comes_home(app, factory, login_as, app_config):
    """A -> B -> A: A's own markers, further on than B's, are kept."""
    case, before, after = _world(app, factory)
    admin = login_as(factory.admin())
    admin.post(f"/admin/cases/{case.id}/reassign", data={"counselor": str(after.id)})
    admin.post(f"/admin/cases/{case.id}/reassign", data={"counselor": str(before.id)})
    assert _unread(app, before.id, case.id) == (1, 1)
    assert _markers(app, before.id) == (1, 1)
