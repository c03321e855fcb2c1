"""Handing a new invitation link to the counselor or admin who made it (and e-mailing it)."""

from flask import current_app, flash
from flask_login import current_user

from app import mail
from app.extensions import db
from app.models import Case, Invitation, User
from app.services import invitations


def _send(invitation: Invitation, user: User | None, token: str) -> bool:
    """E-mail one link; True when sent, or when there is deliberately nobody to send it to."""
    days = current_app.config["REKINDLE_INVITATION_DAYS"]
    link = invitations.link(token)
    if invitation.member_role is None:  # an account invitation (staff, or an old case link)
        assert user is not None
        return mail.send_invitation(
            user.email, user.name, link, inviter=current_user.name, days=days
        )
    if user is None:
        # The address is staff's or a deactivated account's: nobody there may join, so nothing
        # is sent, and the counselor is told exactly what they are told for any other address.
        return True
    case = db.session.get(Case, invitation.case_id)
    return mail.send_case_invitation(
        user.email,
        user.name,
        link,
        inviter=current_user.name,
        case_label=case.label if case else "",
        has_account=user.has_password or not invitation.sets_password,
        days=days,
    )


def send_links(links: list[tuple[Invitation, User | None, str]]) -> None:
    """Keep each new link to show once on the next page, and e-mail it (without a mail server,
    into instance/mail/ on the server, which is what development wants)."""
    failed = 0
    for invitation, user, token in links:
        invitations.show_once(invitation, token)
        failed += 0 if _send(invitation, user, token) else 1
    if failed:
        flash("The e-mail could not be sent. Copy the link below and send it yourself.", "warning")
    elif links and mail.to_files():
        flash(
            "No mail server is set up, so the invitation was saved in the server's instance/mail/ "
            "folder. Copy the link below and send it yourself.",
            "info",
        )
    elif links:
        flash("The invitation was e-mailed. You can also copy the link below.", "success")
