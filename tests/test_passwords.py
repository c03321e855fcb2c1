"""The password policy: length and commonness, never composition rules."""

import pytest

from app.auth.passwords import password_problem


@pytest.mark.parametrize("password", ["short", "123456789", "x" * 9])
def test_too_short(password):
    assert "at least 10" in password_problem(password)


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890", "Password1234"])
def test_common_passwords_refused(password):
    assert "common" in password_problem(password)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "alllowercaseletters",
        "ünïcödé pässwörd",
        "日本語のパスワードです",
        "rekindle-demo",
    ],
)
def test_long_uncommon_passwords_accepted_without_composition_rules(password):
    assert password_problem(password) is None


def test_repetitive_refused():
    assert password_problem("aaaaaaaaaaaa") is not None


def test_email_as_password_refused():
    assert password_problem("someone@example.test", email="Someone@example.test") is not None
