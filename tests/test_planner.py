"""The meal-plan optimiser: rules kept, variety, profiles' safety rules, locks, edits, shortfalls, solver
trouble, prices, the CLI and the whole-week reference."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from planner import optimise as M
from planner.cli import main
from planner.edit import with_portion as set_portion
from planner.edit import without_item as remove_item
from planner.errors import PlannerError
from planner.optimise import (
    Lock,
    context,
    day_violations,
    explain,
    make_plan,
    regenerate,
    strategy,
    uneven_goals,
)
from planner.optimise.candidates import table_arrays
from planner.optimise.context import rides_along_roles
from planner.optimise.day import ENERGY_WEIGHT
from planner.plan import (
    Day,
    Meal,
    Plan,
    PlanItem,
    Shortfall,
    SolveStatus,
    day_totals,
    plan_from_dict,
    plan_text,
    plan_to_dict,
)
from planner.profile import Profile, profile_from_dict
from planner.render import nutrient_word, shortfall_sentence
from planner.rules import meal_slots
from planner.targets import targets_for

FAST = 120.0  # seconds: every plan in these tests gets this safety cap (the solves stop at work limits; a loaded
             # machine needs the room)
GENEROUS = 600.0  # seconds: a fuse only, for the weeks and the what-ifs (which run only while time is left): a
                  # test must not depend on how busy the machine is


@pytest.fixture(scope="module")
def week(table):
    profile = Profile()
    return profile, make_plan(profile, table, 7, time_limit=GENEROUS)   # returns when every day is proven


def _ids(plan):
    return [it.food_id for it in plan.items()]


def _meal_sets(day):
    return {m.slot: frozenset(it.food_id for it in m.items) for m in day.meals}


# --- a default week ----------------------------------------------------------------------------------------

def test_default_week_keeps_every_rule_and_meets_the_goals(table, week):
    profile, plan = week
    targets = targets_for(profile)
    assert plan.status.status in ("optimal", "feasible", "time_limit")
    assert len(plan.days) == 7 and [d.index for d in plan.days] == list(range(7))
    for day in plan.days:
        assert [m.slot for m in day.meals] == meal_slots()
        assert day_violations(table, day, targets) == []
        totals = day_totals(table, day).values
        for name in ("calcium_mg", "magnesium_mg", "potassium_mg"):
            assert totals[name] >= targets[name].min * (1 - M.SHORTFALL_TOLERANCE), (day.label, name)
    assert plan.shortfalls == []


def test_portions_are_whole_steps_of_household_measures_in_meals_they_fit(table, week):
    _, plan = week
    kinds = {"breakfast": "breakfast", "morning_snack": "snack", "lunch": "lunch", "afternoon_snack": "snack",
             "dinner": "dinner"}
    for day in plan.days:
        for meal in day.meals:
            for it in meal.items:
                food = table.get(it.food_id)
                steps = round(it.grams / food.step_grams)
                assert it.grams == round(steps * food.step_grams, 1)   # whole steps, as JSON keeps grams
                assert food.min_steps <= steps <= food.max_steps
                assert kinds[meal.slot] in food.meals
                assert it.portion == food.portion_text(it.grams) and it.portion.startswith(food.portion_words(it.grams).split(" (")[0])
                assert not food.limit


def _days_per_food(plan, table) -> dict[str, int]:
    """Days each food is eaten on (raw and cooked forms as one food); cooking fats, garnishes and the week's
    one milk are everyday foods and not counted."""
    arrays = table_arrays(table)
    same = dict(zip(arrays.ids, arrays.same_food, strict=True))
    role = dict(zip(arrays.ids, arrays.roles, strict=True))
    days_of: dict[str, int] = {}
    for d in plan.days:
        for fid in {same[it.food_id] for it in d.items()
                    if role[it.food_id] not in context.EVERY_DAY_ROLES and same[it.food_id] != "milk"}:
            days_of[fid] = days_of.get(fid, 0) + 1
    return days_of


def rides_along_ids(table) -> set[str]:
    """Herbs, garnishes and cooking fats: they do not make a day or a meal new."""
    arrays = table_arrays(table)
    return {fid for fid, r in zip(arrays.ids, arrays.roles, strict=True)
            if r in rides_along_roles()}


def test_variety_across_the_week(table, week):
    _, plan = week
    days_of = _days_per_food(plan, table)
    assert max(days_of.values()) <= M.DEFAULT_MAX_DAYS_PER_FOOD
    milks = {it.food_id for it in plan.items() if table_arrays(table).same_food[
        list(table_arrays(table).ids).index(it.food_id)] == "milk"}
    assert len(milks) <= 1   # one milk for the week
    # herbs, garnishes and cooking fats ride along: a day or meal that differs from another only by a clove of
    # garlic or a tablespoon of olive oil is the same day or meal
    rides_along = rides_along_ids(table)
    day_sets = [frozenset(it.food_id for it in d.items()) - rides_along for d in plan.days]   # in whichever meal
    assert len(set(day_sets)) == len(day_sets)
    for a, b in zip(plan.days, plan.days[1:], strict=False):
        for slot in meal_slots():
            assert _meal_sets(a)[slot] - rides_along != _meal_sets(b)[slot] - rides_along, (a.label, slot)


def test_no_day_is_an_earlier_day_with_its_meals_swapped(table):
    """Found in benchmarks/realism.py's young woman, seed 5: day 3 was day 1 with its lunch and dinner swapped. A day
    is its foods, whichever meal holds each (herbs, garnishes and cooking fats ride along)."""
    plan = make_plan(Profile(sex="female", age=25), table, 7, seed=5, time_limit=FAST)
    rides_along = rides_along_ids(table)
    days = [frozenset(it.food_id for it in d.items()) - rides_along for d in plan.days]
    assert len(set(days)) == len(days)


def test_days_per_food_is_configurable(table):
    plan = make_plan(Profile(sex="male", age=35), table, 4, max_days_per_food=1, time_limit=FAST)
    assert max(_days_per_food(plan, table).values()) == 1


def test_json_contract(table, week):
    profile, plan = week
    data = json.loads(json.dumps(plan_to_dict(plan, table)))
    assert data["targets"]["nutrients"]["calcium_mg"]["source"]
    assert data["status"]["status"] in ("optimal", "feasible", "time_limit") and data["shortfalls"] == []
    day = data["days"][0]
    for key in ("calcium_mg", "magnesium_mg", "potassium_mg", "sodium_mg", "energy_kcal"):
        assert key in day["totals"]
    item = day["meals"][0]["items"][0]
    assert {"food_id", "ndb", "grams", "portion"} <= set(item)
    again = plan_from_dict(data, table)
    assert _ids(again) == _ids(plan)


def test_totals_equal_the_items_recomputed_from_the_table(table, week):
    _, plan = week
    for day in plan.days:
        totals = day_totals(table, day).values
        for name in ("calcium_mg", "magnesium_mg", "potassium_mg", "energy_kcal"):
            by_hand = sum(table.get(it.food_id).nutrients[name] * it.grams / 100 for it in day.items())
            assert math.isclose(totals[name], by_hand, rel_tol=1e-9)


def test_same_seed_same_plan_and_another_seed_another(table):
    p = Profile(sex="male", age=45)
    a, b = (make_plan(p, table, 1, time_limit=FAST) for _ in range(2))
    c = make_plan(p, table, 1, time_limit=FAST, seed=7)
    assert _ids(a) == _ids(b)
    assert _ids(a) != _ids(c)


# --- profiles' rules -------------------------------------------------------------------------------------

def test_pregnancy_never_gets_liver_or_fish_liver_oil_and_stays_under_the_retinol_limit(table):
    profile = Profile(sex="female", age=30, pregnancy="trimester2")
    plan = make_plan(profile, table, 3, time_limit=FAST)
    targets = targets_for(profile)
    for it in plan.items():
        assert not {"liver", "fish_liver_oil"} & table.get(it.food_id).tags
        assert it.food_id not in ("beef_liver", "chicken_liver", "cod_liver_oil")
    for day in plan.days:
        assert day_totals(table, day)["retinol_ug"] <= targets["retinol_ug"].max


def test_a_pregnant_profile_cannot_lock_liver(table):
    with pytest.raises(PlannerError, match="beef_liver"):
        make_plan(Profile(pregnancy="trimester1", age=30), table, 1, locks=[Lock(0, "lunch", "beef_liver")])


def test_kidney_disease_is_never_pushed_towards_potassium_and_keeps_the_clinicians_limit(table):
    free = Profile(conditions=["kidney_disease"])
    rules = M.day_rules_for(targets_for(free))
    assert "potassium_mg" not in rules.goals and "potassium_mg" not in rules.caps
    limited = Profile(conditions=["kidney_disease"], targets={"potassium_mg": {"max": 2000}})
    plan = make_plan(limited, table, 3, time_limit=FAST)
    assert plan.targets["push_potassium"] is False
    assert not any(s.nutrient == "potassium_mg" for s in plan.shortfalls)
    for day in plan.days:
        assert day_totals(table, day)["potassium_mg"] <= 2000 + 1e-6


@pytest.mark.slow
def test_where_potassium_is_not_pushed_plans_hold_it_near_the_adequate_intake_not_above(table):
    # a generous limit: the plans come back as soon as each day is proven; only a loaded machine needs it
    default = make_plan(Profile(sex="female", age=58), table, 3, time_limit=GENEROUS)
    held = make_plan(Profile(sex="female", age=58, conditions=["ace_inhibitor"]), table, 3, time_limit=GENEROUS)
    ceiling = targets_for(Profile(sex="female", age=58, conditions=["ace_inhibitor"]))["potassium_mg"].soft_max
    assert ceiling == targets_for(Profile(sex="female", age=58))["potassium_mg"].min   # the AI, from the DRI table
    potassium = [day_totals(table, d)["potassium_mg"] for d in held.days]
    assert sum(potassium) < sum(day_totals(table, d)["potassium_mg"] for d in default.days)
    assert sum(potassium) / len(potassium) <= ceiling * 1.1
    assert not held.shortfalls   # held back, while magnesium and calcium are still met
    # the clinician's limit replaces the soft ceiling
    limited = targets_for(Profile(conditions=["kidney_disease"], targets={"potassium_mg": {"max": 3000}}))
    assert limited["potassium_mg"].soft_max is None and limited["potassium_mg"].max == 3000


def test_vegan_gets_no_animal_food(table):
    plan = make_plan(Profile(diet="vegan"), table, 3, time_limit=FAST)
    assert all("vegan" in table.get(fid).tags for fid in _ids(plan))


def test_lactose_free_gets_no_milk_kefir_yogurt_or_cheese(table):
    plan = make_plan(Profile(exclude=["lactose"]), table, 4, time_limit=FAST)
    ids = set(_ids(plan))
    assert not any("lactose" in table.get(fid).tags for fid in ids)
    assert not ids & {"milk", "whole_milk", "kefir", "yogurt", "greek_yogurt", "cottage_cheese", "feta",
                      "mozzarella", "sour_cream", "butter", "cheese", "swiss_cheese", "parmesan"}
    assert any("hard aged cheeses" in n for n in plan.notes)   # and why they are left out too


def test_excluded_and_disliked_foods_never_appear(table):
    base = make_plan(Profile(), table, 2, time_limit=FAST)
    first = _ids(base)[:3]
    plan = make_plan(Profile(exclude=[first[0], "tree_nuts"], dislike=first[1:]), table, 2, time_limit=FAST)
    ids = set(_ids(plan))
    assert not ids & set(first)
    assert not any("tree_nuts" in table.get(fid).tags for fid in ids)


def test_an_unknown_exclusion_is_an_error_naming_close_foods(table):
    with pytest.raises(PlannerError, match="walnutz.*walnuts"):
        make_plan(Profile(exclude=["walnutz"]), table, 1)


@pytest.mark.slow
def test_liked_foods_come_first(table):
    # over several seeds: a day is optimal within its gap, so one seed's plain plan may hold a liked food or two
    # (measured: 4 liked foods in six plain 3-day plans, 17 when liked)
    liked = ["lentils", "kiwi", "buckwheat"]

    def count(profile: Profile) -> int:
        return sum(fid in liked for seed in range(6)
                   for fid in _ids(make_plan(profile, table, 3, time_limit=FAST, seed=seed)))

    assert count(Profile()) * 2 < count(Profile(like=liked))


# --- locks, regeneration, edits ------------------------------------------------------------------------

def test_locks_are_kept_with_their_amount(table):
    locks = [Lock(0, "breakfast", "oatmeal"), Lock(1, "dinner", "banana", 236)]
    plan = make_plan(Profile(), table, 2, locks=locks, time_limit=FAST)
    oat = [it for it in plan.days[0].meal("breakfast").items if it.food_id == "oatmeal"]
    banana = [it for it in plan.days[1].meal("dinner").items if it.food_id == "banana"]
    assert oat and oat[0].locked and banana and banana[0].locked and banana[0].grams == 236
    assert "banana" not in {it.food_id for it in plan.days[0].meal("dinner").items}


def test_a_locked_food_takes_its_place_in_the_meal_not_beside_it(table):
    """A locked salmon is the dinner's protein: the meal still follows a pattern with the salmon counted (a second
    protein, fried squid, used to join it). Two locked proteins fit no pattern together: the rest of the meal is
    planned around them, following a pattern of its own, and a note says so."""
    from planner.optimise.realism import follows_pattern, meal_role_counts

    plan = make_plan(Profile(sex="male", age=66), table, 1, locks=[Lock(0, "dinner", "salmon")], time_limit=FAST)
    dinner = plan.days[0].meal("dinner")
    assert meal_role_counts(dinner, table).get("protein") == 1 and follows_pattern(dinner, table)
    assert not any("do not make one usual meal" in n for n in plan.notes)
    both = [Lock(0, "dinner", "salmon"), Lock(0, "dinner", "chicken_thigh")]
    plan = make_plan(Profile(sex="male", age=66), table, 1, locks=both, time_limit=FAST)
    dinner = plan.days[0].meal("dinner")
    assert {"salmon", "chicken_thigh"} <= {it.food_id for it in dinner.items}
    rest = replace(dinner, items=[it for it in dinner.items if not it.locked])
    assert rest.items and follows_pattern(rest, table)
    assert any("the foods you kept do not make one usual meal together" in n for n in plan.notes)
    assert all(follows_pattern(m, table) for m in plan.days[0].meals if m.slot != "dinner")


def test_a_meal_with_a_locked_food_is_still_a_named_dish_that_serves_it(table):
    """A locked oatmeal breakfast is a porridge dish with the oatmeal in it (it was built food by food around the
    lock: oatmeal with Swiss cheese); two locks in one meal, a dish that serves both; a lock keeps its amount."""
    plan = make_plan(Profile(), table, 3, locks=[Lock(0, "breakfast", "oatmeal")], time_limit=FAST)
    breakfast = plan.days[0].meal("breakfast")
    assert breakfast.dish and [it.locked for it in breakfast.items if it.food_id == "oatmeal"] == [True]
    both = [Lock(0, "breakfast", "oatmeal"), Lock(0, "breakfast", "banana")]
    breakfast = make_plan(Profile(), table, 1, locks=both, time_limit=FAST).days[0].meal("breakfast")
    assert breakfast.dish and {"oatmeal", "banana"} <= {it.food_id for it in breakfast.items if it.locked}
    lunch = make_plan(Profile(), table, 2, locks=[Lock(1, "lunch", "lentils", 198)], time_limit=FAST).days[1].meal("lunch")
    assert [(it.grams, it.locked) for it in lunch.items if it.food_id == "lentils"] == [(198.0, True)]


def test_a_lock_leaves_open_only_the_dishes_that_serve_it(table):
    """The day model's dish columns in a locked meal: only those holding the locked food (at its steps, when the
    lock sets them) stay open, and the lock is kept by the food itself or by one of them (locked:<meal>)."""
    from planner.optimise.context import build_week, day_request
    from planner.optimise.day import build_day

    week = build_week(Profile(), table, 1, (), 3, None, None, 0)
    oat, breakfast = week.ids.index("oatmeal"), week.slots.index("breakfast")
    for steps in (None, 2):
        model = build_day(week.selection.foods, week.day_rules, day_request(week, 0, {}, {(oat, breakfast): steps}))
        dishes, block = model.dishes, model.blocks["dish"]
        here = np.flatnonzero(dishes.slot == breakfast)
        open_ = here[model.upper[block][here] > 0]
        assert len(open_) and len(open_) < len(here)
        for j in open_:
            assert oat in dishes.items(int(j)) and steps in (None, dishes.items(int(j))[oat])
        assert model.rows.names.count("locked:breakfast") == 1


@pytest.mark.parametrize("lock, fragment", [
    (Lock(9, "lunch", "lentils"), "days 1-2"),
    (Lock(0, "brunch", "lentils"), "breakfast, morning_snack"),
    (Lock(0, "lunch", "lentls"), "lentils"),
    (Lock(0, "lunch", "lentils", -5), "grams"),
])
def test_bad_locks_are_clear_errors(table, lock, fragment):
    with pytest.raises((PlannerError, ValueError), match=fragment):
        make_plan(Profile(), table, 2, locks=[lock])


def test_contradicting_locks_are_explained_not_called_a_solver_failure(table):
    locks = [Lock(0, "morning_snack", f) for f in ("apricot", "plum", "kiwi")]   # 3 foods in a 1-2 food meal
    plan = make_plan(Profile(), table, 1, locks=locks, time_limit=FAST)
    assert plan.status.status == "infeasible"
    assert any("your locks" in n and "number of foods per meal" in n for n in plan.notes)


def test_regenerate_a_meal_keeps_everything_else(table, week):
    profile, plan = week
    locked = replace(plan, days=[Day(d.index, [Meal(m.slot, [replace(it, locked=True) if
                                                                   (d.index, m.slot, i) == (2, "lunch", 0) else it
                                                                   for i, it in enumerate(m.items)])
                                                  for m in d.meals]) for d in plan.days])
    new = regenerate(locked, profile, table, 2, "lunch", seed=3, time_limit=FAST)
    assert new.status.status in ("optimal", "feasible", "time_limit")
    for d_old, d_new in zip(locked.days, new.days, strict=True):
        for slot in meal_slots():
            if (d_old.index, slot) != (2, "lunch"):
                assert d_old.meal(slot).items == d_new.meal(slot).items
    old_lunch, new_lunch = _meal_sets(locked.days[2])["lunch"], _meal_sets(new.days[2])["lunch"]
    assert old_lunch != new_lunch
    kept = locked.days[2].meal("lunch").items[0]
    assert any(it.food_id == kept.food_id and it.locked for it in new.days[2].meal("lunch").items)
    assert day_violations(table, new.days[2], targets_for(profile)) == []


def test_regenerate_a_day_changes_it_and_keeps_the_week_varied(table, week):
    profile, plan = week
    new = regenerate(plan, profile, table, 4, seed=11, time_limit=FAST)
    assert [d.items() for i, d in enumerate(new.days) if i != 4] == [d.items() for i, d in enumerate(plan.days)
                                                                      if i != 4]
    assert set(_ids(replace(new, days=[new.days[4]]))) != set(_ids(replace(plan, days=[plan.days[4]])))
    assert max(_days_per_food(new, table).values()) <= M.DEFAULT_MAX_DAYS_PER_FOOD
    with pytest.raises(PlannerError, match="days 1-7"):
        regenerate(plan, profile, table, 7)


def test_set_portion_snaps_to_steps_and_reports_broken_rules(table, week):
    _, plan = week
    item = plan.days[0].meal("lunch").items[0]
    food = table.get(item.food_id)
    new = set_portion(plan, table, 0, "lunch", item.food_id, food.step_grams * 2.4)
    changed = [it for it in new.days[0].meal("lunch").items if it.food_id == item.food_id][0]
    assert math.isclose(changed.grams, food.step_grams * 2, abs_tol=0.05)  # grams are kept to 0.1 g
    huge = set_portion(plan, table, 0, "lunch", item.food_id, 4000)
    assert any(n.startswith("Day 1 after your edit:") for n in huge.notes)
    assert plan.days[0].meal("lunch").items[0].grams == item.grams   # the old plan is untouched
    added = set_portion(plan, table, 0, "dinner", "kiwi", 69)
    assert any(it.food_id == "kiwi" for it in added.days[0].meal("dinner").items)
    with pytest.raises(PlannerError):
        set_portion(plan, table, 0, "lunch", item.food_id, 0)


def test_remove_item_recomputes_the_days_shortfalls(table, week):
    _, plan = week
    day = plan.days[1]
    richest = max(day.items(), key=lambda it: table.get(it.food_id).nutrients["calcium_mg"] * it.grams)
    slot = next(m.slot for m in day.meals if richest in m.items)
    new = remove_item(plan, 1, slot, richest.food_id, table=table)
    assert richest.food_id not in {it.food_id for it in new.days[1].meal(slot).items}
    values = day_totals(table, new.days[1]).values
    for s in new.shortfalls:
        assert s.day == 1 and math.isclose(s.achieved, values[s.nutrient])
    with pytest.raises(PlannerError, match="not in Day 2"):
        remove_item(new, 1, slot, richest.food_id)


# --- shortfalls ------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_an_unreachable_goal_comes_back_as_a_shortfall_with_what_binds_and_what_would_help(table):
    profile = Profile(targets={"magnesium_mg": {"min": 3000}})
    plan = make_plan(profile, table, 2, time_limit=GENEROUS)   # the what-ifs run only while time is left
    assert plan.status.status in ("optimal", "feasible", "time_limit")
    mg = [s for s in plan.shortfalls if s.nutrient == "magnesium_mg"]
    assert {s.day for s in mg} == {0, 1}
    for s in mg:
        assert s.target == 3000 and s.achieved < 3000
        assert math.isclose(s.achieved, day_totals(table, plan.days[s.day])["magnesium_mg"])
        assert s.binding and s.help
        assert "magnesium" in shortfall_sentence(s) and "of 3,000 mg" in shortfall_sentence(s)


@pytest.mark.slow
def test_what_would_help_names_disliked_foods_that_close_the_gap(table):
    # the 40 richest the articles recommend (herbal tea and curry powder, rich per kcal, close no real gap)
    richest = table.top("magnesium_mg", per="100kcal", n=60)["food_id"]
    disliked = [fid for fid in richest if table.get(fid).articles][:48]  # 48: edamame, tahini and fortified cereal joined the table
    plan = make_plan(Profile(dislike=disliked, targets={"magnesium_mg": {"min": 900}}), table, 1, time_limit=GENEROUS)   # the what-ifs run only while time is left
    mg = [s for s in plan.shortfalls if s.nutrient == "magnesium_mg"]
    assert mg and any("dislikes" in b for b in mg[0].binding)
    assert "allowing " in mg[0].help and mg[0].help.endswith("closes it")  # other what-ifs may come first
    named = mg[0].help.split("allowing ", 1)[1].split(",")[0].removesuffix(" closes it").split(" or ")
    assert any(name in table.get(fid).name.lower() for name in named for fid in disliked)


# --- solver trouble ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_day_on_the_full_sr28_catalogue_keeps_its_time_limit_and_every_rule(sr28_dir, tmp_path):
    """HiGHS's presolve does not watch the time limit: on the whole 8,790-food model it ran for minutes."""
    import time

    from foods.catalog import import_sr28
    from foods.table import read_table

    import_sr28(sr28_dir, tmp_path / "full")
    full = read_table(tmp_path / "full")
    began = time.perf_counter()
    plan = make_plan(Profile(), full, 1, time_limit=10.0)
    assert time.perf_counter() - began < 10.0 + 35.0   # the cap holds: not minutes (a loaded machine adds set-up time)
    assert plan.status.status in ("optimal", "feasible", "time_limit"), plan.status
    assert day_violations(full, plan.days[0], targets_for(Profile())) == []


def test_a_large_model_gets_a_wide_core_not_the_whole_model(table, monkeypatch):
    monkeypatch.setattr(strategy, "WHOLE_MODEL_OPTIONS", 10)
    monkeypatch.setattr(strategy, "CORE_SIZES", (1,))   # the first core cannot fill a day: the last try runs
    seen = []
    real = strategy._run_highs

    def spy(model, upper, mip, *args, cols=None, **kwargs):
        seen.append((mip, None if cols is None else len(cols), model.n_options))
        return real(model, upper, mip, *args, cols=cols, **kwargs)

    monkeypatch.setattr(strategy, "_run_highs", spy)
    plan = make_plan(Profile(), table, 1, time_limit=FAST)
    mips = [(n, total) for mip, n, total in seen if mip]
    assert mips and all(n is not None and n < total for n, total in mips)
    assert day_violations(table, plan.days[0], targets_for(Profile())) == []


def test_cbc_is_not_tried_on_a_model_too_big_to_build_in_time(table, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated HiGHS crash")

    monkeypatch.setattr(strategy, "_solve_highs", broken)
    monkeypatch.setattr(strategy, "WHOLE_MODEL_OPTIONS", 10)
    plan = make_plan(Profile(), table, 1, time_limit=FAST)
    assert plan.status.status == "failed" and "too big for the CBC fallback" in plan.status.message
    assert any("solver failed" in n for n in plan.notes)


def test_a_solver_failure_is_reported_as_such(table, monkeypatch, tmp_path, capsys):
    failed = SolveStatus("failed", "HiGHS", 0.0, None, "time limit reached before any plan was found")
    monkeypatch.setattr(strategy, "_solve_highs", lambda *a, **k: (None, failed, None))
    plan = make_plan(Profile(), table, 1, time_limit=FAST)
    assert plan.status.status == "failed"
    assert any("solver failed" in n and "does not mean no plan exists" in n for n in plan.notes)
    out = tmp_path / "plan.json"
    assert main(["plan", "--days", "1", "--out", str(out)]) == 1
    assert "solver failed" in capsys.readouterr().err and not out.exists()


@pytest.mark.slow
def test_cbc_takes_over_when_highs_breaks(table, monkeypatch):
    import pulp

    def broken(*args, **kwargs):
        raise RuntimeError("simulated HiGHS crash")

    monkeypatch.setattr(strategy, "_solve_highs", broken)
    monkeypatch.setattr(pulp.HiGHS, "available", lambda self: False)
    profile = Profile()
    plan = make_plan(profile, table, 1, time_limit=20)
    assert plan.status.solver == "CBC" and plan.status.status in ("optimal", "time_limit")
    assert "simulated HiGHS crash" in plan.status.message
    assert day_violations(table, plan.days[0], targets_for(profile)) == []


@pytest.mark.parametrize("kwargs, fragment", [
    ({"days": 0}, "1 to 14"), ({"days": 15}, "1 to 14"), ({"time_limit": 0}, "time limit"),
    ({"max_days_per_food": 0}, "max_days_per_food"), ({"weekly_budget": 30}, "needs prices"),
])
def test_bad_arguments_are_clear_errors(table, kwargs, fragment):
    args = {"days": 1, **kwargs}
    days = args.pop("days")
    with pytest.raises(PlannerError, match=fragment):
        make_plan(Profile(), table, days, **args)


# --- prices ----------------------------------------------------------------------------------------------

def _money(plan, table, prices):
    return sum(prices[it.food_id] / 1000 * table.get(it.food_id).bought_grams(it.grams) for it in plan.items())


@pytest.mark.slow
def test_prices_make_the_week_cheaper_and_a_budget_is_kept(table):
    prices = {f.id: 4.0 + (sum(map(ord, f.id)) % 17) for f in table}
    prices.update({"lentils": 1.0, "potato_baked": 0.8, "milk": 0.9, "oatmeal": 1.2})
    profile = Profile()
    plain = make_plan(profile, table, 3, time_limit=FAST)
    cheap = make_plan(profile, table, 3, prices=prices, time_limit=FAST)
    assert _money(cheap, table, prices) < _money(plain, table, prices)
    assert cheap.shortfalls == []
    budget = _money(cheap, table, prices) * 7 / 3 * 1.2
    kept = make_plan(profile, table, 3, prices=prices, weekly_budget=budget, time_limit=FAST)
    assert _money(kept, table, prices) <= budget * 3 / 7 + 1e-6
    with pytest.raises(PlannerError, match="price of banana"):
        make_plan(profile, table, 1, prices={"banana": -1})


# --- the command line ----------------------------------------------------------------------------------

def test_cli_plan_json_out_and_flags(table, tmp_path, capsys):
    profile = tmp_path / "p.toml"
    profile.write_text('sex = "female"\nage = 58\nweight_kg = 70\nheight_cm = 162\nexclude = ["lactose"]\n')
    out = tmp_path / "plan.json"
    code = main(["plan", "--profile", str(profile), "--days", "2", "--format", "json", "--out", str(out),
                 "--exclude", "walnuts", "--age", "60", "--lock", "1:breakfast:oatmeal", "--time-limit", str(FAST)])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert json.loads(out.read_text()) == printed
    assert printed["profile"]["age"] == 60 and printed["profile"]["exclude"] == ["lactose", "walnuts"]
    assert len(printed["days"]) == 2
    breakfast = printed["days"][0]["meals"][0]
    assert any(it["food_id"] == "oatmeal" and it["locked"] for it in breakfast["items"])
    assert not list(tmp_path.glob(".plan.json.*"))


def test_cli_plan_text_and_workbook(table, tmp_path, capsys):
    book = tmp_path / "week.xlsx"
    assert main(["plan", "--days", "1", "--xlsx", str(book), "--sex", "male", "--time-limit", str(FAST)]) == 0
    text = capsys.readouterr().out
    assert "== Day 1 ==" in text and "Breakfast:" in text and "Solver:" in text
    assert book.is_file() and book.stat().st_size > 0


@pytest.mark.parametrize("argv, fragment", [
    (["plan", "--days", "15"], "1 to 14"),
    (["plan", "--diet", "keto"], "omnivore, pescatarian"),
    (["plan", "--profile", "missing.toml"], "not found"),
    (["plan", "--lock", "breakfast:oatmeal"], "DAY:MEAL:FOOD"),
    (["plan", "--budget", "30"], "--prices"),
    (["plan", "--xlsx", "week.csv"], ".xlsx"),
    (["plan", "--xlsx", "no/such/folder/week.xlsx"], "does not exist"),
    (["plan", "--out", "no/such/folder/week.json"], "does not exist"),
])
def test_cli_plan_errors_are_one_line(argv, fragment, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


# --- the whole-week reference ----------------------------------------------------------------------------

@pytest.mark.slow
def test_the_fast_week_is_no_better_than_the_whole_week_bound(table):
    from planner.optimise import solve_whole_week

    profile = Profile(sex="male", age=50)
    fast = make_plan(profile, table, 2, time_limit=FAST)
    ref = solve_whole_week(profile, table, 2, time_limit=60)
    assert ref.plan is not None and ref.bound is not None
    assert M.week_objective(fast, table) >= ref.bound - 1e-3
    # grams are kept to 0.1 g: each item's energy moves by up to 0.05 g of it, and the energy target's distance
    # is priced both ways
    rounding = sum(0.05 * table.get(it.food_id).nutrients["energy_kcal"] / 100 for it in ref.plan.items())
    target = targets_for(profile).energy_kcal
    assert math.isclose(M.week_objective(ref.plan, table), ref.objective, rel_tol=1e-3,
                        abs_tol=ENERGY_WEIGHT * rounding / target)
    for day in ref.plan.days:
        assert day_violations(table, day, targets_for(profile)) == []


def test_regenerate_keeps_hand_added_items_even_in_meals_they_do_not_usually_fit(table, week):
    profile, plan = week
    edited = set_portion(plan, table, 3, "dinner", "kiwi", 69)     # kiwi is a breakfast and snack food
    edited = set_portion(edited, table, 3, "breakfast", "coffee", 237)   # a food the articles say to limit
    new = regenerate(edited, profile, table, 3, "lunch", seed=1, time_limit=FAST)
    assert new.status.status in ("optimal", "feasible", "time_limit")
    assert new.days[3].meal("dinner").items == edited.days[3].meal("dinner").items
    assert new.days[3].meal("breakfast").items == edited.days[3].meal("breakfast").items
    whole = regenerate(edited, profile, table, 3, seed=1, time_limit=FAST)   # nothing locked: all may go
    assert "coffee" not in {it.food_id for it in whole.days[3].items()}


def test_the_lower_bound_footnote_is_printed_only_when_a_total_carries_the_mark(table):
    from test_excel import item, table_with

    footnote = "* a value SR28 lacks for some food"
    whole = plan_text(Plan([Day(0, [Meal("breakfast", [item(table, "banana")])])]), table)
    assert "*" not in whole.replace("==", "") and footnote not in whole
    gappy = table_with({("banana", "calcium_mg"): float("nan")})
    text = plan_text(Plan([Day(0, [Meal("breakfast", [item(gappy, "banana")])])]), gappy)
    assert "calcium 0*" in text and text.rstrip().endswith("the total is a lower bound.")


def test_the_plan_speaks_of_meals_days_and_nutrients_as_people_do(table):
    profile = Profile(sex="male", age=35)
    targets = targets_for(profile)
    plan = make_plan(profile, table, 1, time_limit=FAST)
    day = plan.days[0]
    no_snack = Day(0, [Meal(m.slot, [] if m.slot == "afternoon_snack" else m.items) for m in day.meals])
    broken = "; ".join(day_violations(table, no_snack, targets))
    assert "afternoon snack: 0 foods, not" in broken and "afternoon snack: 0 kcal, not" in broken
    assert "_" not in broken
    week = context.build_week(profile, table, 1, (), 1, None, None, 0)
    binds = [case.binds for case in explain.what_ifs(week, context.day_request(week, 0, {}, {}), ["magnesium_mg"])]
    assert any("each food on at most 1 day," in b for b in binds), binds
    assert not any("days," in b and "at most 1 " in b for b in binds) and not any("AMDR" in b for b in binds)
    short = Plan([day], shortfalls=[Shortfall("vitamin_d_ug", 15, 3, 0, ["the energy target"], "more fish")])
    text = plan_text(short, table)
    assert "Day 1: vitamin D 3 of 15 µg (limited by the energy target): more fish" in text


# --- a week planned as a week ------------------------------------------------------------------------------

README_KIDNEY = {"sex": "female", "age": 58, "weight_kg": 70, "height_cm": 162, "activity": "light",
                 "exclude": ["lactose", "walnuts"], "conditions": ["kidney_disease"],
                 "targets": {"potassium_mg": {"max": 2000}}}   # the README's profile file
SHARING_PROFILES = {
    "kidney": README_KIDNEY,
    "vegan": {"sex": "male", "age": 30, "weight_kg": 75, "height_cm": 180, "activity": "very_active",
              "diet": "vegan"},
    "pregnant": {"sex": "female", "age": 30, "weight_kg": 65, "height_cm": 165, "pregnancy": "trimester2"},
}
WEEK_CAP = 600.0   # a safety cap only: the solves stop at their work limits


@pytest.fixture(scope="module")
def shared_weeks(table):
    return {name: make_plan(profile_from_dict(p), table, 7, time_limit=WEEK_CAP)
            for name, p in SHARING_PROFILES.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SHARING_PROFILES))
def test_no_day_is_short_of_a_goal_while_another_overshoots_it_by_more_unless_the_notes_say_why(table,
                                                                                                 shared_weeks, name):
    """Scarce foods are shared across the week: where one day misses a goal and another passes it by more
    than that, the plan says why (the foods that carry it are each on as many days as the week allows)."""
    plan = shared_weeks[name]
    assert plan.status.status in ("optimal", "feasible")   # stopped by work limits, not the safety cap
    goals = {k: v["min"] for k, v in plan.targets["nutrients"].items() if v.get("goal") and v.get("min")}
    for u in uneven_goals(table, plan.days, goals):
        said = [n for n in plan.notes if n.startswith(nutrient_word(u.nutrient).capitalize() + ":")]
        assert said, (name, u)
        assert f"Day {u.short_day + 1} is" in said[0] and f"Day {u.over_day + 1} has" in said[0]
        assert "at most 3 days" in said[0]


def test_uneven_goals_finds_a_short_day_beside_one_that_overshoots_by_more(table):
    banana = table.get("banana")

    def day(i, n):
        return Day(i, [Meal("breakfast", [PlanItem("banana", banana.name, banana.ndb, 118.0 * n, "", False)])])

    potassium = banana.nutrients["potassium_mg"] * 1.18   # one banana
    goal = {"potassium_mg": 2 * potassium}
    found = uneven_goals(table, [day(0, 1), day(1, 4), day(2, 2)], goal)
    assert [(u.nutrient, u.short_day, u.over_day) for u in found] == [("potassium_mg", 0, 1)]
    assert math.isclose(found[0].short, potassium) and math.isclose(found[0].over, 2 * potassium)
    assert not uneven_goals(table, [day(0, 1), day(1, 3)], goal)   # over by the shortfall, not more
    assert not uneven_goals(table, [day(0, 2), day(1, 4)], goal)   # nobody short


@pytest.mark.slow   # the module's shared weeks take minutes to plan
def test_the_kidney_week_shares_calcium_better_than_day_by_day_spending(table, shared_weeks):
    """The README's lactose-free kidney week: day by day without prices, its last day got 29 % of the
    calcium goal (350 of 1,200 mg); priced and shared again, no day falls under 45 % of it."""
    plan = shared_weeks["kidney"]
    goal = plan.targets["nutrients"]["calcium_mg"]["min"]
    counted = [M.goal_amount(day_totals(table, d).values, "calcium_mg") for d in plan.days]
    assert min(counted) >= 0.45 * goal, counted


@pytest.mark.slow   # the module's shared weeks take minutes to plan
def test_the_same_kidney_profile_and_seed_give_byte_identical_plan_json(table, shared_weeks):
    """Reproducible on any load: the search stops at work limits (the wall-clock cap is far off)."""
    again = make_plan(profile_from_dict(README_KIDNEY), table, 7, time_limit=WEEK_CAP)

    def as_json(plan):
        data = plan_to_dict(plan, table)
        data["status"].pop("seconds", None)
        return json.dumps(data, sort_keys=True)

    assert as_json(again) == as_json(shared_weeks["kidney"])


@pytest.mark.slow   # the module's shared weeks take minutes to plan
def test_a_pregnancy_week_holds_at_most_340_g_of_seafood_and_aims_at_227_g(table, shared_weeks):
    from planner.rules import rules

    pregnancy = rules()["pregnancy"]
    if "seafood_g_per_week" not in pregnancy:
        pytest.skip("planner/data/rules.toml has no [pregnancy] seafood_g_per_week yet")
    low, high = pregnancy["seafood_g_per_week"]
    plan = shared_weeks["pregnant"]
    tags = set(pregnancy["seafood_tags"])
    grams = sum(it.grams for it in plan.items() if tags & table.get(it.food_id).tags)
    assert low - 1 <= grams <= high + 1
    assert sum("8-12 oz" in n for n in plan.notes) == 1
    assert any(n.startswith("Seafood this week:") for n in plan.notes)


def test_solver_statuses_are_one_vocabulary_and_the_json_keeps_its_words():
    from planner.plan import SolveState, SolveStatus
    status = SolveStatus("time_limit", "HiGHS", 1.0)
    assert status.status is SolveState.TIME_LIMIT and status.status.solved
    assert json.dumps(status.to_dict()["status"]) == '"time_limit"'
    assert [s.value for s in SolveState if not s.solved] == ["infeasible", "failed"]
    with pytest.raises(ValueError, match="not one of optimal, feasible"):
        SolveStatus("done")


def test_a_plan_not_proven_best_says_why_without_a_gap_to_a_loose_bound():
    """A day stopped at its work limit is 'not proven best'; the text does not say "within 36 % of its best
    possible" (the gap is to the LP relaxation's bound, which dishes and whole portions keep loose), while the JSON
    keeps the number in `gap`."""
    from planner.optimise.week import _combined
    from planner.plan import SolveStatus

    days = [SolveStatus("optimal", "HiGHS", 0.1, 0.01), SolveStatus("feasible", "HiGHS", 0.1, 0.36)]
    status = _combined(days, 0.2)
    assert status.status == "feasible" and status.gap == 0.36
    assert status.message.startswith("not proven best on day 2; each day's search stops at a fixed amount of work")
    assert "%" not in status.message
