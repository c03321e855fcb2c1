"""Who may read client writing: the one place that decides (docs/security.md "Who sees what").

This package is the privacy policy. The rules for journal entries and exercise answers live
here; each later kind of client writing (messages, measures, appointments, consent and safety
checks) adds its rules as a module of this package (``app/policy/messages.py`` ...), and no
module outside the package judges visibility (tests/test_policy_is_the_only_judge.py).

Every kind of client writing (journal entries, exercise answers, counselor comments and
feedback; later messages and measure results) is read through this module:

* what a ``Visibility`` level reaches: ``policy.reaches_counselor(level)``, ``reaches_partner``,
  ``is_shared``, ``widens(new, old)``, ``narrows`` and the moves an author may make
  (``app/policy/levels.py``; the enum's properties ask it too);
* SQL criteria for every list, count, badge, search, feed and scoped getter:
  ``readable_by_author``, ``readable_by_partner``, ``readable_by_counselor``, ``readable_by``.
  Each takes the viewer *and* the case: an item is readable only in the case it belongs to,
  and only by someone who holds that role in that case;
* ``may_read`` for one loaded item (``app/policy/items.py``); the words for each audience
  (``audience_labels``, ``EXPORT_LABELS``).

The rule, for writing of a client (its *author*) in a case:

* the author reads it, draft or sent;
* the case counselor reads it once sent, if its audience reaches the counselor;
* the partner (another current member of the case) reads it once sent, if it reaches them;
* nobody else: not another counselor, not the practice admin, not a client of another case,
  and nothing of one case ever shows in another case the same people belong to.

To add a kind (a message, a measure result), give it a ``WritingKind`` saying where its case,
author, audience and sent-state live: the builders and ``may_read`` then cover it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CaseMember,
    JournalComment,
    JournalEntry,
    Response,
    ResponseStatus,
    Role,
    User,
    Visibility,
)
from app.policy import confidentiality, safety
from app.policy.items import Facts, facts_of, may_read
from app.policy.levels import (
    AUDIENCES,
    Audience,
    audiences_open_to,
    changes_audience,
    is_shared,
    labels_open_to,
    left_the_counselor,
    level_from,
    levels_reaching_counselor,
    levels_reaching_partner,
    may_change_audience,
    narrows,
    reaches_counselor,
    reaches_partner,
    widens,
)

#: The package's API: what a level reaches (``levels.py``), the kinds of writing, the SQL
#: criteria, and the rule for one loaded item (``items.py``). Feature rules are its modules.
__all__ = [
    "ANSWER",
    "AUDIENCES",
    "EVERY_CASE",
    "EXPORT_LABELS",
    "JOURNAL",
    "Audience",
    "CaseScope",
    "EveryCase",
    "Facts",
    "OwnWriting",
    "WritingKind",
    "audience_labels",
    "audiences_open_to",
    "changes_audience",
    "comments_readable_by",
    "confidentiality",
    "facts_of",
    "feedback_readable_by",
    "is_shared",
    "labels_open_to",
    "left_the_counselor",
    "level_from",
    "levels_reaching_counselor",
    "levels_reaching_partner",
    "may_change_audience",
    "may_read",
    "narrows",
    "reaches_counselor",
    "reaches_partner",
    "readable_by",
    "readable_by_author",
    "readable_by_counselor",
    "readable_by_partner",
    "safety",
    "widens",
]


# --- kinds of writing ----------------------------------------------------------------------


class EveryCase(Enum):
    """Scope marker: every case where the viewer holds the role the builder is about."""

    EVERY_CASE = "every case"


EVERY_CASE = EveryCase.EVERY_CASE
#: The case(s) a read is about: one case, case ids, or every case of the viewer in that role.
CaseScope = Case | int | Sequence[int] | EveryCase


@dataclass(frozen=True)
class WritingKind:
    """Where one kind of client writing keeps its case, author, audience and sent-state.

    ``scoped(cases, author)`` is a criterion on the kind's own table: the row belongs to one of
    ``cases`` (a case id, a list or a subquery of case ids; None for no case condition) and its
    author satisfies ``author`` (a function of the author-id column). A kind whose audience is
    not a ``Visibility`` column (a message thread, a measure the counselor shares) subclasses
    this and overrides ``reaching_partner`` and ``reaching_counselor``.
    """

    name: str
    visibility: Any
    status: Any
    scoped: Callable[[Any, Callable[[Any], ColumnElement[bool]]], ColumnElement[bool]]
    labels: Mapping[Visibility, str]
    default: Visibility

    def own(self, *, sent: bool, level: Visibility) -> OwnWriting:
        """How the author's own pages describe one piece of their writing at ``level``."""
        return OwnWriting(sent=sent, shared=is_shared(level), audience=self.labels[level])

    def reaching_partner(self) -> ColumnElement[bool]:
        """Rows the partner may read, wherever they are: sent, with the partner in the audience."""
        return sa.and_(_sent(self), self.visibility.in_(levels_reaching_partner()))

    def reaching_counselor(self) -> ColumnElement[bool]:
        """Rows the case counselor may read: sent, with the counselor in the audience."""
        return sa.and_(_sent(self), self.visibility.in_(levels_reaching_counselor()))


@dataclass(frozen=True)
class OwnWriting:
    """The author's view of their own writing: judged here, so pages only show it.

    An answer kept for oneself is "done", not "sent": nobody received it.
    """

    #: The author has sent it (a draft is not sent, whatever its level).
    sent: bool
    #: Someone besides the author may read it once sent.
    shared: bool
    #: Who can read it, in the words of the author's choice ("My counselor").
    audience: str


def _journal_scope(cases: Any, author: Callable[[Any], ColumnElement[bool]]) -> ColumnElement[bool]:
    return sa.and_(_in_cases(JournalEntry.case_id, cases), author(JournalEntry.author_id))


def _answer_scope(cases: Any, author: Callable[[Any], ColumnElement[bool]]) -> ColumnElement[bool]:
    # An answer's case and author are its assignment's case and its recipient.
    recipients = (
        sa.select(AssignmentRecipient.id)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .where(_in_cases(Assignment.case_id, cases), author(AssignmentRecipient.user_id))
    )
    return Response.recipient_id.in_(recipients)


JOURNAL = WritingKind(
    name="journal entry",
    visibility=JournalEntry.visibility,
    status=JournalEntry.status,
    scoped=_journal_scope,
    labels={
        Visibility.PRIVATE: "Only me",
        Visibility.COUNSELOR: "Me and my counselor",
        Visibility.COUNSELOR_AND_PARTNER: "Me, my counselor and my partner",
    },
    default=Visibility.PRIVATE,
)
ANSWER = WritingKind(
    name="exercise answer",
    visibility=Response.visibility,
    status=Response.status,
    scoped=_answer_scope,
    labels={
        Visibility.PRIVATE: "Only me",
        Visibility.COUNSELOR: "My counselor",
        Visibility.COUNSELOR_AND_PARTNER: "My counselor and my partner",
    },
    default=Visibility.COUNSELOR,
)
#: How the client's own copy of their data (the JSON file and the PDF) describes each level.
EXPORT_LABELS: Mapping[Visibility, str] = {
    Visibility.PRIVATE: "private",
    Visibility.COUNSELOR: "shared with your counselor",
    Visibility.COUNSELOR_AND_PARTNER: "shared with your counselor and partner",
}


def audience_labels(kind: WritingKind) -> dict[str, str]:
    """``{visibility value: what the author sees}`` in the order of the choices."""
    return {v.value: kind.labels[v] for v in Visibility}


# --- SQL criteria ---------------------------------------------------------------------------


def _in_cases(column: Any, cases: Any) -> ColumnElement[bool]:
    if cases is None:
        return sa.true()
    if isinstance(cases, int):
        return cast(ColumnElement[bool], column == cases)
    return cast(ColumnElement[bool], column.in_(cases))


def _requested(case: CaseScope) -> int | list[int] | None:
    """The case ids a caller asked about, or None for every case."""
    if case is EVERY_CASE:
        return None
    if isinstance(case, Case):
        return case.id
    if isinstance(case, int):
        return case
    return list(case)


def _within(held: Any, case: CaseScope) -> Any:
    """``held`` (a subquery of case ids the viewer holds the role in) narrowed to ``case``."""
    requested = _requested(case)
    if requested is None:
        return held
    return held.where(_in_cases(held.selected_columns[0], requested))


def _member_cases(viewer: User) -> sa.Select[int]:
    return sa.select(CaseMember.case_id).where(
        CaseMember.user_id == viewer.id, CaseMember.erased_at.is_(None)
    )


def _counselor_cases(viewer: User) -> sa.Select[int]:
    return sa.select(Case.id).where(Case.counselor_id == viewer.id)


def _sent(kind: WritingKind) -> ColumnElement[bool]:
    return cast(ColumnElement[bool], kind.status == ResponseStatus.SUBMITTED)


def readable_by_author(kind: WritingKind, viewer: User, case: CaseScope) -> ColumnElement[bool]:
    """The viewer's own writing of this kind in ``case``, drafts included.

    With ``EVERY_CASE`` the author reads all of their own writing, whichever case holds it.
    """
    return kind.scoped(_requested(case), lambda column: column == viewer.id)


def readable_by_partner(kind: WritingKind, viewer: User, case: CaseScope) -> ColumnElement[bool]:
    """Writing the viewer's partner sent and shared with them, in cases they both belong to."""
    if viewer.role is not Role.CLIENT:
        return sa.false()
    cases = _within(_member_cases(viewer), case)
    return sa.and_(
        kind.scoped(cases, lambda column: column != viewer.id),
        kind.reaching_partner(),
        # A held author's new shares (app/policy/safety.py) and private items the case's
        # confidentiality policy keeps (app/policy/confidentiality.py) never reach the partner.
        sa.not_(safety.held_from_partner(kind.name)),
        sa.not_(confidentiality.withheld_from_partner(kind.name)),
    )


def readable_by_counselor(kind: WritingKind, viewer: User, case: CaseScope) -> ColumnElement[bool]:
    """Sent writing shared with the counselor, in cases the viewer is the counselor of."""
    if viewer.role is not Role.COUNSELOR:
        return sa.false()
    if isinstance(case, Case):
        # The case is loaded already: no need to ask the database whose it is.
        if case.counselor_id != viewer.id:
            return sa.false()
        cases: Any = case.id
    else:
        cases = _within(_counselor_cases(viewer), case)
    return sa.and_(kind.scoped(cases, lambda column: sa.true()), kind.reaching_counselor())


def readable_by(kind: WritingKind, viewer: User, case: CaseScope) -> ColumnElement[bool]:
    """Everything of this kind the viewer may read in ``case``, whatever their role."""
    if viewer.role is Role.COUNSELOR:
        return readable_by_counselor(kind, viewer, case)
    if viewer.role is Role.CLIENT:
        return sa.or_(
            readable_by_author(kind, viewer, case), readable_by_partner(kind, viewer, case)
        )
    return sa.false()


def comments_readable_by(viewer: User, case: CaseScope) -> ColumnElement[bool]:
    """Counselor comments the viewer may read: those on entries the viewer may read."""
    entries = sa.select(JournalEntry.id).where(readable_by(JOURNAL, viewer, case))
    return JournalComment.entry_id.in_(entries)


def feedback_readable_by(viewer: User, case: CaseScope) -> ColumnElement[bool]:
    """Assignment copies whose feedback the viewer may read: their own, or the counselor's."""
    if viewer.role is Role.CLIENT:
        # Like their own writing, a client reads all feedback addressed to them.
        cases = _requested(case)
        own = AssignmentRecipient.user_id == viewer.id
        if cases is None:
            return own
        return sa.and_(
            own,
            AssignmentRecipient.assignment_id.in_(
                sa.select(Assignment.id).where(_in_cases(Assignment.case_id, cases))
            ),
        )
    if viewer.role is Role.COUNSELOR:
        held = _within(_counselor_cases(viewer), case)
        return AssignmentRecipient.assignment_id.in_(
            sa.select(Assignment.id).where(Assignment.case_id.in_(held))
        )
    return sa.false()
