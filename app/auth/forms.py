"""Forms of the auth blueprint."""

from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import BaseForm


class LoginForm(BaseForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    next = HiddenField()
    submit = SubmitField("Sign in")


class EmailForm(BaseForm):
    """An e-mail address to send a link to (password reset, sign-in link)."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("Send the link")


class SetPasswordForm(BaseForm):
    """Choose a password (invitations, password change)."""

    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=256)],
        description="At least 10 characters. A few unrelated words are easy to remember and hard to guess.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )
    submit = SubmitField("Save password")


class ChangePasswordForm(SetPasswordForm):
    """Change one's own password."""

    current = PasswordField("Current password", validators=[DataRequired(), Length(max=256)])


class PostForm(BaseForm):
    """An empty form: carries the CSRF token for POST-only buttons (sign out, confirmations)."""
