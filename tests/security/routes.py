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
PARTNERS_1 = frozenset({"A", "B"})
CASE_PARTNERS = Entry(PARTNERS_1, _case(), _foreign_case())
MODULE_C = Entry(C, {"module_id": "c_module"}, {"module_id": "o_module"})
APPOINTMENT_C = Entry(C, _case(aid="case1_appointment"), _foreign_case(aid="case2_appointment"))
# Partner A's individual session: B (the other partner) may not even download it.
APPOINTMENT_A = Entry(A, {"aid": "a_appointment"}, {"aid": "x_appointment"})
# Admin account management: any account but one's own; a counselor's id is the target.
ACCOUNT_M = Entry(M, {"user_id": "user_C"}, {"user_id": "user_O"})

JOINT_THREAD = Entry(
    frozenset({"A", "B", "C"}),
    {"thread_id": "case1_joint_thread"},
    {"thread_id": "case2_joint_thread"},
)
JOINT_MESSAGE = Entry(
    frozenset({"A", "B", "C"}),
    {"message_id": "a_joint_message"},
    {"message_id": "x_joint_message"},
)

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
    "appointments.feed": Entry(PUBLIC, {"token": "literal:not-a-real-token"}, public=True),
    # any signed-in user
    "main.index": Entry(SIGNED_IN),
    "auth.logout": Entry(SIGNED_IN),
    "auth.change_password": Entry(SIGNED_IN),
    # the notification centre: one's own notifications and choices only (scoped by recipient)
    "notification_centre.index": Entry(SIGNED_IN),
    "notification_centre.open_one": Entry(SIGNED_IN, {"notification_id": "literal:1"}),
    "notification_centre.mark_all_read": Entry(SIGNED_IN),
    "notification_centre.preferences": Entry(SIGNED_IN),
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
    # measures: the scenario holds no measure objects, so their own-object routes are checked
    # with ids nobody holds (every role is refused, each refusal audited); the case-level ones
    # with the scenario's cases (tests/measures/ cover the rest with real objects).
    "measures.case_page": CASE_C,
    "measures.paper": Entry(
        C, _case(instrument_code="literal:CSI-4"), _foreign_case(instrument_code="literal:CSI-4")
    ),
    "measures.include_in_client_copy": Entry(
        C, _case(session_id="case1_session"), _foreign_case(session_id="case2_session")
    ),
    "measures.schedule_action": Entry(
        frozenset(),
        _case(schedule_id="literal:999999", action="literal:stop"),
        _foreign_case(schedule_id="literal:999999", action="literal:stop"),
    ),
    "measures.acknowledge": Entry(
        frozenset(), _case(flag_id="literal:999999"), _foreign_case(flag_id="literal:999999")
    ),
    "measures.response_detail": Entry(
        frozenset(),
        _case(response_id="literal:999999"),
        _foreign_case(response_id="literal:999999"),
    ),
    "measures.share": Entry(
        frozenset(),
        _case(response_id="literal:999999"),
        _foreign_case(response_id="literal:999999"),
    ),
    "measures.fhir_export": Entry(
        frozenset(),
        _case(response_id="literal:999999"),
        _foreign_case(response_id="literal:999999"),
    ),
    "measures.answer": Entry(
        frozenset(), {"schedule_id": "literal:999999", "occurrence": "literal:once"}
    ),
    "measures.autosave": Entry(
        frozenset(), {"schedule_id": "literal:999999", "occurrence": "literal:once"}
    ),
    "measures.sent": Entry(frozenset(), {"response_id": "literal:999999"}),
    "measures.my_results": Entry(CLIENTS),
    "dead_letters.index": Entry(M),
    "dead_letters.retry": Entry(M, {"notification_id": "literal:999999"}),
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
    "appointments.new": CASE_C,
    "appointments.detail": APPOINTMENT_C,
    "appointments.move": APPOINTMENT_C,
    "appointments.cancel": APPOINTMENT_C,
    "appointments.mark": APPOINTMENT_C,
    "appointments.record": APPOINTMENT_C,
    "appointments.week": Entry(COUNSELORS),
    "appointments.day": Entry(COUNSELORS),
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
    "appointments.client_ics": APPOINTMENT_A,
    "appointments.feed_settings": Entry(CLIENTS | COUNSELORS),
    "appointments.feed_on": Entry(CLIENTS | COUNSELORS),
    "appointments.feed_off": Entry(CLIENTS | COUNSELORS),
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
    # messages: the joint thread's readers; B's private thread is B's and C's alone
    "messages.mine": Entry(CLIENTS),
    "messages.inbox": Entry(COUNSELORS),
    "messages.case_threads": CASE_C,
    "messages.thread": JOINT_THREAD,
    "messages.send": JOINT_THREAD,
    "messages.autosave": JOINT_THREAD,
    "messages.mark_done": Entry(
        C, {"thread_id": "case1_joint_thread"}, {"thread_id": "case2_joint_thread"}
    ),
    "messages.open_message": JOINT_MESSAGE,
    "messages.withdraw": Entry(
        A, {"message_id": "a_joint_message"}, {"message_id": "x_joint_message"}
    ),
    # intake: consent, confidentiality, the private safety check
    "intake.neutral": Entry(PUBLIC, public=True),
    "intake.consents": Entry(CLIENTS),
    "intake.signed_list": Entry(CLIENTS),
    "intake.sign": Entry(
        PARTNERS_1,
        _case(document_id="consent_document"),
        _foreign_case(document_id="consent_document"),
    ),
    "intake.signature_pdf": Entry(
        A, {"signature_id": "a_signature"}, {"signature_id": "x_signature"}
    ),
    "intake.safety_check": CASE_PARTNERS,
    "intake.safety_autosave": CASE_PARTNERS,
    "intake.safety_send": CASE_PARTNERS,
    "intake.safety_sent": CASE_PARTNERS,
    "intake.answer_disclosure": Entry(
        A, {"request_id": "a_disclosure"}, {"request_id": "x_disclosure"}
    ),
    "intake.admin_consents": Entry(M),
    "intake.edit_consent": Entry(M, {"kind": "literal:treatment"}),
    "intake.set_policy": CASE_C,
    "intake.override_caution": CASE_C,
    "intake.waive": Entry(C, _case(user_id="user_A"), _foreign_case(user_id="user_X")),
    "intake.ask_for_check": Entry(C, _case(user_id="user_A"), _foreign_case(user_id="user_X")),
    "intake.read_check": Entry(C, _case(check_id="a_check"), _foreign_case(check_id="x_check")),
    "intake.decide": Entry(C, _case(concern_id="a_concern"), _foreign_case(concern_id="x_concern")),
    "intake.ask_disclosure": ASSIGNMENT_C,
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
