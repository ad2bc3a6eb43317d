"""Days planned in turn cannot see the days after them: a week's last days are planned again knowing every
other day, and a thorough week plans every day again, over every food and dish that could make it better
(planner.optimise.week._polish); a meal built food by food for want of a food other days used up becomes a dish
when one of those days gives it up (_free_dishes); a food eaten on one day only is left out of that day when the
week does better without it (_fewer_foods). A day planned again is kept only when the week's own measure
falls, so none of them ever makes a week worse, and all keep every rule, lock and budget."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from test_planner import rides_along_ids

from planner.optimise import Lock, day_violations, make_plan, week
from planner.optimise.realism import BOUGHT_EATEN_MIN, checks, distinct_foods, realism
from planner.optimise.verify import week_objective
from planner.plan import plan_to_dict
from planner.profile import Profile, profile_from_dict
from planner.shopping import shopping_list
from planner.targets import targets_for


def _json(plan, table) -> str:
    data = plan_to_dict(plan, table)
    data.pop("status")
    return json.dumps(data, sort_keys=True)


def _rules_kept(plan, table, profile) -> None:
    targets = targets_for(profile)
    for day in plan.days:
        assert day_violations(table, day, targets) == []
    # no meal the next day again, nor a day's foods twice: herbs, garnishes and cooking fats do not make one new
    rides_along = rides_along_ids(table)
    meals = [{m.slot: frozenset(it.food_id for it in m.items) - rides_along for m in d.meals} for d in plan.days]
    for today, tomorrow in zip(meals, meals[1:], strict=False):
        assert not [slot for slot, foods in today.items() if foods and foods == tomorrow.get(slot)]
    days = [frozenset().union(*day.values()) for day in meals]   # a day's foods, whichever meal holds each
    assert len(set(days)) == len(days)
    failed = [c for c in checks(realism(plan, table, profile, targets), identical=True) if not c.ok]
    assert failed == []


@pytest.mark.slow
def test_the_last_days_planned_again_never_make_a_week_worse(table, monkeypatch):
    better = 0
    monkeypatch.setattr(week, "DISH_MOVES", 0)   # they plan earlier days again: test_dish_moves
    monkeypatch.setattr(week, "FOOD_DROPS", 0)   # and test_food_drops
    for seed in range(3):
        polished = make_plan(Profile(), table, 7, seed=seed)
        with monkeypatch.context() as patch:
            patch.setattr(week, "POLISH_DAYS", 0)
            in_turn = make_plan(Profile(), table, 7, seed=seed)
        assert week_objective(polished, table) <= week_objective(in_turn, table) + 1e-9
        better += week_objective(polished, table) < week_objective(in_turn, table) - 0.1
        _rules_kept(polished, table, Profile())
        # only the last POLISH_DAYS days may differ
        assert polished.days[:7 - week.POLISH_DAYS] == in_turn.days[:7 - week.POLISH_DAYS]
    assert better >= 1


@pytest.mark.slow
def test_a_thorough_week_is_better_keeps_every_rule_and_is_the_same_every_run(table):
    profile = Profile()
    fast = make_plan(profile, table, 7, seed=0)
    thorough = make_plan(profile, table, 7, seed=0, thorough=True)
    # measured: 80.43 -> 79.27 for this seed (the best whole-week reference week known: 77.93)
    assert week_objective(thorough, table) < 0.99 * week_objective(fast, table)
    _rules_kept(thorough, table, profile)
    assert not thorough.shortfalls
    assert _json(make_plan(profile, table, 7, seed=0, thorough=True), table) == _json(thorough, table)


@pytest.mark.slow
def test_a_thorough_week_is_never_worse_than_the_fast_week_of_its_seed(table):
    """It is the best of THOROUGH_STARTS weeks, the seed's own fast week first, then polished (measured, vegan
    seed 1: 99.15 fast, 95.15 thorough; the earlier thorough search, every day planned again twice over every food
    and dish, reached 94.53 there but was worse than its own fast week on other seeds)."""
    profile = Profile(diet="vegan")
    fast = make_plan(profile, table, 7, seed=1)
    thorough = make_plan(profile, table, 7, seed=1, thorough=True)
    assert week_objective(thorough, table) < week_objective(fast, table) - 1.0
    _rules_kept(thorough, table, profile)


def test_a_thorough_week_says_so_when_its_safety_cap_stops_it_early(table, monkeypatch):
    """Its starts stop at deterministic work limits; wall-clock is only a safety cap, and a plan cut by it says so
    (a busy machine could then give another week). Here the clock jumps past the cap after the first start."""
    clock = {"jump": 0.0}
    real = week.time.perf_counter
    searched = week._search_week

    def search_then_jump(*args, **kwargs):
        result = searched(*args, **kwargs)
        clock["jump"] = 1e6
        return result

    monkeypatch.setattr(week, "time", SimpleNamespace(perf_counter=lambda: real() + clock["jump"]))
    monkeypatch.setattr(week, "_search_week", search_then_jump)
    plan = make_plan(Profile(), table, 2, seed=0, thorough=True)
    assert f"stopped after 1 of its {week.THOROUGH_STARTS} starts" in " ".join(plan.notes)
    assert len(plan.days) == 2 and all(day.meals for day in plan.days)


@pytest.mark.slow
def test_a_thorough_week_brings_no_meal_back_the_next_day_with_a_spoon_of_oil_added(table):
    """Found in seed 2's thorough week: Saturday's pasta with sardines and peas came back on Sunday, the one told
    apart from the other by a tablespoon of olive oil."""
    _rules_kept(make_plan(Profile(), table, 7, seed=2, thorough=True), table, Profile())


def _money(plan, table, prices) -> float:
    return sum(prices[it.food_id] / 1000 * table.get(it.food_id).bought_grams(it.grams) for it in plan.items())


@pytest.mark.slow
def test_a_thorough_week_keeps_its_locks_and_its_budget(table):
    prices = {f.id: 4.0 + (sum(map(ord, f.id)) % 17) for f in table}
    prices.update({"lentils": 1.0, "potato_baked": 0.8, "milk": 0.9, "oatmeal": 1.2})
    profile = Profile(sex="female", age=66)
    locks = [Lock(0, "dinner", "salmon"), Lock(2, "breakfast", "oatmeal")]
    cheap = make_plan(profile, table, 3, prices=prices, locks=locks)
    budget = _money(cheap, table, prices) * 7 / 3 * 1.05
    plan = make_plan(profile, table, 3, prices=prices, weekly_budget=budget, locks=locks, thorough=True)
    assert _money(plan, table, prices) <= budget * 3 / 7 + 1e-6
    assert "salmon" in [it.food_id for it in plan.days[0].meal("dinner").items]
    assert "oatmeal" in [it.food_id for it in plan.days[2].meal("breakfast").items]
    assert week_objective(plan, table, prices) <= week_objective(
        make_plan(profile, table, 3, prices=prices, weekly_budget=budget, locks=locks), table, prices) + 1e-9
    targets = targets_for(profile)
    assert all(day_violations(table, day, targets) == [] for day in plan.days)


def test_a_thorough_single_day_is_planned_again_too(table):
    """A one-day plan has no other days to learn from, but its thorough search still drops the day's chance part
    and looks over every food and dish that could beat its plan (measured: 15.60 -> 15.21)."""
    fast = make_plan(Profile(), table, 1, seed=0)
    thorough = make_plan(Profile(), table, 1, seed=0, thorough=True)
    assert week_objective(thorough, table) < week_objective(fast, table) - 0.1
    assert day_violations(table, thorough.days[0], targets_for(Profile())) == []
    assert all(meal.dish for meal in thorough.days[0].meals)


@pytest.mark.slow
def test_a_meal_short_of_a_used_up_food_becomes_a_dish_when_another_day_gives_it_up(table, monkeypatch):
    # the default week, seed 4: brown rice on days 1, 2 and 4 left day 7's lunch no dish; day 1 gives it up
    monkeypatch.setattr(week, "FOOD_DROPS", 0)   # they plan other days again: test_food_drops
    moved = make_plan(Profile(), table, 7, seed=4)
    with monkeypatch.context() as patch:
        patch.setattr(week, "DISH_MOVES", 0)
        kept = make_plan(Profile(), table, 7, seed=4)
    assert not kept.days[6].meal("lunch").dish
    assert moved.days[6].meal("lunch").dish
    assert week_objective(moved, table) < week_objective(kept, table) - 1.0   # a dish is worth 2.5
    changed = [d for d in range(7) if moved.days[d] != kept.days[d]]
    assert len(changed) == 2 and 6 in changed
    _rules_kept(moved, table, Profile())
    assert _json(make_plan(Profile(), table, 7, seed=4), table) == _json(moved, table)


KIDNEY = profile_from_dict({"sex": "female", "age": 58, "weight_kg": 70, "height_cm": 162, "activity": "light",
                           "exclude": ["lactose", "walnuts"], "conditions": ["kidney_disease"],
                           "targets": {"potassium_mg": {"max": 2000}}})   # the README's profile file


@pytest.mark.slow
@pytest.mark.parametrize(("profile", "seeds"), [(Profile(sex="female", age=30, pregnancy="trimester2"), (0, 4)),
                                               (Profile(diet="vegan"), (0, 4)),
                                               # its perishable eaten share fell from 75 % to 72 % before the guard
                                               (KIDNEY, (2,))], ids=["pregnant", "vegan", "kidney"])
def test_dish_moves_never_make_a_week_worse_nor_leave_more_half_used_packs(table, monkeypatch, profile, seeds):
    for seed in seeds:
        moved = make_plan(profile, table, 7, seed=seed)
        with monkeypatch.context() as patch:
            patch.setattr(week, "DISH_MOVES", 0)
            kept = make_plan(profile, table, 7, seed=seed)
        assert week_objective(moved, table) <= week_objective(kept, table) + 1e-9
        _rules_kept(moved, table, profile)


@pytest.mark.slow
def test_a_food_eaten_on_one_day_only_is_left_out_when_the_week_does_better_without_it(table, monkeypatch):
    # the default week, seed 0: planned in turn, it brings in 40 foods, 10 of them for one day; measured 82.12 ->
    # 80.43 and 36 foods, days 2 and 7 planned again
    dropped = make_plan(Profile(), table, 7, seed=0)
    with monkeypatch.context() as patch:
        patch.setattr(week, "FOOD_DROPS", 0)
        kept = make_plan(Profile(), table, 7, seed=0)
    assert distinct_foods(dropped, table) <= distinct_foods(kept, table) - 2
    assert week_objective(dropped, table) < week_objective(kept, table) - 1.0
    changed = [d for d in range(7) if dropped.days[d] != kept.days[d]]
    assert 1 <= len(changed) <= week.FOOD_DROPS
    _rules_kept(dropped, table, Profile())
    assert _json(make_plan(Profile(), table, 7, seed=0), table) == _json(dropped, table)


@pytest.mark.slow
@pytest.mark.parametrize(("profile", "seed"), [(Profile(sex="female", age=30, pregnancy="trimester2"), 1),
                                              (Profile(diet="vegan"), 0), (KIDNEY, 2)],
                         ids=["pregnant", "vegan", "kidney"])
def test_food_drops_never_make_a_week_worse_nor_leave_more_half_used_packs(table, monkeypatch, profile, seed):
    dropped = make_plan(profile, table, 7, seed=seed)
    with monkeypatch.context() as patch:
        patch.setattr(week, "FOOD_DROPS", 0)
        kept = make_plan(profile, table, 7, seed=seed)
    assert week_objective(dropped, table) <= week_objective(kept, table) + 1e-9
    share = shopping_list(dropped, table).perishable_eaten_share or 1.0
    before = shopping_list(kept, table).perishable_eaten_share or 1.0
    assert share >= min(before, BOUGHT_EATEN_MIN) - 1e-9
    _rules_kept(dropped, table, profile)


def test_a_locked_food_eaten_on_one_day_is_never_dropped(table):
    plan = make_plan(Profile(), table, 3, seed=0, locks=[Lock(1, "dinner", "salmon")])
    assert "salmon" in [it.food_id for it in plan.days[1].meal("dinner").items]
