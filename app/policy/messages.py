"""Who may read, know about and write in a message thread (docs/security.md "Who sees what").

Every list, count, badge, inbox row, notification, export and erasure of messages asks here.

* The joint thread of a couple is read by the case counselor and both current partners.
* A private thread is read by its one client and the case counselor, by nobody else. The other
  partner learns nothing of it: not that it exists, nor its counts, badges or times.
* Nobody else reads any thread: not another counselor, not the practice admin, not a client of
  another case, and an erased member no longer reads anything of the case.
* While a partner's safety concern is open (``app.policy.safety``), what they send is *held*
  from the other partner: not in the thread, its counts, badges, times, notifications or the
  export, until the counselor records a decision; the counselor reads it at once.

Deny by default: the SQL criteria answer ``false`` for every role they do not name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    Case,
    CaseMember,
    ConfidentialityPolicy,
    Message,
    MessageRules,
    MessageThread,
    Role,
    ThreadKind,
    User,
)
from app.policy import EVERY_CASE, CaseScope, confidentiality, safety

#: Erasure leaves this in place of a removed client's messages in the joint thread.
REMOVED_TEXT = "Removed at the client's request"
WITHDRAWN_TEXT = "Message withdrawn"


def _requested(case: CaseScope) -> list[int] | None:
    if case is EVERY_CASE:
        return None
    if isinstance(case, Case):
        return [case.id]
    if isinstance(case, int):
        return [case]
    return list(case)


def _member_cases(viewer: User) -> sa.Select[int]:
    return sa.select(CaseMember.case_id).where(
        CaseMember.user_id == viewer.id, CaseMember.erased_at.is_(None)
    )


def threads_readable_by(viewer: User, case: CaseScope = EVERY_CASE) -> ColumnElement[bool]:
    """A criterion on ``MessageThread``: the threads ``viewer`` may read (and know exist)."""
    requested = _requested(case)
    in_requested: ColumnElement[bool] = (
        sa.true() if requested is None else MessageThread.case_id.in_(requested)
    )
    if viewer.role is Role.COUNSELOR:
        own_cases = sa.select(Case.id).where(Case.counselor_id == viewer.id)
        return sa.and_(in_requested, MessageThread.case_id.in_(own_cases))
    if viewer.role is Role.CLIENT:
        return sa.and_(
            in_requested,
            MessageThread.case_id.in_(_member_cases(viewer)),
            sa.or_(
                MessageThread.kind == ThreadKind.JOINT,
                MessageThread.client_id == viewer.id,
            ),
        )
    return sa.false()


def not_held_from(viewer: User) -> ColumnElement[bool]:
    """A criterion on ``Message``: not held from ``viewer`` by its author's open concern.

    A client other than the author does not see what a partner sent while their concern is
    open; the author and the counselor do.
    """
    if viewer.role is Role.CLIENT:
        return sa.or_(Message.author_id == viewer.id, sa.not_(safety.held_from_partner("message")))
    return sa.true()


def held_from_other_partner() -> ColumnElement[bool]:
    """A criterion on ``Message``: held from the partner of its author (their open concern)."""
    return safety.held_from_partner("message")


def messages_readable_by(viewer: User, case: CaseScope = EVERY_CASE) -> ColumnElement[bool]:
    """A criterion on ``Message``: messages ``viewer`` may read (threads they read, not held)."""
    threads = sa.select(MessageThread.id).where(threads_readable_by(viewer, case))
    return sa.and_(Message.thread_id.in_(threads), not_held_from(viewer))


def last_readable_at(viewer: User) -> sa.ScalarSelect[Any]:
    """A correlated scalar on ``MessageThread``: when the newest message the viewer may read
    in it was sent (None without one), so a held message moves no time the partner sees."""
    return (
        sa.select(sa.func.max(Message.created_at))
        .where(Message.thread_id == MessageThread.id, not_held_from(viewer))
        .correlate(MessageThread)
        .scalar_subquery()
    )


def unread_for(viewer: User) -> ColumnElement[bool]:
    """A criterion on ``Message`` joined to ``MessageThread`` (outer-joined ``MessageRead``
    of the viewer): messages others wrote that the viewer has not read, with text to read."""
    from app.models import MessageRead

    return sa.and_(
        Message.author_id != viewer.id,
        Message.withdrawn_at.is_(None),
        Message.removed_at.is_(None),
        Message.id > sa.func.coalesce(MessageRead.last_read_id, 0),
        not_held_from(viewer),
    )


# --- one loaded thread ---------------------------------------------------------------------


@dataclass(frozen=True)
class Participants:
    """Who reads a thread: the counselor and the clients it reaches (current members only)."""

    counselor: User
    clients: tuple[User, ...]

    @property
    def ids(self) -> set[int]:
        """The user ids of everyone who reads the thread."""
        return {self.counselor.id, *(c.id for c in self.clients)}


def participants(thread: MessageThread, case: Case, members: Iterable[CaseMember]) -> Participants:
    """The readers of ``thread`` (``case`` with its counselor, ``members`` with their users)."""
    current = [m.user for m in members if m.erased_at is None and m.case_id == case.id]
    if thread.kind is ThreadKind.JOINT:
        clients = tuple(current)
    else:
        clients = tuple(u for u in current if u.id == thread.client_id)
    return Participants(counselor=case.counselor, clients=clients)


def may_read_thread(viewer: User, thread: MessageThread, case: Case, member_ids: set[int]) -> bool:
    """Whether ``viewer`` may read ``thread`` of ``case`` (same answers as the SQL)."""
    if thread.case_id != case.id:
        return False
    if viewer.role is Role.COUNSELOR:
        return case.counselor_id == viewer.id
    if viewer.role is not Role.CLIENT or viewer.id not in member_ids:
        return False
    return thread.kind is ThreadKind.JOINT or thread.client_id == viewer.id


def may_write(
    viewer: User,
    thread: MessageThread,
    case: Case,
    member_ids: set[int],
    rules: MessageRules | None,
    *,
    has_readable: bool | None = None,
) -> bool:
    """Whether ``viewer`` may send a message in ``thread`` now.

    A closed case is read-only. When the counselor lets clients only reply, a client writes in
    a thread once it holds a message they may read (``has_readable``; a message held from them
    does not open the thread).
    """
    if case.is_closed or not may_read_thread(viewer, thread, case, member_ids):
        return False
    if viewer.role is Role.CLIENT and not clients_may_start(rules):
        if has_readable is not None:
            return has_readable
        return thread.last_message_id is not None
    return True


def clients_may_start(rules: MessageRules | None) -> bool:
    """The case's rule (clients may start a thread unless the counselor said otherwise)."""
    return True if rules is None else rules.clients_may_start


def recipients(
    thread: MessageThread,
    case: Case,
    members: Iterable[CaseMember],
    author: User,
    sent_at: datetime | None = None,
) -> list[User]:
    """Who is told about a new message: every reader of the thread but its author, and not
    the other partner while the author's concern holds what they send (``sent_at``)."""
    readers = participants(thread, case, members)
    clients = list(readers.clients)
    if author.role is Role.CLIENT and safety.is_held(case.id, author.id, sent_at):
        clients = []
    everyone = [readers.counselor, *clients]
    return [u for u in everyone if u.id != author.id]


def still_may_read_message(user_id: int, message_id: int) -> bool:
    """Right before a notification goes out: may this person still read this message?"""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.erased_at is not None:
        return False
    found = db.session.scalar(
        sa.select(Message.id).where(
            Message.id == message_id,
            Message.withdrawn_at.is_(None),
            Message.removed_at.is_(None),
            messages_readable_by(user),
        )
    )
    return found is not None


# --- the words ----------------------------------------------------------------------------


def _first_names(users: Sequence[User]) -> list[str]:
    return [u.name for u in users]


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def audience_words(viewer: User, readers: Participants) -> str:
    """Who reads a thread, from the viewer's side: "Only you and Dr. Lee", "You, Sam and Dr. Lee"."""
    others = [u for u in (*readers.clients, readers.counselor) if u.id != viewer.id]
    names = _first_names(others)
    if len(names) == 1:
        return f"Only you and {names[0]}"
    return "You, " + _join(names)


def thread_title(viewer: User, thread: MessageThread, readers: Participants) -> str:
    """A thread's name in lists: what it is for, from the viewer's side."""
    if thread.kind is ThreadKind.JOINT:
        return "Joint conversation"
    if viewer.role is Role.CLIENT:
        return f"Private with {readers.counselor.name}"
    client = readers.clients[0].name if readers.clients else "an erased client"
    return f"Private with {client}"


def export_label(thread: MessageThread) -> str:
    """How the client's own copy of their data names a conversation."""
    if thread.kind is ThreadKind.JOINT:
        return "joint conversation: you, your partner and your counselor"
    return "private conversation: only you and your counselor"


def export_threads_of(user: User) -> ColumnElement[bool]:
    """The threads a client's own copy of their data holds: the joint ones and their own."""
    if user.role is not Role.CLIENT:
        return sa.false()
    return threads_readable_by(user)


def authored_by(user: User) -> ColumnElement[bool]:
    """A criterion on ``Message``: written by ``user`` (erasure, the admin's counts)."""
    return Message.author_id == user.id


def private_threads_of(user: User) -> ColumnElement[bool]:
    """A criterion on ``MessageThread``: the client's own private threads (erasure)."""
    return sa.and_(MessageThread.kind == ThreadKind.PRIVATE, MessageThread.client_id == user.id)


def private_composer_note(viewer: User, thread: MessageThread, counselor_name: str) -> str | None:
    """What a client's private-thread composer says of the case's confidentiality agreement.

    Under "No secrets" it reminds them, before they write, that what they share may be brought
    into joint sessions; otherwise that the thread stays private as the agreement says.
    """
    if viewer.role is not Role.CLIENT or thread.kind is not ThreadKind.PRIVATE:
        return None
    rule = confidentiality.policy_of(thread.case_id)
    label = confidentiality.LABELS[confidentiality.effective(rule)]
    if confidentiality.reminds_before_writing(rule):
        return (
            f"Before you write: under your couple's \u201c{label}\u201d agreement, what you "
            f"share here with {counselor_name} may be brought into your joint sessions."
        )
    if rule is ConfidentialityPolicy.LIMITED_SECRETS:
        return (
            f"Under your couple's \u201c{label}\u201d agreement, this stays between you and "
            f"{counselor_name}; it is brought into a joint session only if you agree."
        )
    return (
        f"Under your couple's agreement, this stays between you and {counselor_name}: "
        "it never reaches your partner or your joint sessions."
    )
