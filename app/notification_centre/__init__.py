"""The notification centre people see: the bell, the list at /notifications, the preferences.

The outbox, delivery and e-mail live in ``app.notifications``; this package is what a person
sees and chooses, and it registers the kinds of notification the existing features announce
(``kinds``), whose words and rules come from ``app.policy.announcements``.
"""

from flask import Blueprint

bp = Blueprint("notification_centre", __name__)

from app.notification_centre import kinds, routes  # noqa: E402,F401
