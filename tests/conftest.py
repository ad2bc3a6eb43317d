"""Shared fixtures: the shipped food table, the SR28 folder when present, an isolated data directory, the\ncommand line run in-process (`cli`) or as the installed console script (`cli_process`), and a ready plan."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from foods import load_table
from foods.sr28 import SR28_ENV, default_sr28_dir, sr28_candidates


@pytest.fixture(scope="session")
def table():
    return load_table()


def _sr28_missing_reason() -> str | None:
    """Why the SR28 checks cannot run here, or None when SR28 is found."""
    if (default_sr28_dir() / "ABBREV.txt").is_file():
        return None
    tried = ", ".join(str(p) for p in sr28_candidates())
    return (f"USDA SR28 not found (looked in {tried}): the checks that the table equals SR28 are skipped; "
            f"they need ../shared/usda-sr28 beside the checkout or ${SR28_ENV}")


def pytest_report_header(config):
    """Say at the top of every run whether the SR28 fidelity checks run, and against which folder."""
    reason = _sr28_missing_reason()
    return reason or f"USDA SR28: {default_sr28_dir()} (the checks that the table equals SR28 run)"


@pytest.fixture(scope="session")
def sr28_dir():
    reason = _sr28_missing_reason()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. CI must have SR28: the fidelity test is what proves the table")
    if reason:
        pytest.skip(reason)
    return default_sr28_dir()


@pytest.fixture(scope="session")
def sr28_data(sr28_dir):
    """The parsed SR28 files (ABBREV, FOOD_DES, WEIGHT, FD_GROUP), read once per session."""
    from foods.build import Sr28

    return Sr28.read(sr28_dir)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every test writes its store and catalogue under its own temporary folder, never the user's."""
    monkeypatch.setenv("MINERAL_PLANNER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


# --- running the command line ----------------------------------------------------------------------------

CONSOLE_SCRIPT = Path(sys.executable).with_name("mineral-planner")


@dataclass
class Ran:
    """What a command did: its exit code, stdout and stderr."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run `mineral-planner ARGS...` in this process (fast; stdout as Python sees it)."""
    from planner.cli import main

    def run(*argv) -> Ran:
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:          # argparse's own refusals
            code = exc.code if isinstance(exc.code, int) else 2
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


def run_console_script(args, home: Path, stdin: str | bytes | None = None, cwd: Path | None = None,
                       env: dict | None = None) -> Ran:
    """Run the installed console script as a user would, as a real process (stdout at the fd level)."""
    exe = str(CONSOLE_SCRIPT) if CONSOLE_SCRIPT.exists() else shutil.which("mineral-planner")
    assert exe, "the mineral-planner console script is not installed (pip install -e .)"
    environment = {**os.environ, "MINERAL_PLANNER_HOME": str(home), **(env or {})}
    done = subprocess.run([exe, *[str(a) for a in args]], input=stdin, capture_output=True, timeout=240,
                          env=environment, cwd=cwd or home, text=not isinstance(stdin, bytes))
    out, err = done.stdout, done.stderr
    if isinstance(out, bytes):
        out, err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    return Ran(done.returncode, out, err)


@pytest.fixture
def cli_process(isolated_home):
    """Run the installed `mineral-planner` console script in a subprocess, with this test's own home."""
    isolated_home.mkdir(parents=True, exist_ok=True)

    def run(*argv, stdin=None, cwd=None, env=None) -> Ran:
        return run_console_script(argv, isolated_home, stdin, cwd, env)

    return run


@pytest.fixture(scope="session")
def plan_json(tmp_path_factory, table) -> Path:
    """A 2-day plan for a default adult, made once per session and written as `plan --out` writes it."""
    from planner.cli.output import dumps
    from planner.model import make_plan
    from planner.plan import plan_to_dict
    from planner.profile import Profile

    path = tmp_path_factory.mktemp("plan") / "week.json"
    plan = make_plan(Profile(), table, 2, time_limit=30)
    path.write_text(dumps(plan_to_dict(plan, table)) + "\n", encoding="utf-8")
    return path
