"""What each ``Visibility`` level reaches, and which moves between levels an author may make.

Part of the privacy policy (``app.policy``, which re-exports every name here): the one place
that says a level reaches the counselor or the partner, that a move widens or narrows the
audience, and which levels a closed case still offers. The SQL criteria and ``may_read`` in
``app/policy/__init__.py`` build on these answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast, overload

from sqlalchemy.sql.elements import ColumnElement

from app.models import Case, Visibility


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
