"""DP-1: keys live outside the database; production will not start without a usable keyring."""

from __future__ import annotations

import base64
import json

import pytest

from app import create_app
from app.crypto import Keyring

SECRET = "s" * 48


def production(tmp_path, **config):
    return create_app(
        {"ENV": "production", "SECRET_KEY": SECRET, "REKINDLE_ENCRYPTION_KEYS": None, **config},
        instance_path=str(tmp_path),
    )


def test_production_refuses_a_configured_key_file_that_is_missing(tmp_path):
    with pytest.raises(RuntimeError, match="is missing"):
        production(tmp_path, REKINDLE_ENCRYPTION_KEYS_FILE=str(tmp_path / "nowhere.json"))
    assert not (tmp_path / "nowhere.json").exists()  # never invented in production


@pytest.mark.parametrize(
    "keyring_json",
    [
        json.dumps({"active": 1, "keys": {"1": base64.b64encode(b"short").decode()}}),
        json.dumps({"active": 2, "keys": {"1": base64.b64encode(b"k" * 32).decode()}}),
    ],
)
def test_production_refuses_a_weak_or_inconsistent_keyring(tmp_path, keyring_json):
    with pytest.raises(ValueError, match="key"):
        production(tmp_path, REKINDLE_ENCRYPTION_KEYS=keyring_json)


def test_production_starts_with_a_mounted_key_file(tmp_path):
    path = tmp_path / "keys.json"
    path.write_text(Keyring.generate().to_json())
    app = production(tmp_path, REKINDLE_ENCRYPTION_KEYS_FILE=str(path))
    assert app.extensions["rekindle_keyring"].active == 1
