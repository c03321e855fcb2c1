"""The client's side: what to do next, exercises and journal."""

from flask import Blueprint

bp = Blueprint("client", __name__)

from app.client import export, routes  # noqa: E402,F401
