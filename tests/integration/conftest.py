"""Two app hosts behind a round-robin proxy, as a deployment with more than one server runs.

``two_hosts`` starts two gunicorn masters (``gunicorn.conf.py``, production configuration) on
free loopback ports, both on the test run's PostgreSQL database and the same Redis, with the
same secret key, keyring and instance folder, one job consumer for both (PDFs, notification
e-mails to a real SMTP server of the test's), and an nginx in front of them that sends each
request to the next host in turn (no sticky sessions, no retry on the other host). Every
response says which host served it (``X-Upstream``), so a test can show that a step really
crossed from one host to the other, or steer a step to the host it wants (``aim_at``). The
hosts start once for the whole folder.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import (
    TEST_KEYRING,
    TEST_PASSWORD,
    TEST_SECRET,
    anchor_file_for,
    client_key_store_for,
)
from tests.consumer import launch_consumer
from tests.mailbox import Inbox, smtp_server

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


#: Every test here: two hosts cannot share a SQLite file, so on SQLite they are skipped (the
#: suite runs on PostgreSQL in CI, where they run every time).
postgres_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="PostgreSQL-only: two app hosts share one database server, never one SQLite file "
    "(set TEST_DATABASE_URL to run it)",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/integration" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.two_hosts)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str, process: subprocess.Popen, log: Path) -> None:
    """Until ``path`` answers 200 on ``port``; a process that exits fails with its log."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"nothing answered on port {port}:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop a process group we started, politely first."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


NGINX_CONF = """\
worker_processes 1;
daemon off;
{user}pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream rekindle {{
        # Round robin, no stickiness: consecutive requests go to alternate hosts.
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://rekindle;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A host that fails must show as a failure, not be hidden by a retry elsewhere.
            proxy_next_upstream off;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@dataclass
class TwoHosts:
    """The proxy's port and the two hosts behind it."""

    port: int
    hosts: tuple[str, str]
    instance: Path
    mail: Inbox

    def browser(self) -> Browser:
        """A new visitor with its own cookies, talking to the proxy."""
        return Browser(self.port)


@pytest.fixture(scope="package")
def mail_sink() -> Iterator[Inbox]:
    """The real SMTP server the hosts' consumer sends every e-mail to, for the whole module."""
    with smtp_server(Inbox()) as inbox:
        yield inbox


@pytest.fixture(scope="package")
def two_hosts(
    migrated_database: str, mail_sink: Inbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TwoHosts]:
    """Two gunicorn masters on one database and one Redis, behind nginx on loopback, and one
    consumer; e-mail goes to ``mail_sink``."""
    if not (Path(NGINX).exists() or shutil.which("nginx")):
        pytest.fail(
            f"nginx not found at {NGINX}. Install it with: sudo apt-get install -y nginx "
            "(or run `make test`, which installs it when it may)"
        )
    tmp = tmp_path_factory.mktemp("two-hosts")
    # What the hosts must share: the instance folder (keyring and audit anchor live there or
    # are named explicitly below), the secret key, the database and the throttle's Redis.
    instance = tmp / "instance"
    instance.mkdir()
    ports = (free_port(), free_port())
    proxy_port = free_port()
    prefix = f"rekindle-two-hosts-{secrets.token_hex(6)}"
    env = {
        **os.environ,
        "REKINDLE_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "REKINDLE_ENCRYPTION_KEYS": TEST_KEYRING,
        "DATABASE_URL": migrated_database,
        "REKINDLE_INSTANCE_PATH": str(instance),
        "REKINDLE_AUDIT_ANCHOR_FILE": anchor_file_for(migrated_database),
        # Both hosts and the test read the one key store, as they would on shared storage.
        "REKINDLE_CLIENT_KEY_STORE": client_key_store_for(migrated_database),
        "REKINDLE_RATELIMIT_STORAGE_URI": REDIS_URL,
        # A prefix of this run's own, so counters of other runs on the same Redis never count.
        "REKINDLE_RATELIMIT_KEY_PREFIX": prefix,
        "REKINDLE_TRUSTED_PROXIES": "1",
        "REKINDLE_PDF_WORKERS": "1",
        "GUNICORN_WORKERS": "2",
        # One job queue on the shared Redis, served by one consumer for both hosts.
        "REKINDLE_REDIS_URL": REDIS_URL,
        "REKINDLE_QUEUE_NAME": prefix,
        # The consumer mails through the test's SMTP server; links lead back to the proxy.
        "REKINDLE_MAIL_SERVER": "127.0.0.1",
        "REKINDLE_MAIL_PORT": str(mail_sink.port),
        "REKINDLE_PUBLIC_URL": f"http://127.0.0.1:{proxy_port}",
    }
    processes: list[subprocess.Popen] = []
    try:
        for n, port in enumerate(ports):
            log = tmp / f"host-{n}.log"
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                    cwd=ROOT,
                    env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    stdout=log.open("wb"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        # The one consumer of both hosts' jobs: PDFs, and the notifications' e-mails.
        processes.append(launch_consumer(env, tmp / "consumer.log", own_session=True))
        for n, port in enumerate(ports):
            wait_for(port, "/healthz", processes[n], tmp / f"host-{n}.log")
        conf = tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                tmp=tmp,
                first=ports[0],
                second=ports[1],
                port=proxy_port,
                # As root nginx would hand its workers to "nobody", who cannot enter pytest's
                # private temporary folder; as anyone else the directive is ignored anyway.
                user="user root;\n" if os.geteuid() == 0 else "",
            )
        )
        nginx_log = tmp / "nginx.out"
        processes.append(
            subprocess.Popen(  # noqa: S603 - fixed arguments
                [NGINX, "-c", str(conf), "-p", str(tmp)],
                stdout=nginx_log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        wait_for(proxy_port, "/healthz", processes[-1], nginx_log)
        yield TwoHosts(proxy_port, tuple(f"127.0.0.1:{p}" for p in ports), instance, mail_sink)
    finally:
        for process in reversed(processes):
            stop(process)
        forget_counters(prefix)


def forget_counters(prefix: str) -> None:
    """Remove this run's throttle counters from the shared Redis."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        for key in client.scan_iter(match=f"*{prefix}*"):
            client.delete(key)
    finally:
        client.close()


@dataclass
class Answer:
    """One response, and which host served it."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")

    @property
    def host(self) -> str:
        """The app host nginx sent the request to."""
        return self.headers.get("x-upstream", "")

    def json(self) -> dict:
        """The body as JSON."""
        return json.loads(self.body)

    def csrf_token(self) -> str:
        """The CSRF token of the page (its meta tag, which every page has)."""
        match = re.search(r'name="csrf-token" content="([^"]+)"', self.text)
        assert match, f"no CSRF token on the page (HTTP {self.status})"
        return match.group(1)


class Browser:
    """One person's browser: cookies by name (the hosts set ``Secure``; this is loopback)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        json_body: dict | None = None,
        headers: dict | None = None,
    ) -> Answer:
        """One request through the proxy, no redirects followed, a new connection each time."""
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body: str | None = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body)
            sent["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            payload = response.read()
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)

    def get(self, path: str) -> Answer:
        """GET ``path``."""
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Answer:
        """POST a form."""
        return self.request("POST", path, form=form)

    def post_json(self, path: str, body: dict, token: str) -> Answer:
        """POST JSON the way the autosave script does, with the CSRF header."""
        return self.request("POST", path, json_body=body, headers={"X-CSRFToken": token})

    def aim_at(self, host: str) -> None:
        """Make the next request (anyone's) reach ``host``: the proxy alternates, so ask it
        for the health page until an answer comes from the other host."""
        for _ in range(3):
            if self.get("/healthz").host != host:
                return
        pytest.fail(f"the proxy sent every request to {host}")


def sign_in(browser: Browser, email: str, password: str = TEST_PASSWORD) -> tuple[Answer, Answer]:
    """The login form fetched from one host and posted through the other."""
    page = browser.get("/login")
    answer = browser.post(
        "/login", {"email": email, "password": password, "csrf_token": page.csrf_token()}
    )
    return page, answer


def crossed(*answers: Answer) -> bool:
    """True when consecutive answers came from different hosts."""
    hosts = [a.host for a in answers]
    return all(hosts) and all(x != y for x, y in zip(hosts, hosts[1:], strict=False))
