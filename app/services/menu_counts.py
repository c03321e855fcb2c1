"""The menu's two unread counts, the bell's and the messages badge's, in one statement.

Every signed-in page shows both, so they are read together, once per request and person, and
cached on ``flask.g`` (docs/performance.md T1). Each part is the statement its own module
builds, so the rules stay where they are: the bell counts what ``app.notifications`` shows
the person, the badge only threads ``app.policy.messages`` lets them read.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context

from app.extensions import db
from app.messages.counts import unread_by_case_query
from app.models import Role, User
from app.notifications.inbox import unread_count_query

#: Who has messages at all (``app.messages.templating`` shows the badge to them only).
MESSAGING_ROLES = (Role.CLIENT, Role.COUNSELOR)

_BELL = 0
_MESSAGES = 1


@dataclass(frozen=True)
class MenuCounts:
    """Unread in-app notifications, and unread messages per case."""

    notifications: int
    messages_by_case: dict[int, int]


def menu_counts(user: User) -> MenuCounts:
    """Both counts of ``user``: one statement per request, however many places show them."""
    cache: dict[int, MenuCounts] = g.setdefault("menu_counts", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = _read(user)
    return cache[user.id]


def _read(user: User) -> MenuCounts:
    bell = sa.select(
        sa.literal_column(str(_BELL)).label("part"),
        sa.cast(sa.null(), sa.Integer).label("case_id"),
        unread_count_query(user).scalar_subquery().label("n"),
    )
    query: sa.Select[int, int | None, int] | sa.CompoundSelect[int, int | None, int] = bell
    if user.role in MESSAGING_ROLES:
        per_case = unread_by_case_query(user).subquery("per_case")
        messages = sa.select(
            sa.literal_column(str(_MESSAGES)).label("part"), per_case.c.case_id, per_case.c.n
        )
        query = sa.union_all(bell, messages)
    notifications = 0
    by_case: dict[int, int] = {}
    for kind, case_id, count in db.session.execute(query).all():
        if kind == _BELL:
            notifications = int(count or 0)
        elif case_id is not None:
            by_case[int(case_id)] = int(count)
    return MenuCounts(notifications=notifications, messages_by_case=by_case)
