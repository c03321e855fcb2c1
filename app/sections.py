"""Pages that several features contribute to: the case page and the client's home.

A feature registers a section with the template that renders it and a loader that returns the
template's context (or None to leave the section out):

    @CASE_PAGE.section(order=20, template="cases/_assignments.html")
    def assignments_section(case): return {"assignments": ...}

The page renders the sections in order; each template sees its context as ``section``. Keep each
loader to one or two queries that do not grow with the data (PERFORMANCE.md T1).
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
