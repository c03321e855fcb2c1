"""S8's locustfile: a clinic's mixed load, open loop at a fixed arrival rate (``bench.s8`` runs it).

Each Locust user is one signed-in person from the fixture (the cookies ``bench.s8`` got by signing
in through the real form, in ``BENCH_S8_PEOPLE``), and starts one request every
``BENCH_S8_PACING`` seconds whatever the answers take (pacing, not think time after the answer),
so the arrival rate is users / pacing and does not fall when the server slows down, until a
request takes longer than the pacing itself; then the step is over the limit anyway.

The mix follows the fixture's shape (docs/performance.md S8): counselors open the caseload,
case pages, assignment reviews, session notes and the shared-journal inbox; clients open their
home, exercises and journal, and write (a journal draft autosaved every few seconds). One
request in a hundred is a session-summary PDF (several times a clinic's real share).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, events, task

PEOPLE = json.loads(open(os.environ["BENCH_S8_PEOPLE"]).read())  # noqa: SIM115
PACING = float(os.environ.get("BENCH_S8_PACING", "3"))
COUNSELORS = [p for p in PEOPLE if p["role"] == "counselor"]
CLIENTS = [p for p in PEOPLE if p["role"] == "client"]
#: Share of requests by counselors: the fixture has ~40 clients per counselor, but a counselor
#: works in the app for much of the day and a client a few minutes.
COUNSELOR_SHARE = 0.4
PDF_SHARE = 0.01
_seq = itertools.count(int(time.time() * 1000) * 1000)
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
AUTOSAVE = re.compile(r'data-autosave-url="([^"]+)"')


class Person(HttpUser):
    """One signed-in counselor or client, paced at one request every ``PACING`` seconds."""

    def wait_time(self) -> float:
        return max(0.0, PACING - (time.monotonic() - self._started))

    def on_start(self) -> None:
        self._started = time.monotonic()
        rng = random.Random()
        self.rng = rng
        self.person = rng.choice(COUNSELORS if rng.random() < COUNSELOR_SHARE else CLIENTS)
        for name, value in self.person["cookies"].items():
            self.client.cookies.set(name, value)
        self.draft_url = None
        self.csrf = None
        self.version = None
        if self.person["role"] == "client":
            # The editor of a new entry names its autosave address and carries the token.
            page = self.get("/me/journal/new", "client: new entry editor")
            found = AUTOSAVE.search(page.text)
            token = CSRF.search(page.text)
            if found and token:
                self.draft_url = found.group(1).replace("&amp;", "&")
                self.csrf = token.group(1)

    def get(self, path: str, name: str, ok: tuple[int, ...] = (200,)):
        """GET a page; anything else (a redirect to sign-in, say) counts as an error."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in ok:
                response.failure(f"HTTP {response.status_code}")
        self._keep_cookies()
        return response

    def _keep_cookies(self) -> None:
        """Keep sending what the server sets, as bench/client.py does.

        The server runs its production configuration (Secure cookies) on plain loopback HTTP.
        Its Set-Cookie is stored for its host: the copy signed in with (set for any host) goes,
        or both would be sent and the older one (without the page's CSRF secret) might win.
        """
        jar = self.client.cookies
        for cookie in list(jar):
            cookie.secure = False
        for name in self.person["cookies"]:
            if any(c.name == name and c.domain for c in jar) and any(
                c.name == name and not c.domain for c in jar
            ):
                jar.clear("", "/", name)

    @task
    def one_request(self) -> None:
        self._started = time.monotonic()
        p, rng = self.person, self.rng
        if (
            p["role"] == "counselor"
            and p["summaries"]
            and rng.random() < PDF_SHARE / COUNSELOR_SHARE
        ):
            # 1 % of all requests; only counselors may ask for a summary. 200 with the file,
            # or 303 to "We are preparing your PDF": both are answers.
            self.get(rng.choice(p["summaries"]), "counselor: session summary PDF", ok=(200, 303))
            return
        if p["role"] == "counselor":
            self._counselor(p, rng)
        else:
            self._client(p, rng)

    def _counselor(self, p: dict, rng: random.Random) -> None:
        choice = rng.random()
        if choice < 0.25:
            self.get("/caseload", "counselor: caseload")
        elif choice < 0.55:
            self.get(rng.choice(p["cases"]), "counselor: case page")
        elif choice < 0.70 and p["reviews"]:
            self.get(rng.choice(p["reviews"]), "counselor: assignment review")
        elif choice < 0.85 and p["sessions"]:
            self.get(rng.choice(p["sessions"]), "counselor: session note")
        else:
            self.get("/caseload/journal", "counselor: shared-journal inbox")

    def _client(self, p: dict, rng: random.Random) -> None:
        choice = rng.random()
        if choice < 0.30:
            self.get("/me", "client: home")
        elif choice < 0.50:
            self.get("/me/exercises", "client: exercises")
        elif choice < 0.70:
            self.get("/me/journal", "client: journal")
        elif self.draft_url and self.csrf:
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120)))
            fields = {"title": "Tonight", "body": words}
            if self.version is not None:
                fields["version"] = self.version  # the version the last save answered
            response = self.client.post(
                self.draft_url,
                json={"seq": next(_seq), "fields": fields},
                headers={"X-CSRFToken": self.csrf, "Accept": "application/json"},
                name="client: journal autosave",
            )
            if response.status_code == 200:
                self.version = response.json().get("version", self.version)
            self._keep_cookies()
        else:
            self.get("/me", "client: home")


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
    "I",
    "still",
    "noticed",
    "the",
    "old",
    "pattern",
    "when",
    "the",
    "topic",
    "of",
    "money",
    "came",
    "up",
    "and",
    "I",
    "tried",
    "to",
    "name",
    "it",
    "gently",
]


@events.quitting.add_listener
def _never_fail_the_process(environment, **_kwargs) -> None:
    # The orchestrator reads the CSV and judges the step; Locust's own exit code is not used.
    environment.process_exit_code = 0
