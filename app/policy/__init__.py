"""Who may read client writing: the one place that decides (docs/security.md "Who sees what").

This package is the privacy policy. The rules for journal entries and exercise answers live
here; each later kind of client writing (messages, measures, appointments, consent and safety
checks) adds its rules as a module of this package (``app/policy/messages.py`` ...), and no
module outside the package judges visibility (tests/test_policy_is_the_only_judge.py).

Every kind of client writing (journal entries, exercise answers, counselor comments and
feedback; later messages and measure results) is read through this module:

* what a ``Visibility`` level reaches: ``Visibility.X.reaches_counselor``, ``.reaches_partner``,
  ``.is_shared``, ``.widens(old)`` (the enum's properties ask this module);
* SQL criteria for every list, count, badge, search, feed and scoped getter:
  ``readable_by_author``, ``readable_by_partner``, ``readable_by_counselor``, ``readable_by``.
  Each takes the viewer *and* the case: an item is readable only in the case it belongs to,
  and only by someone who holds that role in that case;
* ``may_read`` for one item; the words for each audience (``audience_labels``, ``EXPORT_LABELS``).

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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, cast, overload

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
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


@dataclass(frozen=True)
class Audience:
    """Who besides the author a visibility level reaches."""

    counselor: bool
    partner: bool

    @property
    def breadth(self) -> int:
        """How many kinds of reader it reaches; a wider audience has a larger breadth."""
        return int(self.counselor) + int(self.partner)


AUDIENCES: Mapping[Visibility, Audience] = {
    Visibility.PRIVATE: Audience(counselor=False, partner=False),
    Visibility.COUNSELOR: Audience(counselor=True, partner=False),
    Visibility.COUNSELOR_AND_PARTNER: Audience(counselor=True, partner=True),
}


def reaches_counselor(visibility: Visibility) -> bool:
    """Whether writing at this level may be read by the case counselor once sent."""
    return AUDIENCES[visibility].counselor


def reaches_partner(visibility: Visibility) -> bool:
    """Whether writing at this level may be read by the partner once sent."""
    return AUDIENCES[visibility].partner


def is_shared(visibility: Visibility) -> bool:
    """Whether anyone besides the author may read writing at this level."""
    return AUDIENCES[visibility].breadth > 0


def widens(new: Visibility, old: Visibility) -> bool:
    """Whether moving from ``old`` to ``new`` lets someone read who could not before."""
    before, after = AUDIENCES[old], AUDIENCES[new]
    return (after.counselor and not before.counselor) or (after.partner and not before.partner)


def narrows(new: Visibility, old: Visibility) -> bool:
    """Whether moving from ``old`` to ``new`` takes the writing away from someone (a revoke)."""
    return widens(old, new)


@overload
def level_from(value: str | None, default: Visibility) -> Visibility: ...
@overload
def level_from(value: str | None, default: None = None) -> Visibility | None: ...
def level_from(value: str | None, default: Visibility | None = None) -> Visibility | None:
    """The audience a submitted form value names; anything unknown is ``default``."""
    try:
        return Visibility(value or "")
    except ValueError:
        return default


def changes_audience(new: Visibility, old: Visibility) -> bool:
    """Whether moving from ``old`` to ``new`` changes who may read the writing."""
    return widens(new, old) or narrows(new, old)


def levels_reaching_counselor() -> list[Visibility]:
    """The levels the case counselor may read."""
    return [v for v in Visibility if reaches_counselor(v)]


def levels_reaching_partner() -> list[Visibility]:
    """The levels the partner may read."""
    return [v for v in Visibility if reaches_partner(v)]


def left_the_counselor(change: Any) -> ColumnElement[bool]:
    """A sharing-history column (a change's new level) that no longer reaches the counselor."""
    return cast(ColumnElement[bool], change.not_in(levels_reaching_counselor()))


def may_change_audience(case: Case, new: Visibility, old: Visibility) -> bool:
    """Whether the author may move their writing from ``old`` to ``new`` in ``case`` now.

    Narrowing (revoking) is always allowed, in closed cases too, so that taking writing back
    never depends on the counselor; a closed case refuses only what would reach someone new.
    """
    return not (case.is_closed and widens(new, old))


def audiences_open_to(case: Case, current: Visibility) -> list[Visibility]:
    """The levels the author may choose now: all of them, or in a closed case the narrower."""
    return [v for v in Visibility if may_change_audience(case, v, current)]


def labels_open_to(case: Case, current: Visibility, labels: Mapping[Any, str]) -> dict[Any, str]:
    """``labels`` (keyed by level or its value) cut to the levels open to the author now."""
    open_to = audiences_open_to(case, current)
    return {k: v for k, v in labels.items() if Visibility(getattr(k, "value", k)) in open_to}


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

    def reaching_partner(self) -> ColumnElement[bool]:
        """Rows the partner may read, wherever they are: sent, with the partner in the audience."""
        return sa.and_(_sent(self), self.visibility.in_(levels_reaching_partner()))

    def reaching_counselor(self) -> ColumnElement[bool]:
        """Rows the case counselor may read: sent, with the counselor in the audience."""
        return sa.and_(_sent(self), self.visibility.in_(levels_reaching_counselor()))


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


# --- one loaded object ---------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the rule needs to know about one item of writing."""

    case_id: int
    author_id: int
    visibility: Visibility
    sent: bool
    #: When it last reached a new reader (a held author's later shares stay back).
    shared_at: datetime | None = None
    #: The assignment an answer belongs to (its confidentiality depends on it).
    assignment_id: int | None = None


def facts_of(item: JournalEntry | Response) -> Facts:
    """The facts of a loaded entry, or of an answer loaded with its recipient and assignment."""
    sent = item.status is ResponseStatus.SUBMITTED
    if isinstance(item, JournalEntry):
        return Facts(item.case_id, item.author_id, item.visibility, sent, item.shared_at)
    assignment = item.recipient.assignment
    return Facts(
        assignment.case_id,
        item.recipient.user_id,
        item.visibility,
        sent,
        item.updated_at,
        assignment.id,
    )


def may_read(
    viewer: User,
    case: Case,
    item: JournalEntry | Response | Facts,
    *,
    member_ids: Iterable[int] | None = None,
) -> bool:
    """Whether ``viewer`` may read ``item`` on a page of ``case`` (same answers as the SQL).

    ``member_ids`` are the case's current members when the caller has them (for example from
    the case page); otherwise they are read from the loaded case or the database.
    """
    facts = item if isinstance(item, Facts) else facts_of(item)
    if facts.case_id != case.id:
        return False
    if viewer.role is Role.COUNSELOR:
        return case.counselor_id == viewer.id and facts.sent and reaches_counselor(facts.visibility)
    if viewer.role is not Role.CLIENT:
        return False
    if facts.author_id == viewer.id:
        return True
    members = set(member_ids) if member_ids is not None else _current_member_ids(case)
    if not (viewer.id in members and facts.sent and reaches_partner(facts.visibility)):
        return False
    if facts.assignment_id is not None and facts.assignment_id in (
        confidentiality.withheld_assignment_ids(case.id)
    ):
        return False
    return not safety.is_held(case.id, facts.author_id, facts.shared_at)


def _current_member_ids(case: Case) -> set[int]:
    if "members" not in sa.inspect(case).unloaded:
        return {m.user_id for m in case.members if m.erased_at is None}
    return set(
        db.session.scalars(
            sa.select(CaseMember.user_id).where(
                CaseMember.case_id == case.id, CaseMember.erased_at.is_(None)
            )
        )
    )
