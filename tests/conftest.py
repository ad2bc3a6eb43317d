"""Shared fixtures: the shipped food table, the SR28 folder when present, an isolated data directory, the\ncommand line run in-process (`cli`) or as the installed console script (`cli_process`), and a ready plan."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from foods import load_table
from foods.sr28 import SR28_ENV, default_sr28_dir, sr28_candidates

# Hypothesis: one place for how hard the invariants are tried. `dev` (default) keeps a run quick; `ci` (CI=true,
# or HYPOTHESIS_PROFILE=ci) tries four times as many examples. A test never sets max_examples itself: one whose
# example is dearer or cheaper than most takes `@examples(share)`, a share of the profile's figure.
settings.register_profile("dev", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))


def examples(share: float) -> settings:
    """Settings for a test whose one example costs more (a solve, a workbook: share < 1) or less (a parse:
    share > 1) than most: `share` of the loaded profile's max_examples, at least 2. `@examples(0.5)` tries
    12 examples under `dev` and 50 under `ci`."""
    return settings(max_examples=max(2, round(settings.default.max_examples * share)))


# Tests over about 3 s are marked `slow` (`make test-quick` leaves them out). Wall time says little on a shared
# machine, so each test's CPU time (its process and the processes it ran) is measured, and the run's summary
# names the unmarked tests above the line: mark them, or make them cheaper.
SLOW_CPU_SECONDS = 3.0


def _cpu_seconds() -> float:
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """The test's fixtures count too: a module's dear fixture is paid by its first test, slow or not."""
    began = _cpu_seconds()
    yield
    item.user_properties.append(("setup_cpu_seconds", _cpu_seconds() - began))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    began = _cpu_seconds()
    yield
    setup = dict(item.user_properties).get("setup_cpu_seconds", 0.0)
    item.user_properties.append(("cpu_seconds", setup + _cpu_seconds() - began))


def pytest_terminal_summary(terminalreporter):
    unmarked = sorted(((dict(r.user_properties).get("cpu_seconds", 0.0), r.nodeid)
                       for kind in ("passed", "failed") for r in terminalreporter.stats.get(kind, [])
                       if r.when == "call" and "slow" not in r.keywords), reverse=True)
    over = [(s, nodeid) for s, nodeid in unmarked if s > SLOW_CPU_SECONDS]
    if over:
        terminalreporter.section(f"tests over {SLOW_CPU_SECONDS:g} s of CPU not marked slow")
        for seconds, nodeid in over:
            terminalreporter.write_line(f"{seconds:6.1f} s  {nodeid}")


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


def mini_sr28(sr28_dir: Path, folder: Path, ndbs=("09040", "12061", "01079")) -> Path:
    """A few SR28 foods (banana, almonds, milk) in SR28's own file format: an import in a second."""
    folder.mkdir()
    for name in ("ABBREV.txt", "FOOD_DES.txt", "WEIGHT.txt"):
        lines = (sr28_dir / name).read_bytes().splitlines(keepends=True)
        (folder / name).write_bytes(b"".join(line for line in lines if line[1:6].decode("latin-1") in ndbs))
    for name in ("FD_GROUP.txt", "NUTR_DEF.txt"):
        if (sr28_dir / name).is_file():
            (folder / name).write_bytes((sr28_dir / name).read_bytes())
    return folder


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

    def __iter__(self):
        """`code, out, err = cli(...)`."""
        return iter((self.code, self.out, self.err))


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
def default_plan(table):
    """A 2-day plan for a default adult, made once per session (do not change it: copy it first)."""
    from planner.optimise import make_plan
    from planner.profile import Profile

    return make_plan(Profile(), table, 2, time_limit=120)   # a fuse: the solves stop at work limits


@pytest.fixture(scope="session")
def plan_json(tmp_path_factory, table, default_plan) -> Path:
    """`default_plan` written as `plan --out` writes it."""
    from planner.cli.output import dumps
    from planner.plan import plan_to_dict

    path = tmp_path_factory.mktemp("plan") / "week.json"
    path.write_text(dumps(plan_to_dict(default_plan, table)) + "\n", encoding="utf-8")
    return path


def cli_commands() -> set[str]:
    """'plan', 'plan edit', 'foods search', ...: every command and sub-command the CLI's parser knows (a
    command whose sub-command is optional, `plan`, is a command of its own too)."""
    from planner.cli import build_parser

    top = build_parser()._subparsers._group_actions[0]
    found = set()
    for name, sub in top.choices.items():
        nested = [a for a in sub._actions if isinstance(a, type(top))]
        found |= {f"{name} {n}" for n in nested[0].choices} if nested else set()
        if not nested or not nested[0].required:
            found.add(name)
    return found


# --- plans built by hand -----------------------------------------------------------------------------------

def plan_item(table, food_id: str, steps: float = 1, name: str | None = None):
    """A plan item of `steps` planning steps of a food, as the planner writes it (grams and household words)."""
    from planner.plan import PlanItem

    food = table.get(food_id)
    grams = steps * food.step_grams
    return PlanItem(food.id, name or food.name, food.ndb, grams, food.portion_text(grams))


@st.composite
def random_plans(draw, targets: dict | None = None):
    """Plans of 1-7 days, 1-5 meals a day, 1-4 shipped foods a meal in 1-8 steps (for invariants over plans)."""
    from planner.plan import Day, Meal, Plan
    from planner.rules import meal_slots

    table = load_table()
    food_ids = sorted(table.foods)
    days = []
    for d in range(draw(st.integers(1, 7))):
        meals = []
        for slot in draw(st.lists(st.sampled_from(meal_slots()), min_size=1, max_size=5, unique=True)):
            foods = draw(st.lists(st.sampled_from(food_ids), min_size=1, max_size=4, unique=True))
            meals.append(Meal(slot, [plan_item(table, f, draw(st.integers(1, 8))) for f in foods]))
        days.append(Day(d, meals))
    return Plan(days, {}, targets) if targets is not None else Plan(days)
