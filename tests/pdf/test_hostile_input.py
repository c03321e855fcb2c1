"""docs/security.md PDF-1..3: nothing is fetched, user text stays text, big input ends in time."""

from __future__ import annotations

import http.server
import threading

import pytest

from app.pdf.worker import asset_path
from tests.pdf.helpers import pdf_text

TIME_LIMIT = 20


@pytest.fixture
def app_config():
    return {"REKINDLE_PDF_TIMEOUT": TIME_LIMIT}


@pytest.fixture
def canary_server():
    """A local HTTP server that counts every request it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, hits
    server.shutdown()
    server.server_close()


def _pdf(login_as, counselor, case, sid, copy="clinician"):
    return login_as(counselor).get(f"/cases/{case.id}/sessions/{sid}/summary.pdf?copy={copy}")


def test_markup_in_a_note_prints_literally(login_as, build, couple_case, canary_server):
    port, hits = canary_server
    counselor, case, a, b = couple_case
    hostile = (
        '<b>x</b> <img src="file:///etc/passwd"> '
        f"<style>@import url(http://127.0.0.1:{port}/style.css);</style> "
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/link.css"> '
        f'<img src="http://127.0.0.1:{port}/img.png">'
    )
    sid = build.session(case, sections={"data": hostile, "focus": hostile})
    for copy in ("clinician", "client"):
        response = _pdf(login_as, counselor, case, sid, copy)
        assert response.status_code == 200
        text = pdf_text(response.data)
        assert "<b>x</b>" in text
        assert "root:x:0:0" not in text and b"root:x:0:0" not in response.data
    assert hits == []


def test_import_in_an_amendment_fetches_nothing(app, login_as, build, couple_case, canary_server):
    port, hits = canary_server
    counselor, case, a, b = couple_case
    sid = build.session(case, sections={"data": "x"}, signed_by=counselor)
    login_as(counselor).post(
        f"/cases/{case.id}/sessions/{sid}/amend",
        data={"body": f"@import url(http://127.0.0.1:{port}/a.css); url(file:///etc/passwd)"},
    )
    response = _pdf(login_as, counselor, case, sid)
    assert response.status_code == 200
    assert "@import" in pdf_text(response.data)
    assert hits == []


def test_huge_unbroken_word_gives_a_pdf_or_a_clear_error(login_as, build, couple_case):
    counselor, case, a, b = couple_case
    sid = build.session(case, sections={"data": "W" * 200_000})
    response = _pdf(login_as, counselor, case, sid)
    assert response.status_code in (200, 503)
    if response.status_code == 503:
        assert b"took too long" in response.data or b"too large" in response.data
    else:
        assert response.data.startswith(b"%PDF")
    # The app still answers afterwards.
    assert login_as(counselor).get(f"/cases/{case.id}/sessions/{sid}").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/x",
        "https://example.com/font.ttf",
        "data:text/css,body{}",
        "rekindle-asset:fonts/../../config.py",
        "rekindle-asset:fonts/.hidden",
        "rekindle-asset:other/NotoSans-Regular.ttf",
        "rekindle-asset:fonts/missing.ttf",
    ],
)
def test_fetcher_refuses_everything_but_bundled_assets(url):
    assert asset_path(url) is None


def test_fetcher_serves_bundled_fonts():
    assert asset_path("rekindle-asset:fonts/NotoSerif-Regular.ttf").name == "NotoSerif-Regular.ttf"
