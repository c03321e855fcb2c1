"""The appointment book: booking, the counselor's calendar, clients' sessions, feeds, reminders."""

from flask import Blueprint

bp = Blueprint("appointments", __name__)

from app.appointments import (  # noqa: E402,F401
    calendar_routes,
    client_routes,
    feed_routes,
    notifications,
    routes,
)
