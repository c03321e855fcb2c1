"""Fixtures of the UX tests: the session builder, and the built-in library when asked."""

from __future__ import annotations

import pytest

from tests.modules.conftest import break_module_cycle
from tests.sessions.conftest import SessionBuilder
from tests.ux.builders import load_library


@pytest.fixture
def build(app) -> SessionBuilder:
    """Sessions, notes, entries and check-ins made directly in the database."""
    return SessionBuilder(app)


@pytest.fixture
def library(app):
    """The six built-in modules (unlinked again afterwards, for the shared teardown)."""
    load_library(app)
    yield
    break_module_cycle(app)


from tests.modules.conftest import builtin, couple, give  # noqa: E402,F401  (modules' builders)
