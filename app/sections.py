"""Pages that several features contribute to: the case page and the client's home.

A feature registers a section with the template that renders it and a loader that returns the
template's context (or None to leave the section out):

    @CASE_PAGE.section(order=20, template="cases/_assignments.html")
    def assignments_section(case): return {"assignments": ...}

The page renders the sections in order; each template sees its context as ``section``. Keep each
loader to one or two queries that do not grow with the data (docs/performance.md T1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(order=True)
class Section:
    """One registered section."""

    order: int
    template: str
    loader: Callable[..., dict[str, Any] | None] = field(compare=False)


class SectionRegistry:
    """An ordered set of sections for one page."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._sections: dict[str, Section] = {}

    def section(self, *, order: int, template: str):
        """Decorator registering ``loader`` for ``template``."""

        def decorator(loader: Callable[..., dict[str, Any] | None]):
            self._sections[template] = Section(order, template, loader)
            return loader

        return decorator

    def load(self, *args: Any) -> list[tuple[str, dict[str, Any]]]:
        """``(template, context)`` for every section that has something to show."""
        loaded = []
        for section in sorted(self._sections.values()):
            context = section.loader(*args)
            if context is not None:
                loaded.append((section.template, context))
        return loaded


#: Sections of ``/cases/<id>``; loaders take the ``Case`` (counselor's view).
CASE_PAGE = SectionRegistry("case page")
#: Sections of ``/me``; loaders take the client ``User`` and their list of ``CaseMember``.
CLIENT_HOME = SectionRegistry("client home")


def case_members(case, *, erased: bool = False) -> list:
    """The case's current (or, with ``erased``, erased) members with their users, partner A first.

    The case page loads members once with the case; sections reuse them instead of asking the
    database again (docs/performance.md T1). Elsewhere they are queried.
    """
    import sqlalchemy as sa
    from sqlalchemy.orm import joinedload

    from app.extensions import db
    from app.models import CaseMember

    if "members" not in sa.inspect(case).unloaded:
        members = list(case.members)
    else:
        members = list(
            db.session.scalars(
                sa.select(CaseMember)
                .where(CaseMember.case_id == case.id)
                .options(joinedload(CaseMember.user))
            )
        )
    chosen = [m for m in members if (m.erased_at is not None) == erased]
    return sorted(chosen, key=lambda m: (m.erased_at, m.role) if erased else m.role)
