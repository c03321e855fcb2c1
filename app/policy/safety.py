"""What a safety concern changes in who may read what (docs/security.md "Who sees what").

While a concern a partner's safety check raised is open (no decision recorded yet):

* the partner's "counselor and partner" sharing is *held*, not revoked: whatever they share
  with their partner from the moment the concern was raised does not reach the partner until the
  counselor records a decision; what the partner could read before stays as it was, so the
  other partner sees no change at all (no item disappears, no count drops);
* modules whose caution names a safety concern (``BLOCKED_BY_CONCERN``) cannot be assigned
  in a case where a concern was ever raised unless the counselor overrides the block, with a
  reason, after the latest concern (a decision alone does not lift it).

A held item is one whose moment of sharing is at or after the concern: a journal entry's
``shared_at``; an answer's ``updated_at`` (answers keep no separate sharing time, and a change
of an answer's audience updates it, so an edit after the concern is held too).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    CautionOverride,
    JournalEntry,
    Message,
    MessageThread,
    Response,
    SafetyConcern,
    StrategyModule,
)
from app.services.combined_read import Part, read

#: Built-in modules whose caution becomes a block while a concern is open in the case.
BLOCKED_BY_CONCERN = frozenset({"reestablish-communication"})


def _open_concern_since(case_id: Any, author_id: Any, moment: Any) -> ColumnElement[bool]:
    return sa.exists().where(
        SafetyConcern.case_id == case_id,
        SafetyConcern.user_id == author_id,
        SafetyConcern.decided_at.is_(None),
        moment >= SafetyConcern.raised_at,
    )


def held_journal_entries() -> ColumnElement[bool]:
    """Journal rows shared while their author's concern in their case is open."""
    return _open_concern_since(JournalEntry.case_id, JournalEntry.author_id, JournalEntry.shared_at)


def held_answers() -> ColumnElement[bool]:
    """Answer rows changed while their author's concern in the assignment's case is open."""
    held_recipients = (
        sa.select(AssignmentRecipient.id)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .join(
            SafetyConcern,
            sa.and_(
                SafetyConcern.case_id == Assignment.case_id,
                SafetyConcern.user_id == AssignmentRecipient.user_id,
                SafetyConcern.decided_at.is_(None),
            ),
        )
        .where(Response.updated_at >= SafetyConcern.raised_at)
        .correlate(Response)
    )
    return Response.recipient_id.in_(held_recipients)


def held_from_partner(kind_name: str) -> ColumnElement[bool]:
    """Rows of the kind named ``kind_name`` that the author's open concern holds back.

    A kind cannot be judged without its columns: each new kind adds its rule here.
    """
    if kind_name == "journal entry":
        return held_journal_entries()
    if kind_name == "exercise answer":
        return held_answers()
    if kind_name == "message":
        return held_thread_messages()
    # A kind without a rule here is not held: raising would break every page that lists it.
    return sa.false()


def held_thread_messages() -> ColumnElement[bool]:
    """Message rows their author sent while their concern in the thread's case is open.

    Only the other partner is kept from them (``app.policy.messages`` asks this for client
    readers other than the author); the counselor reads them at once.
    """
    case_of_thread = (
        sa.select(MessageThread.case_id)
        .where(MessageThread.id == Message.thread_id)
        .correlate(Message)
        .scalar_subquery()
    )
    return held_messages(case_of_thread, Message.author_id, Message.created_at)


def held_messages(case_id: Any, author_id: Any, sent_at: Any) -> ColumnElement[bool]:
    """Hook for the joint message thread: messages the author sent while their concern is open.

    ``case_id``, ``author_id`` and ``sent_at`` are the message table's columns; a partner's
    list, count and badge of the joint thread must leave these rows out.
    """
    return _open_concern_since(case_id, author_id, sent_at)


def is_held(case_id: int, author_id: int, moment: datetime | None) -> bool:
    """Whether one item, shared at ``moment`` by ``author_id`` in ``case_id``, is held."""
    if moment is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    SafetyConcern.case_id == case_id,
                    SafetyConcern.user_id == author_id,
                    SafetyConcern.decided_at.is_(None),
                    SafetyConcern.raised_at <= moment,
                )
            )
        )
    )


def open_concern_in(case_id: int) -> SafetyConcern | None:
    """The oldest open concern of the case (for the counselor only), if any."""
    return db.session.scalars(
        sa.select(SafetyConcern)
        .where(SafetyConcern.case_id == case_id, SafetyConcern.decided_at.is_(None))
        .order_by(SafetyConcern.raised_at)
        .limit(1)
    ).first()


def module_blocked(case_id: int, module_id: int) -> bool:
    """Whether assigning this module in the case needs an override the counselor has not given."""
    slug = db.session.scalar(sa.select(StrategyModule.slug).where(StrategyModule.id == module_id))
    if slug not in BLOCKED_BY_CONCERN:
        return False
    concern = db.session.scalars(
        sa.select(SafetyConcern)
        .where(SafetyConcern.case_id == case_id)
        .order_by(SafetyConcern.raised_at.desc(), SafetyConcern.id.desc())
        .limit(1)
    ).first()
    if concern is None:
        return False
    overridden = db.session.scalar(
        sa.select(CautionOverride.id).where(
            CautionOverride.case_id == case_id,
            CautionOverride.module_id == module_id,
            CautionOverride.concern_id == concern.id,
        )
    )
    return overridden is None


def blocked_modules_part(case_id: int) -> Part:
    """Every module ``module_blocked`` holds back in this case, as a part of a combined read.

    The case page lists them; asking ``module_blocked`` module by module would cost three
    statements each (docs/performance.md T1). Same rule: a ``BLOCKED_BY_CONCERN`` module,
    a concern raised in the case, and no override given after the latest one.
    """
    latest_concern = (
        sa.select(SafetyConcern.id)
        .where(SafetyConcern.case_id == case_id)
        .order_by(SafetyConcern.raised_at.desc(), SafetyConcern.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    overridden = sa.exists().where(
        CautionOverride.case_id == case_id,
        CautionOverride.module_id == StrategyModule.id,
        CautionOverride.concern_id == latest_concern,
    )
    return Part(
        (StrategyModule,),
        sa.and_(
            StrategyModule.slug.in_(sorted(BLOCKED_BY_CONCERN)),
            latest_concern.is_not(None),
            ~overridden,
        ),
        order_by=(StrategyModule.id,),
    )


def blocked_modules(case_id: int) -> list[StrategyModule]:
    """Every module ``module_blocked`` holds back in this case, in one statement."""
    return read({"blocked": blocked_modules_part(case_id)}).first("blocked")
