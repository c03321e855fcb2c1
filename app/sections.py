"""Pages that several features contribute to: the case page and the client's home.

Each page lists its sections explicitly, in order (``CASE_PAGE_SECTIONS`` in
``app/cases/routes.py``, ``CLIENT_HOME_SECTIONS`` in ``app/client/routes.py``). A section is the
template its feature owns and a loader that takes the viewer first and returns the template's
context, or None to leave the section out:

    def assignments_section(viewer: User, case: Case) -> dict | None: ...
    Section("assignments/_case_section.html", assignments_section)

The loaders read through their feature's services, which ask ``app.policy`` what the viewer may
read. Their statements must not grow with the data (docs/performance.md T1), and each section
declares how many it issues at most (``statements``, 1 unless said otherwise). The case page
has a budget of 8 statements in all (``CASE_PAGE_BUDGET`` in ``app/cases/routes.py``): its own
reads plus what its sections declare must fit, and ``tests/performance/test_case_page_queries.py``
holds each section to its declaration and the page to the total. A section that needs nothing
beyond what the page loaded declares ``statements=0``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.models import User


@dataclass(frozen=True)
class Section:
    """One section of a page: the template that renders it and the loader of its context."""

    template: str
    loader: Callable[..., dict[str, Any] | None]
    #: The most statements ``loader`` may issue, whatever the data (docs/performance.md T1).
    statements: int = 1


def load_sections(
    sections: Sequence[Section], viewer: User, *args: Any
) -> list[tuple[str, dict[str, Any]]]:
    """``(template, context)`` for every section that has something to show ``viewer``."""
    loaded = []
    for section in sections:
        context = section.loader(viewer, *args)
        if context is not None:
            loaded.append((section.template, context))
    return loaded
