"""Invariants of the meals a plan holds (issue 10): every meal is a named dish or follows a pattern of its
slot, at most one starch, milk, legume and main protein food per meal, every day within ±5 % of the energy
target, protein floors kept (or said), food-group amounts per day, and the same seed gives the same plan."""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import examples
from hypothesis import given
from hypothesis import strategies as st

from planner.cli import main as cli_main
from planner.optimise import day_rules_for, day_violations, make_plan
from planner.optimise.candidates import dishes, meal_patterns, select_foods, table_arrays
from planner.optimise.context import ABS_GAP, DAY_GAP, MILK_ORDER, build_week, day_request, milk_score
from planner.optimise.day import ANY_OF_KIND, DayRequest, build_day, dish_options
from planner.optimise.realism import MAIN_MEALS, ONE_PER_MEAL, Realism, checks, realism
from planner.optimise.strategy import solve_day
from planner.plan import Day, PlanItem, plan_to_dict
from planner.profile import Profile
from planner.rules import DATA_DIR, rules
from planner.shopping import shopping_list
from planner.targets import targets_for


@st.composite
def profiles(draw) -> Profile:
    sex = draw(st.sampled_from(["female", "male"]))
    age = draw(st.integers(19, 85))
    pregnancy = draw(st.sampled_from([None, "trimester2"])) if sex == "female" and age <= 45 else None
    return Profile(sex=sex, age=age, pregnancy=pregnancy,
                   activity=draw(st.sampled_from(["sedentary", "light", "moderate", "active"])),
                   diet=draw(st.sampled_from(["omnivore", "pescatarian", "vegetarian"])),
                   exclude=draw(st.lists(st.sampled_from(["lactose", "gluten", "fish", "egg"]), max_size=1)),
                   conditions=draw(st.lists(st.sampled_from(["thiazide_diuretic", "kidney_disease"]), max_size=1)))


def _json(plan, table) -> str:
    data = plan_to_dict(plan, table)
    data.pop("status")
    return json.dumps(data, sort_keys=True)


@pytest.mark.slow
@examples(0.16)
@given(profile=profiles(), seed=st.integers(0, 50), thorough=st.booleans())
def test_meals_are_dishes_or_patterns_with_energy_and_protein_on_target(table, profile, seed, thorough):
    plan = make_plan(profile, table, 2, seed=seed, time_limit=120, thorough=thorough)
    if plan.status.status in ("failed", "infeasible"):
        assert plan.notes
        return
    targets = targets_for(profile)
    r = realism(plan, table, profile, targets)
    assert r.meals_off_pattern == 0 and r.meals_over_one == 0
    assert r.days_energy_on_target == r.days
    for day in plan.days:
        assert day_violations(table, day, targets) == []
    protein_said = [n for n in plan.notes if "protein" in n and "under" in n]
    assert (r.days_protein_floor == r.days and r.main_meals_protein == r.main_meals) or protein_said
    assert r.vegetable_grams[0] >= 250 - 1 and r.vegetable_grams[1] <= 600 + 1 and r.fruit_grams[1] <= 400 + 1
    if plan.status.status != "time_limit":   # the safety cap was not hit: the work limits decide alone
        again = make_plan(profile, table, 2, seed=seed, time_limit=120, thorough=thorough)
        assert _json(again, table) == _json(plan, table)
    for day in plan.days:
        for meal in day.meals:
            if meal.dish:
                assert meal.items
            assert not any(it.food_id in ("water", "green_tea", "black_tea", "coffee") for it in meal.items)


# --- the data a plan is built from: roles and named dishes --------------------------------------------------

TYPICAL_KCAL = 2000.0                       # "a typical 2,000 kcal target": each dish fits its meals' shares of it
EVERYONE = Profile(sex="female", age=40)    # a profile that may eat every dish ingredient


def _role_words() -> set[str]:
    data = meal_patterns()
    named = {r for kind in data["patterns"].values() for pattern in kind.values() for key in pattern
             for r in key.split("+")}
    return named | set(data["free_roles"]) | set(data["uncounted_roles"]) | set(data["not_planned_roles"])


def test_every_food_has_a_role_and_a_real_base_food(table):
    roles = pd.read_csv(DATA_DIR / "food_roles.csv", dtype=str, keep_default_na=False)
    assert not roles["food_id"].duplicated().any()
    assert set(roles["food_id"]) == set(table.foods), "food_roles.csv lists exactly the table's foods"
    assert set(roles["role"]) <= _role_words(), set(roles["role"]) - _role_words()
    bases = set(roles["same_food"]) - {""}
    assert bases <= set(table.foods), bases - set(table.foods)
    role = dict(zip(roles["food_id"], roles["role"], strict=True))
    assert role["soy_milk"] == role["almond_milk"] == "milk"     # fortified plant milks are a meal's milk


def test_the_dishes_are_many_named_once_and_cover_vegan_and_low_potassium_meals(table):
    all_dishes = dishes()
    names = [d.name for d in all_dishes]
    assert len(names) >= 60 and len(set(names)) == len(names)
    kinds = rules()["meals"]["kind"]

    def vegan(d) -> bool:   # "milk" is the week's milk: a fortified plant one for a vegan
        return all("vegan" in table.get(f).tags or f in ANY_OF_KIND for f in d.ingredients if f not in d.optional)

    for kind, least in (("breakfast", 8), ("snack", 10), ("lunch", 15)):
        found = [d.name for d in all_dishes if vegan(d) and any(kinds[s] == kind for s in d.slots)]
        assert len(found) >= least, (kind, found)


@pytest.fixture(scope="module")
def servings(table):
    """Every serving of every dish a profile that eats everything is offered, with its energy and protein."""
    targets = targets_for(EVERYONE)
    selection = select_foods(EVERYONE, table, targets)
    day_rules = replace(day_rules_for(targets, EVERYONE), energy_target=TYPICAL_KCAL)   # served as written
    options = dish_options(selection.foods, day_rules, DayRequest(np.zeros(1)))

    def total(name: str) -> np.ndarray:
        return options.total(np.nan_to_num(selection.foods.per_step[name]))

    return day_rules, options, total("energy_kcal"), total("protein_g"), total("potassium_mg")


@pytest.mark.parametrize("dish", dishes(), ids=lambda d: d.name)
def test_every_dish_is_feasible_on_its_own(table, servings, dish):
    """Its ingredients exist and fit its meals, amounts within each food's portions, at most one starch,
    milk, legume and main protein food; in every meal it names, one serving fits that meal's share of a
    2,000 kcal day, and a lunch or dinner serving holds 20 g of protein."""
    day_rules, options, kcal, protein, _ = servings
    assert dish.written_for_kcal == TYPICAL_KCAL
    slots = rules()["meals"]["kind"]
    frame = table.frame.set_index("id")
    roles = dict(zip(table_arrays(table).ids, table_arrays(table).roles, strict=True))
    for fid, (low, high) in dish.ingredients.items():
        food = table.get(fid)
        step = food.portion_grams * frame.loc[fid, "step"]
        assert 0 < low <= high, (fid, low, high)
        assert frame.loc[fid, "min_steps"] * step - 0.1 <= low and high <= frame.loc[fid, "max_steps"] * step + 0.1, \
            f"{fid} {low}-{high} g: its portions run {frame.loc[fid, 'min_steps'] * step:g}-" \
            f"{frame.loc[fid, 'max_steps'] * step:g} g"
        for slot in dish.slots:
            assert slots[slot] in food.meals or fid in dish.optional, (fid, slot)
    counted = [roles[f] for f in dish.ingredients]
    assert all(counted.count(r) <= 1 for r in ONE_PER_MEAL), counted
    for spec in day_rules.meal_amounts:   # herbs and lemon at their least fit a meal's few grams of them
        if spec.measure == "grams":
            least = sum(low for f, (low, _) in dish.ingredients.items() if roles[f] in spec.roles)
            assert least <= spec.high, (spec.name, least, spec.high)
    for slot in dish.slots:
        s = day_rules.slots.index(slot)
        here = np.flatnonzero((np.array(options.names) == dish.name) & (options.slot == s))
        assert len(here), f"not offered at {slot}"
        lo, hi = day_rules.shares[s]
        floor = 20.0 if slots[slot] in MAIN_MEALS else 0.0
        fits = [(lo * TYPICAL_KCAL <= kcal[j] <= hi * TYPICAL_KCAL) and protein[j] >= floor for j in here]
        assert any(fits), (f"{slot}: share {lo * TYPICAL_KCAL:.0f}-{hi * TYPICAL_KCAL:.0f} kcal, protein "
                           f"{floor:g} g; servings " + ", ".join(f"{kcal[j]:.0f} kcal {protein[j]:.0f} g" for j in here))


def test_a_lactose_free_kidney_patient_with_a_potassium_max_has_dishes_for_every_meal(table):
    profile = Profile(sex="female", age=60, exclude=["lactose"], conditions=["kidney_disease"],
                      targets={"potassium_mg": {"max": 2000}})
    targets = targets_for(profile)
    selection = select_foods(profile, table, targets)
    day_rules = day_rules_for(targets, profile)
    options = dish_options(selection.foods, day_rules, DayRequest(np.zeros(1)))
    potassium = options.total(np.nan_to_num(selection.foods.per_step["potassium_mg"]))
    kinds = rules()["meals"]["kind"]
    for kind, most, least in (("breakfast", 500, 3), ("snack", 400, 4), ("lunch", 600, 6)):
        low_k = {options.names[j] for j in range(len(options))
                 if kinds[day_rules.slots[options.slot[j]]] == kind and potassium[j] <= most}
        assert len(low_k) >= least, (kind, sorted(low_k))


def _offered(profile: Profile, table, energy: float | None = None, request: DayRequest | None = None):
    targets = targets_for(profile)
    selection = select_foods(profile, table, targets)
    day_rules = day_rules_for(targets, profile)
    if energy is not None:
        day_rules = replace(day_rules, energy_target=energy)
    return selection.foods, day_rules, dish_options(selection.foods, day_rules, request or DayRequest(np.zeros(1)))


def test_dish_servings_grow_with_the_energy_target_and_garnishes_stay_as_written(table):
    """An athlete's lunch is the same dish in bigger portions: each serving at 3,600 kcal holds about 1.8x
    the energy of the same serving at 2,000 kcal (whole portions round it), its herbs and lemon do not grow."""
    foods, _, small = _offered(EVERYONE, table, TYPICAL_KCAL)
    _, _, big = _offered(EVERYONE, table, 3600.0)
    kcal = np.nan_to_num(foods.per_step["energy_kcal"])
    garnish = np.isin(foods.roles, meal_patterns()["uncounted_roles"]) * foods.step_grams

    def largest(options) -> dict[tuple[str, int], tuple[float, float]]:
        """Per dish and meal: the energy and garnish grams of its largest serving."""
        energy, herbs, out = options.total(kcal), options.total(garnish), {}
        for j, name in enumerate(options.names):
            key = (name, int(options.slot[j]))
            out[key] = max(out.get(key, (0.0, 0.0)), (energy[j], herbs[j]))
        return out

    before, after = largest(small), largest(big)
    assert before.keys() == after.keys()
    ratio = np.array([after[k][0] / before[k][0] for k in before])
    mains = np.array([name in {d.name for d in dishes() if "lunch" in d.slots} for name, _ in before])
    assert 1.5 <= np.median(ratio[mains]) <= 2.0, np.median(ratio[mains])
    assert (ratio >= 1.0 - 1e-9).all()
    assert all(after[k][1] == before[k][1] for k in before)   # herbs and lemon as written


def test_a_dishs_milk_is_the_weeks_milk_whichever_it_is(table):
    """"Oatmeal with milk and banana" is a vegan's dish too: its milk is the week's milk (a fortified plant
    milk), the one today's request leaves open."""
    vegan = Profile(sex="male", age=25, diet="vegan")
    foods, _, options = _offered(vegan, table)
    index = foods.index
    oatmeal = [j for j in range(len(options)) if dishes()[options.dish[j]].name == "Oatmeal with milk and banana"]
    assert oatmeal
    milks = {foods.ids[f] for j in oatmeal for f in options.items(j) if foods.same_food[f] == "milk"}
    assert milks and milks <= {"soy_milk", "almond_milk"}
    for week_milk in ("soy_milk", "almond_milk"):
        banned = np.array([fid in ("soy_milk", "almond_milk") and fid != week_milk for fid in foods.ids])
        _, _, today = _offered(vegan, table, request=DayRequest(np.zeros(1), banned_foods=banned))
        served = {foods.ids[f] for j in range(len(today)) if dishes()[today.dish[j]].name == "Oatmeal with milk and banana"
                  for f in today.items(j)}
        assert week_milk in served and not ({"soy_milk", "almond_milk"} - {week_milk}) & served
        assert index[week_milk] in today.entry_food


def test_the_weeks_milk_is_chosen_by_the_profiles_goals_and_ceilings(table):
    """Lactose-free kidney disease with a 2,000 mg potassium limit: almond milk (more calcium, less
    potassium than soy milk), whatever the table's order; a person who drinks cow's milk keeps cow's milk;
    a liked milk wins."""
    kidney = Profile(sex="female", age=60, exclude=["lactose"], conditions=["kidney_disease"],
                     targets={"potassium_mg": {"max": 2000}})
    assert build_week(kidney, table, 7, (), 3, None, None, 0).milk == "almond_milk"
    assert build_week(EVERYONE, table, 7, (), 3, None, None, 0).milk in MILK_ORDER
    liked = replace(EVERYONE, like=["soy_milk"])
    assert build_week(liked, table, 7, (), 3, None, None, 0).milk == "soy_milk"
    selection = select_foods(kidney, table, targets_for(kidney))
    score = milk_score(selection, targets_for(kidney))
    assert score["almond_milk"] > score["soy_milk"]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 2])
def test_a_high_energy_vegan_week_is_mostly_named_dishes_of_many_kinds(table, seed):
    """A 3,600 kcal vegan athlete's week: at least 60 % of the meals are named dishes, at least 12 different
    ones, none on more than 3 days, every day within ±5 % of its energy target and its protein floors kept.
    Seed 2: a day's first core plan left a lunch at 18 g protein where the relaxation had none short, and was
    kept because only goal slack decided whether the wider MIPs run."""
    athlete = Profile(sex="male", age=25, weight_kg=75, height_cm=180, activity="very_active", diet="vegan")
    targets = targets_for(athlete)
    plan = make_plan(athlete, table, 7, seed=seed)
    r = realism(plan, table, athlete, targets)
    used = Counter(m.dish for d in plan.days for m in d.meals if m.dish)
    assert r.dish_share >= 0.6 and len(used) >= 12, (r.dish_share, used)
    assert max(used.values()) <= 3, used
    assert r.days_energy_on_target == r.days and r.days_protein_floor == r.days
    assert r.main_meals_protein == r.main_meals


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_a_weeks_last_days_still_have_dishes_for_lunch_and_dinner(table, seed):
    """Each day pays for the days of every food it uses that the days after it need (not only the foods that
    carry a goal): the default week's last days no longer run out of dishes (before: 2-5 of its 14 lunches
    and dinners built food by food, most on its last two days)."""
    plan = make_plan(Profile(), table, 7, seed=seed)
    built = [(d.index + 1, m.slot) for d in plan.days for m in d.meals if m.slot in MAIN_MEALS and not m.dish]
    assert len(built) <= 2, built


@pytest.mark.parametrize("seed", [12, 16, 19])
def test_a_day_eats_each_food_in_one_meal_whatever_its_form(table, seed):
    """Fried eggs at breakfast and scrambled eggs at lunch are eggs twice: raw and cooked forms are one food for
    the once-a-day rule, as for the week's variety (these seeds' 3-day plans had both before)."""
    plan = make_plan(Profile(), table, 3, seed=seed)
    form = dict(zip(table_arrays(table).ids, table_arrays(table).same_food, strict=True))
    role = dict(zip(table_arrays(table).ids, table_arrays(table).roles, strict=True))
    for day in plan.days:
        meals = Counter(form[it.food_id] for m in day.meals for it in m.items if role[it.food_id] != "garnish")
        assert max(meals.values()) == 1, (day.label, meals.most_common(2))
        assert day_violations(table, day, targets_for(Profile())) == []


def test_day_violations_count_two_forms_of_a_food_in_two_meals_but_not_a_garnish(table):
    def item(fid: str, grams: float) -> PlanItem:
        return PlanItem(fid, table.foods[fid].name, table.foods[fid].ndb, grams, "")

    plan = make_plan(Profile(), table, 1, seed=0)
    day = plan.days[0]
    targets = targets_for(Profile())
    assert day_violations(table, day, targets) == []
    twice = Day(0, [replace(m, items=m.items + [item("fried_egg", 46)]) if m.slot == "breakfast" else
                    replace(m, items=m.items + [item("scrambled_egg", 61)]) if m.slot == "dinner" else m
                    for m in day.meals])
    assert "a food in two meals" in day_violations(table, twice, targets)
    bare = [replace(m, items=[it for it in m.items if it.food_id not in ("lemon", "lemon_juice")]) for m in day.meals]
    lemons = Day(0, [replace(m, items=m.items + [item("lemon", 7)]) if m.slot == "breakfast" else
                     replace(m, items=m.items + [item("lemon_juice", 5)]) if m.slot == "dinner" else m
                     for m in bare])
    assert "a food in two meals" not in day_violations(table, lemons, targets)


REACHABLE_COST = 5.0   # objective units a forced dish may add to a free day (a day's food costs about 10)


@pytest.mark.slow
def test_every_dish_can_be_a_meal_of_a_real_day(table):
    """For a person who may eat every dish, each dish forced into one of its meals leaves a day that keeps
    every hard rule, misses no goal and costs at most REACHABLE_COST more than the free day: a dish that is
    never chosen is not chosen for its price or the week's variety, not because no day can hold it."""
    week = build_week(EVERYONE, table, 7, (), 3, None, None, 0)
    model = build_day(week.selection.foods, week.day_rules, day_request(week, 0, {}, {}))
    free = solve_day(model, 30, DAY_GAP, abs_gap=ABS_GAP)
    which, slots = model.dishes.dish, model.dishes.slot   # by the file's dish: a name says the week's milk
    dish_cols, no_dish = model.blocks["dish"], model.blocks["no_dish"]
    no_dish_col = dict(zip(sorted(set(slots.tolist())), range(no_dish.start, no_dish.stop), strict=True))
    unreachable = {}
    for d, dish in enumerate(dishes()):
        costs = []
        for s in sorted(set(slots[which == d].tolist())):
            upper = model.upper.copy()
            upper[dish_cols.start + np.flatnonzero((slots == s) & (which != d))] = 0
            upper[no_dish_col[s]] = 0
            day = solve_day(replace(model, upper=upper), 30, DAY_GAP, abs_gap=ABS_GAP)
            # a goal missed by under one unit (0.06 mg of calcium, within the day's gap) is not shown, nor missed
            if day.objective is not None and not any(v >= 1.0 for v in day.slack.values()):
                costs.append(day.objective - free.objective)
                if costs[-1] <= REACHABLE_COST:
                    break   # one meal that holds it is enough
        if not costs or min(costs) > REACHABLE_COST:
            unreachable[dish.name] = min(costs, default=float("inf"))
    assert not unreachable, unreachable


def test_the_realism_checks_judge_every_target_of_the_issue():
    good = Realism(7, 7, 7, 14, 14, 0, 0, (250.0, 600.0), (0.0, 400.0), 38, 0.8, 40, 0.8)
    assert all(c.ok for c in checks(good, identical=True)) and len(checks(good, identical=True)) == 12
    assert len(checks(good)) == 11                      # without two runs, no verdict on them
    bad = replace(good, days_energy_on_target=6, vegetable_grams=(240.0, 600.0), fruit_grams=(0.0, 420.0),
                  distinct_foods=46, shopping_rows=46, dish_share=0.5, bought_eaten_share=0.7, meals_over_one=1)
    failed = {c.name for c in checks(bad, identical=False) if not c.ok}
    assert failed == {"days within ±5 % of the energy target", "vegetables, g per day (min-max)",
                      "fruit, g per day (min-max)", "distinct foods (raw and cooked as one)", "shopping rows",
                      "meals that are named dishes", "share of the perishable bought grams eaten",
                      "meals with > 1 starch, milk, legume or main protein food", "two runs give the same plan"}


def test_a_plans_realism_counts_its_shopping_list(table):
    profile = Profile(sex="female", age=25)
    plan = make_plan(profile, table, 2, seed=1)
    r = realism(plan, table, profile, targets_for(profile))
    shopping = shopping_list(plan, table)
    assert r.shopping_rows == len(shopping.items)
    assert r.bought_eaten_share == pytest.approx(shopping.perishable_eaten_share)   # oil and honey keep for later


README = Path(__file__).resolve().parents[1] / "README.md"
README_WEEK = re.compile(r"Day 1 of\s+`mineral-planner (plan [^`]+)`:\n```\n(== Day 1 ==\n.*?)```", re.S)


@pytest.mark.slow
def test_the_readmes_example_day_is_a_real_runs_output(capsys):
    """The README shows Day 1 of a real week as dishes: the command beside it prints exactly that day."""
    found = README_WEEK.search(README.read_text(encoding="utf-8"))
    assert found, "the README's example week (Day 1 of `mineral-planner plan ...`) is missing"
    command, shown = found.groups()
    assert cli_main(shlex.split(command)) == 0
    out = capsys.readouterr().out
    day1 = out[out.index("== Day 1 ==\n"):out.index("== Day 2 ==\n")]
    assert shown == day1, ("README's Day 1 is not what the command prints now; paste this in:\n" + day1)
    assert re.search(r"^  (Breakfast|Lunch|Dinner): \S", shown, re.M), "the example day names its dishes"


def test_the_readme_counts_the_dishes_there_are():
    assert f"names {len(dishes())} dishes" in " ".join(README.read_text(encoding="utf-8").split())


def test_under_a_potassium_limit_the_low_potassium_staples_are_daily_fare(table):
    """A renal diet is built on rice, pasta and bread every day; used up after 3 days like other foods, they left a
    kidney week with a 2,000 mg limit its later days made of what was left (51 % of meals named dishes, 62 % of
    bought grams eaten). Without a potassium limit, starches are used up after 3 days like any food."""
    kidney = Profile(sex="female", age=60, exclude=["lactose"], conditions=["kidney_disease"],
                     targets={"potassium_mg": {"max": 2000}})
    for profile, daily in ((kidney, True), (EVERYONE, False)):
        week = build_week(profile, table, 7, (), 3, None, None, 0)
        rice, lunch = week.ids.index("rice"), week.slots.index("lunch")
        three_days = {d: {(rice, lunch): 1} for d in range(3)}
        banned = day_request(week, 3, three_days, {}).banned_foods
        assert banned[rice] != daily
