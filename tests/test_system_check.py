"""``scripts/system_check.py``: install what a fresh machine lacks, or name the one command."""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "system_check.py"


@pytest.fixture(scope="module")
def check():
    spec = importlib.util.spec_from_file_location("system_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["system_check"] = module  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("system_check", None)


def need(check, name: str, packages: tuple[str, ...], state: dict):
    return check.Need(name, packages, lambda: state.get(name, False))


def test_nothing_to_do_when_everything_is_there(check):
    ran = []
    state = {"chromium": True}
    needs = [need(check, "chromium", ("chromium",), state)]
    assert check.ensure(needs, euid=1000, run=ran.append, say=lambda _: None) == 0
    assert ran == []


def test_without_root_or_sudo_it_stops_with_the_one_command(check):
    said, ran = [], []
    state: dict = {}
    needs = [
        need(check, "chromium", ("chromium",), state),
        need(check, "pango", ("libpango-1.0-0", "libpangoft2-1.0-0"), state),
    ]
    code = check.ensure(needs, euid=1000, sudo_works=lambda: False, run=ran.append, say=said.append)
    assert code == 1
    assert ran == []
    assert (
        "sudo apt-get update && sudo apt-get install -y chromium libpango-1.0-0 "
        "libpangoft2-1.0-0" in said[0]
    )


@pytest.mark.parametrize(("euid", "sudo", "prefix"), [(0, False, []), (1000, True, ["sudo", "-n"])])
def test_installs_itself_when_it_may(check, monkeypatch, euid, sudo, prefix):
    monkeypatch.setattr(check.shutil, "which", lambda name: f"/usr/bin/{name}")
    state: dict = {}
    ran = []

    def run(command: list[str]) -> int:
        ran.append(command)
        if "install" in command:
            state["chromium"] = True
        return 0

    needs = [need(check, "chromium", ("chromium",), state)]
    code = check.ensure(needs, euid=euid, sudo_works=lambda: sudo, run=run, say=lambda _: None)
    assert code == 0
    assert [c[len(prefix) :][2:4] for c in ran] == [["apt-get", "update"], ["apt-get", "install"]]
    assert all(c[: len(prefix)] == prefix for c in ran)
    assert ran[1][-1] == "chromium"


def test_a_failed_install_is_a_failure(check, monkeypatch):
    monkeypatch.setattr(check.shutil, "which", lambda name: f"/usr/bin/{name}")
    said: list[str] = []
    needs = [need(check, "chromium", ("chromium",), {})]
    assert check.ensure(needs, euid=0, run=lambda c: 100, say=said.append) == 1
    assert "sudo apt-get install -y chromium" in said[-1]


def test_make_test_needs_the_browser_and_make_run_needs_pango(check):
    assert check.CHROMIUM_NEED in check.NEEDS["test"]
    assert check.JAVA in check.NEEDS["test"]
    assert check.PANGO in check.NEEDS["run"] and check.PANGO in check.NEEDS["test"]
    packages = {p for n in check.NEEDS["test"] for p in n.packages}
    assert packages == {
        "chromium",
        "default-jre-headless",
        "poppler-utils",
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "fonts-dejavu-core",
        "fonts-noto-color-emoji",
        "nginx",
    }
