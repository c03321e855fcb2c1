"""A closed case's threads are read only; export and erasure keep each partner's privacy."""

import json

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Message, MessageThread
from tests.messages.conftest import close_case, messages_in, send


def test_a_stale_tab_cannot_send_into_a_closed_case(app, login_as, couple, open_threads):
    a = login_as(couple.a)
    joint = open_threads["joint"]
    page = a.get(f"/messages/{joint}").get_data(as_text=True)
    assert "Send" in page
    close_case(app, couple.case.id)
    response = send(a, joint, "Written in the old tab ✍️")
    assert response.status_code == 409
    assert "Written in the old tab ✍️" in response.get_data(as_text=True)
    assert messages_in(app, joint) == []
    reopened = a.get(f"/messages/{joint}").get_data(as_text=True)
    assert "no longer write" in reopened and 'name="body"' not in reopened


def test_the_export_holds_own_and_joint_threads_never_the_partners(
    app, login_as, couple, open_threads
):
    a, b = login_as(couple.a), login_as(couple.b)
    send(a, open_threads["joint"], "joint words from A")
    send(a, open_threads[f"private-{couple.a.id}"], "A's own private words")
    send(b, open_threads[f"private-{couple.b.id}"], "B-PRIVATE-CANARY")
    data = json.loads(a.get("/me/export.json").get_data(as_text=True))
    text = json.dumps(data["messages"])
    assert "joint words from A" in text and "A's own private words" in text
    assert "B-PRIVATE-CANARY" not in json.dumps(data)


def test_erasing_a_partner_removes_their_private_thread_and_blanks_joint_messages(
    app, login_as, factory, couple, open_threads
):
    a, b = login_as(couple.a), login_as(couple.b)
    counselor = login_as(couple.counselor)
    joint = open_threads["joint"]
    send(a, joint, "A in the joint thread")
    send(b, joint, "B in the joint thread")
    send(counselor, joint, "Counselor in the joint thread")
    send(b, open_threads[f"private-{couple.b.id}"], "B private")
    send(a, open_threads[f"private-{couple.a.id}"], "A private")
    admin = login_as(factory.admin())
    confirm = admin.get(f"/admin/erasure/{couple.b.id}").get_data(as_text=True)
    assert "2 messages" in confirm and "B private" not in confirm
    with app.app_context():
        from app.models import User
        from app.services.erasure import erase_client

        erase_client(db.session.get(User, couple.b.id))
        db.session.commit()
        slots = set(db.session.scalars(sa.select(MessageThread.slot)))
    assert f"private-{couple.b.id}" not in slots and f"private-{couple.a.id}" in slots
    joint_messages = messages_in(app, joint)
    assert [m.body for m in joint_messages] == [
        "A in the joint thread",
        None,
        "Counselor in the joint thread",
    ]
    assert joint_messages[1].removed_at is not None
    page = a.get(f"/messages/{joint}").get_data(as_text=True)
    assert "Removed at the client&#39;s request" in page
    assert "A private" in a.get(f"/messages/{open_threads[f'private-{couple.a.id}']}").get_data(
        as_text=True
    )


def test_every_read_of_a_thread_by_staff_is_audited(app, login_as, couple, open_threads):
    joint = open_threads["joint"]
    login_as(couple.counselor).get(f"/messages/{joint}")
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "message.thread_read")
        ).all()
    assert [(e.actor_id, e.object_id, e.case_id) for e in events] == [
        (couple.counselor.id, joint, couple.case.id)
    ]


def test_messages_are_encrypted_at_rest(app, login_as, couple, open_threads):
    send(login_as(couple.a), open_threads["joint"], "PLAINTEXT-NEVER-STORED")
    with app.app_context():
        blob = db.session.scalar(sa.select(Message.body_ct))
    assert blob and b"PLAINTEXT-NEVER-STORED" not in blob
