"""Fixtures shared with the notification centre tests (a couple, its counselor, outsiders)."""

from __future__ import annotations

from tests.notifications_ui.conftest import (  # noqa: F401  (fixtures, used by name)
    _unlink_versions_after_test,
    builtin,
    couple,
    give,
    people,
)
