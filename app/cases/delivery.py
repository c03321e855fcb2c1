"""Handing a new invitation link to the counselor or admin who made it (and e-mailing it)."""

from flask import current_app, flash
from flask_login import current_user

from app import mail
from app.models import Invitation, User
from app.services import invitations


def send_links(links: list[tuple[Invitation, User, str]]) -> None:
    """Keep each new link to show once on the next page, and e-mail it when mail is set up."""
    failed = 0
    for invitation, user, token in links:
        invitations.show_once(invitation, token)
        if mail.enabled():
            sent = mail.send_invitation(
                user.email,
                user.name,
                invitations.link(token),
                inviter=current_user.name,
                days=current_app.config["REKINDLE_INVITATION_DAYS"],
            )
            failed += 0 if sent else 1
    if failed:
        flash("The e-mail could not be sent. Copy the link below and send it yourself.", "warning")
    elif links and mail.enabled():
        flash("The invitation was e-mailed. You can also copy the link below.", "success")
