"""Server side of autosave (``static/autosave.js``): parse, authenticate, order.

Autosave endpoints are ``@csrf.exempt`` and call ``read_autosave_payload`` instead, because the
last save on leaving a page goes out with ``navigator.sendBeacon``, which cannot set headers:
the CSRF token then travels in the JSON body. Every other save sends the ``X-CSRFToken``
header. Either way the token is checked here, so autosave is never less protected than a form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, request
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from app.authz import record_denial
from app.forms import clean_text

MAX_SEQ = 2**62


@dataclass(frozen=True)
class AutosavePayload:
    """One autosave: its sequence number and the form's fields."""

    seq: int
    fields: dict[str, Any]

    def text(self, name: str, max_length: int | None = None) -> str:
        """A text field, cleaned; 413 when longer than ``max_length``."""
        value = self.fields.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        value = clean_text(str(value))
        if max_length is not None and len(value) > max_length:
            abort(413)
        return value

    def values(self, name: str) -> list[str]:
        """All values of a multi-valued field (checkboxes)."""
        value = self.fields.get(name, [])
        return [clean_text(str(v)) for v in (value if isinstance(value, list) else [value])]


def read_autosave_payload() -> AutosavePayload:
    """Parse and authenticate an autosave request, or abort with 400."""
    try:
        data = request.get_json(silent=True, force=True)
    except RecursionError:
        # ``silent`` covers malformed JSON only; JSON nested deeper than the parser's recursion
        # limit is just as meaningless for a form and gets the same answer.
        data = None
    if not isinstance(data, dict):
        abort(400, description="The request body must be a JSON object.")
    token = request.headers.get("X-CSRFToken") or data.get("csrf_token")
    try:
        validate_csrf(token)
    except ValidationError as problem:
        record_denial(f"csrf at {request.endpoint}: {problem}")
        abort(
            400,
            description="The security token is missing or stale. Reload the page; your text is kept on this device.",
        )
    try:
        seq = int(data.get("seq", ""))
    except (TypeError, ValueError, OverflowError):
        # OverflowError: JSON numbers such as 1e400 parse as infinity, which int() refuses.
        abort(400, description="The save number (seq) must be a whole number.")
    if not 0 < seq < MAX_SEQ:
        abort(400, description="The save number (seq) is out of range.")
    fields = data.get("fields")
    if not isinstance(fields, dict):
        abort(400, description="The form's fields must be a JSON object.")
    return AutosavePayload(seq=seq, fields=fields)


def is_newer(obj: Any, seq: int) -> bool:
    """True (and records ``seq``) when this save is newer than the last one applied to ``obj``.

    An older save arriving late is ignored: it must never overwrite newer text.
    """
    if seq <= (obj.draft_seq or 0):
        return False
    obj.draft_seq = seq
    return True
