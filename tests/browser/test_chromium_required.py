"""A machine without Chromium fails the browser tests; it never skips them."""

import pytest

from tests.browser.conftest import find_chromium


def test_missing_chromium_is_a_failure_with_the_command(tmp_path):
    with pytest.raises(pytest.fail.Exception) as failed:
        find_chromium(str(tmp_path / "no-chromium"))
    assert "apt-get install -y chromium" in str(failed.value)


def test_present_chromium_is_used(tmp_path):
    binary = tmp_path / "chromium"
    binary.write_text("")
    assert find_chromium(str(binary)) == str(binary)
