"""The client's exercises: the list, one page per exercise, autosave, sending, sharing."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit, policy
from app.auth.forms import PostForm
from app.authz import deny, ensure_open, recipient_for_client, roles_required
from app.drafts import read_autosave_payload
from app.exercises import bp
from app.exercises.forms import AnswerForm, answer_form
from app.extensions import csrf, db
from app.models import (
    AssignmentRecipient,
    Exercise,
    ResponseStatus,
    Role,
    Visibility,
)
from app.policy import ANSWER
from app.services import assignments as assignment_service
from app.services import responses as response_service
from app.services.concurrency import StaleEdit

client_only = roles_required(Role.CLIENT)


def draft_key(recipient: AssignmentRecipient, exercise: Exercise) -> str:
    """The key of this answer's local (in-browser) draft."""
    return f"exercise-{recipient.id}-{exercise.id}"


def _exercise_of(recipient: AssignmentRecipient, exercise_id: int) -> Exercise:
    exercise = next(
        (e for e in recipient.assignment.module_version.exercises if e.id == exercise_id), None
    )
    if exercise is None:
        # An exercise of another module under one's own assignment: a refusal like any other.
        deny(
            f"exercise {exercise_id} (assignment recipient {recipient.id})",
            case_id=recipient.assignment.case_id,
        )
    return exercise


@bp.route("/me/exercises")
@client_only
def index():
    """Everything assigned to the client: what to do next first."""
    work = assignment_service.client_work(current_user)
    return render_template("exercises/index.html", work=work)


@bp.route("/me/exercises/<int:recipient_id>")
@client_only
def assignment(recipient_id: int):
    """One assignment: the introduction, the counselor's note, the exercises, feedback."""
    recipient = recipient_for_client(recipient_id)
    version = recipient.assignment.module_version
    answers = response_service.own_answers(recipient)
    shared = response_service.exercises_the_partner_shared(current_user, recipient)
    sent = request.args.get("sent", type=int)
    if recipient.feedback:
        audit.record("assignment.feedback_read", recipient.assignment)
    return render_template(
        "exercises/assignment.html",
        recipient=recipient,
        assignment=recipient.assignment,
        version=version,
        answers=answers,
        next_exercise=response_service.next_unsent(version.exercises, _sent_ids(answers)),
        shared=shared,
        cleared_key=f"exercise-{recipient.id}-{sent}" if sent else None,
    )


def _sent_ids(answers: dict[int, policy.OwnWriting]) -> set[int]:
    return {exercise_id for exercise_id, mine in answers.items() if mine.sent}


@bp.route("/me/exercises/<int:recipient_id>/all-sent")
@client_only
def all_sent(recipient_id: int):
    """The end of a module: every exercise is sent; who can read each answer, what comes next."""
    recipient = recipient_for_client(recipient_id)
    version = recipient.assignment.module_version
    answers = response_service.own_answers(recipient)
    if response_service.next_unsent(version.exercises, _sent_ids(answers)) is not None:
        return redirect(url_for("exercises.assignment", recipient_id=recipient.id))
    sent = request.args.get("sent", type=int)
    return render_template(
        "exercises/all_sent.html",
        recipient=recipient,
        assignment=recipient.assignment,
        version=version,
        answers=answers,
        cleared_key=f"exercise-{recipient.id}-{sent}" if sent else None,
    )


@bp.route("/me/exercises/<int:recipient_id>/<int:exercise_id>", methods=["GET", "POST"])
@client_only
def answer(recipient_id: int, exercise_id: int):
    """One exercise on its own page: answer (with autosave), save for later, or send."""
    recipient = recipient_for_client(recipient_id, writable=request.method == "POST")
    exercise = _exercise_of(recipient, exercise_id)
    response = response_service.find_response(recipient, exercise)
    closed = recipient.assignment.case.is_closed
    form = answer_form(exercise)
    if request.method == "GET" and response is not None:
        form = answer_form(
            exercise,
            data={
                **AnswerForm.data_from_answer(response.answer),
                "visibility": response.visibility.value,
                "version": str(response.version),
            },
        )
    if request.method == "POST" and form.validate_on_submit():
        seq_text = form.draft_seq.data or ""
        try:
            response = response_service.save_answer(
                recipient,
                exercise,
                form.answer(),
                response_service.visibility_from(form.visibility.data),
                expected_version=form.version.data,
                seq=int(seq_text) if seq_text.isdigit() and len(seq_text) < 19 else None,
                submit=form.sending,
            )
        except response_service.StaleAnswer as exc:
            raise StaleEdit(
                saved=_as_text(exercise, exc.response.answer),
                yours=_as_text(exercise, form.answer()),
                back_url=url_for(
                    "exercises.answer", recipient_id=recipient.id, exercise_id=exercise.id
                ),
            ) from exc
        except response_service.ResponseError as exc:
            db.session.rollback()
            flash(str(exc), "info")
            return redirect(request.path)
        db.session.commit()
        if form.sending:
            return _after_sending(recipient, exercise, response.visibility)
        flash("Saved. You can come back to it at any time.", "success")
        return redirect(request.path)
    partner = response_service.partner_answer(current_user, recipient, exercise)
    if partner is not None:
        audit.record("response.read", partner, case_id=recipient.assignment.case_id)
    exercises = recipient.assignment.module_version.exercises
    position = exercises.index(exercise)
    current = response.visibility if response is not None else ANSWER.default
    return render_template(
        "exercises/answer.html",
        recipient=recipient,
        assignment=recipient.assignment,
        exercise=exercise,
        response=response,
        submitted=response is not None and response.status is ResponseStatus.SUBMITTED,
        mine=(
            None
            if response is None
            else ANSWER.own(
                sent=response.status is ResponseStatus.SUBMITTED, level=response.visibility
            )
        ),
        form=form,
        closed=closed,
        partner=partner,
        draft_key=draft_key(recipient, exercise),
        cleared_key=_cleared_key(recipient, exercise),
        position=position,
        total=len(exercises),
        next_exercise=exercises[position + 1] if position + 1 < len(exercises) else None,
        visibility_labels=policy.labels_open_to(
            recipient.assignment.case, current, response_service.VISIBILITY_LABELS
        ),
        visibility_form=PostForm(),
    )


def _cleared_key(recipient: AssignmentRecipient, exercise: Exercise) -> str | None:
    """The device draft of the exercise just sent (never the one now open), to clear."""
    sent = request.args.get("sent", type=int)
    return f"exercise-{recipient.id}-{sent}" if sent and sent != exercise.id else None


def _after_sending(recipient: AssignmentRecipient, exercise: Exercise, visibility: Visibility):
    """Go on to the next exercise not yet sent, or to "All sent" at the end of the module."""
    mine = ANSWER.own(sent=True, level=visibility)
    done = "sent" if mine.shared else "done"
    flash(f"“{exercise.title}” is {done}. Who can read it: {mine.audience}.", "success")
    answers = response_service.own_answers(recipient)
    exercises = recipient.assignment.module_version.exercises
    following = response_service.next_unsent(exercises, _sent_ids(answers), after=exercise)
    if following is None:
        return redirect(url_for("exercises.all_sent", recipient_id=recipient.id, sent=exercise.id))
    return redirect(
        url_for(
            "exercises.answer",
            recipient_id=recipient.id,
            exercise_id=following.id,
            sent=exercise.id,
        )
    )


def _as_text(exercise: Exercise, answer: dict | None) -> dict[str, str]:
    """An answer as label → text, for the conflict page."""
    result = {}
    for name, value in (answer or {}).items():
        if isinstance(value, list):
            value = "\n".join(value)
        result[name.replace("_", " ").capitalize()] = "" if value is None else str(value)
    return result


@bp.route("/me/exercises/<int:recipient_id>/<int:exercise_id>/autosave", methods=["POST"])
@csrf.exempt  # the token is checked by read_autosave_payload (it may come in the body)
@client_only
def autosave(recipient_id: int, exercise_id: int):
    """Keep a draft: ordered by sequence number, idempotent, never echoing any text back."""
    payload = read_autosave_payload()
    recipient = recipient_for_client(recipient_id, writable=True)
    exercise = _exercise_of(recipient, exercise_id)
    try:
        response, applied = response_service.autosave_response(recipient, exercise, payload)
    except response_service.ResponseError as exc:
        db.session.rollback()
        return jsonify(error="submitted", message=str(exc)), 409
    db.session.commit()
    return jsonify(saved=applied, seq=response.draft_seq, version=response.version)


@bp.route("/me/exercises/<int:recipient_id>/<int:exercise_id>/sharing", methods=["POST"])
@client_only
def sharing(recipient_id: int, exercise_id: int):
    """Change who may read a sent answer: revoking works at any time, in closed cases too."""
    recipient = recipient_for_client(recipient_id)
    exercise = _exercise_of(recipient, exercise_id)
    response = response_service.find_response(recipient, exercise)
    if response is None or not PostForm().validate_on_submit():
        abort(400)
    chosen = policy.level_from(request.form.get("visibility"))
    if chosen is None:  # not an audience the app knows
        abort(400)
    visibility = chosen
    case = recipient.assignment.case
    if not policy.may_change_audience(case, visibility, response.visibility):
        ensure_open(case)  # a closed case refuses only a wider audience (409)
    response_service.change_visibility(response, visibility, recipient.assignment.case_id)
    db.session.commit()
    flash(f"Now visible to: {response_service.VISIBILITY_LABELS[visibility].lower()}.", "success")
    return redirect(url_for("exercises.answer", recipient_id=recipient.id, exercise_id=exercise.id))
