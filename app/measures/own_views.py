"""What the client sees of measures: what is due (client home) and results shared with them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.auth.forms import PostForm
from app.extensions import db
from app.measures import instruments as catalogue
from app.measures import services as service
from app.measures.charts import Point, reliable_steps, trend_svg
from app.measures.results import Trend
from app.models import CaseMember, MeasureResponse, User
from app.policy import measures as rules
from app.templating import local_time

HOME_TEMPLATE = "measures/_home_section.html"


def valid_post() -> bool:
    """The CSRF token of a plain form post is good."""
    return bool(PostForm().validate_on_submit())


def due_section(viewer: User, memberships: list[CaseMember]) -> dict[str, Any] | None:
    """The measures waiting for the client, and a link to results shared with them."""
    if not memberships:
        return None
    due = service.due_for(viewer)
    if not due:
        return None
    return {"due": due}


def shared_trends(client: User) -> list[Trend]:
    """The client's own shared results, one trend per instrument."""
    rows = db.session.scalars(
        sa.select(MeasureResponse)
        .where(rules.own_results_shared(client))
        .order_by(MeasureResponse.submitted_at, MeasureResponse.id)
    ).all()
    grouped: dict[str, list[MeasureResponse]] = {}
    for row in rows:
        grouped.setdefault(row.instrument, []).append(row)
    trends = []
    for code, sheets in grouped.items():
        instrument = catalogue.get(code)
        totals = [int(s.score["total"]) for s in sheets]
        points = [
            Point(local_time(s.submitted_at, "%d %b"), t, s.score["band"], step)
            for s, t, step in zip(sheets, totals, reliable_steps(instrument, totals), strict=True)
        ]
        trend = Trend(client.name, instrument, points, list(sheets))
        trend.svg = trend_svg(instrument, points, title=f"Your {instrument.title} over time")
        trends.append(trend)
    return trends
