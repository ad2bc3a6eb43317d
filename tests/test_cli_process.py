"""The installed `mineral-planner` console script, run as a real process: stdout carries the command's own
output and nothing else, at the file-descriptor level (a solver's banner once broke every `--format json`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("mineral-planner")


def run(args: list[str], home: Path, stdin: str | None = None, cwd: Path | None = None):
    """Run the console script as a user would; returns the completed process."""
    exe = str(SCRIPT) if SCRIPT.exists() else shutil.which("mineral-planner")
    assert exe, "the mineral-planner console script is not installed (pip install -e .)"
    env = {**os.environ, "MINERAL_PLANNER_HOME": str(home)}
    return subprocess.run([exe, *args], input=stdin, capture_output=True, text=True, timeout=240,
                          env=env, cwd=cwd or home)


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    return path


def parse_all(stdout: str):
    """The whole of stdout is one JSON document (json.loads refuses anything before or after it)."""
    return json.loads(stdout)


def test_plan_json_is_the_whole_of_stdout(home):
    done = run(["plan", "--days", "1", "--format", "json"], home)
    assert done.returncode == 0, done.stderr
    plan = parse_all(done.stdout)
    assert plan["days"] and plan["days"][0]["meals"]
    assert "Running HiGHS" not in done.stdout and "Copyright" not in done.stdout


def test_check_json_from_stdin_is_the_whole_of_stdout(home):
    done = run(["check", "-", "--format", "json"], home, stdin="2 bananas\n30 g almonds\n1 cup milk\n")
    assert done.returncode == 0, done.stderr
    report = parse_all(done.stdout)
    assert {item["food_id"] for item in report["items"]} >= {"banana", "almonds"}


def test_foods_commands_json_parse(home):
    for args in (["foods", "search", "buckwheat", "--format", "json"],
                 ["foods", "top", "magnesium", "--format", "json"],
                 ["foods", "show", "banana", "--format", "json"]):
        done = run(args, home)
        assert done.returncode == 0, (args, done.stderr)
        assert parse_all(done.stdout), args


def test_shopping_and_diary_json_parse(home):
    plan = run(["plan", "--days", "2", "--out", str(home / "week.json")], home)
    assert plan.returncode == 0, plan.stderr
    assert "Running HiGHS" not in plan.stdout and plan.stdout.startswith("== Day 1 ==")
    shopping = run(["shopping", str(home / "week.json"), "--format", "json"], home)
    assert shopping.returncode == 0, shopping.stderr
    assert parse_all(shopping.stdout)
    saved = run(["check", "-", "--save", "--date", "2026-11-01", "--format", "json"], home, stdin="1 banana\n")
    assert saved.returncode == 0, saved.stderr
    parse_all(saved.stdout)
    diary = run(["diary", "show", "--format", "json"], home)
    assert diary.returncode == 0, diary.stderr
    parse_all(diary.stdout)


def test_bad_input_is_one_line_on_stderr_and_nothing_on_stdout(home):
    done = run(["check", "-", "--format", "json"], home, stdin="3 zzqx\n")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
