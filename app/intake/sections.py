"""What intake adds to the case page (the counselor's) and the client's home (the partner's own).

The case page shows each partner's consent state, the confidentiality policy and its effects,
each partner's safety check and, while a concern is open, a banner until a decision is recorded.
The client's home shows only the client's own check, and only its own words: nothing on it
depends on the other partner's answers.
"""

from __future__ import annotations

from typing import Any

from app.intake import consents, safety
from app.intake.forms import DecisionForm, OverrideForm, PolicyForm, WaiverForm
from app.models import (
    Case,
    CaseConfidentiality,
    CaseKind,
    CaseMember,
    CaseStatus,
    ConsentDocument,
    ConsentKind,
    Role,
    User,
)
from app.policy import confidentiality
from app.services.case_page_read import case_page_read
from app.services.combined_read import Read

CASE_TEMPLATE = "intake/_case_section.html"
HOME_TEMPLATE = "intake/_home_section.html"
#: The case section's statements at most (docs/performance.md T1): none, everything it shows
#: (documents and policy, signatures and waivers, checks and concerns, blocked modules, private
#: homework and its requests) comes with the page's shared read (app.services.case_page_read).
CASE_STATEMENTS = 0


def _consent_rows(
    case: Case,
    members: list[CaseMember],
    documents: dict[ConsentKind, ConsentDocument],
    setting: CaseConfidentiality | None,
    found: Read,
) -> list[dict[str, Any]]:
    signatures, waivers = consents.signatures_and_waivers_from(found)
    rows = []
    for member in members:
        own = [s for s in signatures if s.user_id == member.user_id]
        states = []
        for kind, document in documents.items():
            current = next((s for s in own if consents._is_current(s, document, setting)), None)
            earlier = next((s for s in own if s.document_id != document.id), None)
            states.append(
                {
                    "label": consents.KIND_LABELS[kind],
                    "signed": current,
                    "resign": current is None and earlier is not None,
                }
            )
        rows.append(
            {
                "member": member,
                "states": states,
                "waiver": waivers.get(member.user_id),
                "complete": all(s["signed"] for s in states),
            }
        )
    return rows


def case_intake_section(viewer: User, case: Case) -> dict[str, Any] | None:
    """Consent, confidentiality and safety for the case's counselor."""
    if viewer.role is not Role.COUNSELOR or case.kind is not CaseKind.COUPLE:
        return None
    # Each fact of the case is read once here and handed on (docs/performance.md T1).
    from app.services.cases import case_members

    members = case_members(case)
    found = case_page_read(viewer, case)
    documents, setting = consents.documents_and_policy_from(found)
    checks, drafts, concerns = safety.case_safety_from(case.id, found.rows["safety"])
    open_concerns = [c for c in concerns if c.decided_at is None]
    # Without a concern no module is blocked.
    blocked = found.first("blocked") if concerns else []
    names = {m.user_id: m.user.name for m in members}
    policy_form = PolicyForm()
    if setting is not None:
        policy_form.policy.data = setting.policy.value
    return {
        "case": case,
        "consent_rows": _consent_rows(case, members, documents, setting, found),
        "has_documents": bool(documents),
        "setting": setting,
        "labels": confidentiality.LABELS,
        "effects": confidentiality.EFFECTS,
        "policy_form": policy_form,
        "waiver_form": WaiverForm(),
        "members": members,
        "names": names,
        "latest_checks": {
            m.user_id: next((c for c in checks if c.user_id == m.user_id), None) for m in members
        },
        "asked": drafts,
        "open_concerns": open_concerns,
        "concerns": concerns,
        "decision_form": DecisionForm(),
        "decision_labels": safety.DECISION_LABELS,
        "blocked": blocked,
        "override_form": OverrideForm(),
        "private_homework": _private_homework(setting, found),
        "names_by_id": names,
    }


def _private_homework(setting: Any, found: Read) -> list[dict[str, Any]]:
    """Under limited secrets: each private homework, and whether its author was asked."""
    from app.intake import disclosures

    if setting is None or not confidentiality.may_ask_to_disclose(setting.policy):
        return []
    requests = disclosures.requests_from(found.first("disclosure_requests"))
    return [
        {"assignment": a, "author_id": user_id, "request": requests.get(a.id)}
        for a, user_id in disclosures.private_homework_from(found.rows["homework"])
    ]


def open_concerns_and_unsigned(viewer: User, case: Case) -> tuple[list[Any], list[str]]:
    """For the case page's "What is next": open safety concerns, and who has not signed.

    A member counts as signed once every current document has their current signature, or
    the counselor waived it. From the page's shared read: no statement of its own.
    """
    if viewer.role is not Role.COUNSELOR or case.kind is not CaseKind.COUPLE:
        return [], []
    from app.services.cases import case_members

    found = case_page_read(viewer, case)
    _, _, concerns = safety.case_safety_from(case.id, found.rows["safety"])
    documents, setting = consents.documents_and_policy_from(found)
    members = [m for m in case_members(case) if m.erased_at is None]
    rows = _consent_rows(case, members, documents, setting, found) if documents else []
    unsigned = [r["member"].user.name for r in rows if not r["complete"] and not r["waiver"]]
    return [c for c in concerns if c.decided_at is None], unsigned


def home_safety_section(viewer: User, memberships: list[CaseMember]) -> dict[str, Any] | None:
    """The client's own check to answer, in each couple case where one is due.

    Due before joint work (the case is still at intake and the partner has sent none) and
    whenever the counselor asks (a new draft waits). Only the viewer's own checks count.
    """
    due = [
        m
        for m in memberships
        if m.case.kind is CaseKind.COUPLE
        and not m.case.is_closed
        and safety.is_due(viewer, m.case_id, before_joint_work=m.case.status is CaseStatus.INTAKE)
    ]
    from app.intake import disclosures

    asked = disclosures.pending_for(viewer)
    return {"due": due, "disclosures": asked} if due or asked else None
