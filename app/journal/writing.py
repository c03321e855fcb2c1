"""Which case a new journal entry goes to: the client chooses when more than one is open."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from app.authz import deny, ensure_open, membership_for_client
from app.services import client_cases
from app.services.client_cases import CaseAudience


def case_to_write_in() -> tuple[CaseAudience | None, list[CaseAudience]]:
    """``(chosen case, open cases)`` for a new entry of the signed-in client.

    The case is the one chosen on the page (``?case=``), or the client's only open case —
    never simply the newest, and a closed case elsewhere does not stand in the way. The chosen
    case is None while several cases are open and none is chosen yet: the client picks first.
    A case that is not theirs is a 404; writing in a closed one is refused with 409.
    """
    cases = client_cases.cases_of(current_user)
    open_cases = [c for c in cases if c.is_open]
    requested = request.args.get("case", type=int)
    if requested is not None:
        chosen = next((c for c in cases if c.case.id == requested), None)
        if chosen is None:
            deny(f"membership of case {requested}", case_id=requested)
    elif len(open_cases) == 1:
        chosen = open_cases[0]
    elif open_cases:
        return None, open_cases
    else:
        membership_for_client()  # no case at all: 404
        chosen = cases[0]
    ensure_open(chosen.case)
    return chosen, open_cases


def draft_key(author_id: int, case_id: int | None = None, entry_id: int | None = None) -> str:
    """The browser's key for an editor's unsent text: a new entry in a case, or one entry.

    The editor and the page that confirms the save must name the same key, or the confirmed
    text would be offered again in the next new entry.
    """
    return f"journal-{entry_id}" if entry_id else f"journal-new-{author_id}-{case_id}"
