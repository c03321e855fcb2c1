"""Every operational command is registered in ``app/cli.py`` and explains itself in --help."""

import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
OURS = ["audit", "backup", "keys", "modules", "restore", "seed-demo", "users"]


def test_flask_help_lists_every_command_with_its_help(app, runner):
    result = runner.invoke(args=["--help"])
    assert result.exit_code == 0, result.output
    listed = dict(re.findall(r"^  (\S+)\s+(.*)$", result.output.split("Commands:")[1], re.M))
    for name in OURS:
        assert listed.get(name, "").strip(), f"`{name}` has no help text in flask --help"
    assert "seed-bench" not in listed


@pytest.mark.parametrize("group", ["audit", "keys", "modules", "users"])
def test_every_subcommand_has_help(app, group):
    command = app.cli.get_command(None, group)
    assert command is not None
    for name in command.list_commands(None):
        assert command.get_command(None, name).get_short_help_str().strip(), f"{group} {name}"


def test_commands_are_attached_in_one_place():
    attach = re.compile(r"\.cli\.add_command|\bbp\.cli\b|state\.app\.cli")
    elsewhere = [
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if path.name != "cli.py" or path.parent != APP
        if attach.search(path.read_text())
    ]
    assert elsewhere == []
