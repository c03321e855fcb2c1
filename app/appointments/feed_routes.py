"""Private calendar feeds: turned on, replaced and revoked from the account, read by calendars.

The feed address holds the only copy of its token (the database keeps its hash), so the page
shows it once, right after it was made. Calendars fetch the feed without signing in; an
unknown or revoked token answers 404 like any missing page.
"""

from __future__ import annotations

from flask import Response, current_app, render_template, url_for
from flask_login import current_user

from app import audit
from app.appointments import bp, ics
from app.appointments.client_routes import client_wording
from app.auth.forms import PostForm
from app.authz import roles_required
from app.extensions import db
from app.models import Appointment, Role, User
from app.policy import appointments as rules
from app.services import appointment_reads, calendar_feeds


def counselor_wording() -> ics.Wording:
    """The counselor's feed names a case by initials (default) or its label, never in full."""
    setting = current_app.config.get("REKINDLE_CALENDAR_CASE_LABEL", "initials")

    def title(appointment: Appointment) -> str:
        expected = {a.user_id for a in appointment.expected}
        names = [m.user.name for m in appointment.case.members if m.user_id in expected]
        return rules.counselor_event_title(appointment.case, names, setting)

    return (title, True)


def _page(token: str | None = None):
    feed = calendar_feeds.active_feed(current_user)
    url = url_for("appointments.feed", token=token, _external=True) if token else None
    return render_template("appointments/feed.html", feed=feed, url=url, form=PostForm())


@bp.route("/account/calendar")
@roles_required(Role.COUNSELOR, Role.CLIENT)
def feed_settings():
    """Whether the feed is on, and the buttons to turn it on, replace or revoke it."""
    return _page()


@bp.route("/account/calendar/on", methods=["POST"])
@roles_required(Role.COUNSELOR, Role.CLIENT)
def feed_on():
    """A new feed address (an older one stops working)."""
    if not PostForm().validate_on_submit():
        return _page()
    token = calendar_feeds.turn_on(current_user)
    audit.record("calendar_feed.on")
    db.session.commit()
    return _page(token)


@bp.route("/account/calendar/off", methods=["POST"])
@roles_required(Role.COUNSELOR, Role.CLIENT)
def feed_off():
    """Revoke the feed: its address answers 404 from now on."""
    if PostForm().validate_on_submit() and calendar_feeds.revoke(current_user):
        audit.record("calendar_feed.off")
        db.session.commit()
    return _page()


def feed_body(owner: User) -> bytes:
    """The owner's whole feed (also used by the tests and the bench)."""
    items = appointment_reads.for_feed(owner)
    if owner.role is Role.COUNSELOR:
        return ics.feed("Rekindle sessions", items, counselor_wording())
    return ics.feed("Counseling sessions", items, client_wording(owner))


@bp.route("/calendar/feed/<token>.ics")
def feed(token: str):
    """The feed itself, for calendar apps (no sign-in; the token is the key)."""
    owner = calendar_feeds.owner_of(token)
    if owner is None:
        return Response("Not found", status=404, mimetype="text/plain")
    return Response(
        feed_body(owner),
        mimetype="text/calendar",
        headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
    )
