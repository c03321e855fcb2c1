"""Helpers to walk every route of the app (used by the deny-by-default and matrix tests)."""

from __future__ import annotations

from flask import Flask

from app.authz import PUBLIC_ENDPOINTS

PLACEHOLDERS = {
    "int": 999999,
    "integer": 999999,  # werkzeug's IntegerConverter
    "string": "placeholder-token",
    "path": "x",
    "default": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def url_for_rule(rule) -> str:
    """Build a URL for a rule, with placeholder values for its arguments."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        kind = type(converter).__name__.replace("Converter", "").lower()
        values[name] = PLACEHOLDERS.get(kind, PLACEHOLDERS["default"])
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<{_converter_spec(rule, name)}>", str(value))
    return path


def _converter_spec(rule, name: str) -> str:
    for converter, _arguments, variable in _parse(rule.rule):
        if variable == name:
            return f"{converter}:{variable}" if converter else variable
    return name


def _parse(rule: str):
    import re

    for match in re.finditer(
        r"<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\(([^)]*)\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>", rule
    ):
        yield match.group(1), match.group(2), match.group(3)


def protected_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route that is not on the anonymous allowlist."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url_for_rule(rule)))
    return routes
