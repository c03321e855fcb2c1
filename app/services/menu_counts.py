"""The menu's two unread counts, the bell's and the messages badge's, in one statement.

Every signed-in page shows both, so they are read together, once per request and person, and
cached on ``flask.g`` (docs/performance.md T1). Each part is the statement its own module
builds, so the rules stay where they are: the bell counts what ``app.notifications`` shows
the person, the badge only threads ``app.policy.messages`` lets them read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
    #: Unread per case: every case, or only the case of the page when ``known_cases`` says so.
    messages_by_case: dict[int, int]
    #: Unread over every case the person may read.
    messages_total: int = 0


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
    return MenuCounts(
        notifications=notifications, messages_by_case=by_case, messages_total=sum(by_case.values())
    )


def page_facts(user: User, case_id: int) -> dict[str, sa.ScalarSelect[int]]:
    """The same counts as single values a page's combined read can carry (the case page):
    the bell, every unread message, and those of ``case_id``. ``remember`` keeps them."""
    facts = {"menu.bell": unread_count_query(user).scalar_subquery()}
    if user.role in MESSAGING_ROLES:
        per_case = unread_by_case_query(user).subquery("per_case")
        facts["menu.messages"] = sa.select(sa.func.sum(per_case.c.n)).scalar_subquery()
        facts["menu.messages_in_case"] = (
            sa.select(per_case.c.n).where(per_case.c.case_id == case_id).scalar_subquery()
        )
    return facts


def remember(user: User, case_id: int, facts: Mapping[str, Any]) -> MenuCounts:
    """Keep the counts ``page_facts`` read for the rest of the request (the menu's)."""
    counts = MenuCounts(
        notifications=int(facts.get("menu.bell") or 0),
        messages_by_case={case_id: int(facts.get("menu.messages_in_case") or 0)},
        messages_total=int(facts.get("menu.messages") or 0),
    )
    if has_request_context():
        g.setdefault("menu_counts", {})[user.id] = counts
        g.pop("messages_unread_by_case", None)
    return counts
