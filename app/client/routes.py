"""The client's home."""

from flask import render_template
from flask_login import current_user

from app.authz import roles_required
from app.client import bp
from app.dataprotection_sections import EXPORT_LINK_TEMPLATE, export_link_section
from app.journal import sections as journal_sections
from app.models import Role
from app.modules import sections as assignment_sections
from app.sections import Section, load_sections
from app.services.cases import client_memberships
from app.sessions import sections as session_sections

#: What the features show on the client's home, in this order; each loader takes the viewer.
CLIENT_HOME_SECTIONS = [
    Section(assignment_sections.HOME_TEMPLATE, assignment_sections.next_exercises_section),
    Section(session_sections.HOME_TEMPLATE, session_sections.checkin_next_section),
    Section(journal_sections.HOME_TEMPLATE, journal_sections.client_journal_section),
    Section(EXPORT_LINK_TEMPLATE, export_link_section),
]


@bp.route("/me")
@roles_required(Role.CLIENT)
def home():
    """What to do next, for the signed-in client."""
    memberships = client_memberships(current_user)
    sections = load_sections(CLIENT_HOME_SECTIONS, current_user, memberships)
    return render_template("client/home.html", memberships=memberships, sections=sections)
