"""Erasure of one client (SECURITY.md GD-2, GDPR article 17).

What the client wrote is destroyed: journal entries (with their search terms, comments, sharing
history and read markers), exercise answers, check-ins and the counselor's feedback addressed to
them. Their account is anonymised and signed out everywhere, and their case membership is marked
erased so the case shows that a member was erased. The partner's writing and the case's clinical
record (sessions, notes, amendments, attendance) stay intact: the practice must keep them, and
they belong to the partner and the counselor as much as to the erased client.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AssignmentRecipient,
    CaseMember,
    CheckIn,
    Invitation,
    JournalEntry,
    LoginSession,
    PdfJob,
    Response,
    Role,
    User,
    utcnow,
)

ERASED_NAME = "Erased client"


class ErasureRefused(ValueError):
    """This account cannot be erased this way; the message says why."""


@dataclass(frozen=True)
class ErasureSummary:
    """How much was destroyed, for the audit detail and the admin's confirmation."""

    journal_entries: int
    responses: int
    check_ins: int
    cases: int

    def detail(self) -> str:
        """Counts only: never client content."""
        return (
            f"entries={self.journal_entries} answers={self.responses} "
            f"check_ins={self.check_ins} cases={self.cases}"
        )


def erased_email(user_id: int) -> str:
    """The placeholder address an erased account keeps (unique, undeliverable)."""
    return f"erased-{user_id}@erased.invalid"


def erase_client(user: User) -> ErasureSummary:
    """Destroy the client's writing and anonymise the account (flushes; the caller commits)."""
    if user.role is not Role.CLIENT:
        raise ErasureRefused("Only client accounts can be erased here.")
    if user.erased_at is not None:
        raise ErasureRefused("This client has been erased already.")
    session = db.session
    if session.get_bind().dialect.name == "sqlite":
        # Overwrite freed pages with zeros, so deleted rows do not linger in the file.
        session.execute(sa.text("PRAGMA secure_delete = ON"))

    recipient_ids = sa.select(AssignmentRecipient.id).where(AssignmentRecipient.user_id == user.id)
    responses = session.execute(
        sa.delete(Response).where(Response.recipient_id.in_(recipient_ids))
    ).rowcount
    session.execute(
        sa.update(AssignmentRecipient)
        .where(AssignmentRecipient.user_id == user.id)
        .values(feedback_ct=None)
    )
    # Search terms, comments, sharing history, read markers and session picks go by cascade.
    entries = session.execute(
        sa.delete(JournalEntry).where(JournalEntry.author_id == user.id)
    ).rowcount
    check_ins = session.execute(sa.delete(CheckIn).where(CheckIn.user_id == user.id)).rowcount
    now = utcnow()
    cases = session.execute(
        sa.update(CaseMember)
        .where(CaseMember.user_id == user.id, CaseMember.erased_at.is_(None))
        .values(erased_at=now)
    ).rowcount
    session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
    session.execute(sa.delete(PdfJob).where(PdfJob.user_id == user.id))  # their own exports
    session.execute(
        sa.update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(
            name=ERASED_NAME,
            email=erased_email(user.id),
            password_hash=None,
            totp_secret=None,
            totp_last_step=None,
            totp_recovery_hashes=None,
            active=False,
            erased_at=now,
        )
    )
    session.flush()
    session.expire(user)
    return ErasureSummary(entries, responses, check_ins, cases)


def compact_after_erasure() -> None:
    """Fold SQLite's write-ahead log back into the file so old page versions are gone too."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
