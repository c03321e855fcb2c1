"""The module library: the built-in and the counselor's own strategy modules, their versions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.forms import PostForm
from app.authz import (
    module_for_counselor,
    roles_required,
)
from app.extensions import db
from app.library import bp
from app.library.forms import ModuleForm
from app.models import (
    Role,
)
from app.services import modules as module_service
from app.services.concurrency import StaleEdit

counselor_only = roles_required(Role.COUNSELOR)


@bp.route("/modules")
@counselor_only
def index():
    """The library: built-in modules and the counselor's own."""
    modules = module_service.visible_modules(current_user)
    return render_template(
        "library/index.html",
        builtin=[m for m in modules if m.is_builtin],
        own=[m for m in modules if not m.is_builtin],
    )


@bp.route("/modules/<int:module_id>")
@counselor_only
def detail(module_id: int):
    """One module: its current version (or ``?version=N``) and its history."""
    module = module_for_counselor(module_id)
    versions = module_service.versions_of(module)
    wanted = request.args.get("version", type=int)
    shown = next(
        (v for v in versions if v.number == wanted),
        next((v for v in versions if v.id == module.current_version_id), None),
    )
    if shown is None:
        abort(404)
    shown = module_service.version_with_exercises(shown.id)
    return render_template(
        "library/detail.html",
        module=module,
        version=shown,
        versions=versions,
        is_current=shown.id == module.current_version_id,
        can_edit=not module.is_builtin and module.owner_id == current_user.id,
        copy_form=PostForm(),
        kind_labels=module_service.KIND_LABELS,
    )


@bp.route("/modules/new", methods=["GET", "POST"])
@counselor_only
def create():
    """Write a new module of one's own."""
    form = ModuleForm()
    if request.method == "GET":
        form = ModuleForm.from_content(
            module_service.ModuleContent(title="", summary="", introduction="")
        )
    if form.validate_on_submit():
        module = module_service.create_module(current_user, form.content())
        db.session.commit()
        flash("Your module is saved.", "success")
        return redirect(url_for("library.detail", module_id=module.id))
    return render_template("library/edit.html", form=form, module=None)


@bp.route("/modules/<int:module_id>/edit", methods=["GET", "POST"])
@counselor_only
def edit(module_id: int):
    """Edit one's own module: saving adds a version; assignments keep theirs."""
    module = module_for_counselor(module_id)
    if module.is_builtin or module.owner_id != current_user.id:
        flash("Built-in modules cannot be edited. Make your own copy to change it.", "info")
        return redirect(url_for("library.detail", module_id=module.id))
    current = module_service.version_with_exercises(module.current_version_id)
    if request.method == "GET":
        form = ModuleForm.from_content(module_service.ModuleContent.from_version(current))
        form.based_on.data = str(current.id)
    else:
        form = ModuleForm()
    if form.validate_on_submit():
        try:
            based_on = int(form.based_on.data or 0)
        except ValueError:
            based_on = 0
        try:
            module_service.edit_module(module, form.content(), current_user, based_on=based_on)
        except module_service.StaleModuleEdit as exc:
            raise StaleEdit(
                saved={"Title": current.title, "Introduction": current.introduction},
                yours={"Title": form.title.data, "Introduction": form.introduction.data},
                back_url=url_for("library.edit", module_id=module.id),
            ) from exc
        db.session.commit()
        flash(
            "Saved as a new version. Existing assignments keep the version they were given.",
            "success",
        )
        return redirect(url_for("library.detail", module_id=module.id))
    return render_template("library/edit.html", form=form, module=module)


@bp.route("/modules/<int:module_id>/copy", methods=["POST"])
@counselor_only
def copy(module_id: int):
    """Make an editable copy of a module (built-in or one's own)."""
    module = module_for_counselor(module_id)
    if not PostForm().validate_on_submit():
        abort(400)
    new = module_service.copy_module(module, current_user)
    db.session.commit()
    flash("This is your own copy. Edit it as you like.", "success")
    return redirect(url_for("library.edit", module_id=new.id))


# --- assignments ---------------------------------------------------------------------------
