"""Two app hosts behind a round-robin proxy behave as one (issue 20, ``production-scale``).

Each step that matters is checked to have crossed hosts (``X-Upstream``): signed in on one,
recognised on the other; a form fetched from one, posted through the other; throttle counts,
autosave sequence numbers and versions kept in the shared database and Redis, never in a host.

PostgreSQL only: two hosts cannot share a SQLite file, so on SQLite these tests are skipped
(the suite runs on PostgreSQL in CI, where they run every time).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from app.auth import throttle
from app.extensions import db
from app.models import CounselingSession, JournalEntry, NoteFormat, NoteStatus, SessionNote, utcnow
from tests.integration.conftest import Answer, TwoHosts, crossed, postgres_only, sign_in

pytestmark = postgres_only

NEW_PASSWORD = "a calm walk by the harbour"
KEY = "h" * 32


def test_the_proxy_sends_requests_to_both_hosts_in_turn(two_hosts: TwoHosts):
    browser = two_hosts.browser()
    answers = [browser.get("/healthz") for _ in range(4)]
    assert all(a.status == 200 for a in answers)
    assert {a.host for a in answers} == set(two_hosts.hosts)
    assert crossed(*answers)


def test_signed_in_on_one_host_is_signed_in_on_the_other_and_out_on_both(two_hosts, factory):
    counselor = factory.counselor()
    browser = two_hosts.browser()
    page, answer = sign_in(browser, counselor.email)
    assert answer.status == 302 and "/login" not in answer.headers["location"]
    assert crossed(page, answer)
    pages = [browser.get("/caseload") for _ in range(2)]
    assert [p.status for p in pages] == [200, 200] and crossed(*pages)

    home = browser.get("/caseload")
    out = browser.post("/logout", {"csrf_token": home.csrf_token()})
    assert out.status == 302
    # The sign-in is a row in the database: ended on one host, it is gone on both.
    after = [browser.get("/caseload") for _ in range(2)]
    assert crossed(*after)
    assert all(a.status == 302 and "/login" in a.headers["location"] for a in after)


def test_a_form_from_one_host_posts_through_the_other_and_a_forged_one_is_refused(
    two_hosts, factory
):
    counselor = factory.counselor()
    browser = two_hosts.browser()
    sign_in(browser, counselor.email)
    form = browser.get("/cases/new")
    created = browser.post(
        "/cases/new",
        {
            "csrf_token": form.csrf_token(),
            "label": "Cross-host",
            "kind": "individual",
            "a_name": "Robin Cross",
            "a_email": "robin.cross@example.test",
        },
    )
    assert crossed(form, created)
    assert created.status == 302 and re.search(r"/cases/\d+$", created.headers["location"])

    forged = [
        browser.post(
            "/cases/new",
            {
                "csrf_token": token,
                "label": "Forged",
                "kind": "individual",
                "a_name": "Nobody",
                "a_email": "nobody@example.test",
            },
        )
        for token in ("", "not-a-token")
    ]
    assert crossed(*forged)
    assert [f.status for f in forged] == [400, 400]


def test_failed_sign_ins_count_together_whichever_host_they_reach(two_hosts, factory):
    client = factory.client()
    browser = two_hosts.browser()
    token = browser.get("/login").csrf_token()

    def attempt() -> Answer:
        wrong = {"email": client.email, "password": "wrong password", "csrf_token": token}
        return browser.post("/login", wrong)

    failures = [attempt() for _ in range(throttle.PAIR_LIMIT)]
    assert all(a.status == 200 for a in failures)
    assert crossed(*failures)  # half of them on each host
    # The next attempts wait on both hosts: the counters are in the shared Redis.
    refused = [attempt() for _ in range(2)]
    assert crossed(*refused)
    assert [a.status for a in refused] == [429, 429]
    assert all("Try again in" in a.text for a in refused)


def test_autosave_sequence_and_versions_hold_across_hosts(two_hosts, factory, app):
    case, partner, _ = factory.couple()
    browser = two_hosts.browser()
    sign_in(browser, partner.email)
    token = browser.get("/me/journal/new").csrf_token()
    url = f"/me/journal/new/{KEY}/autosave"
    fields = {"title": "Two hosts", "mood": "3", "version": ""}
    first = browser.post_json(url, {"seq": 10, "fields": {**fields, "body": "one"}}, token)
    second = browser.post_json(
        url, {"seq": 11, "fields": {"body": "one two", "version": "1"}}, token
    )
    late = browser.post_json(url, {"seq": 9, "fields": {"body": "late", "version": "2"}}, token)
    stale = browser.post_json(url, {"seq": 12, "fields": {"body": "stale", "version": "1"}}, token)
    assert crossed(first, second, late, stale)
    assert first.json() == {"saved": True, "version": 1}
    assert second.json() == {"saved": True, "version": 2}
    assert late.json()["saved"] is False  # an older keystroke never overwrites a newer one
    assert stale.status == 409  # an older version never overwrites, whichever host it reaches
    with app.app_context():
        entry = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.case_id == case.id))
        assert (entry.body, entry.version, entry.draft_seq) == ("one two", 2, 11)


def test_a_stale_edit_is_refused_whichever_host_saves_first(two_hosts, factory, app):
    _, partner, _ = factory.couple()
    browser = two_hosts.browser()
    sign_in(browser, partner.email)
    new = browser.get("/me/journal/new")
    saved = browser.post(
        "/me/journal/new",
        {
            "csrf_token": new.csrf_token(),
            "title": "First",
            "body": "first text",
            "visibility": "private",
            "request_key": KEY,
            "version": "",
        },
    )
    assert saved.status == 302, saved.text[:500]
    entry_id = int(re.search(r"/me/journal/(\d+)", saved.headers["location"]).group(1))
    edit = f"/me/journal/{entry_id}/edit"
    tabs = [browser.get(edit) for _ in range(2)]  # two tabs, one on each host
    assert crossed(*tabs)
    versions = [re.search(r'name="version"[^>]*value="(\d+)"', t.text).group(1) for t in tabs]
    assert versions[0] == versions[1]

    def save(tab: Answer, body: str) -> Answer:
        return browser.post(
            edit,
            {
                "csrf_token": tab.csrf_token(),
                "title": "First",
                "body": body,
                "visibility": "private",
                "version": versions[0],
            },
        )

    first, second = save(tabs[0], "from the first tab"), save(tabs[1], "from the second tab")
    assert crossed(first, second)
    assert first.status == 302 and second.status == 409
    with app.app_context():
        assert db.session.get(JournalEntry, entry_id).body == "from the first tab"


def test_an_invitation_opened_on_one_host_is_accepted_on_the_other_once(two_hosts, factory):
    counselor = factory.counselor()
    staff = two_hosts.browser()
    sign_in(staff, counselor.email)
    form = staff.get("/cases/new")
    created = staff.post(
        "/cases/new",
        {
            "csrf_token": form.csrf_token(),
            "label": "Invited",
            "kind": "individual",
            "a_name": "Sky Invited",
            "a_email": "sky.invited@example.test",
        },
    )
    page = staff.get(created.headers["location"])
    links = re.findall(r'value="https?://[^"/]+(/invite/[^"]+)"', page.text)
    assert links, "no invitation link on the case page"

    invitee = two_hosts.browser()
    opened = invitee.get(links[0])
    assert opened.status == 200 and "Choose a password" in opened.text
    accepted = invitee.post(
        links[0],
        {"csrf_token": opened.csrf_token(), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert crossed(opened, accepted)
    assert accepted.status == 302
    homes = [invitee.get("/me") for _ in range(2)]
    assert crossed(*homes) and [h.status for h in homes] == [200, 200]
    again = [two_hosts.browser().get(links[0]) for _ in range(2)]
    assert {a.host for a in again} == set(two_hosts.hosts)
    assert [a.status for a in again] == [410, 410]


def test_the_session_summary_pdf_downloads_from_either_host(two_hosts, factory, app):
    counselor = factory.counselor()
    case, a, b = factory.couple(counselor)
    with app.app_context():
        session = CounselingSession(
            case_id=case.id,
            counselor_id=counselor.id,
            starts_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
        )
        note = SessionNote(format=NoteFormat.DAP)
        note.sections = {"data": "We practised the time-out plan.", "plan": "Keep going."}
        note.status, note.signed_by_id, note.signed_at = NoteStatus.SIGNED, counselor.id, utcnow()
        session.note = note
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    browser = two_hosts.browser()
    sign_in(browser, counselor.email)
    path = f"/cases/{case.id}/sessions/{session_id}/summary.pdf"
    requests = [browser.get(path) for _ in range(2)]
    assert crossed(*requests)
    for answer in requests:
        # Rendered by the one consumer: the file at once, or its job page to follow.
        pdf = answer if answer.status == 200 else _follow_job(browser, answer)
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body.startswith(b"%PDF-")


def _follow_job(browser, answer):
    """From "We are preparing your PDF" (303 to the job) to the download, through any host."""
    assert answer.status == 303, answer.text[:300]
    job = answer.headers["location"].split("://", 1)[-1]
    job = job[job.index("/") :] if not job.startswith("/") else job
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = browser.get(job + "/status").json()
        if state["status"] != "pending":
            break
        time.sleep(0.2)
    assert state["status"] == "ready", state
    return browser.get(state["download_url"])


def test_the_audit_trail_written_through_both_hosts_verifies_against_one_anchor(
    two_hosts, factory, runner
):
    counselor = factory.counselor()
    browser = two_hosts.browser()
    sign_in(browser, counselor.email)
    pages = [browser.get("/caseload") for _ in range(4)]
    assert {p.host for p in pages} == set(two_hosts.hosts)
    # Both hosts chain their events in one database and move one shared anchor file forward.
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit trail intact" in result.output and "newer" not in result.output
