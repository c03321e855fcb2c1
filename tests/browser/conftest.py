"""Browser-test harness: Playwright drives Debian's Chromium against a live server.

* ``live_server`` serves the test app on a free loopback port in a thread.
* ``browser`` launches ``/usr/bin/chromium`` (never a downloaded browser).
* ``new_page`` opens a page in a fresh context (own cookies) that records every request, so
  ``visit`` can check that nothing left the app's own host and run axe-core on the page.
* ``page_archive`` keeps the HTML the server sent for every page a journey lands on (however
  it got there: a link, a form, a redirect), and the DOM as scripts left it wherever a test
  calls ``check_page``; at the end of the run the Nu HTML Checker and the label check
  (``html_checks``) go over all of it at once, and any error fails the run. The server's
  bytes matter: the browser's own serialisation (``page.content()``) has parse errors such as
  a stray end tag already repaired away.

Without Chromium every browser test fails with the command that installs it: a run can never
pass by leaving them out. The same holds for Java, which the Nu HTML
Checker needs. ``make test`` installs Chromium first when it may
(``scripts/system_check.py``); to leave the browser tests out on purpose, deselect them
(``-m "not browser"``), which pytest reports.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.browser.html_checks import PageArchive, java, markup_problems

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / ".artifacts" / "screenshots"
PAGES = ARTIFACTS.parent / "pages"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def find_chromium(path: str = CHROMIUM) -> str:
    """Debian's Chromium, or a failure naming the install command (never a skip)."""
    if Path(path).exists() or shutil.which(path):
        return path
    pytest.fail(
        f"Chromium not found at {path}. Install it with: "
        "sudo apt-get update && sudo apt-get install -y chromium "
        "(or run `make test`, which installs it when it may)"
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; the browser tests fail without it."""
    return find_chromium()


@pytest.fixture(scope="session")
def page_archive(worker_id: str) -> Iterator[PageArchive]:
    """The HTML of every page visited in this run; checked once all tests are done.

    The pages stay in tests/.artifacts/pages/<worker>/ until the next run, to look at.
    """
    if java() is None:
        pytest.fail(
            "Java is needed for the Nu HTML Checker: sudo apt-get update && "
            "sudo apt-get install -y default-jre-headless (or run `make test`, which installs it "
            "when it may)"
        )
    folder = PAGES / worker_id
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = PageArchive(folder)
    yield archive
    problems = markup_problems(archive)
    if problems:
        listing = "\n".join(problems[:300])
        pytest.fail(
            f"{len(problems)} markup problems on the {len(archive.visits)} pages the journeys "
            f"visited (the pages are in {archive.folder}):\n{listing}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def playwright_instance(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    """One headless Chromium for the whole run."""
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def app_config() -> dict:
    """Journeys run with CSRF protection on, as in production: forms carry real tokens."""
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app served on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class Visitor:
    """A page in its own browser context, with request recording and checks."""

    def __init__(self, context, base_url: str, name: str, archive: PageArchive) -> None:
        self.context = context
        self.base_url = base_url
        self.name = name
        self.archive = archive
        self.page = context.new_page()
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        self.page.on("dialog", self._on_dialog)
        self.page.on("response", self._keep_page_html)

    def _keep_page_html(self, response) -> None:
        """Archive the HTML of each page the tab lands on (not redirects, not fetches)."""
        request = response.request
        if (
            request.is_navigation_request()
            and response.frame == self.page.main_frame
            and not 300 <= response.status < 400
            and "text/html" in (response.headers.get("content-type") or "")
        ):
            self.archive.add(response.text(), response.url, self.name)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.accept()

    def visit(self, path: str, *, check_a11y: bool = True):
        """Go to ``path`` and run the page checks."""
        self.page.goto(self.base_url + path)
        if check_a11y:
            self.check_page()
        return self.page

    def login(self, email: str, password: str) -> None:
        """Sign in through the form."""
        self.visit("/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def check_page(self) -> None:
        """Only our own host was contacted, and axe finds nothing serious or critical.

        Also archives the page's current DOM for the markup checks at the end of the run.
        """
        # A click that navigates returns once the new page starts loading; checking then
        # would read a document that is being replaced (an empty page, a null root).
        self.page.wait_for_load_state("load")
        self.page.wait_for_function(
            "document.readyState === 'complete' && document.documentElement !== null"
        )
        check_only_own_host(self.requests, self.base_url)
        # The page as scripts left it, too: markup they add is checked like the server's.
        self.archive.add(self.page.content(), f"{self.page.url} [after scripts]", self.name)
        check_accessibility(self.page)

    def screenshot(self, label: str, *, viewport: dict | None = None) -> Path:
        """Save a full-page screenshot under tests/.artifacts/screenshots/."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if viewport:
            self.page.set_viewport_size(viewport)
        path = ARTIFACTS / f"{self.name}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def check_only_own_host(urls: list[str], base_url: str) -> None:
    """HD-2: every request went to the app itself."""
    own = urlsplit(base_url).netloc
    foreign = [
        u for u in urls if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != own
    ]
    assert not foreign, f"requests left the app: {foreign}"


def check_accessibility(page) -> None:
    """Fail on serious or critical axe-core violations (axe ships inside the Python package)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, f"accessibility violations on {page.url}: {serious}"


@pytest.fixture
def new_visitor(browser, live_server, page_archive, request) -> Iterator:
    """Factory: ``new_visitor("alex")`` gives a Visitor in a fresh browser context."""
    contexts = []

    def _make(name: str, viewport: dict | None = None) -> Visitor:
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server)
        contexts.append(context)
        return Visitor(context, live_server, f"{request.node.name}-{name}", page_archive)

    yield _make
    for context in contexts:
        context.close()
