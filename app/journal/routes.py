"""Routes of the journal blueprint (being built)."""

from app.journal import bp  # noqa: F401
