"""The counselor's reads of measures: trends, the partner gap, the caseload's latest CSI.

Every read asks ``app.policy.measures``; none returns anything to a partner, another counselor
or the admin (their criteria are ``false``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.measures import instruments as catalogue
from app.measures.charts import GapPoint, Point, gap_steps, gap_svg, reliable_steps, trend_svg
from app.measures.schedule_rules import week_key
from app.models import MeasureResponse, User
from app.models.measure import RELATIONSHIP_MEASURES
from app.policy import measures as rules
from app.services.combined_read import Part, read
from app.templating import local_time

TREND_LIMIT = 52


@dataclass
class Trend:
    """One person's scores on one instrument."""

    name: str
    instrument: catalogue.Instrument
    points: list[Point]
    sheets: list[MeasureResponse]
    svg: Any = None

    @property
    def latest(self) -> Point:
        return self.points[-1]


@dataclass
class Gap:
    """Both partners on one relationship instrument, week by week."""

    instrument: catalogue.Instrument
    names: tuple[str, str]
    points: list[GapPoint]
    svg: Any = None


@dataclass
class CaseMeasures:
    """What the counselor's views and the clinician PDF show."""

    trends: list[Trend] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.trends


def submitted_sheets(
    counselor: User,
    case: Any,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[MeasureResponse]:
    """The case's submitted sheets the counselor may read, oldest first (one query)."""
    query = sa.select(MeasureResponse).where(rules.counselor_reads(counselor, case))
    if since is not None:
        query = query.where(MeasureResponse.submitted_at > since)
    if until is not None:
        query = query.where(MeasureResponse.submitted_at <= until)
    rows = db.session.scalars(
        query.order_by(MeasureResponse.submitted_at.desc(), MeasureResponse.id.desc()).limit(
            TREND_LIMIT * 8
        )
    ).all()
    return list(reversed(rows))


def case_measures(
    counselor: User,
    case: Any,
    members: Sequence[Any],
    *,
    until: datetime | None = None,
    since: datetime | None = None,
    charts: bool = True,
) -> CaseMeasures:
    """Per member and instrument a trend; per relationship instrument the partner gap."""
    sheets = submitted_sheets(counselor, case, until=until, since=since)
    names = {m.user_id: m.user.name for m in members}
    grouped: dict[tuple[int, str], list[MeasureResponse]] = {}
    for sheet in sheets:
        if sheet.user_id in names:
            grouped.setdefault((sheet.user_id, sheet.instrument), []).append(sheet)
    result = CaseMeasures()
    order = list(names)
    for (user_id, code), rows in sorted(
        grouped.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])
    ):
        instrument = catalogue.get(code)
        rows = rows[-TREND_LIMIT:]
        totals = [int(r.score["total"]) for r in rows]
        steps = reliable_steps(instrument, totals)
        points = [
            Point(local_time(r.submitted_at, "%d %b"), t, r.score["band"], s)
            for r, t, s in zip(rows, totals, steps, strict=True)
        ]
        trend = Trend(names[user_id], instrument, points, rows)
        if charts:
            trend.svg = trend_svg(
                instrument, points, title=f"{instrument.title} of {names[user_id]} over time"
            )
        result.trends.append(trend)
    if len(order) == 2:
        for code in {c for (_, c) in grouped if catalogue.is_relationship_measure(c)}:
            gap = partner_gap(
                catalogue.get(code),
                grouped.get((order[0], code), []),
                grouped.get((order[1], code), []),
                (names[order[0]], names[order[1]]),
            )
            if gap.points:
                if charts:
                    gap.svg = gap_svg(
                        gap.instrument,
                        gap.points,
                        gap.names,
                        title=f"{gap.instrument.title}: both partners and the gap between them",
                    )
                result.gaps.append(gap)
    return result


def partner_gap(
    instrument: catalogue.Instrument,
    a_rows: Iterable[MeasureResponse],
    b_rows: Iterable[MeasureResponse],
    names: tuple[str, str],
) -> Gap:
    """Weeks where both answered (each partner's latest of the week), and the gap."""
    by_week: dict[str, dict[str, int]] = {}
    labels: dict[str, str] = {}
    for side, rows in (("a", a_rows), ("b", b_rows)):
        for row in rows:
            assert row.submitted_at is not None  # only submitted sheets are read
            week = week_key(row.submitted_at)
            by_week.setdefault(week, {})[side] = int(row.score["total"])
            labels[week] = local_time(row.submitted_at, "%d %b")
    weeks = [w for w in sorted(by_week) if len(by_week[w]) == 2]
    gaps = [abs(by_week[w]["a"] - by_week[w]["b"]) for w in weeks]
    steps = gap_steps(instrument, gaps)
    points = [
        GapPoint(labels[w], by_week[w]["a"], by_week[w]["b"], g, s)
        for w, g, s in zip(weeks, gaps, steps, strict=True)
    ]
    return Gap(instrument, names, points)


@dataclass(frozen=True)
class LatestCsi:
    """A partner's latest relationship score on the caseload, with its direction."""

    instrument: str
    total: int
    direction: str  # "up", "down", "same" or "first"
    beyond_cutoff: bool


def latest_csi(counselor: User, cases: Sequence[Any]) -> dict[tuple[int, int], LatestCsi]:
    """``{(case id, user id): latest CSI}`` for a page of cases loaded with their members and
    each member's ``recent_relationship_scores`` (no statement of its own)."""
    latest = {}
    for case in cases:
        if not rules.is_case_counselor(counselor, case):
            continue
        for member in case.members:
            sheets: list[MeasureResponse] = list(member.recent_relationship_scores)
            if not sheets:
                continue
            latest[(case.id, member.user_id)] = _latest_of(sheets)
    return latest


def latest_for_case_part(counselor: User, case: Any) -> Part:
    """Each partner's two latest CSI sheets in the case, as a part of a combined read."""
    ranked = (
        sa.select(
            MeasureResponse.id.label("id"),
            sa.func.row_number()
            .over(
                partition_by=MeasureResponse.user_id,
                order_by=(MeasureResponse.submitted_at.desc(), MeasureResponse.id.desc()),
            )
            .label("rank"),
        )
        .where(
            rules.counselor_reads(counselor, case),
            MeasureResponse.instrument.in_(RELATIONSHIP_MEASURES),
        )
        .subquery()
    )
    return Part(
        (MeasureResponse,),
        MeasureResponse.id.in_(sa.select(ranked.c.id).where(ranked.c.rank <= 2)),
        order_by=(MeasureResponse.submitted_at, MeasureResponse.id),
    )


def latest_for_case_from(
    case: Any, rows: Iterable[MeasureResponse]
) -> dict[tuple[int, int], LatestCsi]:
    """``latest_for_case`` from the sheets of ``latest_for_case_part``, oldest first."""
    history: dict[int, list[MeasureResponse]] = {}
    for row in rows:
        history.setdefault(row.user_id, []).append(row)
    return {(case.id, uid): _latest_of(sheets) for uid, sheets in history.items()}


def latest_for_case(counselor: User, case: Any) -> dict[tuple[int, int], LatestCsi]:
    """The same for one case, read in one statement (the case page's section)."""
    found = read({"latest": latest_for_case_part(counselor, case)})
    return latest_for_case_from(case, found.first("latest"))


def _latest_of(sheets: list[MeasureResponse]) -> LatestCsi:
    """The last of one person's (up to two) latest sheets, with the direction from the one before."""
    last = sheets[-1]
    total = int(last.score["total"])
    if len(sheets) < 2 or sheets[-2].instrument != last.instrument:
        direction = "first"
    else:
        before = int(sheets[-2].score["total"])
        direction = "up" if total > before else "down" if total < before else "same"
    return LatestCsi(last.instrument, total, direction, bool(last.score["beyond"]))
