"""The one rule of which foods a profile may eat, shared by the planner, the day check and the pickers."""

from __future__ import annotations

import pytest

from planner.eligibility import eligible_ids, eligible_mask, words_to_foods
from planner.errors import PlannerError
from planner.optimise.candidates import select_foods
from planner.profile import Profile
from planner.targets import targets_for


def test_every_planned_food_is_eligible_and_eligibility_is_the_planners_rule(table):
    for profile in (Profile(), Profile(sex="female", age=30, pregnancy="trimester2"), Profile(diet="vegan"),
                    Profile(exclude=["lactose", "salmon"], dislike=["spinach"])):
        targets = targets_for(profile)
        planned = set(select_foods(profile, table, targets).foods.ids)
        allowed = eligible_ids(profile, table, targets)
        assert planned and planned <= allowed


def test_pregnancy_diet_allergens_words_and_limit_foods_are_not_eligible(table):
    frame = table.frame
    pregnant = eligible_ids(Profile(sex="female", age=30, pregnancy="trimester2"), table)
    liver = set(frame.loc[frame["tags"].fillna("").str.contains("liver"), "id"])
    assert liver and not liver & pregnant
    vegan = eligible_ids(Profile(diet="vegan"), table)
    assert not vegan - set(frame.loc[frame["tags"].fillna("").str.contains("vegan"), "id"])
    limited = set(frame.loc[frame["limit"].fillna(0).astype(int) == 1, "id"])
    assert limited and not limited & eligible_ids(Profile(), table)
    salmon, _ = words_to_foods(table, ["salmon"], "exclude")
    assert salmon and not salmon & eligible_ids(Profile(dislike=["salmon"]), table)
    mask = eligible_mask(Profile(), table)
    assert mask.dtype == bool and len(mask) == len(frame)


def test_a_word_that_matches_nothing_is_an_error_naming_the_field(table):
    with pytest.raises(PlannerError, match="profile field 'exclude'"):
        eligible_ids(Profile(exclude=["xqzzy"]), table)
