"""PDF-4: a PDF request never holds the web worker long; the person is told when it is ready.

The queue here is a real SQLite queue with no consumer, so the tests decide when the render
happens (``run_queued``) and can look at the pages in between.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, PdfJobStatus
from tests.pdf.helpers import long_text, pdf_text
from tests.pdf.jobs_helpers import only_job, run_queued, write_entry

CANARY = "CANARY-job-flow-77aa"


@pytest.fixture
def app_config(tmp_path):
    return {
        "REKINDLE_QUEUE_IMMEDIATE": False,
        "REKINDLE_QUEUE_FILE": str(tmp_path / "queue.db"),
        "REKINDLE_PDF_WAIT_SECONDS": 1.0,
        "REKINDLE_PDF_BACKGROUND_CHARS": 100_000,
    }


@pytest.fixture
def client_a(app, factory, login_as):
    counselor = factory.counselor()
    case, a, _b = factory.couple(counselor)
    return case, a, login_as(a)


def timed_get(client, url):
    start = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - start


@pytest.fixture
def waits(monkeypatch):
    """The waits the page asked for (seconds), recorded around the real ``jobs.wait_for``."""
    from app.pdf import jobs

    asked: list[float] = []
    real = jobs.wait_for

    def recording(job_id: int, seconds: float):
        asked.append(seconds)
        return real(job_id, seconds)

    monkeypatch.setattr(jobs, "wait_for", recording)
    return asked


def test_a_big_document_does_not_wait_at_all(app, client_a, waits):
    case, a, client = client_a
    write_entry(app, case, a, long_text(100_000, CANARY))
    response = client.get("/me/export.pdf")
    # Before the queue this request rendered ~30 pages itself (seconds, up to the 20 s limit).
    assert response.status_code == 303
    assert waits == [0.0]  # no wait at all: straight to "We are preparing your PDF"
    assert only_job(app).status is PdfJobStatus.PENDING


def test_a_small_document_waits_no_longer_than_the_bound(app, client_a, waits):
    case, a, client = client_a
    write_entry(app, case, a, "A short entry.")
    response, seconds = timed_get(client, "/me/export.pdf")
    assert response.status_code == 303  # no consumer ran it: the page stops waiting
    assert waits == [1.0]  # the configured bound, REKINDLE_PDF_WAIT_SECONDS
    assert seconds >= 0.9  # it did wait (a lower bound only: no timing ceiling in tests)


def test_preparing_page_then_ready_then_downloaded(app, client_a):
    case, a, client = client_a
    write_entry(app, case, a, f"Sunday walk. {CANARY}")
    location = client.get("/me/export.pdf").headers["Location"]

    page = client.get(location)
    assert page.status_code == 200
    assert "We are preparing your PDF" in page.text
    assert f'href="{location}"' in page.text and "Check again" in page.text
    assert "pdf-job.js" in page.text  # a script of our own polls; nothing inline
    assert 'http-equiv="refresh"' not in page.text.lower()
    assert client.get(location + "/status").get_json() == {
        "status": "pending",
        "download_url": None,
    }
    assert "A copy of your data: being prepared." in client.get("/me").text

    run_queued(app)
    state = client.get(location + "/status").get_json()
    assert state == {"status": "ready", "download_url": location + "/download"}
    assert "Your PDF is ready" in client.get(location).text
    assert "A copy of your data: ready to download." in client.get("/me").text

    download = client.get(state["download_url"])
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Disposition"].startswith(
        'attachment; filename="rekindle-my-data-'
    )
    assert CANARY in pdf_text(download.data)
    assert "A copy of your data" not in client.get("/me").text  # the notice is gone
    with app.app_context():
        events = db.session.execute(
            sa.select(
                AuditEvent.action, AuditEvent.actor_id, AuditEvent.outcome, AuditEvent.detail
            ).where(AuditEvent.action == "export.pdf")
        ).all()
    assert [(e.action, e.actor_id, e.outcome) for e in events] == [("export.pdf", a.id, "ok")]
    assert events[0].detail.startswith("entries=1 ")


def test_the_counselor_sees_a_waiting_summary_on_the_caseload(app, build, couple_case, login_as):
    counselor, case, a, b = couple_case
    sid = build.session(case, attendees=[a, b], sections={"data": "Calm."}, signed_by=counselor)
    client = login_as(counselor)
    response = client.get(f"/cases/{case.id}/sessions/{sid}/summary.pdf?copy=client")
    assert response.status_code == 303
    assert (
        "Session summary of 2026-11-20, client copy: being prepared."
        in client.get("/caseload").text
    )
    run_queued(app)
    assert "client copy: ready to download." in client.get("/caseload").text


def test_asking_again_while_it_is_prepared_joins_the_same_render(app, client_a):
    case, a, client = client_a
    write_entry(app, case, a, long_text(100_000))
    first = client.get("/me/export.pdf").headers["Location"]
    again = client.get("/me/export.pdf")
    assert again.status_code == 303 and again.headers["Location"] == first
    assert only_job(app).status is PdfJobStatus.PENDING  # one job, one queued render
    assert app.extensions["huey"].pending_count() == 1


def test_when_the_queue_is_down_the_page_says_so_at_once(app, client_a, monkeypatch, waits):
    case, a, client = client_a
    write_entry(app, case, a, "A short entry.")

    def refuse(*args, **kwargs):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(app.extensions["huey"].storage, "enqueue", refuse)
    response = client.get("/me/export.pdf")
    assert response.status_code == 503
    assert "The PDF service cannot be reached just now" in response.text
    assert waits == []  # no waiting for a render that was never queued
    job = only_job(app)
    assert job.status is PdfJobStatus.FAILED
    with app.app_context():
        outcomes = db.session.scalars(
            sa.select(AuditEvent.outcome).where(AuditEvent.action == "export.pdf")
        ).all()
    assert outcomes == ["failed"]


def test_a_long_render_holds_no_database_lock(app, client_a, monkeypatch):
    # On SQLite a task's transaction takes the write lock; a minute-long render inside it
    # made every page that writes (sign-ins, audit, saves) fail with "database is locked".
    from app.pdf import jobs

    case, a, client = client_a
    write_entry(app, case, a, long_text(100_000))
    assert client.get("/me/export.pdf").status_code == 303
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    wrote = []

    def write_elsewhere() -> None:
        """Another process's write, willing to wait half a second for the lock."""
        statement = "UPDATE pdf_jobs SET title = 'renamed while rendering'"
        if url.get_backend_name() == "sqlite":
            conn = sqlite3.connect(url.database, timeout=0.5, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(statement)
                conn.execute("COMMIT")
            finally:
                conn.close()
        else:
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '500ms'")
                conn.exec_driver_sql(statement)
            engine.dispose()
        wrote.append(True)

    def render_while_someone_writes(html, *, background):
        write_elsewhere()
        return b"%PDF-1.4 stand-in"

    monkeypatch.setattr(jobs, "render_html_to_pdf", render_while_someone_writes)
    run_queued(app)
    assert only_job(app).error is None
    assert wrote == [True]
    assert only_job(app).status is PdfJobStatus.READY
