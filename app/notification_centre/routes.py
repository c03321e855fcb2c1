"""The notification centre (/notifications) and the notification preferences of an account."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app import audit
from app.auth.forms import PostForm
from app.authz import deny
from app.extensions import db
from app.notification_centre import bp
from app.notification_centre.forms import build
from app.notifications import PreferenceError, preferences_for, set_preferences, time_zone_names
from app.notifications.email import DISCREET_SUBJECT
from app.services import notification_centre as centre


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int | None:
    """The bell's count for the signed-in person: one statement per page, at most.

    None when it cannot be counted (an error page after the database failed): the bell then
    shows without a number rather than failing the page a second time.
    """
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = centre.bell_count(current_user)
        except SQLAlchemyError:
            current_app.logger.warning("the bell could not count unread notifications")
            g.unread_notifications = None
    count: int | None = g.unread_notifications
    return count


@bp.route("/notifications")
def index() -> Any:
    """Everything the signed-in person was notified of, newest first, unread ones marked."""
    page = centre.page_for(current_user, centre.cursor_from(request.args.get("before")))
    return render_template(
        "notifications/index.html",
        page=page,
        form=PostForm(),
        unread=unread_notifications(),
        older_url=url_for(".index", before=page.older) if page.older else None,
        first_page=request.args.get("before") is not None,
    )


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
def open_one(notification_id: int) -> Any:
    """Open one notification: it is marked read and leads to what it is about."""
    form = PostForm()
    if not form.validate_on_submit():
        return redirect(url_for(".index"))
    notification = centre.own_notification(current_user, notification_id)
    if notification is None:
        deny(f"notification {notification_id}")
    target = centre.open_notification(current_user, notification)
    db.session.commit()
    if target is None:
        flash("What this notification was about is no longer available to you.", "info")
        return redirect(url_for(".index"))
    return redirect(target)


@bp.route("/notifications/read", methods=["POST"])
def mark_all_read() -> Any:
    """Mark every notification read."""
    if PostForm().validate_on_submit():
        changed = centre.mark_all_read(current_user)
        db.session.commit()
        if changed:
            flash("All notifications are marked as read.", "success")
    return redirect(url_for(".index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
def preferences() -> Any:
    """What to hear about and when: per kind, quiet hours, time zone, discreet e-mails."""
    current = preferences_for(current_user)
    form = build(current)
    if form.validate_on_submit():
        choices: dict[str, Any] = {
            "time_zone": form.time_zone.data,
            "quiet_start": form.quiet_start.data,
            "quiet_end": form.quiet_end.data,
            "digest_time": form.digest_time.data,
            "kinds": {
                pref.code: form.kind_choice(pref.code)
                for pref, _ in form.kind_fields
                if pref.can_switch_off
            },
        }
        if "discreet" in form:
            choices["discreet"] = bool(form.discreet.data)
        try:
            set_preferences(current_user, **choices)
        except PreferenceError as exc:
            db.session.rollback()
            _field_for(form, exc.field).errors.append(str(exc))
        else:
            audit.record("notifications.preferences", current_user)
            db.session.commit()
            flash("Your notification choices are saved.", "success")
            return redirect(url_for(".preferences"))
    status = 422 if form.errors else 200
    return (
        render_template(
            "notifications/preferences.html",
            form=form,
            zones=time_zone_names(),
            discreet_sender=current_app.config.get("MAIL_DISCREET_NAME", "Notifications"),
            discreet_subject=DISCREET_SUBJECT,
        ),
        status,
    )


def _field_for(form: Any, name: str) -> Any:
    """The form field a ``PreferenceError`` is about (a kind's code, or a field name)."""
    from app.notification_centre.forms import field_name

    for candidate in (name, field_name(name)):
        if candidate in form:
            return form[candidate]
    return form.time_zone
