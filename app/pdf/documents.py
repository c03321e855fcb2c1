"""The PDFs people can ask for, as ``PdfKind``s of the job queue (``app.pdf.jobs``).

Each kind rebuilds its document from the database for a job (so the queue never carries client
writing) and, at download, applies the rule of the page that offered it: the client's own data
export, and the counselor's session summary of a case they still hold.
"""

from __future__ import annotations

from flask import abort, current_app, url_for
from flask_login import current_user

from app.extensions import db
from app.models import Case, PdfJob, Role, User
from app.pdf import PdfError
from app.pdf.jobs import Built, PdfKind, register

EXPORT = "export"
SESSION_SUMMARY = "session_summary"


def _build_export(job: PdfJob) -> Built:
    from app.services.export import build_export, pdf_context, summary

    user = db.session.get_one(User, job.user_id)
    data = build_export(user)
    return Built(
        "pdf/export.html",
        pdf_context(data, current_app.config["REKINDLE_PRACTICE_NAME"]),
        detail=summary(data),
        audit_object=user,
    )


def _authorize_export(job: PdfJob) -> User:
    if current_user.role is not Role.CLIENT or job.user_id != current_user.id:
        abort(404)
    return current_user._get_current_object()


def _build_summary(job: PdfJob) -> Built:
    from app.services.sessions import load_session
    from app.sessions.summary import summary_context

    case = db.session.get(Case, job.case_id) if job.case_id else None
    session = load_session(case.id, job.session_id) if case is not None and job.session_id else None
    if case is None or session is None:
        raise PdfError("This session no longer exists.")
    template, context = summary_context(case, session, job.variant or "clinician")
    return Built(template, context, detail=job.variant, audit_object=session, case_id=case.id)


def _authorize_summary(job: PdfJob):
    from app.authz import session_for_counselor

    if current_user.role is not Role.COUNSELOR or job.case_id is None or job.session_id is None:
        abort(404)
    _case, session = session_for_counselor(job.case_id, job.session_id)
    return session


register(
    PdfKind(
        EXPORT,
        "export.pdf",
        build=_build_export,
        authorize=_authorize_export,
        retry_url=lambda job: url_for("client.export_pdf"),
    )
)
register(
    PdfKind(
        SESSION_SUMMARY,
        "session_summary.pdf",
        build=_build_summary,
        authorize=_authorize_summary,
        retry_url=lambda job: url_for(
            "sessions.summary_pdf", case_id=job.case_id, sid=job.session_id, copy=job.variant
        ),
    )
)
