"""The counselor's inbox: every thread of the caseload that holds a message, newest first.

A fixed number of statements whatever the caseload or the threads' lengths: the threads page
by keyset on (last message time, id); their cases' members, the last message of each row and
the unread counts come in one statement each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.messages import counts, services, thread_setup
from app.models import Case, CaseStatus, Message, MessageThread, User, utcnow
from app.policy import messages as policy

INBOX_PAGE = 25


@dataclass
class InboxRow:
    """One thread in the inbox."""

    view: services.ThreadView
    last: Message | None
    unread: int


@dataclass
class InboxPage:
    """A page of the inbox and the cursor of the next (older) page."""

    rows: list[InboxRow]
    older: str | None


def parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    """``"<iso time>_<id>"`` back to its parts; anything else means the first page."""
    if not value or "_" not in value:
        return None
    when, _, ident = value.rpartition("_")
    try:
        return datetime.fromisoformat(when), int(ident)
    except ValueError:
        return None


def inbox(
    counselor: User,
    *,
    case_id: int | None = None,
    needs_reply: bool = False,
    after: str | None = None,
) -> InboxPage:
    """A page of the counselor's inbox, filtered by case and by "needs a reply"."""
    query = (
        sa.select(MessageThread)
        .where(
            policy.threads_readable_by(counselor),
            MessageThread.last_message_at.is_not(None),
        )
        .options(joinedload(MessageThread.case).joinedload(Case.counselor))
        .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc())
        .limit(INBOX_PAGE + 1)
    )
    if case_id is not None:
        query = query.where(MessageThread.case_id == case_id)
    if needs_reply:
        query = query.where(MessageThread.needs_reply.is_(True))
    cursor = parse_cursor(after)
    if cursor is not None:
        when, ident = cursor
        query = query.where(
            sa.or_(
                MessageThread.last_message_at < when,
                sa.and_(MessageThread.last_message_at == when, MessageThread.id < ident),
            )
        )
    threads = list(db.session.scalars(query))
    more = len(threads) > INBOX_PAGE
    threads = threads[:INBOX_PAGE]
    if not threads:
        return InboxPage(rows=[], older=None)
    members = thread_setup.members_of(sorted({t.case_id for t in threads}))
    last_ids = [t.last_message_id for t in threads if t.last_message_id is not None]
    last = {
        m.id: m
        for m in db.session.scalars(
            sa.select(Message)
            .where(Message.id.in_(last_ids), policy.messages_readable_by(counselor))
            .options(joinedload(Message.author))
        )
    }
    unread = counts.unread_by_thread(counselor, [t.id for t in threads])
    rows = [
        InboxRow(
            view=services._view(counselor, t, None, members),
            last=last.get(t.last_message_id or 0),
            unread=unread.get(t.id, 0),
        )
        for t in threads
    ]
    older = None
    if more:
        tail = threads[-1]
        assert tail.last_message_at is not None
        older = f"{tail.last_message_at.isoformat()}_{tail.id}"
    return InboxPage(rows=rows, older=older)


def mark_done(view: services.ThreadView) -> None:
    """The counselor has dealt with this thread: it no longer needs a reply."""
    view.thread.needs_reply = False
    view.thread.done_at = utcnow()
    db.session.flush()


def cases_for_filter(counselor: User) -> list[Case]:
    """The counselor's cases for the inbox's case filter (open ones first)."""
    return list(
        db.session.scalars(
            sa.select(Case)
            .where(Case.counselor_id == counselor.id)
            .order_by(Case.status == CaseStatus.CLOSED, Case.label)
        )
    )
