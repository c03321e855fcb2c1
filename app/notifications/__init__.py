"""Notifications: an outbox delivered by the job queue, in-app and by e-mail.

The public API every feature uses (README, "Notifications"; docs/security.md)::

    from app.notifications import announce, NotificationKind, register_kind

    register_kind(NotificationKind(code="message.new", audience="client", ...))  # at import
    announce(recipient=user, kind="message.new", case=case, about=("message", msg.id),
             key=f"message.new:{msg.id}:{user.id}")                  # in the event's transaction

and the reads of the in-app centre and the preferences page: ``unread_count``,
``for_recipient``, ``mark_read``, ``preferences_for``, ``set_preferences``.

Rows land in the outbox (table ``notifications``) in the caller's transaction; the queue
delivers them: in-app at once, e-mail respecting the person's preferences, quiet hours, daily
digest and discreet mode, after asking the kind's ``still_relevant`` (which asks
``app.policy``) once more. Nothing in a row, a title or an e-mail is clinical content.
"""

# The kinds this package itself announces (reminders, digest, dead letters) register at import.
from app.notifications import digest as _digest  # noqa: E402,F401
from app.notifications import reminders as _reminders  # noqa: E402,F401
from app.notifications.inbox import InAppItem, for_recipient, mark_read, unread_count
from app.notifications.kinds import (
    NotificationKind,
    all_kinds,
    find_kind,
    get_kind,
    kinds_for,
    register_kind,
)
from app.notifications.outbox import announce, cancel_about, withdraw_about
from app.notifications.preferences import (
    KindPreference,
    PreferenceError,
    Preferences,
    preferences_for,
    set_preferences,
    time_zone_names,
)

__all__ = [
    "InAppItem",
    "KindPreference",
    "NotificationKind",
    "PreferenceError",
    "Preferences",
    "all_kinds",
    "announce",
    "cancel_about",
    "withdraw_about",
    "find_kind",
    "for_recipient",
    "get_kind",
    "kinds_for",
    "mark_read",
    "preferences_for",
    "register_kind",
    "set_preferences",
    "time_zone_names",
    "unread_count",
]
