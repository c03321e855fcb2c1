"""Journal search and filters without a searched word in any address.

Words and tags a client searches for are client writing: in a query string they would land in
the access log, in proxies and in the browser history of a shared device. So the search form is
POSTed, and the answer is a redirect to the list with ``?s=<token>``: the filters encrypted with
the keyring (AES-GCM) and bound to the reader, so the token is unreadable anywhere but in
this app, and useless to any other account. Paging cursors (``after=``) stay in the address:
they hold a time and a row id, never writing.

Opaque tokens rather than POST-only results: "Older entries", the back button and a reload keep
working without a "resend the form?" prompt, and a page with results is still marked
``no-store`` so the browser keeps no copy of it.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from flask import flash, make_response, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.crypto import DecryptionError, keyring
from app.journal import bp
from app.journal.forms import SearchForm
from app.services.journal import Filters

SEARCH_ARG = "s"  # the query argument that holds the search token
MAX_TOKEN_CHARS = 4096
FIELDS = ("q", "tag", "mood", "since", "until")


def _aad(reader_id: int) -> bytes:
    return f"journal-search:{reader_id}".encode()


def _seal(values: dict[str, str], reader_id: int) -> str:
    blob = keyring().encrypt(json.dumps(values).encode(), _aad(reader_id))
    return base64.urlsafe_b64encode(blob).decode().rstrip("=")


def encode_search(form: SearchForm, reader_id: int) -> str | None:
    """The token for a valid form's filters, or None when it asks for nothing."""
    values = {name: form[name].raw_data[0] for name in FIELDS if form[name].raw_data}
    values = {name: value.strip() for name, value in values.items() if value.strip()}
    return _seal(values, reader_id) if values else None


def decode_search(token: str | None, reader_id: int) -> dict[str, str] | None:
    """The form values of a token; None when missing, foreign, tampered or of a retired key."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(keyring().decrypt(blob, _aad(reader_id)))
    except (binascii.Error, ValueError, DecryptionError):
        return None
    if not isinstance(values, dict):
        return None
    return {name: str(values[name]) for name in FIELDS if name in values}


def filters_of(form: SearchForm) -> Filters:
    """What a validated form asks for; nothing when it is invalid (its errors are shown)."""
    if form.errors or not form.validate():
        return Filters()
    return Filters(
        text=form.q.data or None,
        tag=form.tag.data or None,
        mood=int(form.mood.data) if form.mood.data else None,
        since=form.since.data,
        until=form.until.data,
    )


def is_searching(filters: Filters) -> bool:
    """Whether any filter is set (the page then says "Matching entries")."""
    return bool(filters.text or filters.tag or filters.mood or filters.since or filters.until)


def run_search(
    endpoint: str, reader_id: int, **keep: object
) -> tuple[SearchForm, Filters] | Response:
    """The search form and filters of a journal list, or the redirect that a posted search gets.

    ``keep`` are the list's own arguments (like ``unread``) carried over to the results.
    """
    if request.method == "POST":
        form = SearchForm()
        if not form.validate_on_submit():
            return form, Filters()
        token = encode_search(form, reader_id)
        args: dict[str, Any] = {**({SEARCH_ARG: token} if token else {}), **keep}
        return redirect(url_for(endpoint, **args), 303)
    token = request.args.get(SEARCH_ARG)
    values = decode_search(token, reader_id)
    if token and values is None:
        flash("That search is no longer available. Please search again.", "info")
    form = SearchForm(formdata=MultiDict(values or {}), meta={"csrf": False})
    return form, filters_of(form)


def tag_url(endpoint: str, tag: str, reader_id: int) -> str:
    """The list filtered by one tag (the tag links under each entry), with the tag hidden."""
    args: dict[str, Any] = {SEARCH_ARG: _seal({"tag": tag}, reader_id)}
    return url_for(endpoint, **args)


@bp.app_template_global()
def journal_tag_url(endpoint: str, tag: str) -> str:
    """The journal list ``endpoint`` filtered by ``tag``, for the signed-in reader."""
    return tag_url(endpoint, tag, current_user.id)


def results_page(html: str, status: int = 200) -> Response:
    """A list page; one with search results is kept out of every cache (a shared device)."""
    response = make_response(html, status)
    if request.method == "POST" or request.args.get(SEARCH_ARG):
        response.headers["Cache-Control"] = "no-store"
    return response
