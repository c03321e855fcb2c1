"""Small request helpers shared by the modules tests."""

from __future__ import annotations

import itertools
import re

_seq = itertools.count(1_000)


def next_seq() -> int:
    """A growing autosave sequence number."""
    return next(_seq)


def csrf_headers(client, path: str = "/me/exercises") -> dict[str, str]:
    """The X-CSRFToken header autosave.js sends, read from a page's meta tag."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no csrf meta tag"
    return {"X-CSRFToken": match.group(1)}


def autosave(client, recipient_id: int, exercise_id: int, fields: dict, seq: int | None = None):
    """Post one autosave as autosave.js does."""
    if not hasattr(client, "_csrf_headers"):
        client._csrf_headers = csrf_headers(client)
    return client.post(
        f"/me/exercises/{recipient_id}/{exercise_id}/autosave",
        json={"seq": seq if seq is not None else next_seq(), "fields": fields},
        headers=client._csrf_headers,
    )


def send(client, recipient_id: int, exercise_id: int, data: dict, *, draft: bool = False):
    """Post the answer form: "Send", or "Save for later" when ``draft``."""
    form = {"visibility": "counselor", **data}
    form["save_draft" if draft else "send"] = "1"
    return client.post(f"/me/exercises/{recipient_id}/{exercise_id}", data=form)
