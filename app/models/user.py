"""Accounts, login sessions and one-time invitations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto import EncryptedText
from app.extensions import Model
from app.models.base import UTCDateTime, enum_type, utcnow


class Role(enum.StrEnum):
    """What a user is in the practice."""

    ADMIN = "admin"
    COUNSELOR = "counselor"
    CLIENT = "client"

    @property
    def is_staff(self) -> bool:
        """Admins and counselors hold staff sessions (shorter idle timeout, optional 2FA)."""
        return self is not Role.CLIENT


class NoteFormat(enum.StrEnum):
    """Session note formats a counselor can write in."""

    SOAP = "SOAP"
    DAP = "DAP"
    BIRP = "BIRP"


class User(UserMixin, Model):  # type: ignore[misc]  # Flask-Login is untyped
    """Anyone who signs in. Emails are stored lower-cased, so unique case-insensitively."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role, 16))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    note_format: Mapped[NoteFormat] = mapped_column(
        enum_type(NoteFormat, 8), default=NoteFormat.SOAP
    )
    totp_secret_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    totp_secret = EncryptedText("totp_secret_ct")  # the staff member's own, under the keyring
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    totp_recovery_hashes: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    login_sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="raise"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active and self.erased_at is None

    @property
    def is_staff(self) -> bool:
        """Admins and counselors."""
        return self.role.is_staff

    @property
    def has_password(self) -> bool:
        """False until an invitation is accepted."""
        return self.password_hash is not None

    #: Set when the user is loaded through a LoginSession; Flask-Login stores it in the cookie.
    #: (Declared for the type checker only: a run-time annotation would ask the ORM for a column.)
    if TYPE_CHECKING:
        session_token: str | None
    session_token = None

    #: The person's chosen time zone (``NotificationSettings.time_zone``), read with the
    #: login-session lookup so that pages need no statement of their own for it
    #: (``app.appointments.people.zone_of``). ``time_zone_loaded`` is False until then.
    if TYPE_CHECKING:
        time_zone_loaded: bool
        time_zone_name: str | None
    time_zone_loaded = False
    time_zone_name = None

    def get_id(self) -> str:
        """The login-session token, never the user id, so that logout can revoke it."""
        if not self.session_token:
            raise RuntimeError("log users in through app.auth.services.start_session")
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginSession(Model):
    """A server-side record of one sign-in; deleting it logs that browser out everywhere."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    second_factor_done: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship(back_populates="login_sessions", lazy="joined")


class Invitation(Model):
    """A one-time, expiring link that lets someone set a password, or join a case.

    An invitation to a place in a case (``member_role`` set) keeps the name and e-mail the
    counselor typed, so the case page shows the same thing whoever the address belongs to. The
    invitee becomes a member only by accepting it; ``user_id`` is empty when the address
    belongs to nobody who could accept (a staff or deactivated account), and such a link is dead.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    #: The place in the case (partner A, partner B, individual) the invitee is asked to take.
    member_role: Mapped[str | None] = mapped_column(sa.String(16))
    invitee_name: Mapped[str | None] = mapped_column(sa.String(120))
    invitee_email: Mapped[str | None] = mapped_column(sa.String(254))
    #: Whether the link may set the account's password: only the invitation that created the
    #: account (and its renewals) may; an invitation to an account that already existed is
    #: answered after signing in, so nobody holding its link can take the account over.
    sets_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="raise")

    @property
    def state(self) -> str:
        """``pending``, ``used``, ``declined``, ``revoked`` or ``expired``."""
        if self.used_at:
            return "used"
        if self.declined_at:
            return "declined"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "pending"


class AccountLink(Model):
    """A one-time, short-lived link e-mailed to an account holder: reset the password, or sign in.

    Only the sha256 of the token is stored; ``purpose`` keeps a sign-in link from resetting a
    password and the other way round.
    """

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))  # "reset" | "sign-in"
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
