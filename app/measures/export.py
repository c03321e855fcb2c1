"""A client's own measures in their data export (``/me/export``): their answers, and the
scores their counselor shared with them (docs/security.md, measures)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.measures import instruments as catalogue
from app.models import MeasureResponse, ResponseStatus, User
from app.policy import measures as rules


def own_measures(user: User) -> list[dict[str, Any]]:
    """Every measure the client sent, oldest first; never anyone else's."""
    sheets = db.session.scalars(
        sa.select(MeasureResponse)
        .where(rules.own_answers(user), MeasureResponse.status == ResponseStatus.SUBMITTED)
        .order_by(MeasureResponse.submitted_at, MeasureResponse.id)
    ).all()
    out = []
    for sheet in sheets:
        instrument = catalogue.get(sheet.instrument)
        answers = sheet.answers or {}
        item: dict[str, Any] = {
            "measure": instrument.name,
            "version": sheet.instrument_version,
            "answered_at": sheet.submitted_at.isoformat() if sheet.submitted_at else None,
            "entered_from_paper": sheet.entered_by_id is not None,
            "answers": [
                {
                    "question": q.text if not q.left else f"{q.text} ({q.left} – {q.right})",
                    "answer": _label(q, int(answers[q.key])) if q.key in answers else None,
                }
                for q in instrument.items
            ],
        }
        if rules.author_sees_score(user, sheet):
            item["score"] = {"total": sheet.score["total"], "band": sheet.score["band"]}
        out.append(item)
    return out


def _label(item: catalogue.Item, position: int) -> str:
    if item.left:
        return f"{position + 1} of {len(item.options)}"
    return item.options[position]
