"""A's joint messages sent under an open concern are held from B, not deleted, until the
counselor decides (docs/security.md "Who sees what"); the counselor reads them at once."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.messages import counts
from app.models import User
from tests.safety_messages.conftest import HELD, message_exists, notified_about


def _unread(app, user: User) -> tuple[dict[int, int], dict[int, int]]:
    with app.app_context():
        viewer = db.session.get_one(User, user.id)
        return counts.unread_by_thread(viewer), counts.unread_by_case(viewer)


def test_b_does_not_read_it_in_the_thread(story, login_as):
    page = login_as(story.b).get(f"/messages/{story.threads['joint']}").get_data(as_text=True)
    assert "Alex before the check" in page and "Welcome to you both" in page
    assert HELD not in page


def test_the_counselor_and_a_read_it(story, login_as):
    for reader in (story.counselor, story.a):
        page = login_as(reader).get(f"/messages/{story.threads['joint']}").get_data(as_text=True)
        assert HELD in page


def test_it_is_kept_not_deleted(app, story):
    assert story.held_id is not None and message_exists(app, story.held_id)


def test_b_counts_and_badges_leave_it_out(app, story, login_as):
    joint = story.threads["joint"]
    by_thread, by_case = _unread(app, story.b)
    # The counselor's welcome and A's earlier message: two, not three.
    assert by_thread == {joint: 2} and by_case == {story.case_id: 2}
    counselor_threads, _ = _unread(app, story.counselor)
    assert counselor_threads[joint] == 2  # A's two messages, the held one among them
    listing = login_as(story.b).get("/me/messages").get_data(as_text=True)
    assert "2 new" in listing


def test_b_is_not_notified_and_the_counselor_is(app, story):
    assert story.held_id is not None
    assert notified_about(app, story.held_id) == {story.counselor.id}


def test_b_cannot_open_it_from_a_link(story, login_as):
    assert login_as(story.b).get(f"/messages/find/{story.held_id}").status_code == 404
    assert login_as(story.counselor).get(f"/messages/find/{story.held_id}").status_code == 302


def test_b_export_leaves_it_out(story, login_as):
    data = json.dumps(login_as(story.b).get("/me/export.json").get_json())
    assert "Alex before the check" in data and HELD not in data
    assert HELD in json.dumps(login_as(story.a).get("/me/export.json").get_json())


def test_after_the_decision_b_reads_it(app, story, intake, login_as):
    (concern,) = intake.concerns(story.case_id)
    decided = login_as(story.counselor).post(
        f"/cases/{story.case_id}/intake/concerns/{concern.id}/decision",
        data={"decision": "continue_joint"},
    )
    assert decided.status_code == 303
    b = login_as(story.b)
    assert HELD in b.get(f"/messages/{story.threads['joint']}").get_data(as_text=True)
    assert HELD in json.dumps(b.get("/me/export.json").get_json())
    assert b.get(f"/messages/find/{story.held_id}").status_code == 302


def test_b_still_writes_and_a_reads_b(story, login_as):
    from tests.messages.conftest import send

    sent = send(login_as(story.b), story.threads["joint"], "Sam answers")
    assert sent.status_code == 302
    page = login_as(story.a).get(f"/messages/{story.threads['joint']}").get_data(as_text=True)
    assert "Sam answers" in page


def test_b_sees_the_thread_time_of_what_b_may_read(app, story):
    from app.messages import services
    from app.models import Message

    with app.app_context():
        held = db.session.get_one(Message, story.held_id)
        earlier = max(
            m.created_at
            for m in db.session.scalars(
                sa.select(Message).where(
                    Message.thread_id == story.threads["joint"], Message.id != story.held_id
                )
            )
        )
        held.created_at = earlier + timedelta(days=3)  # far from the others, to tell them apart
        db.session.commit()

        def joint_time(user: User):
            viewer = db.session.get_one(User, user.id)
            (view,) = [
                v
                for v in services.threads_of_cases(viewer, [story.case_id])
                if v.thread.id == story.threads["joint"]
            ]
            return view.last_at

        assert joint_time(story.b) == earlier
        assert joint_time(story.a) == held.created_at == joint_time(story.counselor)


def test_a_is_not_told_b_read_a_held_message(story, login_as):
    from tests.messages.conftest import send

    send(login_as(story.counselor), story.threads["joint"], "The counselor writes later")
    login_as(story.b).get(f"/messages/{story.threads['joint']}")  # B reads up to it
    page = login_as(story.a).get(f"/messages/{story.threads['joint']}").get_data(as_text=True)
    held = page[page.index(f'id="m{story.held_id}"') :]
    held = held[: held.index("</li>")]
    assert HELD in held and "Sam Rivers" not in held
    earlier = page[: page.index(f'id="m{story.held_id}"')]
    assert "Read by" in earlier and "Sam Rivers" in earlier  # B's marker does show elsewhere
