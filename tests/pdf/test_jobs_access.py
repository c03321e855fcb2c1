"""PDF-4: a queued PDF is the asker's alone, stored encrypted, and follows the page's own rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.crypto import DecryptionError
from app.extensions import db
from app.models import AuditEvent, PdfJob, PdfJobStatus, utcnow
from app.pdf import PdfError, jobs
from tests.pdf.jobs_helpers import only_job, run_queued, write_entry

CANARY = "CANARY-job-access-31f0"
JOB_URLS = ["/pdfs/{token}", "/pdfs/{token}/status", "/pdfs/{token}/download"]


@pytest.fixture
def app_config(tmp_path):
    return {"REKINDLE_QUEUE_IMMEDIATE": False, "REKINDLE_QUEUE_FILE": str(tmp_path / "q.db")}


@pytest.fixture
def ready_export(app, factory, login_as):
    """(case, partner A, partner B, A's finished export job)."""
    counselor = factory.counselor()
    case, a, b = factory.couple(counselor)
    write_entry(app, case, a, f"Private thoughts. {CANARY}")
    assert login_as(a).get("/me/export.pdf").status_code == 303
    run_queued(app)
    return counselor, case, a, b, only_job(app)


@pytest.mark.parametrize("url", JOB_URLS)
@pytest.mark.parametrize("who", ["partner", "counselor", "admin"])
def test_nobody_else_sees_or_downloads_the_job(app, factory, login_as, ready_export, url, who):
    counselor, _case, _a, b, job = ready_export
    other = {"partner": b, "counselor": counselor, "admin": factory.admin()}[who]
    response = login_as(other).get(url.format(token=job.token))
    assert response.status_code == 404
    assert CANARY.encode() not in response.data
    with app.app_context():
        denied = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.outcome == "denied", AuditEvent.actor_id == other.id
            )
        ).all()
    assert len(denied) == 1


def test_the_pdf_is_stored_encrypted_and_bound_to_its_job(app, factory, ready_export):
    _counselor, _case, a, b, job = ready_export
    assert job.status is PdfJobStatus.READY
    assert job.pdf_ct is not None and not job.pdf_ct.startswith(b"%PDF")
    with app.app_context():
        copy = PdfJob(kind=job.kind, user_id=b.id, title="x", filename="x.pdf")
        copy.status, copy.pdf_ct = PdfJobStatus.READY, job.pdf_ct
        db.session.add(copy)
        db.session.flush()
        with pytest.raises(DecryptionError):
            jobs.pdf_bytes(copy)  # moved into another person's job, it does not open
        assert jobs.pdf_bytes(db.session.get(PdfJob, job.id)).startswith(b"%PDF")
        db.session.rollback()


def test_a_counselor_who_lost_the_case_cannot_download_its_summary(
    app, factory, build, couple_case, login_as
):
    counselor, case, a, b = couple_case
    sid = build.session(case, attendees=[a, b], sections={"data": "Calm."}, signed_by=counselor)
    client = login_as(counselor)
    assert client.get(f"/cases/{case.id}/sessions/{sid}/summary.pdf").status_code == 303
    run_queued(app)
    job = only_job(app)
    with app.app_context():
        from app.models import Case

        db.session.get(Case, case.id).counselor_id = factory.counselor().id
        db.session.commit()
    assert client.get(f"/pdfs/{job.token}/download").status_code == 404
    with app.app_context():
        assert db.session.get(PdfJob, job.id).downloaded_at is None


def test_a_failed_render_says_why_offers_a_retry_and_is_audited(
    app, factory, login_as, monkeypatch
):
    counselor = factory.counselor()
    case, a, _b = factory.couple(counselor)

    def refuse(*args, **kwargs):
        raise PdfError("This document was too large to prepare. Please shorten it and try again.")

    monkeypatch.setattr(jobs, "render_html_to_pdf", refuse)
    client = login_as(a)
    location = client.get("/me/export.pdf").headers["Location"]
    run_queued(app)
    page = client.get(location)
    assert page.status_code == 503
    assert "too large to prepare" in page.text
    assert 'href="/me/export.pdf"' in page.text and "Try again" in page.text
    assert client.get(location + "/status").get_json()["status"] == "failed"
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "export.pdf")
        ).one()
    assert (event.actor_id, event.outcome) == (a.id, "failed")


def test_the_purge_deletes_old_pdfs_and_ends_lost_renders(app, factory, login_as):
    counselor = factory.counselor()
    _case, a, _b = factory.couple(counselor)
    with app.app_context():
        old = PdfJob(kind="export", user_id=a.id, title="old", filename="old.pdf")
        old.created_at = utcnow() - timedelta(hours=25)
        lost = PdfJob(kind="export", user_id=a.id, title="lost", filename="lost.pdf")
        lost.created_at = utcnow() - timedelta(hours=1)
        fresh = PdfJob(kind="export", user_id=a.id, title="fresh", filename="fresh.pdf")
        db.session.add_all([old, lost, fresh])
        db.session.commit()
        app.extensions["huey_tasks"]["app.pdf.jobs.purge_pdf_jobs"].call_local()
        left = dict(db.session.execute(sa.select(PdfJob.title, PdfJob.status)).all())
    assert left == {"lost": PdfJobStatus.FAILED, "fresh": PdfJobStatus.PENDING}


def test_erasing_a_client_deletes_their_pdfs(app, ready_export):
    _counselor, _case, a, _b, _job = ready_export
    from app.models import User
    from app.services.erasure import erase_client

    with app.app_context():
        erase_client(db.session.get(User, a.id))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PdfJob)) == 0
