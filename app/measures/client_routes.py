"""The client's side: answer a due measure (autosaved), see the crisis resources, own results."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from app import audit
from app.authz import deny, roles_required
from app.drafts import read_autosave_payload
from app.extensions import csrf, db
from app.measures import bp, own_views
from app.measures import instruments as catalogue
from app.measures import services as service
from app.measures.instruments import MissingAnswers
from app.models import MeasureResponse, MeasureSchedule, Role
from app.policy import measures as rules

VIEWS = ("one", "list")


def _schedule(schedule_id: int, occurrence: str) -> MeasureSchedule:
    schedule = db.session.get(MeasureSchedule, schedule_id)
    if schedule is None or not rules.may_answer(current_user, schedule):
        deny(f"measure schedule {schedule_id}")
    due = {d.occurrence for d in service.due_for(current_user) if d.schedule.id == schedule_id}
    if occurrence not in due:
        deny(f"measure schedule {schedule_id} occurrence")
    return schedule


def _existing(schedule: MeasureSchedule, occurrence: str) -> MeasureResponse | None:
    return db.session.scalar(
        db.select(MeasureResponse).where(
            MeasureResponse.schedule_id == schedule.id,
            MeasureResponse.occurrence == occurrence,
            rules.own_answers(current_user),
        )
    )


def _view_choice() -> str:
    # One question per screen or the whole list: the client's choice, kept for the session.
    chosen = request.args.get("view")
    if chosen in VIEWS:
        session["measure_view"] = chosen
    value = session.get("measure_view", "one")
    return value if value in VIEWS else "one"


@bp.route("/me/measures/<int:schedule_id>/<occurrence>", methods=["GET", "POST"])
@roles_required(Role.CLIENT)
def answer(schedule_id: int, occurrence: str):
    """The questionnaire: one question per screen or a compact list; send when all are answered."""
    schedule = _schedule(schedule_id, occurrence)
    instrument = catalogue.get(schedule.instrument)
    sheet = _existing(schedule, occurrence)
    answers = dict((sheet.answers if sheet else None) or {})
    missing: list[str] = []
    message = None
    if request.method == "POST":
        if not own_views.valid_post():
            return redirect(request.path)
        sheet = sheet or service.open_sheet(current_user, schedule, occurrence)
        try:
            sent = service.submit_for_client(current_user, sheet, request.form)
        except MissingAnswers as problem:
            # Nothing is scored; the answers given are kept as the draft, and stay chosen.
            db.session.commit()
            answers = dict(sheet.answers or {})
            missing, message = problem.keys, str(problem)
        else:
            if sent.flag is not None:
                # The audit names the flag, never the answer (docs/security.md, measures).
                audit.record("measure.safety_flag", sent.flag, case_id=sheet.case_id)
            db.session.commit()
            return redirect(url_for("measures.sent", response_id=sent.response.id))
    return render_template(
        "measures/answer.html",
        instrument=instrument,
        schedule=schedule,
        occurrence=occurrence,
        answers=answers,
        missing=missing,
        message=message,
        seq=sheet.draft_seq if sheet else 0,
        view=_view_choice(),
    )


@bp.route("/me/measures/<int:schedule_id>/<occurrence>/autosave", methods=["POST"])
@csrf.exempt  # the token is checked by read_autosave_payload (it may come in the body)
@roles_required(Role.CLIENT)
def autosave(schedule_id: int, occurrence: str):
    """Keep the answers so far: ordered by sequence number, never echoing answers back."""
    payload = read_autosave_payload()
    schedule = _schedule(schedule_id, occurrence)
    sheet = _existing(schedule, occurrence) or service.open_sheet(
        current_user, schedule, occurrence
    )
    applied = service.save_draft(sheet, payload.fields, payload.seq)
    db.session.commit()
    return jsonify(saved=applied, seq=sheet.draft_seq)


@bp.route("/me/measures/sent/<int:response_id>")
@roles_required(Role.CLIENT)
def sent(response_id: int):
    """Thanks; after a safety answer, the practice's crisis resources, at once."""
    try:
        sheet = service.own_sheet(current_user, response_id)
    except service.NotAllowed:
        deny(f"measure response {response_id}")
    return render_template(
        "measures/sent.html",
        instrument=catalogue.get(sheet.instrument),
        crisis=rules.shows_crisis_resources(current_user, sheet),
        crisis_text=current_app.config["REKINDLE_CRISIS_RESOURCES"],
    )


@bp.route("/me/measures/results")
@roles_required(Role.CLIENT)
def my_results():
    """The client's own results their counselor chose to share with them."""
    return render_template("measures/my_results.html", trends=own_views.shared_trends(current_user))
