"""Routes of the sessions blueprint (being built)."""

from app.sessions import bp  # noqa: F401
