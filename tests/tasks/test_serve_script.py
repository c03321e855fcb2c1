"""``make run`` is one command: ``scripts/serve.py`` runs the web server and the consumer together.

Stopping it (Ctrl-C or SIGTERM) stops both; if either dies, the other is stopped too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.tasks.conftest import ROOT, process_env, queue_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_for(predicate, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def served(migrated_database, tmp_path):
    port = free_port()
    env = process_env(migrated_database, queue_config("sqlite", tmp_path), tmp_path)
    process = subprocess.Popen(
        [sys.executable, "scripts/serve.py", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: healthy(port) and len(children(process.pid)) == 2)
        kids = {
            ("consumer" if "huey_consumer" in cmdline(p) else "web"): p
            for p in children(process.pid)
        }
        assert set(kids) == {"web", "consumer"}
        yield process, kids
    finally:
        for pid in [process.pid, *children(process.pid)]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stopping_it_stops_both(served, sig):
    process, kids = served
    process.send_signal(sig)
    assert process.wait(timeout=30) == 0
    assert not any(alive(pid) for pid in kids.values())


def test_when_the_consumer_dies_the_web_server_stops_too(served):
    process, kids = served
    os.kill(kids["consumer"], signal.SIGKILL)
    process.wait(timeout=30)
    wait_for(lambda: not alive(kids["web"]), seconds=15)
