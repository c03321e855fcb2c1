"""Counseling sessions, notes, check-ins and PDF summaries."""

from flask import Blueprint

bp = Blueprint("sessions", __name__)

from app.sessions import material_routes, note_routes, routes  # noqa: E402,F401
