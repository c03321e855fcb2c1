"""Make sure the system packages Rekindle needs are here, installing them when we may.

``python scripts/system_check.py run``  (``make run``): Pango and fonts, for PDF summaries.
``python scripts/system_check.py test`` (``make test``): also Chromium for the browser tests,
poppler-utils, and nginx for the two-host test.

When something is missing it is installed with apt-get if this process may do that without
asking (it runs as root, or ``sudo`` needs no password). Otherwise the check stops and prints
the one command to run, so a fresh machine never runs a suite that quietly leaves tests out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")


@dataclass(frozen=True)
class Need:
    """One thing Rekindle needs from the system, and the Debian packages that provide it."""

    what: str
    packages: tuple[str, ...]
    present: Callable[[], bool]


def _pango_loads() -> bool:
    """WeasyPrint loads Pango through cffi; try it in a fresh interpreter (after an install too)."""
    probe = subprocess.run(  # noqa: S603 - our own interpreter, a fixed snippet
        [sys.executable, "-c", "import weasyprint"], capture_output=True
    )
    return probe.returncode == 0


def _chromium_found() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def _fonts_found() -> bool:
    return any(Path(d).is_dir() for d in FONT_DIRS)


PANGO = Need("Pango (PDF summaries)", ("libpango-1.0-0", "libpangoft2-1.0-0"), _pango_loads)
FONTS = Need("DejaVu fonts (PDF summaries)", ("fonts-dejavu-core",), _fonts_found)
CHROMIUM_NEED = Need("Chromium (browser tests)", ("chromium",), _chromium_found)
JAVA = Need(
    "Java (the Nu HTML Checker in browser tests)",
    ("default-jre-headless",),
    lambda: bool(shutil.which("java")),
)
POPPLER = Need(
    "poppler-utils (PDF checks)", ("poppler-utils",), lambda: bool(shutil.which("pdftoppm"))
)

EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
# Clients write emoji; without a colour emoji font Chromium (and the screenshots a reviewer
# looks at) draws them as empty boxes.
EMOJI = Need(
    "an emoji font (browser tests)", ("fonts-noto-color-emoji",), lambda: Path(EMOJI_FONT).exists()
)

NGINX_PATH = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
# The two-host test (tests/integration/) puts two app servers behind a loopback nginx.
NGINX = Need(
    "nginx (two-host test)",
    ("nginx",),
    lambda: Path(NGINX_PATH).exists() or shutil.which("nginx") is not None,
)

NEEDS = {"run": [PANGO, FONTS], "test": [CHROMIUM_NEED, JAVA, POPPLER, PANGO, FONTS, EMOJI, NGINX]}


def missing(needs: Sequence[Need]) -> list[Need]:
    """The needs the machine does not meet yet."""
    return [need for need in needs if not need.present()]


def install_prefix(euid: int, sudo_works: Callable[[], bool]) -> list[str] | None:
    """``[]`` as root, ``["sudo", "-n"]`` with password-less sudo, None when we may not."""
    if euid == 0:
        return []
    if shutil.which("sudo") and sudo_works():
        return ["sudo", "-n"]
    return None


def _sudo_works() -> bool:
    probe = subprocess.run(["sudo", "-n", "true"], capture_output=True)  # noqa: S603,S607
    return probe.returncode == 0


def manual_command(packages: Sequence[str]) -> str:
    """The one command a person runs when we may not install ourselves."""
    return f"sudo apt-get update && sudo apt-get install -y {' '.join(packages)}"


def ensure(
    needs: Sequence[Need],
    *,
    euid: int | None = None,
    sudo_works: Callable[[], bool] = _sudo_works,
    run: Callable[[list[str]], int] = lambda cmd: subprocess.run(cmd).returncode,  # noqa: S603
    say: Callable[[str], None] = lambda text: print(text, file=sys.stderr),
) -> int:
    """Install what is missing when allowed; 0 when everything is there afterwards."""
    lacking = missing(needs)
    if not lacking:
        return 0
    packages = list(dict.fromkeys(p for need in lacking for p in need.packages))
    names = ", ".join(need.what for need in lacking)
    prefix = install_prefix(os.geteuid() if euid is None else euid, sudo_works)
    if prefix is None or not shutil.which("apt-get"):
        say(f"Missing: {names}.\nInstall with:\n\n    {manual_command(packages)}\n")
        return 1
    say(f"Missing: {names}. Installing {' '.join(packages)} with apt-get ...")
    env = ["env", "DEBIAN_FRONTEND=noninteractive"]
    if run([*prefix, *env, "apt-get", "update", "-qq"]) != 0 or run(
        [*prefix, *env, "apt-get", "install", "-y", "-qq", *packages]
    ):
        say(f"apt-get failed. Install by hand:\n\n    {manual_command(packages)}\n")
        return 1
    still = missing(lacking)
    if still:
        say(f"Still missing after the install: {', '.join(n.what for n in still)}.")
        return 1
    return 0


def main(argv: Sequence[str]) -> int:
    purpose = argv[0] if argv else "run"
    if purpose not in NEEDS:
        print(f"usage: system_check.py [{'|'.join(NEEDS)}]", file=sys.stderr)
        return 2
    return ensure(NEEDS[purpose])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
