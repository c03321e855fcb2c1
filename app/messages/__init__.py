"""Secure messages: a couple's joint thread, each partner's private thread, the inbox."""

from flask import Blueprint

bp = Blueprint("messages", __name__)

from app.messages import inbox_routes, routes, templating  # noqa: E402,F401
