"""Threads and messages: what a viewer may open, send, withdraw; drafts, reads and rules.

Every read asks ``app.policy.messages`` which threads the viewer may know about. Services flush;
the views commit. A thread page costs a fixed number of statements however long the thread is:
messages page by keyset (``before`` a message id), newest first. Which threads a case has, and
creating them, is ``app.messages.thread_setup``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.messages.thread_setup import members_of
from app.models import (
    Case,
    CaseMember,
    Message,
    MessageDraft,
    MessageRead,
    MessageRules,
    MessageThread,
    Role,
    User,
    utcnow,
)
from app.policy import messages as policy
from app.services.concurrency import create_once

MAX_BODY = 5_000
#: Autosave keeps longer text too, so nothing typed is lost before the author shortens it.
MAX_DRAFT = 50_000
PAGE_SIZE = 30
WITHDRAW_WINDOW = timedelta(minutes=5)


class NotAllowed(Exception):
    """The viewer may read the thread but not send in it now; the message says why."""


@dataclass
class ThreadView:
    """One thread as the viewer sees it: its case, readers, the words, the rule."""

    thread: MessageThread
    case: Case
    members: list[CaseMember]
    readers: policy.Participants
    rules: MessageRules | None
    audience: str
    title: str
    may_write: bool
    # When the newest message the viewer may read was sent (a held one moves nothing).
    last_at: datetime | None = None

    @property
    def member_ids(self) -> set[int]:
        """The case's current members."""
        return {m.user_id for m in self.members if m.erased_at is None}


# --- threads ---------------------------------------------------------------------------


def threads_of_cases(viewer: User, case_ids: list[int]) -> list[ThreadView]:
    """Every thread of these cases the viewer may read, with its words (three statements)."""
    if not case_ids:
        return []
    rows = db.session.execute(
        sa.select(MessageThread, MessageRules, policy.last_readable_at(viewer))
        .outerjoin(MessageRules, MessageRules.case_id == MessageThread.case_id)
        .where(MessageThread.case_id.in_(case_ids), policy.threads_readable_by(viewer))
        .options(joinedload(MessageThread.case).joinedload(Case.counselor))
        .order_by(MessageThread.case_id, MessageThread.kind, MessageThread.id)
    ).all()
    members = members_of(case_ids)
    return [_view(viewer, thread, rules, members, last_at) for thread, rules, last_at in rows]


def _view(
    viewer: User,
    thread: MessageThread,
    rules: MessageRules | None,
    members: list[CaseMember],
    last_at: datetime | None = None,
) -> ThreadView:
    case = thread.case
    own = [m for m in members if m.case_id == case.id]
    readers = policy.participants(thread, case, own)
    member_ids = {m.user_id for m in own if m.erased_at is None}
    return ThreadView(
        thread=thread,
        case=case,
        members=own,
        readers=readers,
        rules=rules,
        audience=policy.audience_words(viewer, readers),
        title=policy.thread_title(viewer, thread, readers),
        may_write=policy.may_write(
            viewer, thread, case, member_ids, rules, has_readable=last_at is not None
        ),
        last_at=last_at,
    )


def thread_for(viewer: User, thread_id: int) -> ThreadView | None:
    """One thread the viewer may read, or None (the caller answers 404)."""
    row = db.session.execute(
        sa.select(MessageThread, MessageRules, policy.last_readable_at(viewer))
        .outerjoin(MessageRules, MessageRules.case_id == MessageThread.case_id)
        .where(MessageThread.id == thread_id, policy.threads_readable_by(viewer))
        .options(joinedload(MessageThread.case).joinedload(Case.counselor))
    ).first()
    if row is None:
        return None
    thread, rules, last_at = row
    view = _view(viewer, thread, rules, members_of([thread.case_id]), last_at)
    if not policy.may_read_thread(viewer, thread, view.case, view.member_ids):
        return None
    return view


# --- messages ----------------------------------------------------------------------------


@dataclass
class MessagePage:
    """Messages of a thread, oldest first for reading, with the cursor of older ones."""

    messages: list[Message]
    older: int | None  # the ``before`` cursor of the next older page, or None
    reads: dict[int, int]  # user id: last message id they read
    # Messages shown here that are held from the other partner (their author's open concern):
    # no "Read by" the partner on them, whatever the partner's read marker says.
    held: set[int] = field(default_factory=set)


def page_of(viewer: User, thread: MessageThread, before: int | None = None) -> MessagePage:
    """A page of the messages ``viewer`` may read, ending at ``before`` (exclusive), or at the
    newest (two statements)."""
    query = (
        sa.select(Message, policy.held_from_other_partner())
        .where(Message.thread_id == thread.id, policy.messages_readable_by(viewer))
        .options(joinedload(Message.author))
        .order_by(Message.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if before is not None:
        query = query.where(Message.id < before)
    found = db.session.execute(query).all()
    rows = [message for message, _held in found]
    held = {message.id for message, is_held in found[:PAGE_SIZE] if is_held}
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    messages = list(reversed(rows[:PAGE_SIZE]))
    reads = dict(
        db.session.execute(
            sa.select(MessageRead.user_id, MessageRead.last_read_id).where(
                MessageRead.thread_id == thread.id
            )
        ).all()
    )
    return MessagePage(messages=messages, older=older, reads=reads, held=held)


def send(
    view: ThreadView, author: User, body: str, request_key: str | None
) -> tuple[Message, bool]:
    """Send ``body`` in the thread once per ``request_key``; returns (message, created)."""
    if not view.may_write:
        raise NotAllowed(refusal(view))
    thread = view.thread

    def build() -> Message:
        return Message(thread_id=thread.id, author_id=author.id, body=body)

    message, created = create_once(Message, request_key, build)
    if not created:
        return message, False
    now = utcnow()
    thread.last_message_at = now
    thread.last_message_id = message.id
    thread.needs_reply = author.role is Role.CLIENT
    thread.done_at = None
    mark_read(thread.id, author.id, message.id)
    db.session.execute(
        sa.delete(MessageDraft).where(
            MessageDraft.thread_id == thread.id, MessageDraft.owner_id == author.id
        )
    )
    db.session.flush()
    return message, True


def refusal(view: ThreadView) -> str:
    """Why the viewer cannot send here, in plain words."""
    if view.case.is_closed:
        return "This case is closed, so its conversations can be read but no longer written in."
    return (
        f"{view.readers.counselor.name} starts conversations here; "
        "you can reply once they have written."
    )


def message_for_author(author: User, message_id: int) -> Message | None:
    """The author's own message (with its thread and case), or None."""
    return db.session.scalar(
        sa.select(Message)
        .where(
            Message.id == message_id,
            Message.author_id == author.id,
            policy.messages_readable_by(author),
        )
        .options(joinedload(Message.thread).joinedload(MessageThread.case))
    )


def thread_of_message(viewer: User, message_id: int) -> int | None:
    """The thread of a message the viewer may read, or None."""
    return db.session.scalar(
        sa.select(Message.thread_id).where(
            Message.id == message_id, policy.messages_readable_by(viewer)
        )
    )


def may_withdraw(message: Message, now: datetime | None = None) -> bool:
    """The author may take a message back within five minutes of sending it."""
    now = now or utcnow()
    return (
        message.withdrawn_at is None
        and message.removed_at is None
        and (now - message.created_at <= WITHDRAW_WINDOW)
    )


def withdraw(message: Message) -> bool:
    """Withdraw the message, keeping only a marker; False when it is too late."""
    if not may_withdraw(message) or message.thread.case.is_closed:
        return False
    message.withdrawn_at = utcnow()
    message.body_ct = None
    db.session.flush()
    return True


def mark_read(thread_id: int, user_id: int, up_to: int) -> None:
    """Move the reader's marker forward to ``up_to`` (never back)."""
    marker = db.session.get(MessageRead, (thread_id, user_id))
    if marker is None:
        db.session.add(MessageRead(thread_id=thread_id, user_id=user_id, last_read_id=up_to))
    elif marker.last_read_id < up_to:
        marker.last_read_id = up_to
    db.session.flush()


# --- drafts and rules ---------------------------------------------------------------------


def draft_of(thread: MessageThread, owner: User) -> MessageDraft | None:
    """The owner's autosaved text in this thread."""
    return db.session.scalar(
        sa.select(MessageDraft).where(
            MessageDraft.thread_id == thread.id, MessageDraft.owner_id == owner.id
        )
    )


def keep_draft(thread: MessageThread, owner: User, seq: int, body: str) -> bool:
    """Keep the autosaved text unless a newer save arrived first; True when kept."""
    draft = draft_of(thread, owner)
    if draft is None:
        try:
            with db.session.begin_nested():
                draft = MessageDraft(thread_id=thread.id, owner_id=owner.id, draft_seq=0)
                db.session.add(draft)
        except IntegrityError:
            draft = draft_of(thread, owner)
            assert draft is not None
    if seq <= (draft.draft_seq or 0):
        return False
    draft.draft_seq = seq
    draft.body = body
    db.session.flush()
    return True


def set_rules(case: Case, clients_may_start: bool) -> MessageRules:
    """The counselor's choice for the case."""
    rules = db.session.get(MessageRules, case.id)
    if rules is None:
        rules = MessageRules(case_id=case.id)
        db.session.add(rules)
    rules.clients_may_start = clients_may_start
    db.session.flush()
    return rules


def rules_of(case: Case) -> MessageRules | None:
    """The case's rule row (None: the default, clients may start)."""
    return db.session.get(MessageRules, case.id)
