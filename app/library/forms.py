"""Forms of the module library and of assigning modules."""

from __future__ import annotations

from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.forms import BaseForm, clean_text
from app.models import ExerciseKind
from app.services.modules import KIND_LABELS, ExerciseContent, ModuleContent

MAX_EXERCISES = 8
MAX_CHECKLIST_ITEMS = 12


class _CleanMeta:
    # Same cleaning as BaseForm, for the nested (CSRF-less) exercise rows.
    def bind_field(self, form, unbound_field, options):
        filters = tuple(unbound_field.kwargs.get("filters", ())) + (clean_text,)
        return unbound_field.bind(form=form, filters=filters, **options)


class ExerciseRowForm(Form):
    """One exercise row of the module editor. A row left entirely blank is ignored."""

    class Meta(_CleanMeta):
        pass

    kind = SelectField(
        "Kind",
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        default="reflection",
    )
    title = StringField("Exercise title", validators=[Length(max=160)])
    prompt = TextAreaField(
        "What the client is asked", validators=[Length(max=3000)], render_kw={"rows": 3}
    )
    items = TextAreaField(
        "Checklist items",
        description="For checklists: one item per line.",
        validators=[Length(max=3000)],
        render_kw={"rows": 3},
    )
    low_label = StringField("Label at 0", description="For scales.", validators=[Length(max=80)])
    high_label = StringField("Label at 10", description="For scales.", validators=[Length(max=80)])

    @property
    def is_blank(self) -> bool:
        """Nothing written in this row."""
        return not any(
            (f.data or "").strip()
            for f in (self.title, self.prompt, self.items, self.low_label, self.high_label)
        )

    def item_list(self) -> list[str]:
        """The checklist items, one per non-empty line."""
        return [line.strip() for line in (self.items.data or "").splitlines() if line.strip()]

    def validate_title(self, field) -> None:
        if not self.is_blank and not (field.data or "").strip():
            raise ValidationError("Give this exercise a title.")

    def validate_prompt(self, field) -> None:
        if not self.is_blank and not (field.data or "").strip():
            raise ValidationError("Say what the client is asked to do.")

    def validate_items(self, field) -> None:
        if self.is_blank or self.kind.data != ExerciseKind.CHECKLIST.value:
            return
        items = self.item_list()
        if len(items) < 2:
            raise ValidationError("A checklist needs at least two items, one per line.")
        if len(items) > MAX_CHECKLIST_ITEMS:
            raise ValidationError(f"A checklist can have at most {MAX_CHECKLIST_ITEMS} items.")
        if any(len(i) > 200 for i in items):
            raise ValidationError("Keep each item under 200 characters.")

    def content(self) -> ExerciseContent:
        """The row as exercise content."""
        kind = ExerciseKind(self.kind.data)
        config: dict = {}
        if kind is ExerciseKind.CHECKLIST:
            config = {"items": self.item_list()}
        elif kind is ExerciseKind.SCALE:
            config = {
                "low_label": (self.low_label.data or "").strip() or "Not at all",
                "high_label": (self.high_label.data or "").strip() or "Completely",
            }
        return ExerciseContent(kind, self.title.data.strip(), self.prompt.data.strip(), config)


class ModuleForm(BaseForm):
    """Create a module or edit one (which adds a version)."""

    class Meta(_CleanMeta):
        def bind_field(self, form, unbound_field, options):
            # Lists of sub-forms take no filters; their rows clean their own text.
            if unbound_field.field_class in (FieldList, FormField):
                return unbound_field.bind(form=form, **options)
            return _CleanMeta.bind_field(self, form, unbound_field, options)

    title = StringField(
        "Title", validators=[DataRequired("Give the module a title."), Length(max=160)]
    )
    summary = StringField(
        "One-line summary",
        validators=[DataRequired("Add a one-line summary."), Length(max=300)],
    )
    introduction = TextAreaField(
        "Introduction for clients",
        description="Shown to clients. Warm, plain, and addressed to both partners.",
        validators=[DataRequired("Write a short introduction for clients."), Length(max=10_000)],
    )
    counselor_notes = TextAreaField(
        "Notes for counselors",
        description="When to assign it. Never shown to clients.",
        validators=[Length(max=10_000)],
    )
    caution = TextAreaField(
        "Cautions",
        description="When not to assign it. Never shown to clients.",
        validators=[Length(max=5_000)],
    )
    exercises = FieldList(FormField(ExerciseRowForm), min_entries=1, max_entries=MAX_EXERCISES)
    based_on = HiddenField()
    submit = SubmitField("Save module")

    def validate_exercises(self, field) -> None:
        if all(row.form.is_blank for row in field):
            raise ValidationError("Add at least one exercise.")

    def content(self) -> ModuleContent:
        """The form as module content (blank exercise rows left out)."""
        return ModuleContent(
            title=self.title.data,
            summary=self.summary.data,
            introduction=self.introduction.data,
            counselor_notes=self.counselor_notes.data or "",
            caution=self.caution.data or "",
            exercises=[row.form.content() for row in self.exercises if not row.form.is_blank],
        )

    @classmethod
    def from_content(cls, content: ModuleContent, **kwargs) -> ModuleForm:
        """A form filled with existing content, plus two empty exercise rows."""
        rows = [
            {
                "kind": e.kind.value,
                "title": e.title,
                "prompt": e.prompt,
                "items": "\n".join(e.config.get("items", [])),
                "low_label": e.config.get("low_label", ""),
                "high_label": e.config.get("high_label", ""),
            }
            for e in content.exercises
        ]
        rows += [{}] * max(0, min(2, MAX_EXERCISES - len(rows)))
        return cls(
            data={
                "title": content.title,
                "summary": content.summary,
                "introduction": content.introduction,
                "counselor_notes": content.counselor_notes,
                "caution": content.caution,
                "exercises": rows,
            },
            **kwargs,
        )
