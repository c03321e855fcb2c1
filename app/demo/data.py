"""The one reader of the demo data files (``app/demo/data/*.toml``, like the module content).

The step modules (``accounts``, ``caseload``, ...) hold only how the demo is built; what it
says (names, cases, journal entries, notes, answers) lives in the data files, so changing the
demo never means editing Python.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
RELATIVE_DATE = re.compile(r"^@today([+-]\d+)?$")


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed ``data/<name>.toml``, read once per process."""
    with (DATA / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def with_dates(value: Any, today: date) -> Any:
    """A copy of ``value`` where ``"@today-12"`` and the like become ISO dates."""
    if isinstance(value, dict):
        return {key: with_dates(item, today) for key, item in value.items()}
    if isinstance(value, list):
        return [with_dates(item, today) for item in value]
    if isinstance(value, str) and (match := RELATIVE_DATE.match(value)):
        return (today + timedelta(days=int(match.group(1) or 0))).isoformat()
    return value
