"""Invariants of plans over random valid profiles: every day keeps every hard rule, totals are the items'
sums, a goal not reported short is met, a goal shared unevenly across the days is explained, a pregnancy
week's seafood stays within the advice, and nothing the profile rules out ever appears."""

from __future__ import annotations

import math

import pytest
from conftest import examples
from hypothesis import given
from hypothesis import strategies as st

from planner import optimise as M
from planner.optimise import day_violations, make_plan
from planner.plan import day_totals, plan_to_dict
from planner.profile import ACTIVITIES, DIETS, Profile, excluded_tags, required_diet_tag
from planner.render import nutrient_word
from planner.rules import rules
from planner.targets import targets_for

ALLERGENS = ["lactose", "gluten", "tree_nuts", "peanuts", "fish", "shellfish", "egg"]
SOME_FOODS = ["banana", "almonds", "lentils", "milk", "spinach_cooked", "salmon", "buckwheat", "potato_baked",
              "kefir", "oatmeal", "yogurt", "white_beans", "sesame_seeds", "dried_apricots"]
CONDITIONS = ["kidney_disease", "heart_failure", "ace_inhibitor", "nsaid", "thiazide_diuretic", "loop_diuretic"]


@st.composite
def profiles(draw) -> Profile:
    sex = draw(st.sampled_from(["female", "male"]))
    age = draw(st.integers(19, 85))
    state = draw(st.sampled_from([None, "trimester1", "trimester2", "trimester3", "lactation"])) \
        if sex == "female" and age <= 50 else None
    foods = draw(st.lists(st.sampled_from(SOME_FOODS), max_size=4, unique=True))
    split = draw(st.integers(0, len(foods)))
    return Profile(
        sex=sex, age=age, pregnancy=state if state and state != "lactation" else None,
        lactation=state == "lactation",
        weight_kg=draw(st.none() | st.floats(45, 120).map(lambda x: round(x, 1))),
        height_cm=draw(st.none() | st.floats(150, 195).map(lambda x: round(x, 1))),
        activity=draw(st.sampled_from(ACTIVITIES)), diet=draw(st.sampled_from(DIETS)),
        exclude=draw(st.lists(st.sampled_from(ALLERGENS), max_size=2, unique=True)) + foods[:split],
        dislike=foods[split:], like=draw(st.lists(st.sampled_from(SOME_FOODS), max_size=2, unique=True)),
        conditions=draw(st.lists(st.sampled_from(CONDITIONS), max_size=2, unique=True)))


@pytest.mark.slow
@examples(0.5)
@given(profile=profiles(), days=st.integers(1, 3))
def test_random_profiles_get_plans_that_keep_every_rule(table, profile, days):
    plan = make_plan(profile, table, days, time_limit=60.0)
    targets = targets_for(profile)
    if plan.status.status in ("failed", "infeasible"):   # then it says why, and never as a bare "no plan"
        assert any("solver failed" in n or "hard rules" in n for n in plan.notes)
        return
    ruled_out_tags = excluded_tags(profile)
    diet = required_diet_tag(profile)
    data = plan_to_dict(plan, table)
    eased_variety = any("variety rules allow" in n for n in plan.notes)
    days_of: dict[str, int] = {}
    for day, day_json in zip(plan.days, data["days"], strict=True):
        assert day_violations(table, day, targets) == [], day.label
        values = day_totals(table, day).values
        # totals are the items' sums, recomputed from the table
        for name in ("calcium_mg", "magnesium_mg", "potassium_mg", "sodium_mg", "energy_kcal"):
            by_hand = sum(table.get(it.food_id).nutrients[name] * it.grams / 100 for it in day.items())
            assert math.isclose(values[name], by_hand, rel_tol=1e-9, abs_tol=1e-9)
            assert math.isclose(day_json["totals"][name], round(by_hand, 2), abs_tol=0.011)
        # a goal not reported short is met; a reported one is short by what it says
        short = {s.nutrient: s for s in plan.shortfalls if s.day == day.index}
        for name, t in targets.items.items():
            if not (t.goal and t.min):
                continue
            if name in short:
                assert math.isclose(short[name].achieved, values[name]) and values[name] < t.min
            else:
                assert values[name] >= t.min * (1 - M.SHORTFALL_TOLERANCE), (day.label, name)
        for it in day.items():
            food = table.get(it.food_id)
            assert it.food_id not in profile.exclude and it.food_id not in profile.dislike
            assert not food.tags & ruled_out_tags and not food.limit
            assert diet is None or diet in food.tags
        for fid in {it.food_id for it in day.items()}:
            days_of[fid] = days_of.get(fid, 0) + 1
    if not eased_variety and days_of:
        assert max(days_of.values()) <= M.DEFAULT_MAX_DAYS_PER_FOOD
    if not targets.push_potassium:
        assert "potassium_mg" not in {s.nutrient for s in plan.shortfalls}
    # a goal shared unevenly (one day short, another over by more than that) is explained in the notes
    goals = {k: t.min for k, t in targets.items.items() if t.goal and t.min}
    for u in M.uneven_goals(table, plan.days, goals):
        assert any(n.startswith(f"{nutrient_word(u.nutrient).capitalize()}: Day {u.short_day + 1} is")
                   for n in plan.notes), u
    # pregnancy: the week's seafood within the advice's most, scaled to the plan's length
    seafood = rules()["pregnancy"].get("seafood_g_per_week")
    if profile.pregnant and seafood and not any(it.locked for it in plan.items()):
        tags = set(rules()["pregnancy"]["seafood_tags"])
        grams = sum(it.grams for it in plan.items() if tags & table.get(it.food_id).tags)
        assert grams <= seafood[1] * days / 7 + 0.5
