"""The client's intake pages: signing the consent documents, and the private safety check."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.authz import deny, membership_for_client, roles_required
from app.drafts import read_autosave_payload
from app.extensions import csrf, db
from app.intake import bp, consents, safety
from app.intake.forms import SignForm
from app.models import Case, ConsentDocument, MemberRole, Role
from app.netaddr import client_address
from app.pdf import views as pdf_views
from app.policy import confidentiality


def _waiting() -> list[dict]:
    """Per open case still to sign: its documents, each with the exact text to sign."""
    rows = []
    for case_id in consents.unsigned_cases(current_user):
        setting = consents.case_policy(case_id)
        rows.append(
            {
                "case": db.session.get_one(Case, case_id),
                "documents": [
                    {
                        "document": r.document,
                        "label": consents.KIND_LABELS[r.document.kind],
                        "text": consents.signed_text(r.document, setting),
                        "signed": r.signed,
                    }
                    for r in consents.requirements(current_user.id, case_id)
                ],
            }
        )
    return rows


@bp.route("/me/consents", endpoint="consents")
@roles_required(Role.CLIENT)
def consents_page():
    """What is still to sign, one document at a time; then on to the app."""
    waiting = _waiting()
    if not waiting:
        return render_template("intake/consents_done.html")
    case_row = waiting[0]
    document = next(d for d in case_row["documents"] if not d["signed"])
    form = SignForm()
    form.request_key.data = secrets.token_urlsafe(24)
    return render_template(
        "intake/sign.html", case_row=case_row, current=document, form=form, total=len(waiting)
    )


@bp.route("/me/consents/<int:case_id>/<int:document_id>", methods=["POST"])
@roles_required(Role.CLIENT)
def sign(case_id: int, document_id: int):
    """Sign one document in one case, on the client's own login."""
    membership_for_client(case_id)
    case = db.session.get_one(Case, case_id)
    document = db.session.get(ConsentDocument, document_id)
    if document is None:
        deny(f"consent document {document_id}", case_id=case_id)
    form = SignForm()
    if form.validate_on_submit():
        try:
            consents.sign(
                current_user,
                case,
                document,
                full_name=form.full_name.data or "",
                agreed=bool(form.agree.data),
                address=client_address(),
                request_key=form.request_key.data,
            )
        except consents.ConsentError as exc:
            form.agree.errors = [*form.agree.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"Signed: {document.title}.", "success")
            return redirect(url_for("intake.consents"), code=303)
    waiting = _waiting()
    case_row = next((row for row in waiting if row["case"].id == case_id), None)
    if case_row is None:
        return redirect(url_for("intake.consents"), code=303)
    current = next(d for d in case_row["documents"] if d["document"].id == document.id)
    return render_template(
        "intake/sign.html", case_row=case_row, current=current, form=form, total=len(waiting)
    ), 422


@bp.route("/me/consents/signed/<int:signature_id>.pdf")
@roles_required(Role.CLIENT)
def signature_pdf(signature_id: int):
    """The PDF of exactly what the client signed (their own signatures only)."""
    from app.intake.documents import CONSENT

    signature = consents.signature_of(current_user, signature_id)
    if signature is None:
        deny(f"consent signature {signature_id}")
    return pdf_views.respond(
        CONSENT,
        title="Your signed consent",
        filename=f"signed-consent-{signature.signed_at.date().isoformat()}.pdf",
        case_id=signature.case_id,
        variant=str(signature.id),
    )


@bp.route("/me/consents/signed")
@roles_required(Role.CLIENT)
def signed_list():
    """The client's own signatures, each with its PDF."""
    return render_template(
        "intake/signed.html",
        signatures=consents.own_signatures(current_user),
        labels=consents.KIND_LABELS,
    )


# --- the private safety check ---------------------------------------------------------------


def _check_case(case_id: int) -> Case:
    """The signed-in partner's couple case (404 otherwise)."""
    member = membership_for_client(case_id)
    if member.role is MemberRole.INDIVIDUAL:
        abort(404)
    return db.session.get_one(Case, case_id)


@bp.route("/me/safety/<int:case_id>")
@roles_required(Role.CLIENT)
def safety_check(case_id: int):
    """The check: questions that save as they are answered, a quick exit always in view."""
    case = _check_case(case_id)
    # A page view changes nothing: the draft is made by the first autosave.
    check = safety.draft_of(current_user, case_id)
    return render_template(
        "intake/safety_check.html",
        case=case,
        seq=check.draft_seq if check else 0,
        content=safety.content(),
        answers=(check.answers or {}) if check else {},
        errors=[],
        exit_url=quick_exit_url(),
    )


@bp.route("/me/safety/<int:case_id>/autosave", methods=["POST"])
@roles_required(Role.CLIENT)
@csrf.exempt  # read_autosave_payload checks the token (app/drafts.py)
def safety_autosave(case_id: int):
    """Keep the answers so far (the quick exit loses nothing saved)."""
    _check_case(case_id)
    payload = read_autosave_payload()
    check = safety.check_to_answer(current_user, case_id)
    try:
        fresh = safety.autosave(check, payload.seq, payload.fields)
    except safety.SafetyError as exc:
        return jsonify(error="sent", message=str(exc)), 409
    db.session.commit()
    return jsonify(saved=True, stale=not fresh, seq=check.draft_seq)


@bp.route("/me/safety/<int:case_id>", methods=["POST"])
@roles_required(Role.CLIENT)
def safety_send(case_id: int):
    """Send the answers to the counselor."""
    case = _check_case(case_id)
    from app.auth.forms import PostForm

    if not PostForm().validate_on_submit():
        return redirect(url_for("intake.safety_check", case_id=case_id), code=303)
    if safety.draft_of(current_user, case_id) is None and safety.latest_check(
        current_user, case_id
    ):
        # Sent already (a second click): the same thanks, nothing sent twice.
        return redirect(url_for("intake.safety_sent", case_id=case_id), code=303)
    check = safety.check_to_answer(current_user, case_id)
    raw = {q.key: request.form.get(q.key) for q in safety.content().questions}
    try:
        safety.submit(check, raw, case)
    except safety.SafetyError as exc:
        safety.autosave(check, check.draft_seq + 1, raw)  # keep what was chosen
        db.session.commit()
        return render_template(
            "intake/safety_check.html",
            case=case,
            seq=check.draft_seq,
            content=safety.content(),
            answers=safety.clean_answers(raw),
            errors=[str(exc)],
            exit_url=quick_exit_url(),
        ), 422
    db.session.commit()
    return redirect(url_for("intake.safety_sent", case_id=case_id), code=303)


@bp.route("/me/safety/<int:case_id>/sent")
@roles_required(Role.CLIENT)
def safety_sent(case_id: int):
    """Thanks, in the same words whatever the answers were."""
    case = _check_case(case_id)
    return render_template("intake/safety_sent.html", case=case, exit_url=quick_exit_url())


def quick_exit_url() -> str:
    """Where the quick exit goes: the practice's choice, or our neutral page."""
    return current_app.config.get("REKINDLE_QUICK_EXIT_URL") or url_for("intake.neutral")


@bp.route("/weather")
def neutral():
    """A neutral page with nothing of Rekindle on it (the quick exit's default)."""
    return render_template("intake/neutral.html")


def reminder_for(case_id: int) -> bool:
    """Whether the private and individual pages of this case remind the partner before writing."""
    return confidentiality.reminds_before_writing(confidentiality.policy_of(case_id))


@bp.app_template_global()
def private_item_reminder(assignment) -> bool:
    """Whether the answer page of this homework reminds the author before they write.

    Under "No secrets", homework given in an individual session may be brought into joint
    sessions; the page says so before the partner writes.
    """
    from app.intake.disclosures import private_homework

    if not reminder_for(assignment.case_id):
        return False
    return any(a.id == assignment.id for a, _user in private_homework(assignment.case_id))


@bp.route("/me/disclosures/<int:request_id>", methods=["POST"])
@roles_required(Role.CLIENT)
def answer_disclosure(request_id: int):
    """The author agrees, or not, to bring one private item into a joint session."""
    from app.auth.forms import PostForm
    from app.intake import disclosures

    if not PostForm().validate_on_submit():
        return redirect(url_for("client.home"), code=303)
    request_row = disclosures.answer(
        current_user, request_id, agreed=request.form.get("answer") == "agree"
    )
    if request_row is None:
        deny(f"disclosure request {request_id}")
    db.session.commit()
    flash("Your answer is recorded. Thank you.", "success")
    return redirect(url_for("client.home"), code=303)
