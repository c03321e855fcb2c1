"""Erasure of one client (docs/security.md GD-2, GDPR article 17).

What the client wrote is destroyed: journal entries (with their search terms, comments, sharing
history and read markers), exercise answers, check-ins and the counselor's feedback addressed to
them. Their account is anonymised and signed out everywhere, and their case membership is marked
erased so the case shows that a member was erased. The partner's writing and the case's clinical
record (sessions, notes, amendments, attendance) stay intact: the practice must keep them, and
they belong to the partner and the counselor as much as to the erased client.

Crypto-shredding (GD-3): the client's data key is deleted from the client key store outside
the database once the erasure commits, so the copies of their writing that outlive the DELETE
(PostgreSQL dead tuples, freed pages, every backup taken before) can never be decrypted.

The key goes only after the commit (a rolled-back erasure must leave the client's writing
readable), so a crash between the two would leave the key behind. Against that the erasure
notes its ref in the store as *pending* before it commits; the next erasure finishes any
pending one older than ``PENDING_GRACE`` whose key row is gone from the database (that erasure
committed) and drops the note where the row is still there (it rolled back).

No name stays behind (issue 19.11): the case labels and status-change reasons of the client's
cases are free text a counselor typed, often "Alex & Sam"; every word of the client's name or
email in them is replaced, as are the counselor's notes on the client's assignments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app import client_key_store, data_keys
from app.database import rows_changed
from app.extensions import db
from app.intake import export as intake_export
from app.messages import lifecycle as message_lifecycle
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CaseMember,
    CaseStatusChange,
    CheckIn,
    ClientDataKey,
    Invitation,
    JournalEntry,
    LoginSession,
    Notification,
    NotificationKindSetting,
    NotificationSettings,
    PdfJob,
    Response,
    Role,
    User,
    utcnow,
)
from app.notifications import withdraw_about
from app.policy import messages as message_policy

ERASED_NAME = "Erased client"
#: What replaces a word of an erased client's name in text that stays (labels, reasons, notes).
NAME_REDACTION = "[erased]"
_SHRED_QUEUE = "rekindle_shred_queue"
#: An erasure still pending after this long crashed or rolled back (none runs this long).
PENDING_GRACE = timedelta(minutes=10)


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


def name_words(name: str, email: str) -> list[str]:
    """The words that name a person: each part of the name and of the email's local part."""
    words = re.split(r"[\W_]+", f"{name} {email.split('@')[0]}".casefold())
    return sorted({w for w in words if len(w) >= 2}, key=len, reverse=True)


def redact_names(text: str | None, words: list[str]) -> str | None:
    """``text`` with every whole-word, case-insensitive occurrence of ``words`` replaced."""
    if not text or not words:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    return pattern.sub(NAME_REDACTION, text)


def _remove_name(user: User) -> None:
    """Rewrite what names the client in the records that stay: labels, reasons, notes."""
    words = name_words(user.name, user.email)
    case_ids = sa.select(CaseMember.case_id).where(CaseMember.user_id == user.id)
    session = db.session
    for case in session.scalars(sa.select(Case).where(Case.id.in_(case_ids))):
        case.label = redact_names(case.label, words) or case.label
    for change in session.scalars(
        sa.select(CaseStatusChange).where(
            CaseStatusChange.case_id.in_(case_ids), CaseStatusChange.reason.is_not(None)
        )
    ):
        change.reason = redact_names(change.reason, words)
    for assignment in session.scalars(
        sa.select(Assignment).where(
            Assignment.case_id.in_(case_ids), Assignment.note_ct.is_not(None)
        )
    ):
        redacted = redact_names(assignment.note, words)
        if redacted != assignment.note:
            assignment.note = redacted


def _shred_data_key(user_id: int) -> None:
    """Delete the client's key row; the key leaves the store when the transaction commits."""
    session = db.session
    row = session.execute(
        sa.select(ClientDataKey.id, ClientDataKey.ref).where(ClientDataKey.user_id == user_id)
    ).first()
    if row is None:
        return  # the client never wrote anything
    client_key_store.mark_pending([row.ref])
    session.execute(sa.delete(ClientDataKey).where(ClientDataKey.id == row.id))
    session.info.setdefault(_SHRED_QUEUE, []).append(row.ref)
    data_keys.forget(key_ids=[row.id], user_ids=[user_id])


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _shred_after_commit(session: sa.orm.Session) -> None:
    # Only once the erasure is committed: a rolled-back erasure must leave the key usable.
    client_key_store.shred(session.info.pop(_SHRED_QUEUE, []))


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _keep_keys_after_rollback(session: sa.orm.Session) -> None:
    client_key_store.clear_pending(session.info.pop(_SHRED_QUEUE, []))


def finish_interrupted_erasures(grace: timedelta = PENDING_GRACE) -> int:
    """Shred the keys of erasures that committed but crashed before shredding; returns how many.

    A pending ref whose key row is gone committed its erasure; one whose row is still there
    rolled back, and keeps its key.
    """
    pending = client_key_store.read_store().pending
    cutoff = utcnow() - grace
    stale = [ref for ref, at in pending.items() if datetime.fromisoformat(at) <= cutoff]
    if not stale:
        return 0
    still_there = set(
        db.session.scalars(sa.select(ClientDataKey.ref).where(ClientDataKey.ref.in_(stale)))
    )
    committed = [ref for ref in stale if ref not in still_there]
    client_key_store.shred(committed)
    client_key_store.clear_pending(sorted(still_there))
    return len(committed)


def _withdraw_notifications_about(user: User, recipient_ids: sa.Select[Any]) -> None:
    """What the partner and the counselor were told of the client's entries, answers and
    check-ins leaves their lists: the things are about to go, so the links would lead nowhere.
    Runs before the deletes, while the ids can still be found."""
    about: dict[str, sa.Select[Any]] = {
        "journal_entry": sa.select(JournalEntry.id).where(JournalEntry.author_id == user.id),
        "response": sa.select(Response.id).where(Response.recipient_id.in_(recipient_ids)),
        "check_in": sa.select(CheckIn.id).where(CheckIn.user_id == user.id),
        "assignment_recipient": recipient_ids,
        "assignment_feedback": recipient_ids,
    }
    for about_type, ids in about.items():
        withdraw_about(about_type, ids)


def erase_client(user: User) -> ErasureSummary:
    """Destroy the client's writing and anonymise the account (flushes; the caller commits)."""
    if user.role is not Role.CLIENT:
        raise ErasureRefused("Only client accounts can be erased here.")
    if user.erased_at is not None:
        raise ErasureRefused("This client has been erased already.")
    session = db.session
    finish_interrupted_erasures()
    _remove_name(user)
    if session.get_bind().dialect.name == "sqlite":
        # Overwrite freed pages with zeros, so deleted rows do not linger in the file.
        session.execute(sa.text("PRAGMA secure_delete = ON"))

    recipient_ids = sa.select(AssignmentRecipient.id).where(AssignmentRecipient.user_id == user.id)
    _withdraw_notifications_about(user, recipient_ids)
    responses = rows_changed(
        session.execute(sa.delete(Response).where(Response.recipient_id.in_(recipient_ids)))
    )
    session.execute(
        sa.update(AssignmentRecipient)
        .where(AssignmentRecipient.user_id == user.id)
        .values(feedback_ct=None)
    )
    # Search terms, comments, sharing history, read markers and session picks go by cascade.
    entries = rows_changed(
        session.execute(sa.delete(JournalEntry).where(JournalEntry.author_id == user.id))
    )
    check_ins = rows_changed(session.execute(sa.delete(CheckIn).where(CheckIn.user_id == user.id)))
    now = utcnow()
    cases = rows_changed(
        session.execute(
            sa.update(CaseMember)
            .where(CaseMember.user_id == user.id, CaseMember.erased_at.is_(None))
            .values(erased_at=now)
        )
    )
    session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
    session.execute(sa.delete(PdfJob).where(PdfJob.user_id == user.id))  # their own exports
    # Their notifications and notification choices (time zone, quiet hours) go too.
    session.execute(sa.delete(Notification).where(Notification.recipient_id == user.id))
    session.execute(sa.delete(NotificationSettings).where(NotificationSettings.user_id == user.id))
    session.execute(
        sa.delete(NotificationKindSetting).where(NotificationKindSetting.user_id == user.id)
    )
    session.execute(
        sa.update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(revoked_at=now)
    )
    # Invitations to a place in a case keep the name and address the counselor typed.
    session.execute(
        sa.update(Invitation)
        .where(Invitation.user_id == user.id)
        .values(invitee_name=None, invitee_email=None)
    )
    session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(
            name=ERASED_NAME,
            email=erased_email(user.id),
            password_hash=None,
            totp_secret_ct=None,
            totp_last_step=None,
            totp_recovery_hashes=None,
            active=False,
            erased_at=now,
        )
    )
    message_lifecycle.erase_messages_of(user)
    intake_export.erase_intake_rows(user.id)  # signatures, checks: the partner's stay
    _shred_data_key(user.id)
    session.flush()
    session.expire(user)
    return ErasureSummary(entries, responses, check_ins, cases)


def compact_after_erasure() -> None:
    """Fold SQLite's write-ahead log back into the file so old page versions are gone too."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None  # a checked-out connection always has one
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --- what the admin sees before erasing (numbers and case names, never content) -------------


def client_by_email(email: str) -> User | None:
    """The client account with this (normalised) email, unless it is erased already."""
    return db.session.scalar(
        sa.select(User).where(
            User.email == email, User.role == Role.CLIENT, User.erased_at.is_(None)
        )
    )


def memberships_of(user: User) -> list[CaseMember]:
    """The client's current memberships with their cases and counselors."""
    from sqlalchemy.orm import joinedload

    from app.models import Case

    return list(
        db.session.scalars(
            sa.select(CaseMember)
            .where(CaseMember.user_id == user.id, CaseMember.erased_at.is_(None))
            .options(joinedload(CaseMember.case).joinedload(Case.counselor))
        )
    )


def what_will_go(user: User) -> dict[str, int]:
    """Counts of what erasure destroys (numbers only: the admin reads no clinical content)."""
    recipient_ids = sa.select(AssignmentRecipient.id).where(AssignmentRecipient.user_id == user.id)
    count = sa.func.count()
    counts = [
        ("journal entry", "journal entries", JournalEntry.author_id == user.id),
        ("exercise answer", "exercise answers", Response.recipient_id.in_(recipient_ids)),
        ("check-in", "check-ins", CheckIn.user_id == user.id),
        ("message", "messages", message_policy.authored_by(user)),
    ]
    result = {}
    for singular, plural, condition in counts:
        n = db.session.scalar(sa.select(count).where(condition)) or 0
        result[singular if n == 1 else plural] = n
    return result
