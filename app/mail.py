"""Outgoing e-mail: plain text over SMTP, only when ``MAIL_SERVER`` is configured."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def enabled() -> bool:
    """True when the practice has configured an SMTP server."""
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to: str, subject: str, body: str) -> bool:
    """Send one message; False (logged, never raised) when it could not be handed over."""
    if not enabled():
        return False
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(
            current_app.config["MAIL_SERVER"], int(current_app.config["MAIL_PORT"]), timeout=10
        ) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        # Never log the message: it carries a live link.
        current_app.logger.warning("could not send e-mail: %s", type(exc).__name__)
        return False
    return True


def send_invitation(to: str, name: str, link: str, *, inviter: str, days: int) -> bool:
    """The invitation e-mail: a warm note and the link."""
    practice = current_app.config["REKINDLE_PRACTICE_NAME"]
    first = name.split(" ")[0] if name else ""
    body = (
        f"Hello {first},\n\n"
        f"{inviter} at {practice} has invited you to Rekindle, where you can do the exercises "
        "you agree on and keep a private journal.\n\n"
        f"Open this link to choose your password:\n{link}\n\n"
        f"The link works once and for {days} days. If it has expired, ask {inviter} for a new "
        "one.\n\nIf you were not expecting this, you can ignore this message.\n"
    )
    return send(to, f"Your invitation to {practice}", body)
