"""Template globals of messages: the unread badge in the menu and on the caseload, the notice."""

from __future__ import annotations

from flask import current_app, g
from flask_login import current_user

from app.messages import bp
from app.messages.services import ThreadView
from app.models import Role
from app.policy import messages as policy


def unread_by_case() -> dict[int, int]:
    """``{case id: unread messages}`` of the signed-in person, read once per request."""
    # One statement per request however many places show a count (menu, caseload rows), and
    # the same one as the bell's (app.services.menu_counts).
    if "messages_unread_by_case" not in g:
        # Imported here: app.services.menu_counts imports this package's counts.
        from app.services.menu_counts import menu_counts

        if current_user.is_authenticated and current_user.role in (Role.CLIENT, Role.COUNSELOR):
            g.messages_unread_by_case = menu_counts(current_user).messages_by_case
        else:
            g.messages_unread_by_case = {}
    return g.messages_unread_by_case


@bp.app_template_global()
def messages_unread() -> int:
    """Unread messages of the signed-in person, over every thread they may read."""
    from app.services.menu_counts import menu_counts

    if current_user.is_authenticated and current_user.role in (Role.CLIENT, Role.COUNSELOR):
        return menu_counts(current_user).messages_total
    return 0


@bp.app_template_global()
def messages_unread_in_case(case_id: int) -> int:
    """Unread messages of the signed-in person in one case (the caseload's badge)."""
    return unread_by_case().get(case_id, 0)


@bp.app_template_global()
def messages_notice() -> str:
    """The practice's notice above every client composer (``REKINDLE_MESSAGES_NOTICE``)."""
    return str(current_app.config["REKINDLE_MESSAGES_NOTICE"])


@bp.app_template_global()
def private_thread_note(view: ThreadView) -> str | None:
    """What the private thread's composer says of the case's confidentiality agreement."""
    return policy.private_composer_note(current_user, view.thread, view.readers.counselor.name)
