"""The counselor's intake actions, from the case page: policy, waivers, checks and decisions."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app import audit
from app.authz import case_for_counselor, deny, roles_required
from app.extensions import db
from app.intake import bp, consents, safety
from app.intake.forms import DecisionForm, OverrideForm, PolicyForm, WaiverForm
from app.models import (
    CaseMember,
    ConfidentialityPolicy,
    Role,
    SafetyCheck,
    SafetyCheckStatus,
    SafetyConcern,
    SafetyDecision,
    StrategyModule,
    User,
)


def _back(case_id: int, anchor: str = "intake"):
    return redirect(url_for("cases.detail", case_id=case_id, _anchor=anchor), code=303)


def _member(case_id: int, user_id: int) -> CaseMember:
    member = db.session.scalar(
        db.select(CaseMember).where(
            CaseMember.case_id == case_id,
            CaseMember.user_id == user_id,
            CaseMember.erased_at.is_(None),
        )
    )
    if member is None:
        deny(f"member {user_id} of case {case_id}", case_id=case_id)
    return member


def _flash_errors(form) -> None:
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")


@bp.route("/cases/<int:case_id>/intake/policy", methods=["POST"])
@roles_required(Role.COUNSELOR)
def set_policy(case_id: int):
    """Set the confidentiality policy; a change means both partners sign the agreement again."""
    case = case_for_counselor(case_id, writable=True)
    form = PolicyForm()
    if form.validate_on_submit():
        before = consents.case_policy(case.id)
        was = before.policy if before else None
        consents.set_policy(current_user, case, ConfidentialityPolicy(form.policy.data))
        db.session.commit()
        if was is not None and was.value != form.policy.data:
            flash("Policy changed. Both partners will sign the agreement again.", "success")
        else:
            flash("Confidentiality policy saved.", "success")
    else:
        _flash_errors(form)
    return _back(case.id)


@bp.route("/cases/<int:case_id>/intake/members/<int:user_id>/waive", methods=["POST"])
@roles_required(Role.COUNSELOR)
def waive(case_id: int, user_id: int):
    """Let one partner use the app without signing, with the counselor's reason."""
    case = case_for_counselor(case_id, writable=True)
    member = _member(case.id, user_id)
    form = WaiverForm()
    if form.validate_on_submit():
        consents.waive(current_user, case, member, form.reason.data or "")
        db.session.commit()
        flash("Signing waived for this client; your reason is recorded.", "success")
    else:
        _flash_errors(form)
    return _back(case.id)


@bp.route("/cases/<int:case_id>/intake/members/<int:user_id>/safety-check", methods=["POST"])
@roles_required(Role.COUNSELOR)
def ask_for_check(case_id: int, user_id: int):
    """Ask one partner for a new safety check (it waits on their own home page only)."""
    case = case_for_counselor(case_id, writable=True)
    _member(case.id, user_id)
    from app.auth.forms import PostForm

    if PostForm().validate_on_submit():
        safety.ask_again(current_user, case, user_id)
        db.session.commit()
        flash("Asked for a new safety check.", "success")
    return _back(case.id)


@bp.route("/cases/<int:case_id>/intake/checks/<int:check_id>")
@roles_required(Role.COUNSELOR)
def read_check(case_id: int, check_id: int):
    """One partner's sent answers, for the counselor of the case only."""
    case = case_for_counselor(case_id)
    check = db.session.get(SafetyCheck, check_id)
    if check is None or check.case_id != case.id or check.status is not SafetyCheckStatus.SUBMITTED:
        deny(f"safety check {check_id}", case_id=case.id)
    member = _member(case.id, check.user_id)
    concern = db.session.scalar(db.select(SafetyConcern).where(SafetyConcern.check_id == check.id))
    audit.record("safety.check_read", check, case_id=case.id)
    db.session.commit()
    return render_template(
        "intake/check_read.html",
        case=case,
        check=check,
        member=member,
        name=db.session.get_one(User, member.user_id).name,
        concern=concern,
        content=safety.content(),
        rules=safety.content().concern_rules,
    )


@bp.route("/cases/<int:case_id>/intake/concerns/<int:concern_id>/decision", methods=["POST"])
@roles_required(Role.COUNSELOR)
def decide(case_id: int, concern_id: int):
    """Record the decision: the banner goes and the partner's held sharing resumes."""
    case = case_for_counselor(case_id)
    concern = db.session.get(SafetyConcern, concern_id)
    if concern is None or concern.case_id != case.id:
        deny(f"safety concern {concern_id}", case_id=case.id)
    form = DecisionForm()
    if form.validate_on_submit():
        safety.decide(
            current_user, concern, SafetyDecision(form.decision.data), form.note.data or ""
        )
        db.session.commit()
        flash("Decision recorded.", "success")
    else:
        _flash_errors(form)
    return _back(case.id)


@bp.route("/cases/<int:case_id>/intake/caution-override", methods=["POST"])
@roles_required(Role.COUNSELOR)
def override_caution(case_id: int):
    """Lift a module's caution block for this case, with the counselor's reason."""
    case = case_for_counselor(case_id, writable=True)
    form = OverrideForm()
    if form.validate_on_submit():
        module = db.session.get(StrategyModule, int(form.module_id.data or 0))
        if module is None:
            deny(f"module {form.module_id.data}", case_id=case.id)
        try:
            safety.override_caution(current_user, case, module, form.reason.data or "")
        except safety.SafetyError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Block lifted for this case; your reason is recorded.", "success")
    else:
        _flash_errors(form)
    return _back(case.id)


@bp.route("/cases/<int:case_id>/intake/disclosures/<int:assignment_id>", methods=["POST"])
@roles_required(Role.COUNSELOR)
def ask_disclosure(case_id: int, assignment_id: int):
    """Limited secrets: ask the author to bring one private homework into a joint session."""
    from app.auth.forms import PostForm
    from app.intake import disclosures

    case = case_for_counselor(case_id, writable=True)
    if PostForm().validate_on_submit():
        try:
            disclosures.ask(current_user, case, assignment_id)
        except disclosures.DisclosureError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Asked. The item is brought in only if its author agrees.", "success")
    return _back(case.id)
