"""Second factor for staff (docs/security.md AU-4): TOTP enrolment, verification, recovery codes.

* Enrolment shows a QR code the app draws itself (SVG, no third party) and asks for one code
  before the secret is saved, so nobody is locked out by a mistyped set-up.
* After the password, a staff member who enrolled is signed in but not yet verified: the
  ``LoginSession`` says ``second_factor_done = False`` and ``require_second_factor`` sends
  every request to the code page until a code is accepted.
* A time step is accepted once (``totp_last_step`` moves forward atomically), so a code seen
  over someone's shoulder cannot be replayed. Ten single-use recovery codes are shown once and
  stored only as hashes.
* ``REKINDLE_REQUIRE_STAFF_2FA`` makes enrolment mandatory for counselors and admins.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app import audit
from app.auth import bp
from app.auth.passwords import check_password
from app.auth.redirects import safe_next
from app.auth.services import mark_second_factor_done
from app.auth.throttle import record_second_factor_failure, second_factor_blocked
from app.authz import roles_required
from app.database import rows_changed
from app.extensions import db
from app.forms import BaseForm
from app.models import Role, User

ISSUER = "Rekindle"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)
_PENDING_SECRET = "totp_pending_secret"  # noqa: S105 - a session key name
#: Endpoints a half-signed-in staff member may still reach.
_ALWAYS_ALLOWED = frozenset({"auth.logout", "static", "bootstrap.static"})
CODE_REFUSED = "That code did not work. Codes change every 30 seconds and each works only once."


class CodeForm(BaseForm):
    """A six-digit code from the app, or a recovery code."""

    code = StringField(
        "Code",
        validators=[DataRequired(message="Enter the code."), Length(max=64)],
        description="The six digits your authenticator app shows, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )
    submit = SubmitField("Continue")


class DisableForm(BaseForm):
    """Turn the second factor off; the password proves it is really the owner."""

    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)])
    submit = SubmitField("Turn off two-step sign-in")


def second_factor_pending(user: User) -> bool:
    """True when ``user`` enrolled a second factor and this session has not verified it yet."""
    return (
        user.is_staff and bool(user.totp_secret) and not getattr(user, "second_factor_done", False)
    )


def _enrolment_required(user: User) -> bool:
    return (
        user.is_staff
        and not user.totp_secret
        and bool(current_app.config.get("REKINDLE_REQUIRE_STAFF_2FA"))
    )


@bp.before_app_request
def require_second_factor():
    """``before_request``: half-signed-in staff may only verify (or enrol, or sign out)."""
    if request.endpoint in _ALWAYS_ALLOWED or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    if second_factor_pending(user):
        if request.endpoint != "auth.totp_verify":
            return redirect(url_for("auth.totp_verify"))
    elif _enrolment_required(user) and request.endpoint != "auth.totp_setup":
        return redirect(url_for("auth.totp_setup"))
    return None


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Make fresh recovery codes for ``user``; only their hashes are stored."""
    codes = [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    user.totp_recovery_hashes = json.dumps([_hash_recovery(c) for c in codes])
    return codes


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now ±1, for clock drift) whose code is ``code``, or None."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_step(user: User, step: int) -> bool:
    """Move ``totp_last_step`` forward to ``step``; False when it was used already (replay)."""
    result = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result) == 1


def _use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code; False when it is not (or no longer) one of the user's."""
    hashes = json.loads(user.totp_recovery_hashes or "[]")
    digest = _hash_recovery(code)
    if digest not in hashes:
        return False
    hashes.remove(digest)
    user.totp_recovery_hashes = json.dumps(hashes)
    return True


def check_code(user: User, code: str) -> str | None:
    """Accept a TOTP code or a recovery code; returns ``"totp"``, ``"recovery"`` or None."""
    normalised = _normalise(code)
    if user.totp_secret and normalised.isdigit() and len(normalised) == 6:
        step = _matching_step(user.totp_secret, normalised)
        if step is not None and _use_step(user, step):
            return "totp"
        return None
    if _use_recovery_code(user, normalised):
        return "recovery"
    return None


@bp.route("/login/two-step", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR, Role.ADMIN)
def totp_verify():
    """Second step of signing in for staff who enrolled."""
    user = current_user._get_current_object()
    target = safe_next(request.args.get("next", ""))
    if not second_factor_pending(user):
        return redirect(target or url_for("main.index"))
    form = CodeForm()
    if form.validate_on_submit():
        if second_factor_blocked(user.id):
            audit.record("auth.second_factor", user, outcome="denied", detail="throttled")
            db.session.commit()
            abort(429)
        how = check_code(user, form.code.data)
        if how is None:
            record_second_factor_failure(user.id)
            audit.record("auth.second_factor", user, outcome="failed")
            db.session.commit()
            form.code.errors.append(CODE_REFUSED)
        else:
            mark_second_factor_done(user)
            audit.record("auth.second_factor", user, detail=how)
            db.session.commit()
            if how == "recovery":
                left = len(json.loads(user.totp_recovery_hashes or "[]"))
                flash(
                    f"You used a recovery code; {left} left. Make new ones in two-step sign-in "
                    "settings when you run low.",
                    "warning",
                )
            return redirect(target or url_for("main.index"))
    return render_template("auth/totp_verify.html", form=form)


@bp.route("/account/two-step")
@roles_required(Role.COUNSELOR, Role.ADMIN)
def totp_settings():
    """Whether two-step sign-in is on, with the ways to change it."""
    user = current_user._get_current_object()
    left = len(json.loads(user.totp_recovery_hashes or "[]")) if user.totp_secret else 0
    return render_template(
        "auth/totp_settings.html",
        enrolled=bool(user.totp_secret),
        codes_left=left,
        required=bool(current_app.config.get("REKINDLE_REQUIRE_STAFF_2FA")),
        disable_form=DisableForm(),
    )


def _qr_data_uri(uri: str) -> str:
    # A data: URI keeps the image inside the page; the CSP allows data: images only.
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#212529")


@bp.route("/account/two-step/setup", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR, Role.ADMIN)
def totp_setup():
    """Enrol: scan the QR code, then prove it worked by entering one code."""
    user = current_user._get_current_object()
    if user.totp_secret:
        return redirect(url_for("auth.totp_settings"))
    secret = session.get(_PENDING_SECRET)
    if not secret:
        secret = session[_PENDING_SECRET] = pyotp.random_base32()
    form = CodeForm()
    form.code.description = "The six digits your authenticator app shows now."
    if form.validate_on_submit():
        code = _normalise(form.code.data)
        step = _matching_step(secret, code) if code.isdigit() and len(code) == 6 else None
        if step is None:
            form.code.errors.append(CODE_REFUSED)
        else:
            user.totp_secret = secret
            user.totp_last_step = step
            codes = new_recovery_codes(user)
            mark_second_factor_done(user)
            session.pop(_PENDING_SECRET, None)
            audit.record("auth.second_factor_enrolled", user)
            db.session.commit()
            # Shown once, in this response only (never stored in clear, never cached).
            return render_template("auth/totp_codes.html", codes=codes)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return render_template(
        "auth/totp_setup.html",
        form=form,
        qr=_qr_data_uri(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@bp.route("/account/two-step/recovery-codes", methods=["POST"])
@roles_required(Role.COUNSELOR, Role.ADMIN)
def totp_new_codes():
    """Replace the recovery codes (the old ones stop working)."""
    user = current_user._get_current_object()
    form = BaseForm()
    if not user.totp_secret or not form.validate_on_submit():
        return redirect(url_for("auth.totp_settings"))
    codes = new_recovery_codes(user)
    audit.record("auth.recovery_codes_renewed", user)
    db.session.commit()
    return render_template("auth/totp_codes.html", codes=codes)


@bp.route("/account/two-step/disable", methods=["POST"])
@roles_required(Role.COUNSELOR, Role.ADMIN)
def totp_disable():
    """Turn two-step sign-in off, unless the practice requires it."""
    user = current_user._get_current_object()
    form = DisableForm()
    if current_app.config.get("REKINDLE_REQUIRE_STAFF_2FA"):
        flash("Your practice requires two-step sign-in, so it stays on.", "info")
        return redirect(url_for("auth.totp_settings"))
    if form.validate_on_submit():
        if not check_password(user.password_hash, form.password.data):
            flash("That is not your password, so two-step sign-in stays on.", "danger")
        else:
            user.totp_secret = None
            user.totp_last_step = None
            user.totp_recovery_hashes = None
            audit.record("auth.second_factor_disabled", user)
            db.session.commit()
            flash("Two-step sign-in is off.", "info")
    return redirect(url_for("auth.totp_settings"))
