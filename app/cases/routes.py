"""Creating a case, the case page, its status and its members' invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound
from wtforms.fields.choices import SelectChoice

from app import audit
from app.appointments import sections as appointment_sections
from app.assignments import sections as assignment_sections
from app.auth.forms import PostForm
from app.authz import (
    case_for_counselor,
    case_for_counselor_loaded,
    member_for_counselor,
    place_invitation_for_counselor,
    roles_required,
)
from app.cases import bp, since_last
from app.cases.delivery import send_links
from app.cases.forms import NewCaseForm, ReopenForm, StatusForm
from app.dataprotection_sections import ERASED_TEMPLATE, erased_members_section
from app.extensions import db
from app.intake import sections as intake_sections
from app.journal import sections as journal_sections
from app.measures import sections as measure_sections
from app.messages import sections as message_sections
from app.models import (
    Case,
    CaseKind,
    CaseMember,
    CaseStatus,
    CaseStatusChange,
    Invitation,
    MemberRole,
    Role,
    User,
)
from app.policy import reassignment
from app.sections import Section, load_sections
from app.services import cases as case_service
from app.services import invitations
from app.services.case_page_read import case_page_read
from app.services.cases import CaseRuleError, NewMember
from app.sessions import sections as session_sections

STATUS_LABELS = {
    CaseStatus.INTAKE: "Intake",
    CaseStatus.ACTIVE: "Active",
    CaseStatus.PAUSED: "Paused",
    CaseStatus.CLOSED: "Closed",
}
#: The case page's statement budget (docs/performance.md T1), and what the page itself issues
#: before its sections: the signed-in session, the case (members, history and invitations
#: joined), the shared read of the sections' lists and counts with the menu's unread counts
#: (``app.services.case_page_read``), and the audit event (the chain's head, then the insert).
CASE_PAGE_BUDGET = 8
CASE_PAGE_OWN_STATEMENTS = 5
#: What the features show on the case page, in this order; each loader takes the viewer first
#: and each section declares its statements (``Section.statements``, 1 by default). The page's
#: own statements plus the declarations must stay within ``CASE_PAGE_BUDGET``.
CASE_PAGE_SECTIONS = [
    Section(since_last.TEMPLATE, since_last.since_last_section, statements=0),
    Section(
        intake_sections.CASE_TEMPLATE,
        intake_sections.case_intake_section,
        statements=intake_sections.CASE_STATEMENTS,
    ),
    Section(ERASED_TEMPLATE, erased_members_section, statements=0),
    Section(measure_sections.CASE_TEMPLATE, measure_sections.case_section, statements=0),
    Section(assignment_sections.CASE_TEMPLATE, assignment_sections.assignments_section),
    Section(journal_sections.CASE_TEMPLATE, journal_sections.case_journal_section),
    Section(appointment_sections.CASE_TEMPLATE, appointment_sections.case_section, statements=0),
    Section(session_sections.CASE_TEMPLATE, session_sections.sessions_section, statements=0),
    Section(session_sections.CHECKINS_TEMPLATE, session_sections.checkins_section, statements=0),
    Section(message_sections.CASE_TEMPLATE, message_sections.case_messages_section, statements=0),
]
STATUS_ACTIONS = {
    CaseStatus.ACTIVE: "Active",
    CaseStatus.PAUSED: "Paused",
    CaseStatus.CLOSED: "Closed (read-only)",
}


def _with_users(links: list[tuple[Invitation, str]]) -> list[tuple[Invitation, User | None, str]]:
    return [
        (inv, db.session.get(User, inv.user_id) if inv.user_id else None, token)
        for inv, token in links
    ]


@bp.route("/cases/new", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new():
    """Create a couple or individual case; the members get their invitation links."""
    form = NewCaseForm()
    if form.validate_on_submit():
        members = [NewMember(form.a_name.data, form.a_email.data, "a")]
        if form.is_couple:
            members.append(NewMember(form.b_name.data, form.b_email.data, "b"))
        try:
            result = case_service.create_case(
                current_user,
                label=form.label.data,
                kind=CaseKind(form.kind.data),
                members=members,
                request_key=form.request_key.data,
            )
        except CaseRuleError as error:
            db.session.rollback()
            getattr(form, error.field, form.label).errors.append(error.message)
        except IntegrityError:
            # Two submits of one form raced to create the same new accounts: the first won.
            db.session.rollback()
            winner = case_service.case_for_request_key(form.request_key.data, current_user)
            if winner is None:
                raise
            return redirect(url_for("cases.detail", case_id=winner.id))
        else:
            if result.case.counselor_id != current_user.id:
                # A reused request key from someone else's form: never reveal their case.
                db.session.rollback()
                form.request_key.data = None
                form.label.errors.append("Please send the form again.")
            else:
                db.session.commit()
                send_links(_with_users(result.new_links))
                flash(
                    f"The case “{result.case.label}” is created. Next: each person you named "
                    "is invited to join; copy their invitation link below (it is shown once), "
                    "then assign a first module or record the first session.",
                    "success",
                )
                return redirect(url_for("cases.detail", case_id=result.case.id))
    return render_template("cases/new.html", form=form)


def _member_rows(case: Case, links: dict[int, str]) -> list[dict]:
    """One row per place in the case: its member, or the newest invitation to it.

    An invitation row shows what the counselor typed and the invitation's state only, so it
    reads the same whoever the address belongs to. ``case.invitations`` came with the case.
    """
    by_user, by_place = invitations.latest_of(case.invitations)
    members = {member.role.value: member for member in case.members}
    roles = (
        [MemberRole.PARTNER_A, MemberRole.PARTNER_B]
        if case.kind is CaseKind.COUPLE
        else [MemberRole.INDIVIDUAL]
    )
    rows = []
    for role in roles:
        member = members.get(role.value)
        if member is not None:
            invitation = by_user.get(member.user_id)
            if member.erased_at is not None:
                state = "erased"  # the account is anonymised: nothing to invite any more
            elif member.user.has_password:
                state = "joined"
            else:  # a case made before invitations held places: the member has no password yet
                state = invitation.state if invitation else "none"
            name, email = member.user.name, member.user.email
        else:
            invitation = by_place.get(role.value)
            if invitation is None:
                continue
            state = invitation.state
            name, email = invitation.invitee_name or "", invitation.invitee_email or ""
        rows.append(
            {
                "member": member,
                "role": role.value,
                "name": name,
                "email": email,
                "state": state,
                "invitation": invitation,
                "link": links.get(invitation.id) if invitation else None,
            }
        )
    return rows


@bp.route("/cases/<int:case_id>")
@roles_required(Role.COUNSELOR)
def detail(case_id: int):
    """The case page: header, members and invitations, status history, feature sections."""
    # One query for the header, members, history and invitations; joined rows stay few
    # (2 members × a few changes × a few invitations).
    try:
        case = case_for_counselor_loaded(
            case_id,
            joinedload(Case.members).joinedload(CaseMember.user),
            joinedload(Case.status_changes).joinedload(CaseStatusChange.changed_by),
            joinedload(Case.invitations),
        )
    except NotFound:
        # A former counselor learns that the case moved and when, nothing more.
        moved_on = reassignment.moved_away_on(current_user, case_id)
        if moved_on is None:
            raise
        return render_template("cases/moved.html", moved_on=moved_on), 404
    links = invitations.take_shown_once([invitation.id for invitation in case.invitations])
    status_form = StatusForm()
    status_form.status.choices = [
        SelectChoice(s.value, STATUS_ACTIONS[s]) for s in case_service.allowed_statuses(case)
    ]
    audit.record("case.viewed", case)
    # The sections' lists and counts, the menu's unread counts included, in one statement.
    case_page_read(current_user, case)
    return render_template(
        "cases/detail.html",
        case=case,
        members=_member_rows(case, links),
        status_form=status_form,
        reopen_form=ReopenForm(),
        action_form=PostForm(),
        status_labels=STATUS_LABELS,
        sections=load_sections(CASE_PAGE_SECTIONS, current_user, case),
        moves=_moves(case),
    )


def _moves(case: Case) -> list[dict]:
    """The case's reassignments for its history, with the counselors' names."""
    events = case_page_read(current_user, case).first("moves")
    moves = reassignment.history_for(current_user, case, reassignment.moves_from(events))
    ids = {i for m in moves for i in (m.by_id, m.from_id, m.to_id) if i}
    names = case_service.names_of(ids)
    return [
        {
            "at": m.at,
            "by": names.get(m.by_id or 0, "The practice admin"),
            "from": names.get(m.from_id, "a former counselor"),
            "to": names.get(m.to_id, "another counselor"),
        }
        for m in moves
    ]


@bp.route("/cases/<int:case_id>/status", methods=["POST"])
@roles_required(Role.COUNSELOR)
def change_status(case_id: int):
    """Move the case to another status."""
    case = case_for_counselor(case_id, writable=True)
    form = StatusForm()
    form.status.choices = [SelectChoice(s.value) for s in case_service.allowed_statuses(case)]
    if form.validate_on_submit():
        try:
            case_service.change_status(
                case, CaseStatus(form.status.data), current_user, form.reason.data
            )
        except CaseRuleError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"The case is now {STATUS_LABELS[case.status].lower()}.", "success")
    else:
        flash(_first_error(form) or "Choose a new status.", "danger")
    return redirect(url_for("cases.detail", case_id=case_id) + "#status")


@bp.route("/cases/<int:case_id>/reopen", methods=["POST"])
@roles_required(Role.COUNSELOR)
def reopen(case_id: int):
    """Reopen a closed case, with a reason."""
    case = case_for_counselor(case_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            case_service.reopen(case, current_user, form.reason.data)
        except CaseRuleError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash("The case is open again.", "success")
    else:
        flash(_first_error(form) or "Please say why the case is reopened.", "danger")
    return redirect(url_for("cases.detail", case_id=case_id) + "#status")


@bp.route("/cases/<int:case_id>/members/<int:member_id>/invitation", methods=["POST"])
@roles_required(Role.COUNSELOR)
def reissue_invitation(case_id: int, member_id: int):
    """A fresh link for a member; the previous link stops working."""
    case = case_for_counselor(case_id, writable=True)
    member = member_for_counselor(case, member_id)
    if PostForm().validate_on_submit():
        try:
            invitation, token = case_service.reissue_invitation(case, member, current_user)
        except CaseRuleError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            send_links([(invitation, db.session.get_one(User, invitation.user_id), token)])
    return redirect(url_for("cases.detail", case_id=case_id) + "#members")


@bp.route("/cases/<int:case_id>/members/<int:member_id>/invitation/revoke", methods=["POST"])
@roles_required(Role.COUNSELOR)
def revoke_invitation(case_id: int, member_id: int):
    """Withdraw a member's pending link."""
    case = case_for_counselor(case_id, writable=True)
    member = member_for_counselor(case, member_id)
    if PostForm().validate_on_submit():
        try:
            case_service.revoke_invitation(case, member)
        except CaseRuleError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash("The invitation link no longer works.", "success")
    return redirect(url_for("cases.detail", case_id=case_id) + "#members")


@bp.route("/cases/<int:case_id>/invitations/<int:invitation_id>", methods=["POST"])
@roles_required(Role.COUNSELOR)
def reissue_place_invitation(case_id: int, invitation_id: int):
    """A fresh link for a place not taken yet; the previous link stops working."""
    case = case_for_counselor(case_id, writable=True)
    invitation = place_invitation_for_counselor(case, invitation_id)
    if PostForm().validate_on_submit():
        try:
            new_invitation, token = case_service.reissue_place_invitation(
                case, invitation, current_user
            )
        except CaseRuleError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            send_links(_with_users([(new_invitation, token)]))
    return redirect(url_for("cases.detail", case_id=case_id) + "#members")


@bp.route("/cases/<int:case_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@roles_required(Role.COUNSELOR)
def revoke_place_invitation(case_id: int, invitation_id: int):
    """Withdraw a pending invitation to a place in the case."""
    case = case_for_counselor(case_id, writable=True)
    invitation = place_invitation_for_counselor(case, invitation_id)
    if PostForm().validate_on_submit():
        try:
            case_service.revoke_place_invitation(invitation)
        except CaseRuleError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash("The invitation link no longer works.", "success")
    return redirect(url_for("cases.detail", case_id=case_id) + "#members")


def _first_error(form) -> str | None:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return None
