"""IN-1: 50+ XSS payloads stored in every text field never run, on any page that shows them.

The payloads are written straight into the records (so no form's own validation can hide a
template that forgets to escape), then every page is opened in Chromium as each role. A
payload that was interpreted as markup would leave an element with an ``xss-`` id in the DOM,
open a dialog, fetch from evil.example, or trip the CSP (a console error) — all are checked.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    Exercise,
    JournalComment,
    JournalEntry,
    ModuleVersion,
    NoteAmendment,
    ProcessNote,
    Response,
    SessionNote,
    StrategyModule,
    User,
)
from tests.conftest import TEST_PASSWORD
from tests.security.forms import get_pages
from tests.security.scenario import build_world

TEMPLATES = [
    "<script id=xss-{n}>alert({n})</script>",
    "<img id=xss-{n} src=x onerror=alert({n})>",
    "<svg id=xss-{n} onload=alert({n})>",
    "<iframe id=xss-{n} src=javascript:alert({n})></iframe>",
    '<a id=xss-{n} href="javascript:alert({n})">click</a>',
    "<details id=xss-{n} open ontoggle=alert({n})>",
    "</textarea><img id=xss-{n} src=x onerror=alert({n})>",
    "</title><img id=xss-{n} src=x onerror=alert({n})>",
    "<body id=xss-{n} onload=alert({n})>",
    "<input id=xss-{n} autofocus onfocus=alert({n})>",
    "<object id=xss-{n} data=javascript:alert({n})></object>",
    "<embed id=xss-{n} src=javascript:alert({n})>",
    "<base id=xss-{n} href=//evil.example/>",
    "<meta id=xss-{n} http-equiv=refresh content=0;url=javascript:alert({n})>",
    "<form id=xss-{n} action=javascript:alert({n})><button>go</button></form>",
    "<video id=xss-{n}><source onerror=alert({n})></video>",
    "<svg><script id=xss-{n}>alert({n})</script></svg>",
    '<noscript><p title="</noscript><img id=xss-{n} src=x onerror=alert({n})>">',
    "<style id=xss-{n}>body{{display:none}}</style>",
    "<link id=xss-{n} rel=stylesheet href=//evil.example/{n}.css>",
    "<img id=xss-{n} src=//evil.example/{n}.png>",
    "<math><mtext><table><mglyph><style><img id=xss-{n} src=x onerror=alert({n})>",
    "[click](javascript:alert({n}))",
    "{{{{ {n}*7 }}}}",
    "${{alert({n})}}",
    "<div id=xss-{n} style=background:url(javascript:alert({n}))>",
    "<marquee id=xss-{n} onstart=alert({n})>",
]
PREFIXES = ["", '">', "'>"]
PAYLOADS = [
    prefix + template.format(n=f"{index}-{p}")
    for index, template in enumerate(TEMPLATES)
    for p, prefix in enumerate(PREFIXES)
]
ALL = "\n\n".join(PAYLOADS)
SHORT = '"><img id=xss-short src=x onerror=alert(0)>'


def test_there_are_over_fifty_payloads():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def _poison(app, world) -> None:
    """Put the payloads in every text field of the scenario."""
    with app.app_context():
        session = db.session
        for user in session.scalars(sa.select(User)):
            user.name = SHORT
        for case in session.scalars(sa.select(Case)):
            case.label = SHORT
        for entry in session.scalars(sa.select(JournalEntry)):
            entry.title = SHORT + " title"
            entry.body = ALL
            entry.tags = [SHORT, "<b>tag</b>"]
        for response in session.scalars(sa.select(Response)):
            response.answer = {"text": ALL}
        for recipient in session.scalars(sa.select(AssignmentRecipient)):
            recipient.feedback = ALL
        for assignment in session.scalars(sa.select(Assignment)):
            assignment.note = ALL
        for note in session.scalars(sa.select(SessionNote)):
            note.sections = dict.fromkeys(note.sections or {}, ALL)
            session.add(NoteAmendment(note_id=note.id, author_id=world.users["C"], body=ALL))
        for process in session.scalars(sa.select(ProcessNote)):
            process.body = ALL
        for version in session.scalars(sa.select(ModuleVersion)):
            version.title = SHORT
            version.summary = SHORT
            version.introduction = ALL
            version.counselor_notes = ALL
            version.caution = ALL
        for exercise in session.scalars(sa.select(Exercise)):
            exercise.title = SHORT
            exercise.prompt = ALL
        entry = session.get(JournalEntry, world.ids["b_entry_for_counselor"])
        session.add(JournalComment(entry_id=entry.id, author_id=world.users["C"], body=ALL))
        session.commit()


@pytest.fixture
def poisoned_world(app):
    world = build_world(app)
    _poison(app, world)
    yield world
    with app.app_context():
        db.session.execute(sa.update(StrategyModule).values(current_version_id=None))
        db.session.commit()


@pytest.mark.parametrize("role", ["A", "B", "C", "M"])
def test_no_payload_runs_on_any_page(app, poisoned_world, new_visitor, role):
    world = poisoned_world
    visitor = new_visitor(f"xss-{role}")
    visitor.login(world.emails[role], TEST_PASSWORD)
    failures = []
    shown_literally = 0
    pages = get_pages(app, world, role)
    assert len(pages) >= 5
    for path in pages:
        visitor.console_errors.clear()
        page = visitor.visit(path, check_a11y=False)
        injected = page.eval_on_selector_all('[id^="xss-"]', "els => els.map(e => e.id)")
        if injected:
            failures.append(f"{path}: payload elements in the DOM {injected[:5]}")
        if visitor.console_errors:
            failures.append(f"{path}: console errors {visitor.console_errors[:3]}")
        if "id=xss-" in page.content() and "<img id=xss-" in page.inner_text("body"):
            shown_literally += 1
    if visitor.dialogs:
        failures.append(f"dialogs opened: {visitor.dialogs[:5]}")
    foreign = [u for u in visitor.requests if "evil.example" in u]
    if foreign:
        failures.append(f"requests to evil.example: {foreign[:5]}")
    assert not failures, "\n".join(failures)
    # Control: the payloads were on the pages, as text.
    assert shown_literally >= 2, f"payloads shown as text on only {shown_literally} pages"


def test_the_detector_sees_payloads_that_are_not_escaped(new_visitor):
    """Control: the same checks flag the payloads when they do land as markup."""
    visitor = new_visitor("xss-control")
    visitor.page.set_content(f"<html><body><main>{ALL}</main></body></html>")
    injected = visitor.page.eval_on_selector_all('[id^="xss-"]', "els => els.length")
    assert injected >= 40
