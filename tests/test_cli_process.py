"""The installed `mineral-planner` console script, run as a real process: for every command, stdout carries the
command's own output and nothing else, at the file-descriptor level (a solver's banner once broke every
`--format json`). JSON output is parsed whole; text output is read whole, first line to last."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import cli_commands, mini_sr28

BANNER_WORDS = ("Running HiGHS", "Copyright", "Welcome to the CBC", "Result - ")


def parse_all(stdout: str):
    """The whole of stdout is one JSON document (json.loads refuses anything before or after it)."""
    return json.loads(stdout)


def _text_is_whole(out: str, first_line_starts: str) -> None:
    """Text output: the first line is the command's own, no banner anywhere, one newline at the end."""
    assert out.startswith(first_line_starts), out[:200]
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert not any(word in out for word in BANNER_WORDS)


# (name, argv, stdin, what the JSON must hold, how the text begins); `{plan}` is a plan file, `{sr28}` a folder
CASES = [
    ("foods list", ["foods", "list", "--tag", "vegan"], None,
     lambda d: isinstance(d, list) and d and all("food_id" in f for f in d), "id "),
    ("foods search", ["foods", "search", "buckwheat"], None,
     lambda d: d[0]["food_id"].startswith("buckwheat"), "id "),
    ("foods top", ["foods", "top", "magnesium", "--per", "serving", "-n", "3"], None,
     lambda d: [r["rank"] for r in d] == [1, 2, 3] and "magnesium_mg" in d[0], "#"),
    ("foods show", ["foods", "show", "banana"], None, lambda d: d["food_id"] == "banana", "Banana"),
    ("foods import-sr28", ["foods", "import-sr28", "{sr28}", "--to", "catalog"], None,
     lambda d: d["imported"] == 3, "imported 3 SR28 foods"),
    ("plan", ["plan", "--days", "1", "--time-limit", "60"], None,
     lambda d: d["days"][0]["meals"] and d["days"][0]["totals"]["calcium_mg"] > 0, "Profile: No --profile given"),
    ("plan --thorough", ["plan", "--days", "2", "--thorough"], None,
     lambda d: len(d["days"]) == 2 and all(day["meals"] for day in d["days"]), "Profile: No --profile given"),
    ("plan edit", ["plan", "edit", "{plan}", "--day", "1", "--meal", "lunch", "--lock"], None,
     lambda d: d["edit"]["action"] == "lock" and all(i["locked"] for m in d["days"][0]["meals"] if m["meal"] == "lunch"
                                                    for i in m["items"]), "Every food locked in lunch, Day 1."),
    ("check", ["check", "-"], "2 bananas\n30 g almonds\n1 cup milk\n",
     lambda d: {i["food_id"] for i in d["items"]} >= {"banana", "almonds"}, "Day check for "),
    ("shopping", ["shopping", "{plan}"], None, lambda d: d["items"] and all("food_id" in i for i in d["items"]),
     "# Shopping list"),
    ("shopping --csv", ["shopping", "{plan}", "--csv", "list.csv"], None, lambda d: d["items"] > 0, "wrote "),
    ("shopping --xlsx", ["shopping", "{plan}", "--xlsx", "list.xlsx"], None, lambda d: d["items"] > 0, "wrote "),
    ("diary show", ["diary", "show"], None, lambda d: [day["date"] for day in d["days"]] == ["2026-11-01"],
     "Diary of 'me'"),
    ("diary delete", ["diary", "delete", "2026-11-01"], None, lambda d: d["deleted"] == "2026-11-01",
     "deleted the diary entry for 2026-11-01"),
    ("profile save", ["profile", "save", "anna", "{profile}"], None,
     lambda d: d["saved"] == "anna" and d["replaced"] is False, "saved profile 'anna'"),
    ("profile list", ["profile", "list"], None, lambda d: [p["name"] for p in d["profiles"]] == ["me"], "me: "),
    ("profile show", ["profile", "show", "me"], None, lambda d: d["name"] == "me" and d["profile"]["age"] == 58,
     "Profile 'me'"),
    ("profile delete", ["profile", "delete", "me"], None, lambda d: d["deleted"] == "me",
     "deleted the profile 'me'"),
]
NEEDS_A_SAVED_DAY = {"diary show", "diary delete"}
NEEDS_A_SAVED_PROFILE = {"profile list", "profile show", "profile delete"}


def test_every_command_is_covered_here():
    """A new command gets a row in CASES: the contract is proven for each one, not for a sample."""
    covered = {case[0].split(" --")[0] for case in CASES} | {"dashboard"}   # dashboard: tests/test_browser.py
    assert cli_commands() <= covered, f"commands without a process test: {sorted(cli_commands() - covered)}"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "text"])
@pytest.mark.parametrize(("name", "argv", "stdin", "holds", "text_starts"), CASES, ids=[c[0] for c in CASES])
def test_stdout_is_the_command_output_and_nothing_else(cli_process, isolated_home, plan_json, sr28_dir, tmp_path,
                                                       fmt, name, argv, stdin, holds, text_starts):
    profile = tmp_path / "anna.toml"
    profile.write_text('sex = "female"\nage = 58\n', encoding="utf-8")
    if name in NEEDS_A_SAVED_DAY:
        saved = cli_process("check", "-", "--save", "--date", "2026-11-01", stdin="1 banana\n")
        assert saved.code == 0, saved.err
    if name in NEEDS_A_SAVED_PROFILE:
        assert cli_process("profile", "save", "me", profile).code == 0
    sr28 = mini_sr28(sr28_dir, tmp_path / "sr28") if "{sr28}" in argv else None
    args = [str(a).format(plan=plan_json, sr28=sr28, profile=profile) for a in argv]
    done = cli_process(*args, *(["--format", "json"] if fmt == "json" else []), stdin=stdin)
    assert done.code == 0, done.err
    if fmt == "json":
        assert holds(parse_all(done.out))
    else:
        _text_is_whole(done.out, text_starts)
    assert "Traceback" not in done.err


def test_plan_json_carries_no_banner_even_with_a_loud_solver(cli_process):
    done = cli_process("plan", "--days", "1", "--format", "json")
    assert done.code == 0, done.err
    plan = parse_all(done.out)
    assert plan["days"] and plan["days"][0]["meals"]
    assert not any(word in done.out for word in BANNER_WORDS)


def test_bad_input_is_one_line_on_stderr_and_nothing_on_stdout(cli_process):
    done = cli_process("check", "-", "--format", "json", stdin="3 zzqx\n")
    assert done.code == 2
    assert done.out == ""
    assert len(done.err.strip().splitlines()) == 1
    assert "Traceback" not in done.err


HEAVY = ("highspy", "pulp", "streamlit", "openpyxl", "altair")


def imported_by(argv: list[str], home) -> set[str]:
    """The top-level packages `python -X importtime -m planner ARGV` imports, from its import-time report."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "planner", *argv], input="1 banana\n",
                          capture_output=True, text=True, timeout=120, env={**os.environ, "MINERAL_PLANNER_HOME": str(home)})
    rows = [line.split("|") for line in done.stderr.splitlines() if line.startswith("import time:")]
    names = {row[-1].strip().split(".")[0] for row in rows if len(row) == 3}
    assert "planner" in names, done.stderr[-500:]
    return names


@pytest.mark.parametrize(("argv", "also_absent"), [
    (["foods", "search", "buckwheat"], ("pandas",)), (["foods", "show", "banana"], ("pandas",)),
    (["foods", "list", "--tag", "vegan"], ("pandas",)), (["--help"], ("pandas", "numpy")),
    (["plan", "edit", "--help"], ("pandas", "numpy")), (["profile", "list"], ("pandas", "numpy")),
    (["plan", "--seed", "-1"], ("pandas", "numpy")), (["diary", "show"], ()), (["check", "-", "--no-suggest"], ())])
def test_commands_that_do_not_solve_import_no_solver_or_dashboard(isolated_home, argv, also_absent):
    """Fast start: a command imports what it needs when it needs it (`benchmarks/startup.py` prints the times).
    The looks-ups in the food table need no pandas once the table's snapshot exists (made by the first run)."""
    isolated_home.mkdir(parents=True, exist_ok=True)
    imported_by(argv, isolated_home)                 # the first run after an install or a table change
    loaded = imported_by(argv, isolated_home)
    assert not loaded & {*HEAVY, *also_absent}, sorted(loaded & {*HEAVY, *also_absent})


def test_the_per_words_of_foods_top_are_the_tables():
    from foods.table import PER_CHOICES
    from planner.cli.foods_cmd import PER_WORDS

    assert PER_WORDS == PER_CHOICES


@pytest.mark.slow
def test_the_same_profile_and_seed_give_the_same_plan_json_in_every_process(cli_process):
    """Python orders a set of strings differently in each process (hash randomisation): a plan must not
    depend on it. A pregnancy week planned its dishes' optional ingredients in set order and differed."""
    argv = ("plan", "--days", "7", "--sex", "female", "--age", "30", "--pregnancy", "trimester2", "--seed", "1",
            "--format", "json")
    plans = []
    for hash_seed in ("1", "2"):
        done = cli_process(*argv, env={"PYTHONHASHSEED": hash_seed})
        assert done.code == 0, done.err
        plan = json.loads(done.out)
        plan["status"].pop("seconds", None)
        plans.append(plan)
    assert plans[0] == plans[1]


def test_shopping_says_the_pack_sizes_it_buys(cli_process, table, tmp_path):
    """A food sold in two sizes: the process prints the combination in the text list and gives each size in the
    JSON (`packs`), with `buy_amount` the number of packs in all."""
    from conftest import plan_item

    from planner.cli.output import dumps
    from planner.plan import Day, Meal, Plan, plan_to_dict

    plan = Plan([Day(0, [Meal("lunch", [plan_item(table, "canned_salmon", 19)])])])    # 19 oz = 538 g
    path = tmp_path / "salmon.json"
    path.write_text(dumps(plan_to_dict(plan, table)) + "\n", encoding="utf-8")
    text = cli_process("shopping", path)
    assert text.code == 0, text.err
    _text_is_whole(text.out, "# Shopping list")
    assert "Salmon, pink, canned with bones: 1 × 14.75 oz can + 1 × 7.5 oz can; need 538 g" in text.out
    done = cli_process("shopping", path, "--format", "json")
    assert done.code == 0, done.err
    (line,) = parse_all(done.out)["items"]
    assert (line["buy_amount"], line["buy_grams"], line["unit_text"]) == (2, 631.0, "packs")
    assert line["packs"] == [{"label": "14.75 oz can", "grams": 418.0, "count": 1},
                             {"label": "7.5 oz can", "grams": 213.0, "count": 1}]


def test_check_takes_the_profile_fields_as_flags_like_plan(cli_process):
    """A day checked for a pregnant woman of 30 without saving a profile: her targets (calcium 1,000 mg, iron 27 mg),
    the profile line naming the flags; a bad flag value is one line on stderr and nothing on stdout."""
    done = cli_process("check", "-", "--sex", "female", "--age", "30", "--pregnant", "--format", "json",
                       stdin="2 bananas\n")
    assert done.code == 0, done.err
    data = parse_all(done.out)
    assert data["targets"]["nutrients"]["iron_mg"]["min"] == 27.0
    assert "--sex female --age 30 --pregnant" in data["profile_used"]["note"]
    wrong = cli_process("check", "-", "--age", "-5", stdin="2 bananas\n")
    assert wrong.code == 2 and wrong.out == "" and "Traceback" not in wrong.err and len(wrong.err.splitlines()) == 1


def test_a_bare_pregnant_flag_plans_a_pregnancy_and_says_which_trimester_it_assumed(cli_process):
    """The design's own example, `--sex female --age 30 --pregnant`, works: without a trimester the plan is for the
    second (the trimester changes only the energy budget) and the profile line says that it was assumed."""
    done = cli_process("plan", "--days", "1", "--sex", "female", "--age", "30", "--pregnant", "--format", "json")
    assert done.code == 0, done.err
    plan = parse_all(done.out)
    assert plan["profile"]["pregnancy"] == "trimester2"
    assert "no trimester given: trimester2 assumed" in plan["profile_used"]["note"]
    named = cli_process("plan", "--days", "1", "--sex", "female", "--age", "30", "--pregnant", "trimester3")
    assert named.code == 0, named.err
    assert "--pregnancy trimester3" in named.out.splitlines()[0] and "assumed" not in named.out.splitlines()[0]
    wrong = cli_process("plan", "--days", "1", "--sex", "female", "--age", "30", "--pregnant", "trimester4")
    assert wrong.code == 2 and wrong.out == ""
    assert "allowed: trimester1, trimester2, trimester3" in wrong.err and "Traceback" not in wrong.err
