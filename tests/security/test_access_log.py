"""No client writing in access logs (security issue 19.3).

A real gunicorn, started with the shipped ``gunicorn.conf.py`` on a free loopback port, serves
a signed-in client who searches and filters with canary words: its access log must hold none
of them. The development server (werkzeug) is checked the same way.
"""

from __future__ import annotations

import http.cookiejar
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.models import Visibility
from tests.conftest import TEST_KEYRING, TEST_PASSWORD, TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
WORD = "zebracanaryword"
TAG = "okapicanarytag"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client that signs in and submits forms with their CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str], token_from: str) -> tuple[str, str]:
        """POST ``fields`` (with the CSRF token of ``token_from``); the final URL and page."""
        page = self.get(token_from)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        token = token or re.search(r'name="csrf-token" content="([^"]+)"', page)
        data = urllib.parse.urlencode({"csrf_token": token.group(1), **fields}).encode()
        with self.opener.open(self.base + path, data=data, timeout=20) as response:
            return response.geturl(), response.read().decode()


@pytest.fixture
def client_with_writing(factory, make_entry_for_log):
    counselor = factory.counselor()
    case, a, _b = factory.couple(counselor)
    make_entry_for_log(a, case)
    return a


@pytest.fixture
def make_entry_for_log(app):
    from app.extensions import db
    from app.services import journal as journal_service

    def _make(author, case):
        with app.app_context():
            entry = journal_service.new_entry(author, case.id)
            db.session.add(entry)
            db.session.flush()
            journal_service.set_visibility(entry, Visibility.COUNSELOR_AND_PARTNER)
            journal_service.submit(
                entry,
                journal_service.EntryInput(
                    title="Zoo day", body=f"we saw a {WORD}", mood=4, tags=[TAG]
                ),
            )
            db.session.commit()

    return _make


@pytest.fixture
def gunicorn_server(app, migrated_database, tmp_path):
    """The shipped gunicorn config on a free port, logging to a file; yields (url, log path)."""
    port = _free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DATABASE_URL": migrated_database,
        "SECRET_KEY": TEST_SECRET,
        "REKINDLE_ENCRYPTION_KEYS": TEST_KEYRING,
        # The server reads the same key files as the test app that wrote the rows.
        "REKINDLE_CLIENT_KEY_STORE": app.config["REKINDLE_CLIENT_KEY_STORE"],
        "REKINDLE_AUDIT_ANCHOR_FILE": app.config["REKINDLE_AUDIT_ANCHOR_FILE"],
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--access-logfile",
            str(log),
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None:
                    pytest.fail(process.stderr.read().decode())
                time.sleep(0.1)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=20)


def _search_with_canaries(base: str, email: str) -> list[str]:
    """Sign in, search and filter every way the journal offers; the URLs the browser saw."""
    browser = Browser(base)
    seen = [browser.post("/login", {"email": email, "password": TEST_PASSWORD}, "/login")[0]]
    for fields in ({"q": WORD.upper()}, {"tag": TAG.upper()}, {"q": WORD, "tag": TAG}):
        url, page = browser.post("/me/journal", fields, "/me/journal")
        assert "Zoo day" in page, "the search must still find the entry"
        seen.append(url)
    # The tag link under the entry and the partner list's search go the same way.
    page = browser.get("/me/journal")
    tag_link = re.search(r'href="(/me/journal\?s=[^"]+)"[^>]*>#', page).group(1)
    seen.append(tag_link)
    assert "Zoo day" in browser.get(tag_link.replace("&amp;", "&"))
    seen.append(browser.post("/me/journal/shared", {"q": WORD}, "/me/journal/shared")[0])
    return seen


def test_a_gunicorn_access_log_holds_no_searched_word(gunicorn_server, client_with_writing):
    base, log = gunicorn_server
    urls = _search_with_canaries(base, client_with_writing.email)
    for url in urls:
        assert WORD not in url.lower() and TAG not in url.lower(), url
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and log.read_text().count("\n") < len(urls):
        time.sleep(0.1)
    text = log.read_text()
    assert "/me/journal" in text, "the access log was written"
    assert WORD not in text.lower() and TAG not in text.lower()
    assert "?" not in text, "no query string is logged at all"


def test_the_development_server_logs_paths_without_query_strings(app, caplog, monkeypatch):
    # Alembic's logging.config.fileConfig (run by the migration fixture) disables loggers that
    # existed before it; the development server never runs migrations in-process.
    monkeypatch.setattr(logging.getLogger("werkzeug"), "disabled", False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            url = f"http://127.0.0.1:{server.server_port}/login?q={WORD}&tag={TAG}"
            urllib.request.urlopen(url, timeout=10).close()
            # The server logs after it has answered: wait for the line.
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not any(
                r.name == "werkzeug" for r in caplog.records
            ):
                time.sleep(0.05)
    finally:
        server.shutdown()
        thread.join(timeout=5)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/login" in line for line in lines), lines
    assert not any(WORD in line or TAG in line for line in lines), lines
