"""A PDF someone asked for, rendered by the job queue and kept encrypted until downloaded."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, utcnow


class PdfJobStatus(enum.StrEnum):
    """Where the render is."""

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


def new_token() -> str:
    """The unguessable name of a job in URLs (the owner check is what protects it)."""
    return secrets.token_urlsafe(18)


class PdfJob(Model):
    """One requested PDF: what to render for whom, its state, and the encrypted result.

    The row holds no client writing in the clear: ``title`` and ``filename`` are made from dates
    and fixed words, ``detail`` is the audit's counts, and the PDF (and the HTML waiting to be
    rendered) is AES-GCM encrypted, bound to this row's id and owner (``app.pdf.jobs``).
    """

    __tablename__ = "pdf_jobs"
    __table_args__ = (sa.Index("ix_pdf_jobs_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_token)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("counseling_sessions.id", ondelete="CASCADE")
    )
    variant: Mapped[str | None] = mapped_column(sa.String(16))
    status: Mapped[PdfJobStatus] = mapped_column(
        enum_type(PdfJobStatus, 16), default=PdfJobStatus.PENDING
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    filename: Mapped[str] = mapped_column(sa.String(200))
    detail: Mapped[str | None] = mapped_column(sa.String(300))
    size_chars: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(300))
    pdf_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: The document's HTML as the request built it, encrypted like ``pdf_ct``, so the consumer
    #: renders it without building it again; cleared once the render is done.
    html_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
