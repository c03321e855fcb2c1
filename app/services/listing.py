"""What the admin's lists share: search text, "contains" matching and pages.

The case list and the staff account list (issue ux-pass, item 12) search, filter and page
the same way; the request side of it (reading the query string) is ``app.admin.list_args``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db

#: Rows on one page of an admin list.
ADMIN_PAGE_SIZE = 25
#: Longest search text kept; more is cut off rather than refused.
SEARCH_LENGTH = 100


def contains(column: Any, search: str) -> ColumnElement[bool]:
    """``column`` contains ``search``, ignoring case; ``%``, ``_`` and ``\\`` match themselves."""
    escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped}%", escape="\\")


def one_page(
    query: sa.Select[Any, Any] | sa.Select[Any], page: int, size: int = ADMIN_PAGE_SIZE
) -> tuple[list[Any], int, int]:
    """A page of ``query`` (already ordered): ``(rows, page, pages)``, two statements.

    A page beyond the last shows the last, so an old link after deletions still shows rows.
    """
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    pages = max(1, -(-(total or 0) // size))
    page = min(max(page, 1), pages)
    rows = db.session.execute(query.limit(size).offset((page - 1) * size)).all()
    return [row[0] if len(row) == 1 else tuple(row) for row in rows], page, pages
