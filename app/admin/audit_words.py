"""The audit log in sentences a person reads (issue ux-pass, item 12).

Each action code gets a short verb phrase; the page puts the actor in front and the case
after it ("Dana Reyes moved the case from Morgan Lee to Dana Reyes"). Only metadata is
ever used: names of accounts and counselors, never what anyone wrote. An unknown code is
shown as words made from the code, so a new feature's events are readable at once.
"""

from __future__ import annotations

import re

from app.models import AuditEvent

VERBS: dict[str, str] = {
    "access.denied": "was refused access",
    "admin.accounts_viewed": "opened the accounts page",
    "assignment.feedback": "left feedback on an assignment",
    "assignment.feedback_read": "read their counselor's feedback",
    "assignment.removed": "took an assignment back",
    "assignment.review_viewed": "opened an assignment's review page",
    "assignment.submitted": "sent every exercise of an assignment",
    "audit.viewed": "opened the audit log",
    "auth.login": "signed in",
    "auth.logout": "signed out",
    "auth.password_changed": "changed their password",
    "auth.password_reset": "reset their password",
    "auth.second_factor": "confirmed two-step sign-in",
    "auth.second_factor_enrolled": "turned on two-step sign-in",
    "auth.second_factor_disabled": "turned off two-step sign-in",
    "case.created": "created the case",
    "case.reassigned": "moved the case to another counselor",
    "case.status_changed": "changed the case's status",
    "case.viewed": "opened the case page",
    "check_in.create": "checked in",
    "export.json": "downloaded their data",
    "invitation.accepted": "accepted an invitation",
    "invitation.declined": "declined an invitation",
    "invitation.refused": "used an invitation that no longer works",
    "invitation.revoked": "withdrew an invitation",
    "journal.comment": "commented on a journal entry",
    "journal.create": "wrote a journal entry",
    "journal.list": "opened the journal list",
    "journal.mark_read": "marked a journal entry read",
    "journal.read": "read a journal entry",
    "journal.update": "changed a journal entry",
    "note_amendment.create": "amended a signed session note",
    "process_note.update": "saved their private process notes",
    "response.read": "read an exercise answer",
    "response.started": "started an exercise",
    "response.submitted": "sent an exercise answer",
    "response.visibility": "changed who can read an answer",
    "session.create": "recorded a session",
    "session.update": "changed a session's details",
    "session_note.read": "read a session note",
    "session_note.sign": "signed a session note",
    "session_note.update": "saved a session note",
    "session_note.format": "changed a session note's format",
    "user.created": "created an account",
    "user.deactivated": "deactivated an account",
    "user.reactivated": "reactivated an account",
}

#: Page views that flood the log and rarely matter: hidden unless asked for. Reads of client
#: writing (journal.read, response.read, session_note.read) are never routine.
ROUTINE = frozenset(
    {
        "admin.accounts_viewed",
        "audit.viewed",
        "case.viewed",
        "journal.list",
        "assignment.review_viewed",
    }
)

_REASSIGNED = re.compile(r"counselor (\d+)->(\d+)")


def people_in(event: AuditEvent) -> set[int]:
    """Account ids an event's sentence names besides its actor (a reassignment's counselors)."""
    if event.action == "case.reassigned" and event.detail:
        match = _REASSIGNED.fullmatch(event.detail)
        if match:
            return {int(match.group(1)), int(match.group(2))}
    return set()


def sentence(event: AuditEvent, names: dict[int, str]) -> str:
    """What happened, as a sentence without its actor ("moved the case from A to B")."""
    verb = VERBS.get(event.action) or event.action.replace(".", ": ").replace("_", " ")
    if event.action == "case.reassigned" and event.detail:
        match = _REASSIGNED.fullmatch(event.detail)
        if match:
            before, after = (names.get(int(g), f"account #{g}") for g in match.groups())
            verb = f"moved the case from {before} to {after}"
    if event.outcome == "denied" and event.action != "access.denied":
        verb = f"was refused: {verb}"
    return verb


def action_choices() -> list[tuple[str, str]]:
    """``(code, words)`` for the action filter, in the words' order."""
    return sorted(VERBS.items(), key=lambda item: item[1])
