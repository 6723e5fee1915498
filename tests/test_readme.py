"""The README covers the whole surface a user meets (issue 14): its first
lines are the two set-up commands; every command, every option of
``extract`` and ``review``, every input kind and output format, and the two
evaluation modes are in it; and ``make demo`` ends with a short summary, not
the whole JSON.

The lists come from the program itself (the typer app, the read stage's
suffixes, the output formats), so a new command or option without a README
line fails here.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
from checks import ROOT, run_vntasks

from pipeline.cli import app
from pipeline.output import FORMAT_SUFFIXES, FORMATS
from pipeline.read import SUPPORTED_SUFFIXES

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
CLICK = typer.main.get_command(app)


def _command_paths(group, prefix=""):
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):
            yield from _command_paths(command, f"{path} ")
        else:
            yield path, command


COMMANDS = dict(_command_paths(CLICK))


def test_readme_first_lines_are_the_two_commands():
    first, second = README.splitlines()[:2]
    assert first.split("#")[0].strip() == "make demo"
    assert second.split("#")[0].strip() == "make test"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_readme_names_every_command(command):
    assert f"vntasks {command}" in README


@pytest.mark.parametrize(
    "option",
    sorted({
        opt
        for name in ("extract", "review")
        for param in COMMANDS[name].params
        for opt in param.opts
        if opt.startswith("--") and opt != "--help"
    }),
)
def test_readme_names_every_option_of_extract_and_review(option):
    assert re.search(rf"`[^`]*{re.escape(option)}\b", README), option


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_readme_names_every_input_kind(suffix):
    assert f"`{suffix}`" in README


@pytest.mark.parametrize("name", FORMATS)
def test_readme_names_every_format_and_its_extension(name):
    suffixes = [suffix for suffix, format_name in FORMAT_SUFFIXES.items() if format_name == name]
    assert f"| `{name}` | `{suffixes[0]}` |" in README


@pytest.mark.parametrize("words", ["**lenient**", "**strict**", "`precision` = tp/(tp+fp)"])
def test_readme_explains_the_evaluation(words):
    assert words in README


def test_readme_make_demo_ends_with_a_short_summary(tmp_path):
    recipe = MAKEFILE.split("\ndemo:", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    variables = {"$(BIN)/": "", "$(SAMPLE)": "corpus/ke-hoach-mau-chuyen-doi-so-tinh-an-binh.txt",
                 "$(DEMO)": str(tmp_path / "demo")}
    printed = []
    for line in recipe:
        line = line.strip().lstrip("@")
        for name, value in variables.items():
            line = line.replace(name, value)
        words = shlex.split(line)
        if words[0] == "echo":
            printed.append(" ".join(words[1:]))
            continue
        assert words[0] == "vntasks"
        done = run_vntasks(*words[1:], cwd=ROOT)
        assert done.returncode == 0, done.stderr
        printed.extend(done.stdout.splitlines())
    assert len(printed) <= 4
    assert re.fullmatch(r"1 document extracted, \d+ tasks \(\d+ with a lead, \d+ with a deadline\)",
                        printed[0])
    assert printed[1] == f"review page: {tmp_path / 'demo' / 'review.html'}"
    assert printed[2].startswith("the records as JSON: vntasks extract corpus/")
    assert Path(tmp_path / "demo" / "review.html").stat().st_size > 10_000


def test_readme_points_to_a_changelog_of_what_users_see():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "CHANGELOG.md" in README
    assert changelog.startswith("# Changelog")
    assert "## Unreleased" in changelog
    for change in ("--version", "--force", "SOURCE_DATE_EPOCH", "from vntasks import extract",
                   "from-review", "--lang vi"):
        assert change in changelog, change
