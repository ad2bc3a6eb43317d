"""Edits of a plan as functions (planner.edit) and as `mineral-planner plan edit`: the same changes the
dashboard's buttons make, with notes and shortfalls that describe the plan after the change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner import edit
from planner.cli import main
from planner.edit import shortfalls_from_totals
from planner.optimise import day_violations, make_plan
from planner.plan import day_totals, plan_to_dict
from planner.profile import Profile
from planner.targets import targets_for


@pytest.fixture(scope="module")
def week(table):
    return make_plan(Profile(sex="female", age=40), table, days=3, time_limit=120)


def richest(plan, table, day: int, nutrient: str):
    """(slot, item) of the day's item that gives the most of `nutrient`."""
    pairs = [(m.slot, it) for m in plan.days[day].meals for it in m.items]
    return max(pairs, key=lambda p: table.frame.loc[p[1].food_id, nutrient] * p[1].grams)


def assert_notes_and_shortfalls_describe(plan, table) -> None:
    """Every 'after your edit' note and every shortfall is what the final plan's days say now."""
    targets = targets_for(edit.plan_profile(plan))
    for d in plan.days:
        prefix = f"Day {d.index + 1} after your edit:"
        notes = [n for n in plan.notes if n.startswith(prefix)]
        broken = day_violations(table, d, targets) if d.items() else []
        assert notes == ([f"{prefix} {'; '.join(broken)}."] if broken else [])
        want = {(s.nutrient, round(s.achieved, 3)) for s in shortfalls_from_totals(plan, table, d.index)}
        assert {(s.nutrient, round(s.achieved, 3)) for s in plan.shortfalls if s.day == d.index} == want


def test_lock_and_unlock_an_item_or_a_whole_meal(week):
    slot = "lunch"
    food_id = week.days[1].meal(slot).items[0].food_id
    locked = edit.set_locked(week, 1, slot, food_id, True)
    assert [(lk.day, lk.slot, lk.food_id) for lk in edit.locks_of(locked.plan)] == [(1, slot, food_id)]
    assert "locked in lunch, Day 2" in locked.message and locked.kind == "success"
    meal = edit.set_locked(locked.plan, 1, slot, None, True).plan
    assert {lk.food_id for lk in edit.locks_of(meal)} == {it.food_id for it in week.days[1].meal(slot).items}
    assert edit.locks_of(edit.set_locked(meal, 1, slot, None, False).plan) == ()
    assert edit.locks_of(edit.unlock_all(meal).plan) == ()
    assert edit.locks_of(meal, days=1) == ()                  # only the first day asked for: none there
    with pytest.raises(Exception, match="is not in lunch, Day 2"):
        edit.set_locked(week, 1, slot, "no_such_food_here", True)


def test_removing_the_richest_food_says_which_day_now_misses_which_target(week, table):
    slot, item = richest(week, table, 0, "calcium_mg")
    result = edit.remove(week, table, 0, slot, item.food_id)
    assert item.food_id not in {it.food_id for it in result.plan.days[0].meal(slot).items}
    assert result.message == f"{item.name} removed from {edit.meal_place(0, slot)}."
    calcium = day_totals(table, result.plan.days[0])["calcium_mg"]
    target = week.targets["nutrients"]["calcium_mg"]["min"]
    if calcium < target * 0.999:
        assert f"Day 1 now has {100 * calcium / target:.0f} % of your calcium target." in result.news
        assert result.kind == "warning"
    assert_notes_and_shortfalls_describe(result.plan, table)


def test_a_portion_cut_to_one_step_names_the_energy_that_falls_out_of_range(week, table):
    slot, item = richest(week, table, 2, "energy_kcal")
    result = edit.set_portion(week, table, 2, slot, item.food_id, 1)
    kcal = day_totals(table, result.plan.days[2])["energy_kcal"]
    lo, hi = week.targets["energy_range_kcal"]
    assert kcal < lo
    assert f"Day 3 now has {kcal:,.0f} kcal, below your {lo:,.0f}-{hi:,.0f} kcal range." in result.news
    assert any(n.startswith("Day 3 after your edit: energy") for n in result.plan.notes)
    assert_notes_and_shortfalls_describe(result.plan, table)
    # putting it back clears the note: notes follow the plan, not its history
    back = edit.set_portion(result.plan, table, 2, slot, item.food_id, item.grams)
    assert not any(n.startswith("Day 3 after your edit:") for n in back.plan.notes)
    assert back.news == []


def test_an_edit_works_out_the_targets_once_and_each_changed_days_totals_once(week, table, monkeypatch):
    """An adjustment answers within 300 ms in the dashboard: the edit sums a changed day once before and once
    after (its news and its shortfalls read the same totals) and works the targets out once per profile."""
    calls = {"targets_for": 0, "day_totals": 0}

    def counted(name, fn):
        def run(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)
        return run

    monkeypatch.setattr(edit, "targets_for", counted("targets_for", edit.targets_for))
    edit._targets_of.cache_clear()
    monkeypatch.setattr(edit, "day_totals", counted("day_totals", edit.day_totals))
    slot, item = richest(week, table, 1, "calcium_mg")
    for change in (lambda: edit.set_portion(week, table, 1, slot, item.food_id, 2 * item.grams),
                   lambda: edit.remove(week, table, 1, slot, item.food_id)):
        result = change()
        assert calls == {"targets_for": 1, "day_totals": 2}
        assert_notes_and_shortfalls_describe(result.plan, table)
        calls.update(day_totals=0)                               # the targets: not again for the same person
    assert edit.plan_targets(week) is edit.plan_targets(week)
    assert edit.plan_targets(week).to_dict() == targets_for(edit.plan_profile(week)).to_dict()
    edit._targets_of.cache_clear()


def test_setting_a_portion_to_what_it_was_keeps_the_days_shortfalls_as_changed_by_hand(week, table):
    short = next((s for s in week.shortfalls if s.day is not None), None)
    day = short.day if short is not None else 0
    slot, item = richest(week, table, day, "energy_kcal")
    result = edit.set_portion(week, table, day, slot, item.food_id, item.grams)
    assert result.plan.days == week.days and result.news == []
    assert_notes_and_shortfalls_describe(result.plan, table)
    assert {s.nutrient for s in result.plan.shortfalls if s.day == day} == {
        s.nutrient for s in shortfalls_from_totals(week, table, day)}
    assert all(s.help == "changed by hand" for s in result.plan.shortfalls if s.day == day)


def test_never_use_takes_the_food_out_replans_and_notes_the_final_plan(week, table):
    food_id = max(week.items(), key=lambda it: it.grams).food_id
    result = edit.never_use(week, table, food_id, time_limit=60)
    assert food_id in result.profile.exclude and result.plan.profile == result.profile.to_dict()
    assert food_id not in {it.food_id for it in result.plan.items()}
    assert "will not be planned again" in result.message
    assert_notes_and_shortfalls_describe(result.plan, table)
    # the stale note of the removal step ("Day 1 after your edit: energy 1,273 kcal") is gone
    for d in result.plan.days:
        kcal = day_totals(table, d)["energy_kcal"]
        for note in result.plan.notes:
            if note.startswith(f"Day {d.index + 1} after your edit: energy"):
                assert f"energy {kcal:,.0f} kcal" in note


def test_regenerate_keeps_locked_foods_and_other_days(week, table):
    slot = "dinner"
    keep = week.days[0].meal(slot).items[0]
    locked = edit.set_locked(week, 0, slot, keep.food_id, True).plan
    result = edit.regenerate(locked, table, 0, time_limit=60)
    assert [d.items() for d in result.plan.days[1:]] == [d.items() for d in week.days[1:]]
    assert keep.food_id in {it.food_id for it in result.plan.days[0].meal(slot).items if it.locked}
    assert (result.changed and "Day 1 replanned" in result.message) or "Nothing changed" in result.message
    assert_notes_and_shortfalls_describe(result.plan, table)


def test_edit_errors_are_planner_errors_a_person_can_read(week, table):
    from planner.errors import PlannerError

    with pytest.raises(PlannerError, match=r"day 9 is not in the plan \(days 1-3\)"):
        edit.regenerate(week, table, 8)
    with pytest.raises(PlannerError, match="grams must be more than 0"):
        edit.set_portion(week, table, 0, "lunch", week.days[0].meal("lunch").items[0].food_id, -5)


# --- the command line ------------------------------------------------------------------------------------

@pytest.fixture
def plan_file(week, table, tmp_path) -> Path:
    path = tmp_path / "week.json"
    path.write_text(json.dumps(plan_to_dict(week, table)), encoding="utf-8")
    return path


def test_cli_plan_edit_removes_and_writes_json_with_the_edit(plan_file, week, capsys, tmp_path):
    food_id = week.days[1].meal("lunch").items[0].food_id
    out = tmp_path / "edited.json"
    assert main(["plan", "edit", str(plan_file), "--day", "2", "--meal", "lunch", "--remove", food_id,
                 "--out", str(out), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["edit"]["action"] == "remove" and shown["edit"]["changed"] is True
    written = json.loads(out.read_text(encoding="utf-8"))
    assert "edit" not in written and written["days"] == shown["days"]
    lunch = next(m for m in written["days"][1]["meals"] if m["meal"] == "lunch")
    assert food_id not in [it["food_id"] for it in lunch["items"]]


def test_cli_plan_edit_never_use_and_lock_in_text(plan_file, week, capsys):
    food_id = week.days[0].meal("breakfast").items[0].food_id
    assert main(["plan", "edit", str(plan_file), "--never-use", food_id, "--time-limit", "60"]) == 0
    text = capsys.readouterr().out
    assert "will not be planned again" in text and "== Day 1 ==" in text
    assert main(["plan", "edit", str(plan_file), "--day", "1", "--meal", "breakfast", "--lock"]) == 0
    assert capsys.readouterr().out.startswith("Every food locked in breakfast, Day 1.")


@pytest.mark.parametrize(("args", "message"), [
    (["--day", "9", "--regenerate"], "day 9 is not in the plan"),
    (["--day", "1", "--remove", "banana"], "--remove needs --meal"),
    (["--meal", "lunch", "--remove", "banana"], "--remove needs --day"),
    (["--day", "1", "--meal", "tea", "--remove", "banana"], "'tea' is not a meal"),
    (["--day", "1", "--meal", "lunch", "--set-portion", "banana", "lots"], "grams must be a number"),
    (["--day", "1", "--meal", "lunch", "--remove", "bananna"], "bananna"),
    (["--day", "1"], "one of the arguments"),
])
def test_cli_plan_edit_errors_are_one_line_and_exit_2(plan_file, capsys, args, message):
    try:
        code = main(["plan", "edit", str(plan_file), *args])
    except SystemExit as exc:        # argparse's own errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr()
    assert err.out == "" and message in err.err and err.err.count("\n") == 1


def test_cli_plan_edit_as_a_process_prints_only_json(plan_file, tmp_path):
    script = Path(sys.executable).with_name("mineral-planner")
    done = subprocess.run([str(script), "plan", "edit", str(plan_file), "--day", "1", "--meal", "dinner",
                           "--regenerate", "--time-limit", "60", "--format", "json"], capture_output=True, text=True,
                          timeout=240, env={**os.environ, "MINERAL_PLANNER_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["edit"]["action"] == "regenerate" and len(data["days"]) == 3


def test_cli_plan_edit_sets_a_portion_and_locks_then_unlocks_one_food(plan_file, week, table, capsys, tmp_path):
    """Every edit the dashboard has, the command line has: a portion set, one food locked and unlocked again."""
    item = week.days[0].meal("dinner").items[0]
    grams = 2 * table.get(item.food_id).step_grams
    out = tmp_path / "edited.json"
    assert main(["plan", "edit", str(plan_file), "--day", "1", "--meal", "dinner", "--set-portion", item.food_id,
                 str(grams), "--out", str(out), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    dinner = next(m for m in shown["days"][0]["meals"] if m["meal"] == "dinner")
    assert shown["edit"]["action"] == "set_portion"
    # JSON gives grams to 0.1 g: a food measured in ounces (28.333 g steps) comes back as 56.7 for 56.667
    assert [it["grams"] for it in dinner["items"] if it["food_id"] == item.food_id] == [pytest.approx(grams, abs=0.05)]
    locked = {}
    for flag in ("--lock", "--unlock"):
        assert main(["plan", "edit", str(out), "--day", "1", "--meal", "dinner", flag, item.food_id, "--out", str(out),
                     "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        dinner = next(m for m in data["days"][0]["meals"] if m["meal"] == "dinner")
        locked[flag] = {it["food_id"]: it.get("locked", False) for it in dinner["items"]}
    assert locked["--lock"][item.food_id] is True and locked["--unlock"][item.food_id] is False
    assert not any(v for k, v in locked["--lock"].items() if k != item.food_id)   # only that food


def test_a_meal_keeps_its_dish_name_only_while_it_is_still_that_dish(table):
    """Removing a dish's required ingredient (or the milk standing in for its "milk") drops the name, so the plan
    never shows "Pasta with sardines and peas" without sardines; an optional ingredient or a garnish keeps it."""
    from conftest import plan_item

    from planner.plan import Day, Meal, Plan
    from planner.rules import meal_slots

    def one_meal(dish: str, *food_ids: str) -> Plan:
        lunch = Meal("lunch", [plan_item(table, f) for f in food_ids], dish)
        meals = [lunch if slot == "lunch" else Meal(slot, []) for slot in meal_slots()]
        return Plan([Day(0, meals)], Profile(sex="female", age=40).to_dict())

    pasta = one_meal("Pasta with sardines and peas", "pasta", "sardines", "peas", "lemon")
    assert edit.remove(pasta, table, 0, "lunch", "lemon").plan.days[0].meal("lunch").dish == "Pasta with sardines and peas"
    assert edit.remove(pasta, table, 0, "lunch", "sardines").plan.days[0].meal("lunch").dish == ""
    oats = one_meal("Oatmeal with soy milk and banana", "oatmeal", "soy_milk", "banana")
    assert edit.remove(oats, table, 0, "lunch", "soy_milk").plan.days[0].meal("lunch").dish == ""
    walnut_oats = one_meal("Oatmeal with walnuts and raisins", "oatmeal", "walnuts", "raisins", "milk")
    kept = edit.remove(walnut_oats, table, 0, "lunch", "milk").plan.days[0].meal("lunch").dish
    assert kept == "Oatmeal with walnuts and raisins"   # its milk is optional
