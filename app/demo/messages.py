"""Demo messages: a few days of the demo couple's conversations with their counselor.

The text is in ``data/messages.toml``. Skipped when the couple's joint thread already holds a
message, so running the seed twice adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.demo.accounts import demo_user
from app.demo.caseload import demo_couple_case
from app.demo.data import load
from app.extensions import db
from app.messages import services, thread_setup
from app.models import Message, MessageThread, Role, utcnow


def seed() -> None:
    """The demo couple's threads and their messages, oldest first."""
    case = demo_couple_case()
    thread_setup.ensure_threads([(case, thread_setup.memberships_in(case))])
    threads = {
        t.slot: t
        for t in db.session.scalars(
            sa.select(MessageThread).where(MessageThread.case_id == case.id)
        )
    }
    joint = threads.get("joint")
    if joint is None or joint.last_message_id is not None:
        db.session.commit()
        return
    now = utcnow().replace(microsecond=0)
    specs = sorted(load("messages")["message"], key=lambda m: -m["hours_ago"])
    for spec in specs:
        if spec["thread"] == "joint":
            thread = joint
        else:
            thread = threads[f"private-{demo_user(spec['client']).id}"]
        author = demo_user(spec["author"])
        when = now - timedelta(hours=spec["hours_ago"])
        message = Message(
            thread_id=thread.id, author_id=author.id, body=spec["text"], created_at=when
        )
        db.session.add(message)
        db.session.flush()
        thread.last_message_id, thread.last_message_at = message.id, when
        thread.needs_reply = author.role is Role.CLIENT
        services.mark_read(thread.id, author.id, message.id)
    # Sam has read the joint conversation; Alex's private note waits for the counselor.
    if joint.last_message_id is not None:
        services.mark_read(joint.id, demo_user("sam@demo.rekindle.test").id, joint.last_message_id)
    db.session.commit()
