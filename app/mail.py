"""The account e-mails: invitations, password resets, sign-in links, case invitations.

They carry one-time links, so they are sent at once and their caller learns whether the
e-mail was handed over (a view tells the counselor "copy the link yourself" otherwise); they
never pass through the notification outbox, whose rows would then have to hold the link.
Handing over is app/mailer.py, the transport every e-mail of the app uses: the same SMTP
settings, and without ``MAIL_SERVER`` a ``.eml`` file under ``instance/mail/``.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app

from app import mailer


def to_files() -> bool:
    """True when e-mails land in ``instance/mail/`` because no mail server is configured."""
    return mailer.to_files()


def send(to: str, subject: str, body: str) -> bool:
    """Send one message; False (logged, never raised) when it could not be handed over."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = mailer.new_message_id()
    message.set_content(body)
    try:
        with mailer.Mailer() as transport:
            transport.send(message)
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


def send_password_reset(
    to: str, name: str, link: str, *, minutes: int, sent_by: str | None = None
) -> bool:
    """The password-reset e-mail: who asked, the link, and what to do if it was not you."""
    practice = current_app.config["REKINDLE_PRACTICE_NAME"]
    first = name.split(" ")[0] if name else ""
    asked = f"{sent_by} at {practice} started" if sent_by else "Someone (we hope you) asked for"
    body = (
        f"Hello {first},\n\n"
        f"{asked} a password reset for your Rekindle account.\n\n"
        f"Open this link to choose a new password:\n{link}\n\n"
        f"The link works once and for {minutes} minutes. Choosing a new password signs you out "
        "on every device.\n\nIf you did not expect this, ignore this message: your password "
        "stays as it is.\n"
    )
    return send(to, f"Reset your password for {practice}", body)


def send_sign_in_link(to: str, name: str, link: str, minutes: int) -> bool:
    """The sign-in link e-mail (the way in while sign-in attempts are being slowed down)."""
    practice = current_app.config["REKINDLE_PRACTICE_NAME"]
    first = name.split(" ")[0] if name else ""
    body = (
        f"Hello {first},\n\n"
        f"Open this link to sign in to {practice} on Rekindle without your password:\n"
        f"{link}\n\n"
        f"The link works once and for {minutes} minutes. If you use two-step sign-in, you will "
        "still be asked for your code.\n\nIf you did not ask for this, ignore this message; "
        "nobody can use the link without access to your e-mail.\n"
    )
    return send(to, f"Your sign-in link for {practice}", body)


def send_case_invitation(
    to: str, name: str, link: str, *, inviter: str, case_label: str, has_account: bool, days: int
) -> bool:
    """An invitation to join a case: who asks, which case, and that one may say no."""
    practice = current_app.config["REKINDLE_PRACTICE_NAME"]
    first = name.split(" ")[0] if name else ""
    if has_account:
        how = (
            "You already have an account. Sign in to accept or decline (if you have not chosen "
            "your password yet, first use the invitation you received before); until you "
            f"accept, you are not part of this case and nothing you write reaches it:\n{link}\n\n"
        )
    else:
        how = f"Open this link to choose your password and join:\n{link}\n\n"
    body = (
        f"Hello {first},\n\n"
        f"{inviter} at {practice} has invited you to join the case '{case_label}' on "
        "Rekindle.\n\n"
        f"{how}"
        f"The invitation is valid for {days} days. If you were not expecting it, ignore this "
        "message or decline it: nothing changes for you.\n"
    )
    return send(to, f"An invitation from {inviter} at {practice}", body)
