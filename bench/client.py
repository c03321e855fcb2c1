"""A small HTTP load client: one keep-alive-capable connection and cookie jar per visitor.

It uses only the standard library. Cookies are kept by name whatever their ``Secure`` flag:
the server runs its production configuration (secure cookies) on a loopback port without TLS,
and the benchmark is the browser here.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Result:
    """One response as the benchmark sees it."""

    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float
    queries: int | None

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8", "replace")


class Visitor:
    """One signed-in (or anonymous) person talking to the server."""

    def __init__(self, host: str, port: int, timeout: float = 120.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: dict | list | None = None, retry: bool = True
    ) -> Result:
        """Send one request (no redirects followed) and time it end to end."""
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # Sync workers close idle connections; reconnect once and try again.
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            if not retry:
                raise
            return self.request(method, path, data, retry=False)
        elapsed = time.perf_counter() - started
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            cookie_value = rest.split(";", 1)[0]
            if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = cookie_value
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        queries = response.getheader("X-Bench-Queries")
        return Result(
            status=response.status,
            body=payload,
            headers={k.lower(): v for k, v in response.getheaders()},
            seconds=elapsed,
            queries=int(queries) if queries is not None else None,
        )

    def get(self, path: str) -> Result:
        """GET ``path``."""
        return self.request("GET", path)

    def get_pdf(self, path: str, timeout: float = 600.0) -> Result:
        """GET a PDF link; a queued PDF's job page is followed until the file downloads.

        The result's ``seconds`` cover the whole wait (request, status polls, download); its
        ``queries`` are those of the first request.
        """
        started = time.perf_counter()
        first = self.get(path)
        location = first.headers.get("location", "")
        if first.status != 303 or "/pdfs/" not in location:
            return first
        job = location[location.index("/pdfs/") :]
        pause, deadline = 0.02, time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b'"pending"' not in self.get(job + "/status").body:
                break
            time.sleep(pause)
            pause = min(pause * 1.5, 0.5)
        result = self.get(job + "/download")
        result.seconds = time.perf_counter() - started
        result.queries = first.queries
        return result

    def post(self, path: str, data: dict | list) -> Result:
        """POST a form."""
        return self.request("POST", path, data)

    def login(self, email: str, password: str) -> None:
        """Sign in through the real login form."""
        page = self.get("/login")
        form = find_form(page.text, lambda f: "password" in f.names())
        if form is None:
            raise RuntimeError("no login form on /login")
        data = form.values()
        data.update(email=email, password=password)
        result = self.post("/login", data)
        if result.status != 302 or "/login" in result.headers.get("location", "/login"):
            raise RuntimeError(f"login as {email} failed (HTTP {result.status})")

    def close(self) -> None:
        """Drop the connection."""
        self.conn.close()


@dataclass
class Form:
    """A parsed HTML form: enough to fill in and submit like a browser."""

    action: str
    method: str
    fields: list[dict] = field(default_factory=list)

    def names(self) -> set[str]:
        """Names of every field."""
        return {f["name"] for f in self.fields if f.get("name")}

    def values(self) -> dict[str, str]:
        """What a browser would submit untouched (first option, checked boxes, defaults)."""
        out: dict[str, str] = {}
        for f in self.fields:
            name, kind = f.get("name"), f.get("type", "text")
            if not name or kind in ("submit", "button", "file", "reset", "image"):
                continue
            if kind in ("checkbox", "radio"):
                if f.get("checked") or (kind == "radio" and name not in out):
                    out[name] = f.get("value", "on")
                continue
            out.setdefault(name, f.get("value", ""))
        return out

    def target(self, page_path: str) -> str:
        """The path the form posts to."""
        return (
            urlsplit(urljoin(page_path, self.action or page_path))
            ._replace(scheme="", netloc="")
            .geturl()
        )


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._textarea: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input":
            form.fields.append(
                {
                    "name": a.get("name"),
                    "type": a.get("type", "text").lower(),
                    "value": a.get("value", ""),
                    "checked": "checked" in a,
                }
            )
        elif tag == "textarea":
            self._textarea = {"name": a.get("name"), "type": "textarea", "value": ""}
            form.fields.append(self._textarea)
        elif tag == "select":
            self._select = {"name": a.get("name"), "type": "select", "options": []}
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a or "value" not in self._select:
                self._select["value"] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data


def parse(html: str) -> _FormParser:
    """Forms and links of a page."""
    parser = _FormParser()
    parser.feed(html)
    return parser


def find_form(html: str, predicate) -> Form | None:
    """The first form for which ``predicate(form)`` holds."""
    return next((f for f in parse(html).forms if predicate(f)), None)
