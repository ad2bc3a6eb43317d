"""One rule for who may eat what (planner.eligibility), asked by the day check's suggestions, the dashboard's
pickers and the Foods page: a food a profile excludes, by id or by a plain word, is never suggested or planned."""

from __future__ import annotations

import re

import pytest
from conftest import examples
from hypothesis import given
from hypothesis import strategies as st
from test_dashboard import open_app, texts

from foods.intake import parse_text
from planner.check import allowed_foods, check_day
from planner.eligibility import eligible_ids, words_to_foods
from planner.optimise import make_plan
from planner.profile import Profile
from planner.store import Store
from planner.targets import targets_for

LOW_DAY = "1 cup white rice\n1 slice white bread"        # far below every mineral target: suggestions follow


def excluded_by(word: str, food) -> bool:
    """What a person means by excluding `word`: the food's id, or the word in its name."""
    return food.id == word or re.search(rf"\b{re.escape(word)}\b", food.name.lower()) is not None


def excluded_ids(table, words) -> set[str]:
    """The foods the rule itself reads the words as (planner.eligibility.words_to_foods)."""
    return words_to_foods(table, list(words), "exclude")[0]


@pytest.mark.parametrize(("word", "food_id"), [("potato", "potato_baked"), ("chard", "swiss_chard")])
def test_the_day_check_never_suggests_a_food_excluded_by_a_plain_word(table, word, food_id):
    profile = Profile(exclude=[word])
    assert food_id not in allowed_foods(profile, targets_for(profile), table).index
    report = check_day(parse_text(LOW_DAY, table), profile, table)
    assert report.suggestions, "a day this poor gets suggestions"
    assert food_id not in {s.food_id for s in report.suggestions}
    assert not [s.food_id for s in report.suggestions if excluded_by(word, table.get(s.food_id))]


WORDS = ("potato", "chard", "milk", "banana", "almonds", "yogurt", "spinach", "beans", "salmon", "oatmeal")


@pytest.mark.slow
@examples(0.5)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True),
       diet=st.sampled_from(["omnivore", "vegetarian", "vegan"]), seed=st.integers(0, 50))
def test_no_suggested_or_planned_food_is_one_the_profile_excludes(table, words, diet, seed):
    profile = Profile(diet=diet, exclude=list(words))
    report = check_day(parse_text(LOW_DAY, table), profile, table)
    plan = make_plan(profile, table, days=1, time_limit=2, seed=seed)
    foods = [table.get(s.food_id) for s in report.suggestions] + [table.get(it.food_id) for it in plan.items()]
    out = excluded_ids(table, words)
    for food in foods:
        assert food.id not in out, (food.id, words)
        assert not any(excluded_by(w, food) for w in words), (food.id, words)
        assert diet == "omnivore" or diet in food.tags, (food.id, diet)
        assert not food.limit, food.id


def test_excluding_a_word_that_is_also_an_id_keeps_every_food_of_that_name_out(table):
    assert {"yogurt", "greek_yogurt"} <= excluded_ids(table, ["yogurt"])
    assert not eligible_ids(Profile(exclude=["yogurt"]), table) & {"yogurt", "greek_yogurt"}
    milk = excluded_ids(table, ["milk"])
    assert {f.id for f in table if excluded_by("milk", f)} <= milk


# --- the dashboard asks the same rule -------------------------------------------------------------------------

def test_foods_you_like_offers_a_vegan_no_milk_chocolate_and_nothing_non_vegan(table):
    Store().save_profile("me", Profile(diet="vegan").to_dict())
    at = open_app()
    offered = set(at.multiselect(key="pf_like").options)
    names = {f.name: f for f in table}
    assert table.get("milk_chocolate").name not in offered
    assert table.get("dark_chocolate").name not in offered           # vegan, but a food the articles say to limit
    assert offered and all("vegan" in names[n].tags and not names[n].limit for n in offered)
    assert table.get("banana").name in offered


def test_the_foods_page_shows_only_what_the_profile_may_eat_and_says_why(table):
    Store().save_profile("me", Profile(exclude=["potato"]).to_dict())
    at = open_app("views/foods.py")
    at.text_input(key="foods_query").set_value("baked potato")
    at.run()
    shown = set(at.dataframe[0].value["Food"]) if at.dataframe else set()
    assert table.get("potato_baked").name not in shown
    assert any("your profile leaves them out" in w for w in texts(at.warning)) or shown
    at.toggle(key="foods_for_profile").set_value(False)
    at.run()
    assert table.get("potato_baked").name in set(at.dataframe[0].value["Food"])
