"""The fault run's load: signed-in people writing and reading at a fixed pace, every answer noted.

Unlike S8's Locust profile, each write carries what makes it checkable afterwards: a new
journal entry's request key with the autosave sequence numbers acknowledged for it, the
request key of each entry saved and of each message sent (``bench.fault_ledger``). Nothing is
retried behind the person's back: a request that got no answer is noted as such, as a browser
would show it, and the person's next action is a new request (autosave sends the newest text
again with a higher number; a form is sent again with the same request key, as a second click).
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.client import Result, Visitor, find_form
from bench.fault_ledger import UNAVAILABLE, Answer, Ledger

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
AUTOSAVE = re.compile(r'data-autosave-url="([^"]+)"')
THREAD = re.compile(r'href="(/messages/\d+)"')
WORDS = [
    "we",
    "talked",
    "after",
    "dinner",
    "and",
    "it",
    "felt",
    "calmer",
    "than",
    "last",
    "week",
    "although",
    "the",
    "old",
    "pattern",
]


class Person(Visitor):
    """One signed-in person; ``send`` never retries and notes every answer in the ledger."""

    def __init__(self, port: int, cookies: dict[str, str], ledger: Ledger) -> None:
        super().__init__("127.0.0.1", port, timeout=30.0)
        self.cookies.update(cookies)
        self.ledger = ledger

    def send(
        self, method: str, path: str, what: str, body: str | None = None, kind: str = "form"
    ) -> Result | None:
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = (
                "application/json" if kind == "json" else "application/x-www-form-urlencoded"
            )
            if kind == "json":
                headers["Accept"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.ledger.note(Answer(time.monotonic(), what, None))
            return None
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            if "max-age=0" not in value.lower():
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        result = Result(response.status, payload, dict(response.getheaders()), 0.0, None)
        result.seconds = time.perf_counter() - started
        unavailable = response.status == 503 and UNAVAILABLE.encode() in payload
        self.ledger.note(Answer(time.monotonic(), what, response.status, unavailable))
        return result


@dataclass
class Editor:
    """A new journal entry being written: its autosave address, request key and form."""

    autosave_url: str
    key: str
    csrf: str
    form: dict[str, str]
    action: str
    seq: int = 0
    saves: int = 0
    text: str = ""
    version: int | None = None  # what the last save answered (optimistic locking)


@dataclass
class Client:
    """A client who writes a journal entry (autosaving it), saves it, sends messages, reads."""

    person: Person
    rng: random.Random
    editor: Editor | None = None
    thread: str | None = None
    pending_message: dict[str, str] | None = field(default=None)
    message_action: str = ""

    def act(self) -> None:
        if self.editor is None:
            self.editor = self._open_editor()
            return
        choice = self.rng.random()
        if choice < 0.55:
            self._autosave(self.editor)
        elif choice < 0.65 and self.editor.saves:
            self._save_entry(self.editor)
        elif choice < 0.75:
            self._send_message()
        else:
            self.person.send("GET", self.rng.choice(["/me", "/me/journal"]), "client: page")

    def _open_editor(self) -> Editor | None:
        page = self.person.send("GET", "/me/journal/new", "client: new entry editor")
        if page is None or page.status != 200:
            return None
        url, token = AUTOSAVE.search(page.text), CSRF.search(page.text)
        form = find_form(page.text, lambda f: "body" in f.names() and "request_key" in f.names())
        if not (url and token and form):
            return None
        values = form.values()
        autosave_url = url.group(1).replace("&amp;", "&")
        action = form.target("/me/journal/new")
        return Editor(autosave_url, values["request_key"], token.group(1), values, action)

    def _autosave(self, editor: Editor) -> None:
        editor.seq += 1
        editor.text = " ".join(self.rng.choice(WORDS) for _ in range(30)) + f" ({editor.seq})"
        fields: dict[str, object] = {"title": "Tonight", "body": editor.text}
        if editor.version is not None:
            fields["version"] = editor.version  # as static/autosave.js sends it
        body = json.dumps({"seq": editor.seq, "fields": fields})
        answer = self._json_post(editor.autosave_url, body, editor.csrf)
        if answer is not None and answer.status == 200:
            editor.saves += 1
            editor.version = json.loads(answer.body).get("version", editor.version)
            self.person.ledger.autosave_acknowledged(editor.key, editor.seq)

    def _json_post(self, path: str, body: str, csrf: str) -> Result | None:
        # The token travels in the body as sendBeacon's saves do (app/drafts.py).
        data = json.loads(body)
        data["csrf_token"] = csrf
        return self.person.send("POST", path, "client: autosave", json.dumps(data), kind="json")

    def _save_entry(self, editor: Editor) -> None:
        form = {**editor.form, "title": "Tonight", "body": editor.text or "A few words"}
        form["autosave_seq"] = str(editor.seq)
        if editor.version is not None and "version" in form:
            form["version"] = str(editor.version)
        answer = self.person.send("POST", editor.action, "client: save entry", urlencode(form))
        if answer is not None and answer.status in (302, 303):
            self.person.ledger.entry_acknowledged(editor.key)
            self.editor = None

    def _send_message(self) -> None:
        if self.pending_message is None:
            if self.thread is None:
                page = self.person.send("GET", "/me/messages", "client: messages")
                found = THREAD.search(page.text) if page is not None else None
                if found is None:
                    return
                self.thread = found.group(1)
            page = self.person.send("GET", self.thread, "client: thread")
            form = find_form(page.text, lambda f: "request_key" in f.names()) if page else None
            if form is None:
                return
            self.pending_message = {**form.values(), "body": "Could we talk about Thursday?"}
            self.message_action = form.target(self.thread)
        answer = self.person.send(
            "POST", self.message_action, "client: send message", urlencode(self.pending_message)
        )
        if answer is not None and answer.status in (302, 303):
            self.person.ledger.message_acknowledged(self.pending_message["request_key"])
            self.pending_message = None  # else: sent again, same key, on the next turn


@dataclass
class Counselor:
    """A counselor reading the caseload and case pages."""

    person: Person
    rng: random.Random
    cases: list[str]

    def act(self) -> None:
        if self.cases and self.rng.random() < 0.6:
            self.person.send("GET", self.rng.choice(self.cases), "counselor: case page")
        else:
            self.person.send("GET", "/caseload", "counselor: caseload")


def drive(actors: list, pacing: float, stop: threading.Event) -> list[threading.Thread]:
    """One thread per person, each starting an action every ``pacing`` seconds until ``stop``."""

    def loop(actor, offset: float) -> None:
        next_at = time.monotonic() + offset
        while not stop.is_set():
            delay = next_at - time.monotonic()
            if delay > 0 and stop.wait(delay):
                return
            next_at += pacing
            try:
                actor.act()
            except Exception as exc:  # noqa: BLE001  (a driver bug must not end the run silently)
                actor.person.ledger.note(Answer(time.monotonic(), f"driver error {exc!r}", None))

    threads = []
    for index, actor in enumerate(actors):
        thread = threading.Thread(
            target=loop, args=(actor, pacing * index / max(1, len(actors))), daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads
