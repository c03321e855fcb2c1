"""The PDF tests reuse the sessions builders."""

from tests.sessions.conftest import build, couple_case  # noqa: F401
