"""Invariants of the meals a plan holds (issue 10): every meal is a named dish or follows a pattern of its
slot, at most one starch, milk, legume and main protein food per meal, every day within ±5 % of the energy
target, protein floors kept (or said), food-group amounts per day, and the same seed gives the same plan."""

from __future__ import annotations

import json

import pytest
from conftest import examples
from hypothesis import given
from hypothesis import strategies as st

from planner.optimise import day_violations, make_plan
from planner.optimise.realism import realism
from planner.plan import plan_to_dict
from planner.profile import Profile
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
@given(profile=profiles(), seed=st.integers(0, 50))
def test_meals_are_dishes_or_patterns_with_energy_and_protein_on_target(table, profile, seed):
    plan = make_plan(profile, table, 2, seed=seed, time_limit=120)
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
        again = make_plan(profile, table, 2, seed=seed, time_limit=120)
        assert _json(again, table) == _json(plan, table)
    for day in plan.days:
        for meal in day.meals:
            if meal.dish:
                assert meal.items
            assert not any(it.food_id in ("water", "green_tea", "black_tea", "coffee") for it in meal.items)
