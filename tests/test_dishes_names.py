"""A dish's name stays true to what is served (issue 10): servings grow and shrink with the energy target
(0.75-2x), so a name states no count or vessel the served amounts contradict ("A banana or two" served as
3 bananas, "A glass of milk" as 1 1/2 cups), and where the week's milk stands in for "milk" the name says
which milk it is."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.optimise import day_rules_for
from planner.optimise.candidates import dishes, select_foods
from planner.optimise.day import SERVING_SCALE, DayRequest, dish_options
from planner.profile import Profile
from planner.targets import targets_for

EVERYONE = Profile(sex="female", age=40)   # may eat every dish ingredient
VEGAN = Profile(sex="male", age=25, diet="vegan")
KIDNEY = Profile(sex="female", age=60, exclude=["lactose"], conditions=["kidney_disease"],
                 targets={"potassium_mg": {"max": 2000}})
MEASURES = ("cup", "oz", "tbsp", "tsp", "fl", "slice", "container", "can")   # portion labels that are no piece
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
VESSEL = re.compile(r"\b(glass|glasses|cup|cups|mug|mugs|bowl|bowls|slice|slices|handful|handfuls|plate|plates)"
                    r"\s+of\b", re.IGNORECASE)
VAGUE = re.compile(r"\b(few|couple|several|or two|or three|\d+)\b", re.IGNORECASE)
COUNTED = re.compile(r"\b(a|an|one|two|three|four)\s+(?:\w+\s+)?(\w+)", re.IGNORECASE)


def count_problems(name: str, pieces: dict[str, float]) -> list[str]:
    """What in `name` states a count the served `pieces` (noun -> how many served) contradict: a vessel
    (its size is not what is served), a vague count, or "a/an/one/two X" where X is served another number
    of times."""
    problems = [f"names a vessel: {m.group(0)!r}" for m in VESSEL.finditer(name)]
    problems += [f"states a count no serving keeps: {m.group(0)!r}" for m in VAGUE.finditer(name)]
    for m in COUNTED.finditer(name):
        noun = m.group(2).lower()
        served = pieces.get(noun, pieces.get(noun.rstrip("s")))
        if served is not None and abs(served - NUMBERS[m.group(1).lower()]) > 0.25:
            problems.append(f"says {m.group(0)!r}, serves {served:g}")
    return problems


def _piece_nouns(table) -> dict[str, str]:
    """Food id -> the noun one of its pieces is called (banana, egg), for foods portioned as pieces."""
    frame = table.frame.set_index("id")
    out = {}
    for fid in {f for d in dishes() for f in d.ingredients}:
        label = str(frame.loc[fid, "portion_label"]).split()
        if label and label[0] not in MEASURES:
            out[fid] = label[-1].lower()
    return out


def _offered(profile: Profile, table, scale: float = 1.0, request: DayRequest | None = None):
    targets = targets_for(profile)
    foods = select_foods(profile, table, targets).foods
    rules = replace(day_rules_for(targets, profile), energy_target=dishes()[0].written_for_kcal * scale)
    return foods, dish_options(foods, rules, request or DayRequest(np.zeros(1)))


def test_the_count_check_catches_the_names_that_scaling_broke():
    """The check is not vacuous: the old names fail where scaling changed what they say."""
    assert count_problems("A banana or two", {"banana": 3})
    assert count_problems("A glass of milk and a banana", {"banana": 1})        # the vessel
    assert count_problems("Milk and a banana", {"banana": 2})
    assert count_problems("An orange and a few hazelnuts", {"orange": 1})
    assert not count_problems("Milk and a banana", {"banana": 1})
    assert not count_problems("Salmon rice bowl with cucumber", {})             # a bowl as a kind of dish
    assert not count_problems("Oatmeal with milk and banana", {"banana": 2})


@settings(max_examples=12, deadline=None)
@given(scale=st.floats(*SERVING_SCALE))
def test_no_served_dish_name_states_a_count_its_amounts_contradict(table, scale):
    """Every dish, at every energy target the serving scale reaches, in every serving it is offered in."""
    foods, options = _offered(EVERYONE, table, scale)
    nouns = _piece_nouns(table)
    portion = {fid: table.get(fid).portion_grams for fid in nouns}
    wrong = {}
    for j, name in enumerate(options.names):
        pieces = {}
        for f, steps in options.items(j).items():
            fid = foods.ids[f]
            if fid in nouns:
                pieces[nouns[fid]] = pieces.get(nouns[fid], 0.0) + foods.step_grams[f] * steps / portion[fid]
        problems = count_problems(name, pieces)
        if problems:
            wrong[name] = problems
    assert not wrong, wrong


@pytest.mark.parametrize("dish", dishes(), ids=lambda d: d.name)
def test_every_dish_name_is_free_of_vessels_and_vague_counts(dish):
    assert not VESSEL.search(dish.name) and not VAGUE.search(dish.name), dish.name


@pytest.mark.parametrize("profile, milk", [(EVERYONE, "milk"), (VEGAN, "soy_milk"), (VEGAN, "almond_milk"),
                                           (KIDNEY, "almond_milk")])
def test_a_dishs_name_says_the_milk_it_is_served_with(table, profile, milk):
    """The week's milk stands in for a dish's "milk": a vegan's oatmeal is "Oatmeal with soy milk and
    banana", a lactose-free kidney patient's warm milk is almond milk; cow's 2 % milk stays "milk"."""
    targets = targets_for(profile)
    foods = select_foods(profile, table, targets).foods
    milks = {fid for fid, base in zip(foods.ids, foods.same_food, strict=True) if base == "milk"}
    banned = np.array([fid in milks and fid != milk for fid in foods.ids])
    _, options = _offered(profile, table, request=DayRequest(np.zeros(1), banned_foods=banned))
    words = {"milk": "milk", "soy_milk": "soy milk", "almond_milk": "almond milk"}
    said = 0
    for j, name in enumerate(options.names):
        written = dishes()[options.dish[j]].name
        served = {foods.ids[f] for f in options.items(j)}
        if "milk" in dishes()[options.dish[j]].ingredients and milk in served and re.search(r"\bmilk\b", written, re.I):
            assert re.search(rf"\b{words[milk]}\b", name, re.IGNORECASE), (written, name, milk)
            said += 1
        others = [w for m, w in words.items() if m != milk and m != "milk"]
        assert not any(re.search(rf"\b{w}\b", name, re.IGNORECASE) for w in others), (name, milk)
    assert said >= 10
    if milk != "milk":
        assert "Oatmeal with milk and banana" not in options.names
