"""Hostile input to the installed console script: every case exits 2 with one short line on stderr, prints
nothing on stdout, echoes at most ~60 characters of what was typed, and writes nothing (not a file, not a
folder, not a store row; a catalogue imported before stays whole).

Each case runs as a real process in its own empty folder with its own MINERAL_PLANNER_HOME. The processes
run a few at a time in one module-scoped fixture, so the module takes seconds per core, not per case; each
case is then its own parametrised test. Intake lines (what `check` reads) have their own module."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import mini_sr28, run_console_script

PROFILE = b'sex = "female"\nage = 58\n'
PLAN = "<plan>"                       # stands for the session's plan file
LONG = "Q" * 100_000                  # an argument as long as the system allows (a 20 MB one cannot be passed)
NAME_200 = "Q" * 200
BIG = b"# " + b"Q" * 6_000_000 + b"\n"  # past the few-MB limit of any input file
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
LATIN1 = 'name = "José"\nsex = "male"\nage = 40\n'.encode("latin-1")
UTF16 = PROFILE.decode().encode("utf-16")
BINARY = bytes(range(256)) * 40
PRICES = "prices.csv"


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple
    says: str = ""                               # words the one line must hold (case-insensitive)
    files: dict = field(default_factory=dict)    # name -> bytes (or PLAN) made in the folder first
    stdin: bytes | None = None
    saved_profile: bool = False                  # a profile 'me' and a diary day saved before
    catalogue: bool = False                      # a full catalogue imported before


def plan_file_case(id_: str, content: bytes, says: str) -> Case:
    return Case(f"plan-file-{id_}", ("shopping", "p.json"), says, {"p.json": content})


def plan_json(days) -> bytes:
    return json.dumps({"version": 1, "days": days}).encode()


def item(food_id="banana", grams=118.0):
    return {"food_id": food_id, "grams": grams, "portion": "1 medium"}


def day(items, number=1):
    return {"day": number, "meals": [{"meal": "breakfast", "items": items}]}


CASES = [
    # --- profile files: encodings, emptiness, size, fields --------------------------------------------------
    *[Case(f"profile-{cmd}-{kind}", (*argv, "prof.toml"), says, {"prof.toml": data}, stdin=b"1 banana\n")
      for cmd, argv in (("plan", ("plan", "--days", "1", "--profile")), ("check", ("check", "-", "--profile")),
                        ("save", ("profile", "save", "me")))
      for kind, data, says in (("latin1", LATIN1, "not UTF-8"), ("utf16", UTF16, "UTF-16"),
                               ("binary", BINARY, "UTF-8"), ("empty", b"", "empty"),
                               ("blank", b"  \n\n", "empty"), ("comments-only", b"# nothing\n", "sets no field"),
                               ("huge", BIG, "larger than"),
                               ("long-name", f'name = "{NAME_200}"\nage = 40\n'.encode(), "keep it to 100"),
                               ("not-toml", b"sex: female\nage: 58\n", "not valid TOML"),
                               ("deep-toml", b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", ""))],
    Case("profile-sex-robot", ("plan", "--profile", "p.toml"), "sex", {"p.toml": b'sex = "robot"\n'}),
    Case("profile-age-negative", ("plan", "--profile", "p.toml"), "age", {"p.toml": b"age = -5\n"}),
    Case("profile-age-text", ("plan", "--profile", "p.toml"), "age", {"p.toml": b'age = "forty"\n'}),
    Case("profile-age-huge", ("plan", "--profile", "p.toml"), "age", {"p.toml": b"age = 1e308\n"}),
    Case("profile-weight-nan", ("plan", "--profile", "p.toml"), "weight", {"p.toml": b"weight_kg = nan\n"}),
    Case("profile-weight-inf", ("plan", "--profile", "p.toml"), "weight", {"p.toml": b"weight_kg = inf\n"}),
    Case("profile-unknown-field", ("plan", "--profile", "p.toml"), "unknown profile field",
         {"p.toml": b"favourite_colour = 3\n"}),
    Case("profile-exclude-number", ("plan", "--profile", "p.toml"), "exclude", {"p.toml": b"exclude = 5\n"}),
    Case("profile-target-negative", ("plan", "--profile", "p.toml"), "potassium",
         {"p.toml": b"[targets.potassium_mg]\nmax = -1\n"}),
    Case("profile-targets-text", ("plan", "--profile", "p.toml"), "targets", {"p.toml": b'targets = "x"\n'}),
    Case("profile-pregnant-male", ("plan", "--profile", "p.toml"), "female",
         {"p.toml": b'sex = "male"\npregnancy = "trimester2"\n'}),
    Case("profile-is-a-folder", ("plan", "--profile", "."), "is a folder"),
    Case("profile-name-100k", ("check", "-", "--profile", LONG), "100 characters", stdin=b"1 banana\n"),
    Case("profile-unknown-name", ("plan", "--profile", "nobody"), "not found"),
    Case("profile-save-name-200", ("profile", "save", NAME_200, "p.toml"), "too long", {"p.toml": PROFILE}),
    Case("profile-save-name-blank", ("profile", "save", "   ", "p.toml"), "needs a name", {"p.toml": PROFILE}),
    Case("profile-save-name-newline", ("profile", "save", "a\nb", "p.toml"), "control character",
         {"p.toml": PROFILE}),
    Case("profile-save-taken", ("profile", "save", "me", "p.toml"), "already saved", {"p.toml": PROFILE},
         saved_profile=True),
    Case("profile-save-missing-file", ("profile", "save", "x", "nothere.toml"), "not found"),
    Case("profile-show-unknown", ("profile", "show", "nobody"), "no profile named"),
    Case("profile-delete-unknown", ("profile", "delete", "nobody"), "no profile named"),
    Case("profile-flag-sex", ("plan", "--sex", "robot"), "sex"),
    Case("profile-flag-age", ("plan", "--age", "500"), "age"),
    Case("profile-flag-diet", ("plan", "--diet", "carnivore"), "diet"),
    # --- plan files given to `shopping` ---------------------------------------------------------------------
    plan_file_case("nested-100k-lists", DEEP_JSON, "nested too deeply"),
    plan_file_case("nested-50k-objects", DEEP_OBJECT, "nested too deeply"),
    plan_file_case("version-999", json.dumps({"version": 999, "days": []}).encode(), "version"),
    plan_file_case("version-text", json.dumps({"version": "one", "days": []}).encode(), "version"),
    plan_file_case("banana", b'"banana"', "not a plan"),
    plan_file_case("number", b"42", "not a plan"),
    plan_file_case("null", b"null", "not a plan"),
    plan_file_case("list", b"[1, 2]", "not a plan"),
    plan_file_case("empty", b"", "empty"),
    plan_file_case("not-json", b"{days: ]", "not valid JSON"),
    plan_file_case("no-days", b"{}", "days"),
    plan_file_case("days-text", b'{"days": "all"}', "days"),
    plan_file_case("grams-negative", plan_json([day([item(grams=-5)])]), "more than 0"),
    plan_file_case("grams-nan", b'{"days": [{"day": 1, "meals": [{"meal": "lunch", "items": '
                                b'[{"food_id": "banana", "grams": NaN}]}]}]}', "banana"),
    plan_file_case("grams-infinity", b'{"days": [{"day": 1, "meals": [{"meal": "lunch", "items": '
                                     b'[{"food_id": "banana", "grams": Infinity}]}]}]}', "banana"),
    plan_file_case("grams-1e400", b'{"days": [{"day": 1, "meals": [{"meal": "lunch", "items": '
                                  b'[{"food_id": "banana", "grams": 1e400}]}]}]}', "banana"),
    plan_file_case("grams-ton", plan_json([day([item(grams=1e6)])]), "at most"),
    plan_file_case("grams-text", plan_json([day([item(grams="lots")])]), "malformed"),
    plan_file_case("unknown-food", plan_json([day([item("bananna")])]), "bananna"),
    plan_file_case("food-id-100k", plan_json([day([item(LONG)])]), "unknown food"),
    plan_file_case("meals-missing", plan_json([{"day": 1}]), "meals"),
    plan_file_case("day-twice", plan_json([day([item()], 1), day([item()], 1)]), "each once"),
    plan_file_case("day-zero", plan_json([day([item()], 0)]), "1 or more"),
    plan_file_case("day-text", plan_json([{"day": "x", "meals": []}]), "malformed"),
    plan_file_case("latin1", '{"days": [], "notes": ["José"]}'.encode("latin-1"), "not UTF-8"),
    plan_file_case("utf16", b'{"days": []}'.decode().encode("utf-16"), "UTF-16"),
    plan_file_case("huge", b'{"days": [], "notes": ["' + b"Q" * 6_000_000 + b'"]}', "larger than"),
    plan_file_case("status-list", b'{"days": [], "status": [1]}', "status"),
    Case("plan-file-is-a-folder", ("shopping", "."), "is a folder"),
    Case("plan-file-missing", ("shopping", "nothere.json"), "not found"),
    # --- plan options ---------------------------------------------------------------------------------------
    Case("plan-seed-negative", ("plan", "--days", "1", "--seed", "-1"), "--seed"),
    Case("plan-seed-huge", ("plan", "--days", "1", "--seed", str(2**40)), "--seed"),
    Case("plan-seed-text", ("plan", "--seed", "abc"), "invalid int"),
    Case("plan-days-zero", ("plan", "--days", "0"), "--days"),
    Case("plan-days-15", ("plan", "--days", "15"), "--days"),
    Case("plan-days-negative", ("plan", "--days", "-3"), "--days"),
    Case("plan-time-limit-zero", ("plan", "--time-limit", "0"), "--time-limit"),
    Case("plan-time-limit-nan", ("plan", "--time-limit", "nan"), "--time-limit"),
    Case("plan-max-days-per-food-zero", ("plan", "--max-days-per-food", "0"), "at least 1"),
    Case("plan-budget-without-prices", ("plan", "--budget", "50"), "--prices"),
    Case("plan-budget-negative", ("plan", "--budget", "-5", "--prices", PRICES), "--budget",
         {PRICES: b"food_id,price_per_kg\nbanana,2\n"}),
    Case("plan-lock-bad-form", ("plan", "--days", "1", "--lock", "breakfast"), "DAY:MEAL:FOOD"),
    Case("plan-lock-day-text", ("plan", "--days", "1", "--lock", "x:breakfast:banana"), "numbers"),
    Case("plan-out-missing-folder", ("plan", "--out", "no/such/folder/week.json"), "does not exist"),
    Case("plan-out-is-a-folder", ("plan", "--out", "."), "folder"),
    Case("plan-xlsx-wrong-suffix", ("plan", "--xlsx", "week.txt"), ".xlsx"),
    Case("plan-catalog-missing", ("plan", "--catalog", "nowhere"), "no food catalogue"),
    Case("plan-catalog-full-not-imported", ("plan", "--catalog", "full"), "import-sr28"),
    # --- pantry and prices ----------------------------------------------------------------------------------
    Case("pantry-latin1", ("shopping", PLAN, "--pantry", "p.txt"), "not UTF-8", {"p.txt": "café\n".encode("latin-1")}),
    Case("pantry-utf16", ("shopping", PLAN, "--pantry", "p.txt"), "UTF-16", {"p.txt": "milk\n".encode("utf-16")}),
    Case("pantry-binary", ("shopping", PLAN, "--pantry", "p.txt"), "UTF-8", {"p.txt": BINARY}),
    Case("pantry-unknown-food", ("shopping", PLAN, "--pantry", "p.txt"), "unknown food", {"p.txt": b"qqzzv\n"}),
    Case("pantry-huge", ("shopping", PLAN, "--pantry", "p.txt"), "larger than", {"p.txt": BIG}),
    Case("pantry-long-line", ("shopping", PLAN, "--pantry", "p.txt"), "", {"p.txt": LONG.encode() + b"\n"}),
    Case("pantry-missing", ("shopping", PLAN, "--pantry", "nothere.txt"), "not found"),
    Case("prices-negative", ("shopping", PLAN, "--prices", PRICES), "", {PRICES: b"food_id,price_per_kg\nbanana,-2\n"}),
    Case("prices-nan", ("shopping", PLAN, "--prices", PRICES), "", {PRICES: b"food_id,price_per_kg\nbanana,nan\n"}),
    Case("prices-inf", ("shopping", PLAN, "--prices", PRICES), "", {PRICES: b"food_id,price_per_kg\nbanana,inf\n"}),
    Case("prices-text", ("shopping", PLAN, "--prices", PRICES), "", {PRICES: b"food_id,price_per_kg\nbanana,cheap\n"}),
    Case("prices-header", ("shopping", PLAN, "--prices", PRICES), "", {PRICES: b"what,how\nbanana,2\n"}),
    Case("prices-unknown-food", ("shopping", PLAN, "--prices", PRICES), "",
         {PRICES: b"food_id,price_per_kg\nqqzzv,2\n"}),
    Case("prices-unclosed-quote", ("shopping", PLAN, "--prices", PRICES), "", {PRICES: b'food_id,"price_per_kg\n'}),
    Case("prices-per-galaxy", ("shopping", PLAN, "--prices", PRICES), "",
         {PRICES: b"food_id,price,per\nbanana,2,galaxy\n"}),
    Case("prices-empty", ("shopping", PLAN, "--prices", PRICES), "", {PRICES: b""}),
    Case("prices-utf16", ("shopping", PLAN, "--prices", PRICES), "UTF-16",
         {PRICES: "food_id,price_per_kg\nbanana,2\n".encode("utf-16")}),
    Case("prices-huge", ("shopping", PLAN, "--prices", PRICES), "larger than", {PRICES: BIG}),
    Case("shopping-days-negative", ("shopping", PLAN, "--days", "-1"), "count from 1"),
    Case("shopping-days-duplicate", ("shopping", PLAN, "--days", "1,1"), "twice"),
    Case("shopping-days-overlap", ("shopping", PLAN, "--days", "1-2,2"), "twice"),
    Case("shopping-days-zero", ("shopping", PLAN, "--days", "0"), "count from 1"),
    Case("shopping-days-past-end", ("shopping", PLAN, "--days", "9"), "past the plan's end"),
    Case("shopping-days-backwards", ("shopping", PLAN, "--days", "2-1"), "backwards"),
    Case("shopping-days-text", ("shopping", PLAN, "--days", "abc"), "not a day"),
    Case("shopping-days-empty", ("shopping", PLAN, "--days", ""), "no days"),
    Case("shopping-days-100k", ("shopping", PLAN, "--days", LONG), "not a day"),
    Case("shopping-xlsx-missing-folder", ("shopping", PLAN, "--xlsx", "no/such/list.xlsx"), "does not exist"),
    Case("shopping-csv-wrong-suffix", ("shopping", PLAN, "--csv", "list.xlsx"), ".csv"),
    # --- paths ----------------------------------------------------------------------------------------------
    Case("path-intake-missing", ("check", "nothere.txt"), "not found"),
    Case("path-intake-folder", ("check", "."), "is a folder"),
    Case("path-intake-huge", ("check", "day.txt"), "larger than", {"day.txt": BIG}),
    Case("path-intake-utf16", ("check", "day.txt"), "UTF-16", {"day.txt": "1 banana\n".encode("utf-16")}),
    Case("path-intake-binary", ("check", "day.txt"), "UTF-8", {"day.txt": BINARY}),
    Case("path-stdin-huge", ("check", "-"), "larger than", stdin=BIG),
    Case("path-stdin-latin1", ("check", "-"), "not UTF-8", stdin="1 café\n".encode("latin-1")),
    Case("path-name-too-long", ("check", "Q" * 5000 + ".txt"), "cannot be read"),
    # --- dates ----------------------------------------------------------------------------------------------
    *[Case(f"date-check-{i}", ("check", "-", "--save", "--date", text), "YYYY-MM-DD", stdin=b"1 banana\n")
      for i, text in enumerate(("", "2024-02-30", "tomorrow", "99999-01-01", "05/03/2024", "2024-13-01",
                                "Q" * 10_000, " ", "2024-3-5x"))],
    Case("date-diary-from-empty", ("diary", "show", "--from", ""), "YYYY-MM-DD"),
    Case("date-diary-backwards", ("diary", "show", "--from", "2024-03-05", "--to", "2024-03-01"), "after"),
    Case("date-diary-to-text", ("diary", "show", "--to", "soon"), "YYYY-MM-DD"),
    Case("date-diary-delete-empty", ("diary", "delete", ""), "YYYY-MM-DD"),
    Case("date-diary-delete-bad", ("diary", "delete", "2024-13-01"), "YYYY-MM-DD"),
    Case("date-diary-delete-absent", ("diary", "delete", "2024-03-01"), "no entry", saved_profile=True),
    Case("date-diary-profile-unknown", ("diary", "show", "--profile", "nobody"), "not found"),
    # --- SR28 import: a failed import keeps the catalogue imported before whole -----------------------------
    Case("import-empty-files", ("foods", "import-sr28", "sr28"), "hold no foods",
         {f"sr28/{n}.txt": b"" for n in ("ABBREV", "FOOD_DES", "WEIGHT", "FD_GROUP", "NUTR_DEF")}, catalogue=True),
    Case("import-no-abbrev", ("foods", "import-sr28", "sr28"), "ABBREV", {"sr28/README.md": b"nothing\n"},
         catalogue=True),
    Case("import-binary-files", ("foods", "import-sr28", "sr28"), "",
         {f"sr28/{n}.txt": BINARY for n in ("ABBREV", "FOOD_DES", "WEIGHT", "FD_GROUP", "NUTR_DEF")}, catalogue=True),
    Case("import-not-a-folder", ("foods", "import-sr28", "file.txt"), "not a folder", {"file.txt": b"x"},
         catalogue=True),
    Case("import-missing-folder", ("foods", "import-sr28", "nowhere"), "not a folder", catalogue=True),
    Case("import-to-a-file", ("foods", "import-sr28", "sr28", "--to", "file.txt"), "is a file",
         {"file.txt": b"x", "sr28/ABBREV.txt": b""}),
    # --- foods commands: long or odd words ------------------------------------------------------------------
    Case("foods-search-100k", ("foods", "search", LONG), ""),
    Case("foods-search-blank", ("foods", "search", "   "), "give a food name"),
    Case("foods-search-limit-zero", ("foods", "search", "milk", "--limit", "0"), "at least 1"),
    Case("foods-show-100k", ("foods", "show", LONG), ""),
    Case("foods-top-unknown-100k", ("foods", "top", LONG), ""),
    Case("foods-list-tag-100k", ("foods", "list", "--tag", LONG), "unknown tag"),
    Case("foods-list-group-none", ("foods", "list", "--group", "Q" * 300), "no food group"),
]


def snapshot(root: Path) -> dict[str, str]:
    """Every path under root with its content's hash: what a case may not change."""
    out = {}
    for path in sorted(root.rglob("*")):
        out[str(path.relative_to(root))] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def store_rows(home: Path) -> list:
    path = home / "mineral-planner.sqlite3"
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("profiles", "plans", "diary_days", "diary_items")]
    finally:
        conn.close()


def prepare(case: Case, root: Path, plan_file: Path, catalogue: Path) -> tuple[list[str], Path]:
    home = root / "home"
    home.mkdir(parents=True)
    for name, data in case.files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(plan_file.read_bytes() if data == PLAN else data)
    if case.saved_profile:
        from planner.store import Store

        store = Store(home / "mineral-planner.sqlite3")
        store.save_profile("me", {"sex": "female", "age": 58})
        store.save_day("2024-03-05", [{"food_id": "banana", "grams": 118.0}], {"calcium_mg": 5.9}, profile="me")
    if case.catalogue:
        shutil.copytree(catalogue, home / "catalog")
    argv = [str(plan_file) if a == PLAN else a for a in case.argv]
    return argv, home


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory, plan_json, sr28_dir):
    """Run every selected case once, a few processes at a time; case id -> (process, files before, after)."""
    selected = {item.callspec.id for item in request.session.items
                if item.module is request.module and hasattr(item, "callspec")}
    from planner.paths import import_catalogue

    base = tmp_path_factory.mktemp("hostile")
    catalogue = base / "catalogue"
    import_catalogue(mini_sr28(sr28_dir, base / "mini-sr28"), catalogue)

    def one(case: Case):
        root = base / case.id
        argv, home = prepare(case, root, plan_json, catalogue)
        before = (snapshot(root), store_rows(home))
        done = run_console_script(argv, home, case.stdin, cwd=root, env={"PYTHONIOENCODING": "utf-8:strict"})
        return case.id, (done, before, (snapshot(root), store_rows(home)))

    with ThreadPoolExecutor(max_workers=max(2, min(6, (os.cpu_count() or 2) * 2))) as pool:
        return dict(pool.map(one, [c for c in CASES if c.id in selected]))


def test_there_are_at_least_a_hundred_cases_with_distinct_names():
    assert len(CASES) >= 100 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_one_short_line_exit_2_and_nothing_written(outcomes, case):
    done, before, after = outcomes[case.id]
    assert done.code == 2, (done.code, done.err[:500])
    assert done.out == ""
    lines = done.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.err[:500]
    assert len(lines[0]) <= 500 and "Q" * 61 not in lines[0], lines[0][:200]   # at most ~60 characters echoed
    assert "Traceback" not in done.err
    assert case.says.lower() in lines[0].lower(), lines[0]
    assert after == before, "the case wrote something"
