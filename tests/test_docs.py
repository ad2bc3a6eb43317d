"""The README is true: every CLI command is in it, and every command line and Python snippet in it runs.

The command lines run in order in one empty folder (the profile file and the CSV are the README's own
blocks), in-process through `planner.cli.main`, each asserting exit 0. `make` lines are not run here (they
build a venv and run this suite); `dashboard` is checked to build its Streamlit command line, not started."""

from __future__ import annotations

import io
import re
import shlex
import sys
from pathlib import Path

import pytest
from conftest import cli_commands

from planner.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(lang: str) -> list[str]:
    return [body for kind, body in FENCE.findall(README.read_text(encoding="utf-8")) if kind == lang]


def command_lines() -> list[tuple[str, str | None]]:
    """(command line, stdin) for each command in the README's shell blocks; `echo "..." | cmd` feeds stdin."""
    commands, pending = [], None
    for body in blocks(""):
        for line in body.splitlines():
            if pending is not None:
                pending.append(line)
                if "| mineral-planner" in line:
                    text = "\n".join(pending)
                    echoed, command = text.split("| mineral-planner", 1)
                    commands.append(("mineral-planner" + command, shlex.split(echoed)[1] + "\n"))
                    pending = None
            elif line.startswith("echo "):
                pending = [line]
            elif line.startswith("mineral-planner "):
                commands.append((line.split("  #")[0], None))
    return commands


def test_every_cli_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = sorted(c for c in cli_commands() if f"mineral-planner {c}" not in text)
    assert not missing, f"commands the README does not show: {missing}"


def test_the_readme_has_command_lines_and_snippets_to_run():
    assert len(command_lines()) >= 10 and blocks("python") and blocks("toml") and blocks("csv")


@pytest.mark.slow
def test_every_readme_command_line_runs(tmp_path, monkeypatch, capsys):
    """The README's week is a kidney profile's: its solves stop at their work limits, but their wall-clock
    safety caps (120 s a plan, 5 s a replanned meal) can trip on a loaded machine; here they are a fuse only."""
    from planner.cli import edit_cmd, plan_cmd

    monkeypatch.setattr(plan_cmd, "DEFAULT_TIME_LIMIT", 1800.0)
    monkeypatch.setattr(edit_cmd, "DEFAULT_TIME_LIMIT", 300.0)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "me.toml").write_text(blocks("toml")[0], encoding="utf-8")
    (tmp_path / "today.csv").write_text(blocks("csv")[0], encoding="utf-8")
    ran = []
    for line, stdin in command_lines():
        argv = shlex.split(line)[1:]
        if argv[0] == "dashboard":                    # a server: its command line is built, it is not started
            from planner.cli.dashboard_cmd import streamlit_argv

            assert streamlit_argv(argv[1:])[-4:] == argv[1:]
            continue
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        code = main(argv)
        captured = capsys.readouterr()
        assert code == 0, (line, captured.err)
        ran.append(argv[0])
    assert {"foods", "profile", "plan", "check", "shopping", "diary"} <= set(ran)
    assert (tmp_path / "week.xlsx").is_file() and (tmp_path / "list.xlsx").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("snippet", blocks("python"), ids=lambda s: s.splitlines()[0][:40])
def test_every_readme_python_snippet_runs(snippet):
    namespace: dict = {}
    exec(compile(snippet, "README.md", "exec"), namespace)   # noqa: S102 - the README's own code
    assert namespace, "the snippet defined nothing"


def test_the_layout_names_files_that_exist_and_answers_where_to_change_things():
    """A newcomer's questions, one file each: where "½ cup" is read, where the disclaimer is."""
    text = README.read_text(encoding="utf-8")
    layout = text[text.index("## Layout"):].split("\n## ")[0]
    rows = {line.split("|")[1].strip(): line for line in layout.splitlines() if line.startswith("| `")}
    root = README.parent
    named = [path for key in rows for path in re.findall(r"`([\w./-]+/[\w./-]*)`", key)]
    assert named and all((root / path).exists() for path in named), [p for p in named if not (root / p).exists()]
    assert "½ cup" in rows["`foods/amounts.py`"] and "disclaimer" in rows["`planner/render.py`"]
    assert "week driver" in rows["`planner/optimise/`"] and "whole-week reference" in rows["`planner/optimise/`"]


def test_the_quick_start_holds_exactly_two_commands():
    """A fresh machine needs two commands: `make run` (the dashboard) and `make test` (the whole suite)."""
    section = README.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]
    assert commands == ["make run", "make test"]
