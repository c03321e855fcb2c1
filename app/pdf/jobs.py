"""PDFs rendered in the job queue, kept encrypted for the person who asked (docs/security.md PDF-4).

A page that offers a PDF never renders it: it creates a ``PdfJob`` (what to render, for whom),
commits, queues ``render_job`` and waits a little (``REKINDLE_PDF_WAIT_SECONDS``) for small
documents. Big ones (over ``REKINDLE_PDF_BACKGROUND_CHARS`` of HTML) do not wait at all. Either
way the web worker is free within seconds; the person sees "We are preparing your PDF", and a
notice on their home page until they download it.

The request builds the document's HTML once (it must, to measure it) and keeps it in the job,
AES-GCM encrypted and bound to the job's id and owner; the consumer reads it from the database
(the queue carries the job id only, never client writing), renders it with the background
limits, and stores the PDF encrypted the same way (docs/performance.md T5: one build per PDF). Downloading checks the owner and the document's own rule again
(a counselor who lost the case cannot fetch its summary) and writes the same audit event as a
direct download did before.

Each kind of document registers a ``PdfKind`` (``app.pdf.documents``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from huey import crontab

from app import audit
from app.crypto import keyring
from app.extensions import Model, db
from app.models import PdfJob, PdfJobStatus, User, utcnow
from app.pdf import PdfError, render_html, render_html_to_pdf
from app.tasks import periodic_task, task

#: A job still pending after this long was lost (its consumer died); it is marked failed.
LOST_AFTER = timedelta(minutes=30)
# A small summary renders in ~0.2 s: look often (one primary-key read each), so the page
# learns it is ready within ~10 ms; at most 2.5 s of this, ~100 reads (T5).
FIRST_POLL_SECONDS = 0.01
MAX_POLL_SECONDS = 0.025


@dataclass(frozen=True)
class Built:
    """A document ready to render, and what its audit event says."""

    template: str
    context: dict[str, Any]
    detail: str | None
    audit_object: Any
    case_id: int | None = None


@dataclass(frozen=True)
class PdfKind:
    """One kind of PDF: how to build it for a job, and who may still download it."""

    name: str
    audit_action: str
    #: Rebuilds the document from the database for ``job`` (in a request or in a task).
    build: Callable[[PdfJob], Built]
    #: In a request: returns the audit object, or refuses (404, audited) like the original page.
    authorize: Callable[[PdfJob], Any]
    #: Where to ask again after a failure.
    retry_url: Callable[[PdfJob], str]


KINDS: dict[str, PdfKind] = {}


def register(kind: PdfKind) -> PdfKind:
    """Make ``kind`` known to the tasks and the download pages."""
    KINDS[kind.name] = kind
    return kind


def _aad(job: PdfJob) -> bytes:
    # Binds the ciphertext to this row and its owner: copied into another job it fails.
    return f"pdf_jobs.pdf:{job.id}:{job.user_id}".encode()


def _html_aad(job: PdfJob) -> bytes:
    return f"pdf_jobs.html:{job.id}:{job.user_id}".encode()


def start(
    kind: str,
    owner: User,
    *,
    title: str,
    filename: str,
    case_id: int | None = None,
    session_id: int | None = None,
    variant: str | None = None,
) -> PdfJob:
    """A new job for ``owner``, measured so the page knows whether to wait (flushes)."""
    job = PdfJob(
        kind=kind,
        user_id=owner.id,
        case_id=case_id,
        session_id=session_id,
        variant=variant,
        title=title,
        filename=filename,
    )
    built = KINDS[kind].build(job)
    # Building the HTML is cheap (~40 ms for the largest export); laying it out is what is not.
    html = render_html(built.template, built.context)
    job.size_chars = len(html)
    job.detail = built.detail
    db.session.add(job)
    db.session.flush()
    # Kept for the consumer, which renders it rather than building it a second time (T5);
    # encrypted and bound to this job like the PDF, and cleared once rendered.
    job.html_ct = keyring().encrypt(html.encode(), _html_aad(job))
    db.session.flush()
    return job


def pending_like(
    kind: str,
    owner: User,
    *,
    case_id: int | None = None,
    session_id: int | None = None,
    variant: str | None = None,
    **_labels: object,
) -> PdfJob | None:
    """The owner's render of the same document still under way (a second click joins it)."""
    return db.session.scalar(
        sa.select(PdfJob)
        .where(
            PdfJob.user_id == owner.id,
            PdfJob.kind == kind,
            PdfJob.case_id.is_(None) if case_id is None else PdfJob.case_id == case_id,
            PdfJob.session_id.is_(None) if session_id is None else PdfJob.session_id == session_id,
            PdfJob.variant.is_(None) if variant is None else PdfJob.variant == variant,
            PdfJob.status == PdfJobStatus.PENDING,
            PdfJob.created_at >= utcnow() - LOST_AFTER,
        )
        .order_by(PdfJob.id.desc())
        .limit(1)
    )


def is_small(job: PdfJob) -> bool:
    """Small enough that the page may wait a moment for it."""
    return job.size_chars <= int(current_app.config["REKINDLE_PDF_BACKGROUND_CHARS"])


def wait_for(job_id: int, seconds: float) -> PdfJob:
    """The job once it finished or ``seconds`` passed, whichever comes first.

    Call after committing the job. Each look is a new transaction, so it sees the consumer's
    commit; nothing of the request is left uncommitted to lose.
    """
    deadline = time.monotonic() + seconds
    pause = FIRST_POLL_SECONDS
    while True:
        db.session.rollback()  # end the read transaction: the next read sees new commits
        status = db.session.scalar(sa.select(PdfJob.status).where(PdfJob.id == job_id))
        if status is not PdfJobStatus.PENDING or time.monotonic() >= deadline:
            return db.session.get_one(PdfJob, job_id, populate_existing=True)
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 1.5, MAX_POLL_SECONDS)


def for_owner(token: str, user: User) -> PdfJob | None:
    """The job named ``token`` if ``user`` asked for it."""
    return db.session.scalar(
        sa.select(PdfJob).where(PdfJob.token == token, PdfJob.user_id == user.id)
    )


def waiting_for(user: User) -> list[PdfJob]:
    """The user's PDFs that are being prepared or ready and not downloaded yet, newest first."""
    since = utcnow() - timedelta(hours=float(current_app.config["REKINDLE_PDF_KEEP_HOURS"]))
    return list(
        db.session.scalars(
            sa.select(PdfJob)
            .where(
                PdfJob.user_id == user.id,
                PdfJob.created_at >= since,
                PdfJob.downloaded_at.is_(None),
                PdfJob.status != PdfJobStatus.FAILED,
            )
            .order_by(PdfJob.created_at.desc())
            .limit(5)
        )
    )


def pdf_bytes(job: PdfJob) -> bytes:
    """The finished PDF, decrypted; marks it downloaded (flushes). Audit is the caller's."""
    if job.status is not PdfJobStatus.READY or job.pdf_ct is None:
        raise ValueError("this PDF is not ready")
    data = keyring().decrypt(job.pdf_ct, _aad(job))
    job.downloaded_at = utcnow()
    db.session.flush()
    return data


@task()
def render_job(job_id: int) -> None:
    """Render one job with the background limits and store the PDF encrypted (commits)."""
    job = db.session.get(PdfJob, job_id)
    if job is None or job.status is not PdfJobStatus.PENDING:
        return  # deleted, or already done by an earlier delivery of the same message
    try:
        if job.html_ct is not None:
            # What the request built (and measured): rendered as is, never built twice.
            html = keyring().decrypt(job.html_ct, _html_aad(job)).decode()
        else:  # a job queued by an older version of the app
            built = KINDS[job.kind].build(job)
            html = render_html(built.template, built.context)
        # End the transaction before the long render: on SQLite a task's transaction holds
        # the write lock, and pages must not wait a minute to save anything.
        db.session.commit()
        pdf = render_html_to_pdf(html, background=True)
    except PdfError as exc:
        db.session.rollback()
        fail(job_id, str(exc), _audit_object(job_id))
        return
    except Exception:
        db.session.rollback()
        fail(job_id, "This document could not be prepared. Please try again.")
        raise
    store(job, pdf)
    db.session.commit()


def _audit_object(job_id: int) -> Model | None:
    """What a failed job's audit event names (only failures need it: built again, or None)."""
    job = db.session.get(PdfJob, job_id)
    try:
        return KINDS[job.kind].build(job).audit_object if job is not None else None
    except PdfError:
        db.session.rollback()
        return None


def store(job: PdfJob, pdf: bytes) -> None:
    """Keep the finished PDF, encrypted for this job and owner; the job is ready (flushes)."""
    job.pdf_ct = keyring().encrypt(pdf, _aad(job))
    job.html_ct = None
    job.status = PdfJobStatus.READY
    job.finished_at = utcnow()
    db.session.flush()


def fail(job_id: int, message: str, audit_object: Model | None = None) -> None:
    """Mark the job failed with ``message`` (for the person) and audit the failure.

    In a task this commits (the audit event is written at once); in a request the request does.
    """
    job = db.session.get(PdfJob, job_id)
    if job is None:
        return
    job.status = PdfJobStatus.FAILED
    job.html_ct = None
    job.error = message[:300]
    job.finished_at = utcnow()
    db.session.flush()
    # The event a failed direct download wrote, in the name of the person who asked.
    audit.record(
        KINDS[job.kind].audit_action,
        audit_object,
        case_id=job.case_id,
        outcome="failed",
        detail=job.detail,
        actor=db.session.get(User, job.user_id),
    )


@periodic_task(crontab(minute="*/15"))
def purge_pdf_jobs() -> None:
    """Delete PDFs past ``REKINDLE_PDF_KEEP_HOURS``; mark renders lost to a dead consumer."""
    now = utcnow()
    keep = timedelta(hours=float(current_app.config["REKINDLE_PDF_KEEP_HOURS"]))
    db.session.execute(sa.delete(PdfJob).where(PdfJob.created_at < now - keep))
    db.session.execute(
        sa.update(PdfJob)
        .where(PdfJob.status == PdfJobStatus.PENDING, PdfJob.created_at < now - LOST_AFTER)
        .values(
            status=PdfJobStatus.FAILED,
            error="Preparing this document was interrupted. Please ask for it again.",
            finished_at=now,
        )
    )
    db.session.commit()
