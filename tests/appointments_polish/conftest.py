"""The appointment book's fixtures (a Helsinki practice, a couple, ``book``, ``clock``)."""

from tests.appointments.conftest import app_config, book, clock, couple  # noqa: F401
