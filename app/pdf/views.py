"""Pages of queued PDFs: "we are preparing your PDF", its status for the poll, the download.

Feature pages answer a PDF request with ``respond(kind, ...)``; only the person who asked can
see or download a job (anyone else gets the audited 404 of a page that does not exist).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, url_for
from flask_login import current_user

from app import audit
from app.authz import deny
from app.extensions import db
from app.models import PdfJob, PdfJobStatus
from app.pdf import jobs

bp = Blueprint("pdfs", __name__)


@bp.app_template_global()
def pdf_jobs_waiting() -> list[PdfJob]:
    """The signed-in person's PDFs not yet downloaded, for a notice on their home page."""
    return jobs.waiting_for(current_user) if current_user.is_authenticated else []


#: The client home's notice of PDFs ready to download (listed in ``app.client.routes``).
HOME_TEMPLATE = "pdf_jobs/_home_notices.html"


def waiting_pdfs_section(user, memberships) -> dict | None:
    """Shows "Your PDF is ready" at the top of the client's home until it is downloaded."""
    waiting = jobs.waiting_for(user)
    return {"jobs": waiting} if waiting else None


def _write_transaction() -> None:
    """From here this GET writes: end its read transaction, so SQLite begins IMMEDIATE next."""
    db.session.commit()
    g.sqlite_write = True


def respond(kind: str, **job: object):
    """Answer a PDF request: the file if it is ready within the short wait, else the job page.

    Commits the new job before queueing it, since the consumer reads it from the database.
    Asking again while the same document is being prepared shows that render's page.
    """
    under_way = jobs.pending_like(kind, current_user, **job)  # type: ignore[arg-type]
    if under_way is not None:
        return redirect(url_for("pdfs.show", token=under_way.token), code=303)
    _write_transaction()
    new = jobs.start(kind, current_user, **job)  # type: ignore[arg-type]
    job_id = new.id
    wait = float(current_app.config["REKINDLE_PDF_WAIT_SECONDS"]) if jobs.is_small(new) else 0.0
    db.session.commit()
    # From here the page only reads: on SQLite a write transaction left open would lock out
    # the task (which, in immediate mode, runs right here).
    g.sqlite_write = False
    try:
        jobs.render_job(job_id)
    except Exception:  # the queue is down: say so now rather than show a render never coming
        current_app.logger.exception("could not queue PDF job %s", job_id)
        g.sqlite_write = True
        jobs.fail(job_id, "The PDF service cannot be reached just now. Please try again shortly.")
        db.session.commit()  # an error page's transaction is rolled back; this must stay
        return _failed(db.session.get_one(PdfJob, job_id))
    new = jobs.wait_for(job_id, wait)
    if new.status is PdfJobStatus.READY:
        return _download(new)
    if new.status is PdfJobStatus.FAILED:
        return _failed(new)
    return redirect(url_for("pdfs.show", token=new.token), code=303)


def _job(token: str) -> PdfJob:
    job = jobs.for_owner(token, current_user)
    if job is None:
        deny(f"pdf job {token[:6]}…")
    jobs.KINDS[job.kind].authorize(job)  # the document's own rule, checked again
    return job


def _failed(job: PdfJob):
    kind = jobs.KINDS[job.kind]
    return render_template("pdf_jobs/show.html", job=job, retry_url=kind.retry_url(job)), 503


def _download(job: PdfJob):
    kind = jobs.KINDS[job.kind]
    audit_object = kind.authorize(job)
    _write_transaction()
    body = jobs.pdf_bytes(job)
    audit.record(kind.audit_action, audit_object, case_id=job.case_id, detail=job.detail)
    db.session.commit()  # the one commit of this request: the PDF counts as downloaded
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/pdfs/<token>")
def show(token: str):
    """Where a PDF is: being prepared (with "Check again"), ready to download, or failed."""
    job = _job(token)
    if job.status is PdfJobStatus.FAILED:
        return _failed(job)
    return render_template("pdf_jobs/show.html", job=job, retry_url=None)


@bp.route("/pdfs/<token>/status")
def status(token: str):
    """The job's state for the page's poll (``pdf-job.js``)."""
    job = _job(token)
    return jsonify(
        status=job.status.value,
        download_url=url_for("pdfs.download", token=job.token)
        if job.status is PdfJobStatus.READY
        else None,
    )


@bp.route("/pdfs/<token>/download")
def download(token: str):
    """The finished PDF, for the person who asked."""
    job = _job(token)
    if job.status is not PdfJobStatus.READY:
        return redirect(url_for("pdfs.show", token=job.token), code=303)
    return _download(job)
