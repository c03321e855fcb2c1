"""The counselor's side: schedule measures, read trends and the partner gap, paper entry, flags."""

from __future__ import annotations

import secrets

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit
from app.auth.forms import PostForm
from app.authz import case_for_counselor, deny, roles_required
from app.extensions import db
from app.measures import bp, fhir, own_views, results
from app.measures import instruments as catalogue
from app.measures import services as service
from app.measures.forms import AcknowledgeForm, PaperForm, ScheduleForm
from app.measures.instruments import MissingAnswers
from app.measures.schedule_rules import CADENCES_OFFERED
from app.models import (
    Case,
    CounselingSession,
    MeasureCadence,
    MeasureResponse,
    MeasureSchedule,
    Role,
    SessionMeasureInclusion,
)
from app.policy import measures as rules
from app.services.cases import case_members


def _back(case: Case):
    return redirect(url_for("measures.case_page", case_id=case.id))


def _schedule_of(case: Case, schedule_id: int) -> MeasureSchedule:
    schedule = db.session.get(MeasureSchedule, schedule_id)
    if schedule is None or schedule.case_id != case.id:
        deny(f"measure schedule {schedule_id}", case_id=case.id)
    return schedule


@bp.route("/cases/<int:case_id>/measures", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def case_page(case_id: int):
    """Schedules, each partner's trends with cutoffs and reliable change, the partner gap."""
    case = case_for_counselor(case_id)
    members = case_members(case)
    form = ScheduleForm(members)
    if request.method == "GET":
        form.request_key.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        if case.is_closed:
            abort(409)
        who = None if form.who.data == "all" else int(form.who.data)
        service.assign(
            current_user,
            case,
            instrument=form.instrument.data,
            cadence=MeasureCadence(form.cadence.data),
            user_id=who,
            share_results=bool(form.share_results.data),
            request_key=form.request_key.data,
        )
        db.session.commit()
        flash("Measure scheduled. Each person it is for sees it on their home page.", "success")
        return _back(case)
    schedules = db.session.scalars(
        db.select(MeasureSchedule)
        .where(MeasureSchedule.case_id == case.id)
        .order_by(MeasureSchedule.created_at.desc())
    ).all()
    names = {m.user_id: m.user.name for m in members}
    return render_template(
        "measures/case.html",
        case=case,
        form=form,
        schedules=schedules,
        names=names,
        cadences=CADENCES_OFFERED,
        measures=results.case_measures(current_user, case, members),
        flags=service.open_flags(current_user, case),
        ack_form=AcknowledgeForm(),
        instruments=catalogue.instruments(),
        action_form=PostForm(),
    )


@bp.route("/cases/<int:case_id>/measures/schedules/<int:schedule_id>/<action>", methods=["POST"])
@roles_required(Role.COUNSELOR)
def schedule_action(case_id: int, schedule_id: int, action: str):
    """Stop a schedule, or ask for the end measure of an intake-and-end one."""
    case = case_for_counselor(case_id, writable=True)
    schedule = _schedule_of(case, schedule_id)
    if action not in ("stop", "end"):
        deny(f"measure schedule action {action[:10]}", case_id=case.id)
    if not own_views.valid_post():
        abort(400)
    if action == "stop":
        service.stop(current_user, case, schedule)
        flash("Stopped: nothing more of it falls due.", "success")
    else:
        service.request_end(current_user, case, schedule)
        flash("The end measure is now due.", "success")
    db.session.commit()
    return _back(case)


@bp.route("/cases/<int:case_id>/measures/paper/<instrument_code>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def paper(case_id: int, instrument_code: str):
    """Type in a measure a client answered on paper."""
    case = case_for_counselor(case_id, writable=True)
    instrument = catalogue.instruments().get(instrument_code)
    if instrument is None:
        deny(f"measure {instrument_code[:20]}", case_id=case.id)
    members = case_members(case)
    form = PaperForm(members)
    if request.method == "GET":
        form.request_key.data = secrets.token_urlsafe(24)
    message, missing = None, []
    answers = catalogue.clean_answers(instrument, request.form)
    if form.validate_on_submit():
        try:
            entered = service.enter_on_paper(
                current_user,
                case,
                user_id=int(form.who.data),
                instrument=instrument.code,
                answers=request.form,
                request_key=form.request_key.data,
            )
        except MissingAnswers as problem:
            db.session.rollback()
            message, missing = str(problem), problem.keys
        except service.NotAllowed:
            deny(f"case {case.id} paper measure", case_id=case.id)
        else:
            if entered.flag is not None:
                audit.record("measure.safety_flag", entered.flag, case_id=case.id)
            db.session.commit()
            flash(
                f"{instrument.title} saved: {entered.score.total} ({entered.score.band}).",
                "success",
            )
            return _back(case)
    return render_template(
        "measures/paper.html",
        case=case,
        form=form,
        instrument=instrument,
        answers=answers,
        missing=missing,
        message=message,
    )


@bp.route("/cases/<int:case_id>/measures/flags/<int:flag_id>", methods=["POST"])
@roles_required(Role.COUNSELOR)
def acknowledge(case_id: int, flag_id: int):
    """Record what the counselor did about a safety flag; the banner goes."""
    case = case_for_counselor(case_id)
    if not any(flag.id == flag_id for flag in service.open_flags(current_user, case)):
        deny(f"safety flag {flag_id}", case_id=case.id)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        flash(form.action.errors[0] if form.action.errors else "Please try again.", "danger")
        return redirect(url_for("cases.detail", case_id=case.id) + "#measure-flags")
    try:
        flag = service.acknowledge(current_user, case, flag_id, form.action.data)
    except service.NotAllowed:
        deny(f"safety flag {flag_id}", case_id=case.id)
    audit.record("measure.safety_flag_acknowledged", flag, case_id=case.id)
    db.session.commit()
    flash("Recorded. The flag is closed.", "success")
    return redirect(url_for("cases.detail", case_id=case.id))


def _sheet(case: Case, response_id: int) -> MeasureResponse:
    sheet = db.session.scalar(
        db.select(MeasureResponse).where(
            MeasureResponse.id == response_id, rules.counselor_reads(current_user, case)
        )
    )
    if sheet is None:
        deny(f"measure response {response_id}", case_id=case.id)
    return sheet


@bp.route("/cases/<int:case_id>/measures/responses/<int:response_id>")
@roles_required(Role.COUNSELOR)
def response_detail(case_id: int, response_id: int):
    """One completed measure: every answer, the total and band."""
    case = case_for_counselor(case_id)
    sheet = _sheet(case, response_id)
    names = {m.user_id: m.user.name for m in case_members(case)}
    return render_template(
        "measures/response.html",
        case=case,
        sheet=sheet,
        name=names.get(sheet.user_id, "A former member"),
        instrument=catalogue.get(sheet.instrument),
        action_form=PostForm(),
    )


@bp.route("/cases/<int:case_id>/measures/responses/<int:response_id>/share", methods=["POST"])
@roles_required(Role.COUNSELOR)
def share(case_id: int, response_id: int):
    """Show this result to the client who answered (or stop showing it)."""
    case = case_for_counselor(case_id)
    _sheet(case, response_id)
    if not own_views.valid_post():
        abort(400)
    shared = request.form.get("shared") == "1"
    service.set_shared(current_user, case, response_id, shared)
    db.session.commit()
    flash("They can now see this result." if shared else "This result is for you only.", "success")
    return redirect(url_for("measures.response_detail", case_id=case.id, response_id=response_id))


@bp.route("/cases/<int:case_id>/measures/responses/<int:response_id>/fhir.json")
@roles_required(Role.COUNSELOR)
def fhir_export(case_id: int, response_id: int):
    """The completed measure as a FHIR R4 QuestionnaireResponse."""
    case = case_for_counselor(case_id)
    sheet = _sheet(case, response_id)
    audit.record("measure.exported", sheet, case_id=case.id)
    db.session.commit()
    response = jsonify(fhir.questionnaire_response(sheet))
    response.headers["Content-Disposition"] = f'attachment; filename="measure-{sheet.id}.json"'
    return response


@bp.route("/cases/<int:case_id>/sessions/<int:session_id>/client-measures", methods=["POST"])
@roles_required(Role.COUNSELOR)
def include_in_client_copy(case_id: int, session_id: int):
    """Show (or leave out) the measures in this session's client summary."""
    case = case_for_counselor(case_id)
    meeting = db.session.get(CounselingSession, session_id)
    if meeting is None or meeting.case_id != case.id or not own_views.valid_post():
        deny(f"session {session_id}", case_id=case.id)
    existing = db.session.scalar(
        db.select(SessionMeasureInclusion).where(SessionMeasureInclusion.session_id == session_id)
    )
    if request.form.get("include") == "1" and existing is None:
        db.session.add(
            SessionMeasureInclusion(session_id=session_id, created_by_id=current_user.id)
        )
    elif request.form.get("include") != "1" and existing is not None:
        db.session.delete(existing)
    db.session.commit()
    flash("Saved for the client copy of this summary.", "success")
    return redirect(url_for("sessions.detail", case_id=case.id, sid=session_id))
