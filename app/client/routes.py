"""The client's home, and their answers to invitations to join a case."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.appointments import client_routes as appointment_routes
from app.assignments import sections as assignment_sections
from app.auth.forms import PostForm
from app.authz import deny, roles_required
from app.client import bp
from app.dataprotection_sections import EXPORT_LINK_TEMPLATE, export_link_section
from app.extensions import db
from app.intake import sections as intake_sections
from app.journal import sections as journal_sections
from app.measures import own_views as measure_views
from app.messages import sections as message_sections
from app.models import Role
from app.pdf import views as pdf_views
from app.sections import Section, load_sections
from app.services import case_invitations
from app.services.case_invitations import NotYours
from app.services.cases import client_memberships
from app.sessions import sections as session_sections

#: What the features show on the client's home, in this order; each loader takes the viewer.
CLIENT_HOME_SECTIONS = [
    Section(pdf_views.HOME_TEMPLATE, pdf_views.waiting_pdfs_section),
    Section(intake_sections.HOME_TEMPLATE, intake_sections.home_safety_section),
    Section(measure_views.HOME_TEMPLATE, measure_views.due_section),
    Section(appointment_routes.HOME_TEMPLATE, appointment_routes.upcoming_section),
    Section(assignment_sections.HOME_TEMPLATE, assignment_sections.next_exercises_section),
    Section(session_sections.HOME_TEMPLATE, session_sections.checkin_next_section),
    Section(journal_sections.HOME_TEMPLATE, journal_sections.client_journal_section),
    Section(message_sections.HOME_TEMPLATE, message_sections.client_messages_section),
    Section(EXPORT_LINK_TEMPLATE, export_link_section),
]


@bp.route("/me")
@roles_required(Role.CLIENT)
def home():
    """What to do next, for the signed-in client."""
    memberships = client_memberships(current_user)
    sections = load_sections(CLIENT_HOME_SECTIONS, current_user, memberships)
    return render_template(
        "client/home.html",
        memberships=memberships,
        sections=sections,
        pending_invitations=case_invitations.pending_for(current_user),
        answer_form=PostForm(),
    )


@bp.route("/me/invitations/<int:invitation_id>/accept", methods=["POST"])
@roles_required(Role.CLIENT)
def accept_invitation(invitation_id: int):
    """Join the case the invitation names."""
    if PostForm().validate_on_submit():
        try:
            case = case_invitations.accept(invitation_id, current_user)
        except NotYours:
            deny(f"case invitation {invitation_id} (answer)")
        db.session.commit()
        flash(
            f"You joined “{case.label}”. Your counselor can now give you exercises there; "
            "they appear under “What to do next”.",
            "success",
        )
    return redirect(url_for("client.home"))


@bp.route("/me/invitations/<int:invitation_id>/decline", methods=["POST"])
@roles_required(Role.CLIENT)
def decline_invitation(invitation_id: int):
    """Say no: the client does not join the case, and nothing of theirs reaches it."""
    if PostForm().validate_on_submit():
        try:
            case_invitations.decline(invitation_id, current_user)
        except NotYours:
            deny(f"case invitation {invitation_id} (answer)")
        db.session.commit()
        flash("You declined the invitation. You are not part of that case.", "success")
    return redirect(url_for("client.home"))
