"""No native date or time input is left (issue ux-pass, item 4): they show the browser's
format (mm/dd/yyyy, AM/PM), not the one the app writes. Dates and times are
``app.form_dates.DayField`` and ``ClockField``, rendered by ``_macros/forms.html``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NATIVE_FIELDS = {
    "DateField",
    "DateTimeField",
    "DateTimeLocalField",
    "TimeField",
    "MonthField",
    "WeekField",
    "DateInput",
    "DateTimeInput",
    "DateTimeLocalInput",
    "TimeInput",
    "MonthInput",
    "WeekInput",
}
NATIVE_TYPE = re.compile(
    r"""type\s*=\s*["']?(date|datetime-local|datetime|time|month|week)\b|input_type\s*=\s*["'](date|time)""",
    re.IGNORECASE,
)


def _python_files() -> list[Path]:
    return sorted((ROOT / "app").rglob("*.py"))


def _templates() -> list[Path]:
    return sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "app" / "static").rglob("*.js")
    )


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_form_uses_a_native_date_or_time_field(path):
    tree = ast.parse(path.read_text())
    used = {
        node.id if isinstance(node, ast.Name) else node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Name | ast.Attribute)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not used & NATIVE_FIELDS, (
        f"use app.form_dates.DayField / ClockField instead: {used & NATIVE_FIELDS}"
    )
    assert not NATIVE_TYPE.search(path.read_text())


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_writes_a_native_date_input(path):
    match = NATIVE_TYPE.search(path.read_text())
    assert match is None, f"{path.name}: {match.group(0) if match else ''}"


def test_the_scan_finds_what_it_looks_for():
    """The patterns are not blind: each catches the thing it forbids."""
    assert NATIVE_TYPE.search('<input type="date" name="x">')
    assert NATIVE_TYPE.search("<input type=datetime-local>")
    assert NATIVE_TYPE.search("input.type = 'time';")  # a script switching a text input
    assert NATIVE_TYPE.search('<input type="text" name="date">') is None
    tree = ast.parse("from wtforms import DateField\nx = DateField('a')")
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert names & NATIVE_FIELDS
