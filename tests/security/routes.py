"""The authorization matrix: every endpoint, which roles may use it, and with which ids.

``MATRIX[endpoint]`` names the scenario objects its URL arguments point at (``args``, in case 1
— the case of A, B and counselor C) and the roles allowed there. ``foreign`` gives the same
arguments pointing into case 2 (X, Y and counselor O); who may use those is
``foreign_allowed``, by default the mirror image (C↔O, A↔X, B↔Y). A route missing from this
table fails ``test_every_route_has_a_matrix_entry``: new routes must be classified here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from werkzeug.routing import Rule

from tests.security.scenario import World

PUBLIC = frozenset({"anonymous", "A", "B", "X", "C", "O", "M"})
SIGNED_IN = frozenset({"A", "B", "X", "C", "O", "M"})
CLIENTS = frozenset({"A", "B", "X"})
COUNSELORS = frozenset({"C", "O"})
STAFF = frozenset({"C", "O", "M"})
MIRROR = {"C": "O", "O": "C", "A": "X", "X": "A", "B": "Y", "Y": "B", "M": "M"}
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Entry:
    """Who may use one endpoint, with which objects."""

    allowed: frozenset[str]
    args: dict[str, str] = field(default_factory=dict)
    foreign: dict[str, str] = field(default_factory=dict)
    foreign_allowed: frozenset[str] | None = None
    public: bool = False  # anonymous allowed; any answer below 500 is fine

    def allowed_for(self, variant: str) -> frozenset[str]:
        """Roles allowed for the ``own`` (case 1) or ``foreign`` (case 2) variant."""
        if variant == "own":
            return self.allowed
        if self.foreign_allowed is not None:
            return self.foreign_allowed
        return frozenset(MIRROR[r] for r in self.allowed if MIRROR[r] != "Y")


def _case(**extra: str) -> dict[str, str]:
    return {"case_id": "case1_case", **extra}


def _foreign_case(**extra: str) -> dict[str, str]:
    return {"case_id": "case2_case", **extra}


C = frozenset({"C"})
A = frozenset({"A"})
M = frozenset({"M"})
CASE_C = Entry(C, _case(), _foreign_case())
PDF_JOB_A = Entry(A, {"token": "a_pdf_job"}, {"token": "x_pdf_job"})
SESSION_C = Entry(C, _case(sid="case1_session"), _foreign_case(sid="case2_session"))
ASSIGNMENT_C = Entry(
    C, _case(assignment_id="case1_assignment"), _foreign_case(assignment_id="case2_assignment")
)
MEMBER_C = Entry(C, _case(member_id="case1_member_a"), _foreign_case(member_id="case2_member_a"))
PLACE_C = Entry(
    C,
    _case(invitation_id="case1_place_invitation"),
    _foreign_case(invitation_id="case2_place_invitation"),
)
INVITATION_A = Entry(
    A, {"invitation_id": "a_case_invitation"}, {"invitation_id": "x_case_invitation"}
)
ENTRY_A = Entry(A, {"entry_id": "a_private_entry"}, {"entry_id": "x_private_entry"})
RECIPIENT_A = Entry(A, {"recipient_id": "a_recipient"}, {"recipient_id": "x_recipient"})
ANSWER_A = Entry(
    A,
    {"recipient_id": "a_recipient", "exercise_id": "exercise"},
    {"recipient_id": "x_recipient", "exercise_id": "exercise"},
)
COUNSELOR_ENTRY = Entry(
    C, {"entry_id": "b_entry_for_counselor"}, {"entry_id": "x_entry_for_counselor"}
)
MODULE_C = Entry(C, {"module_id": "c_module"}, {"module_id": "o_module"})
# Admin account management: any account but one's own; a counselor's id is the target.
ACCOUNT_M = Entry(M, {"user_id": "user_C"}, {"user_id": "user_O"})

MATRIX: dict[str, Entry] = {
    # public
    "static": Entry(PUBLIC, {"filename": "literal:app.css"}, public=True),
    "bootstrap.static": Entry(PUBLIC, {"filename": "literal:css/bootstrap.min.css"}, public=True),
    "auth.login": Entry(PUBLIC, public=True),
    "auth.accept_invitation": Entry(PUBLIC, {"token": "literal:not-a-real-token"}, public=True),
    "auth.forgot_password": Entry(PUBLIC, public=True),
    "auth.reset_password": Entry(PUBLIC, {"token": "literal:not-a-real-token"}, public=True),
    "auth.request_sign_in_link": Entry(PUBLIC, public=True),
    "auth.sign_in_link": Entry(PUBLIC, {"token": "literal:not-a-real-token"}, public=True),
    "auth.staff_password_reset": ACCOUNT_M,
    "auth.client_password_reset": MEMBER_C,
    "main.healthz": Entry(PUBLIC, public=True),
    # any signed-in user
    "main.index": Entry(SIGNED_IN),
    "auth.logout": Entry(SIGNED_IN),
    "auth.change_password": Entry(SIGNED_IN),
    # second factor: staff only
    "auth.totp_verify": Entry(STAFF),
    "auth.totp_settings": Entry(STAFF),
    "auth.totp_setup": Entry(STAFF),
    "auth.totp_new_codes": Entry(STAFF),
    "auth.totp_disable": Entry(STAFF),
    # admin
    "admin.index": Entry(M),
    "admin.reassign_chosen": Entry(M),
    "admin.audit": Entry(M),
    "admin.create_counselor": Entry(M),
    "admin.erasure_index": Entry(M),
    "admin.reassign": Entry(M, _case(), _foreign_case()),
    "admin.erase_client": Entry(M, {"user_id": "user_A"}, {"user_id": "user_X"}),
    "admin.deactivate": ACCOUNT_M,
    "admin.reactivate": ACCOUNT_M,
    "admin.reissue_invitation": ACCOUNT_M,
    # counselors: caseload, cases, sessions, modules, shared journal
    "caseload.index": Entry(COUNSELORS),
    "cases.new": Entry(COUNSELORS),
    "cases.detail": CASE_C,
    "cases.change_status": CASE_C,
    "cases.reopen": CASE_C,
    "cases.reissue_invitation": MEMBER_C,
    "cases.revoke_invitation": MEMBER_C,
    "cases.reissue_place_invitation": PLACE_C,
    "cases.revoke_place_invitation": PLACE_C,
    "sessions.new": CASE_C,
    "sessions.detail": SESSION_C,
    "sessions.edit": SESSION_C,
    "sessions.amend": SESSION_C,
    "sessions.homework": SESSION_C,
    "sessions.save_note": SESSION_C,
    "sessions.autosave_note": SESSION_C,
    "sessions.note_format": SESSION_C,
    "sessions.picks": SESSION_C,
    "sessions.process_note": SESSION_C,
    "sessions.reviewed": SESSION_C,
    "sessions.sign": SESSION_C,
    "sessions.summary_pdf": SESSION_C,
    "library.index": Entry(COUNSELORS),
    "library.create": Entry(COUNSELORS),
    "library.detail": MODULE_C,
    "library.copy": MODULE_C,
    "library.edit": MODULE_C,
    "assignments.assign": CASE_C,
    "assignments.review": ASSIGNMENT_C,
    "assignments.unassign": ASSIGNMENT_C,
    "assignments.feedback": Entry(
        C,
        _case(assignment_id="case1_assignment", recipient_id="b_recipient"),
        _foreign_case(assignment_id="case2_assignment", recipient_id="x_recipient"),
    ),
    "journal.shared_feed": Entry(COUNSELORS),
    "journal.counselor_entry": COUNSELOR_ENTRY,
    "journal.comment": COUNSELOR_ENTRY,
    "journal.mark_read": COUNSELOR_ENTRY,
    # clients
    "client.home": Entry(CLIENTS),
    "client.accept_invitation": INVITATION_A,
    "client.decline_invitation": INVITATION_A,
    "client.export_page": Entry(CLIENTS),
    "client.export_json": Entry(CLIENTS),
    "client.export_pdf": Entry(CLIENTS),
    # queued PDFs: the person who asked, nobody else
    "pdfs.show": PDF_JOB_A,
    "pdfs.status": PDF_JOB_A,
    "pdfs.download": PDF_JOB_A,
    "sessions.check_in": Entry(CLIENTS),
    "exercises.index": Entry(CLIENTS),
    "exercises.assignment": RECIPIENT_A,
    "exercises.all_sent": RECIPIENT_A,
    "exercises.answer": ANSWER_A,
    "exercises.autosave": ANSWER_A,
    "exercises.sharing": ANSWER_A,
    "journal.index": Entry(CLIENTS),
    "journal.new": Entry(CLIENTS),
    "journal.autosave_new": Entry(CLIENTS, {"key": "literal:matrixkey0123456789abcd"}),
    "journal.partner_index": Entry(CLIENTS),
    "journal.entry": ENTRY_A,
    "journal.edit": ENTRY_A,
    "journal.autosave": ENTRY_A,
    "journal.share": ENTRY_A,
    "journal.discard_kept_edit": ENTRY_A,
    "journal.partner_entry": Entry(
        frozenset({"B"}),
        {"entry_id": "a_entry_for_both"},
        {"entry_id": "x_entry_for_counselor"},
        foreign_allowed=frozenset(),
    ),
}


def endpoints(app: Flask) -> dict[str, Rule]:
    """endpoint -> its (first) rule."""
    result: dict[str, Rule] = {}
    for rule in app.url_map.iter_rules():
        result.setdefault(rule.endpoint, rule)
    return result


def methods(rule: Rule) -> list[str]:
    """The methods a rule answers, without the automatic HEAD and OPTIONS."""
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def resolve(world: World, name: str) -> str:
    """A scenario object's id (``user_X`` is a user, ``literal:v`` is ``v``)."""
    if name.startswith("literal:"):
        return name.removeprefix("literal:")
    if name.startswith("user_"):
        return str(world.users[name.removeprefix("user_")])
    return str(world.ids[name])


def build_url(rule: Rule, world: World, args: dict[str, str]) -> str:
    """The URL of ``rule`` with its arguments taken from the scenario."""
    missing = set(rule.arguments) - set(args)
    assert not missing, f"{rule.endpoint}: no scenario value for {sorted(missing)}"
    values = {name: resolve(world, args[name]) for name in rule.arguments}
    _, url = rule.build(values, append_unknown=False)
    return url


def variants(entry: Entry, rule: Rule) -> list[tuple[str, dict[str, str]]]:
    """(name, args) pairs to try: own ids, and foreign ids when the route takes ids."""
    result = [("own", entry.args)]
    if entry.foreign:
        result.append(("foreign", entry.foreign))
    return result
