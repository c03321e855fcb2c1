"""Find every form the app renders, so route-wide tests can post each one as its user would.

``harvest`` visits every GET route as a role and parses the POST forms on the pages (their
action, inputs, textareas and selects with their current values). Tests then fill them in —
with ordinary, hostile or random values — and post them to the action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from tests.security.routes import MATRIX, build_url, endpoints, methods, variants

# Forms whose effect would end the walk (signing out) rather than test a rule.
SKIP_ACTIONS = {"/logout"}


@dataclass
class Form:
    """One POST form: where it goes and its fields."""

    action: str
    page: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, value)
    options: dict[str, list[str]] = field(default_factory=dict)

    def values(self) -> dict[str, list[str]]:
        """The form as the page would submit it unchanged."""
        data: dict[str, list[str]] = {}
        for name, kind, value in self.fields:
            if kind in ("checkbox", "radio") and value is None:
                continue
            data.setdefault(name, []).append(value)
        for name, options in self.options.items():
            if name not in data and options:
                data[name] = [options[0]]
        return data

    def text_fields(self) -> list[str]:
        """Names of the fields a person types into (not hidden, not the CSRF token)."""
        return [
            name
            for name, kind, _ in self.fields
            if kind in ("text", "textarea", "email", "search", "url", "tel", "")
            and name not in ("csrf_token", "request_key", "next")
        ]


class _Parser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                action = a.get("action") or self.page
                self._form = Form(action=urlsplit(action).path or self.page, page=self.page)
            return
        form = self._form
        if form is None or a.get("disabled") is not None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                checked = "checked" in a
                if kind == "radio":
                    form.options.setdefault(name, []).append(a.get("value", "on"))
                form.fields.append((name, kind, a.get("value", "on") if checked else None))
            else:
                form.fields.append((name, kind, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
            form.options.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a:
                form.fields.append((self._select, "select", value))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, "textarea", "".join(self._text)))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def parse_forms(html: str, page: str) -> list[Form]:
    """The POST forms of one page."""
    parser = _Parser(page)
    parser.feed(html)
    return parser.forms


def get_pages(app, world, role: str) -> list[str]:
    """URLs of every GET route ``role`` may open (case-1 ids)."""
    pages = []
    for endpoint, rule in endpoints(app).items():
        entry = MATRIX[endpoint]
        if "GET" not in methods(rule) or entry.public or role not in entry.allowed_for("own"):
            continue
        # Files and JSON are not pages: a PDF, a calendar file, a download or the status the
        # poll reads (a browser downloads a file instead of opening it).
        files = ("_pdf", "_json", "_ics", ".download", ".status")
        if endpoint.endswith(files) or endpoint == "main.index":
            continue
        pages.append(build_url(rule, world, variants(entry, rule)[0][1]))
    return pages


def harvest(app, world, client, role: str) -> list[Form]:
    """Every distinct POST form on the pages ``role`` can open."""
    seen: dict[str, Form] = {}
    for page in get_pages(app, world, role):
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in parse_forms(response.get_data(as_text=True), page):
            if form.action in SKIP_ACTIONS:
                continue
            seen.setdefault(form.action, form)
    return list(seen.values())
