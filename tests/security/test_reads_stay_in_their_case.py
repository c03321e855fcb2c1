"""Every read is scoped by case as well as by person (issue security, item 1, the reading side).

X belongs to two cases (see two_cases.py). For each case, every case-page section, the mood
chart, the counselor's feed and badges, the partner's lists and home, the partner's export and
the session's excerpt picker and PDF show that case's items (the positive control) and none of
the other case's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask, render_template

from app.cases.routes import CASE_PAGE_SECTIONS
from app.extensions import db
from app.models import Case, CounselingSession, StrategyModule, User
from app.services import caseload, journal_overview
from app.services import sessions as session_service
from app.services.journal import mood_points, unread_count
from app.sessions.summary import summary_context
from tests.security.conftest import quick_sign_in
from tests.security.two_cases import CASES, TwoCases, build_two_cases, other

#: Sections that show client writing (or its traces) of the case; the others show none at all.
SHOWS_WRITING = {
    "cases/_since_last.html": False,  # counts and dates only (issue ux-pass, item 7)
    "dataprotection/_erased_members.html": False,
    # Times and modalities only (the appointment book's own tests keep cases apart).
    "appointments/_case_section.html": False,
    "assignments/_case_section.html": True,
    "journal/_case_section.html": True,
    "sessions/_case_section.html": True,
    "sessions/_case_checkins.html": True,
    # Consent states, the policy and check dates: no client writing, and nothing of another case.
    "intake/_case_section.html": False,
    # Scores and flags, and thread counts: the two cases here hold neither, so these sections
    # must show nothing of either case; their own canary tests keep partners and cases apart
    # (tests/measures/test_partner_b_stays_private.py, tests/messages/test_canary.py).
    "measures/_case_section.html": False,
    "messages/_case_section.html": False,
}


@pytest.fixture(params=["different counselors", "same counselor"])
def two(request, app: Flask) -> Iterator[TwoCases]:
    """X in two cases, whose counselors are two people or one."""
    yield build_two_cases(app, same_counselor=request.param == "same counselor")
    with app.app_context():
        db.session.execute(sa.update(StrategyModule).values(current_version_id=None))
        db.session.commit()


def cases_in(text: str, two: TwoCases) -> set[int]:
    """The cases whose canaries appear in ``text``."""
    return {n for n in CASES if any(c in text for c in two.canaries(n))}


def _load(app: Flask, fn: Callable):
    with app.test_request_context("/"):
        return fn()


# --- every section of the case page -------------------------------------------------------


def _ids_shown(template: str, context: dict, two: TwoCases) -> set[int]:
    """Cases whose items a section's context holds, for items without text of their own."""
    if template == "assignments/_case_section.html":
        shown = {a.id for a in context["assignments"]}
        return {n for n in CASES if two.assignment[n] in shown}
    if template == "sessions/_case_section.html":
        shown = {s.id for s in context["sessions"]}
        return {n for n in CASES if two.session[n] in shown}
    if template == "sessions/_case_checkins.html":
        shown = {c["latest"].id for c in context["charts"] if c["latest"] is not None}
        return {n for n in CASES if two.check_in[n] in shown}
    return set()


def test_every_section_is_classified():
    assert {s.template for s in CASE_PAGE_SECTIONS} == set(SHOWS_WRITING)


@pytest.mark.parametrize("section", CASE_PAGE_SECTIONS, ids=lambda s: s.template)
@pytest.mark.parametrize("n", CASES)
def test_each_case_page_section_shows_only_its_case(app, two, section, n):
    def load():
        viewer = db.session.get(User, two.counselor[n])
        case = db.session.get(Case, two.case[n])
        context = section.loader(viewer, case)
        if context is None:
            return set()
        html = render_template(section.template, section=context)
        return cases_in(html, two) | _ids_shown(section.template, context, two)

    shown = _load(app, load)
    assert shown == ({n} if SHOWS_WRITING[section.template] else set())


def _mood_points_drawn(html: str, chart_id: str) -> int:
    """How many points the page's mood chart ``chart_id`` draws."""
    match = re.search(rf'aria-labelledby="{chart_id}-title.*?</svg>', html, re.S)
    return match.group(0).count("<circle") if match else 0


@pytest.mark.parametrize("n", CASES)
def test_the_case_page_shows_only_its_case(app, two, n):
    page = quick_sign_in(app, two.counselor[n]).get(f"/cases/{two.case[n]}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert cases_in(html, two) == {n}
    # X wrote one entry with a mood in each case: this case's chart draws one point.
    assert _mood_points_drawn(html, f"mood-case-{two.case[n]}-{two.x}") == 1
    assert _mood_points_drawn(html, f"mood-case-{two.case[n]}-{two.partner[n]}") == 1


@pytest.mark.parametrize("n", CASES)
def test_the_mood_chart_shows_only_its_case(app, two, n):
    def load():
        viewer = db.session.get(User, two.counselor[n])
        case = db.session.get(Case, two.case[n])
        authors = [two.x, two.partner[n]]
        points = mood_points(viewer, case, authors)
        journal = journal_overview.case_journal(viewer, case, authors, 8)
        return {two.moments[t] for _, t, _ in points}, {two.moments[t] for _, t, _ in journal.moods}

    assert _load(app, load) == ({n}, {n})


# --- the counselor's feed and badges ------------------------------------------------------


@pytest.mark.parametrize("n", CASES)
def test_dashboard_counts_each_case_apart(app, two, n):
    def load():
        rows = caseload.dashboard(db.session.get(User, two.counselor[n])).rows
        return {row.case.id: row.unread for row in rows}

    unread = _load(app, load)
    assert unread[two.case[n]] == len(two.entries[n])
    assert unread.get(two.case[other(n)], len(two.entries[other(n)])) == len(two.entries[other(n)])


@pytest.mark.parametrize("n", CASES)
def test_feed_and_unread_badge_hold_only_the_counselors_cases(app, two, n):
    same = two.counselor[1] == two.counselor[2]
    expected = set(CASES) if same else {n}
    feed = quick_sign_in(app, two.counselor[n]).get("/caseload/journal")
    assert cases_in(feed.get_data(as_text=True), two) == expected
    count = _load(app, lambda: unread_count(db.session.get(User, two.counselor[n])))
    assert count == sum(len(two.entries[m]) for m in expected)


# --- the partner in each case -------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/me/journal/shared",
        "/me/export.json",
        "/me/exercises/{recipient}/{exercise}",
    ],
)
@pytest.mark.parametrize("n", CASES)
def test_the_partner_in_one_case_sees_nothing_of_the_other(app, two, n, path):
    url = path.format(recipient=two.partner_recipient[n], exercise=two.exercise[n])
    page = quick_sign_in(app, two.partner[n]).get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    if path.endswith(".json"):
        text = json.dumps(json.loads(text))
    shown = cases_in(text, two)
    assert shown == {n}


@pytest.mark.parametrize("n", CASES)
def test_the_partners_home_badge_counts_only_their_case(app, two, n):
    def load():
        viewer = db.session.get(User, two.partner[n])
        return journal_overview.home_journal(viewer, [two.case[n]]).partner_shared

    assert _load(app, load) == 1
    home = quick_sign_in(app, two.partner[n]).get("/me").get_data(as_text=True)
    assert "Your partner shared 1 entry" in home


def test_the_client_in_both_cases_sees_both_partners(app, two):
    page = quick_sign_in(app, two.x).get("/me/journal/shared").get_data(as_text=True)
    assert cases_in(page, two) == set(CASES)


# --- the session's excerpt picker and PDF -------------------------------------------------


@pytest.mark.parametrize("n", CASES)
def test_excerpt_picker_and_pdf_show_only_the_sessions_case(app, two, n):
    def load():
        viewer = db.session.get(User, two.counselor[n])
        case = db.session.get(Case, two.case[n])
        session = session_service.load_session(case.id, two.session[n])
        pickable = {e.id for e in session_service.pickable_entries(viewer, case)}
        picked = {e.id for e in session_service.picked_entries(viewer, case, session)}
        _, context = summary_context(case, session, "clinician")
        pdf_titles = " ".join(p["title"] for p in context["picked"])
        return pickable, picked, cases_in(pdf_titles, two)

    pickable, picked, in_pdf = _load(app, load)
    assert pickable == set(two.entries[n])
    assert picked == {two.x_entry[n]}  # the forged pick of the other case is left out
    assert in_pdf == {n}
    page = quick_sign_in(app, two.counselor[n]).get(
        f"/cases/{two.case[n]}/sessions/{two.session[n]}"
    )
    assert cases_in(page.get_data(as_text=True), two) == {n}


@pytest.mark.parametrize("n", CASES)
def test_another_cases_entry_cannot_be_picked(app, two, n):
    def attempt():
        viewer = db.session.get(User, two.counselor[n])
        case = db.session.get(Case, two.case[n])
        session = db.session.get(CounselingSession, two.session[n])
        with pytest.raises(session_service.SessionRuleError):
            session_service.set_picks(viewer, case, session, [two.x_entry[other(n)]])

    _load(app, attempt)
