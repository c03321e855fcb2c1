"""The client's exercises: what is assigned, answering with autosave, submitting."""

from flask import Blueprint

bp = Blueprint("exercises", __name__)

from app.exercises import routes  # noqa: E402,F401
