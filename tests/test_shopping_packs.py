"""Few half-used packs: long-keeping goods are reported apart on the shopping list, and the optimiser finishes the
packs a week opens (planner.shopping.opened_left, planner.optimise.context.opened_pack_savings)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace

import numpy as np
import pytest
from conftest import plan_item as item
from conftest import random_plans
from hypothesis import given

import planner.optimise.context as context
from foods import load_table
from planner.optimise import make_plan
from planner.optimise.context import Lock, build_week, day_pairs, opened_pack_savings
from planner.plan import Day, Meal, Plan
from planner.profile import Profile
from planner.rules import DATA_DIR
from planner.shopping import buy_rules, eaten_by_food, opened_left, shopping_list


def plan_of(table, days: list[dict[str, list[tuple[str, float]]]]) -> Plan:
    """[{slot: [(food_id, steps), ...]}, ...] -> Plan, one dict per day."""
    return Plan([Day(i, [Meal(slot, [item(table, f, s) for f, s in foods]) for slot, foods in d.items()])
                 for i, d in enumerate(days)])


# --- long-keeping goods on the list ----------------------------------------------------------------------

def test_an_opened_bottle_of_oil_is_left_for_later_not_counted_as_waste(table):
    plan = plan_of(table, [{"breakfast": [("milk", 4)], "dinner": [("olive_oil", 1)]}] * 4)   # 4 cups = 1 carton
    sl = shopping_list(plan, table)
    by_id = {i.food_id: i for i in sl.items}
    oil, milk = by_id["olive_oil"], by_id["milk"]
    assert oil.keeps and not milk.keeps
    assert oil.eaten_share < 0.5 and oil not in sl.left_over          # mostly left, but it keeps: not "left over"
    assert sl.perishable == [milk] and sl.kept_for_later == [oil]
    assert sl.perishable_bought_grams == pytest.approx(milk.buy_grams)
    assert sl.perishable_eaten_share == pytest.approx(milk.needed_grams / milk.buy_grams)
    assert sl.eaten_share < sl.perishable_eaten_share                # the old measure, all goods, stays as it was
    text = sl.to_text()
    assert f"Eaten: {sl.perishable_eaten_share * 100:.0f} % of the perishable bought weight" in text
    assert "Left for later (keeps for months once opened): Olive oil (~" in text
    assert "mostly left over" not in text


def test_the_json_adds_the_perishable_share_and_keeps_the_old_fields(table):
    plan = plan_of(table, [{"breakfast": [("kefir", 1), ("honey", 1)], "lunch": [("lentils", 2)]}])
    data = json.loads(json.dumps(shopping_list(plan, table).to_dict()))
    for key in ("items", "bought_grams", "eaten_share", "perishable_bought_grams", "perishable_eaten_share",
                "kept_for_later"):
        assert key in data
    keeps = {i["food_id"]: i["keeps"] for i in data["items"]}
    assert keeps == {"kefir": False, "honey": True, "lentils": True}
    assert sorted(data["kept_for_later"]) == ["honey", "lentils"]
    kefir = next(i for i in data["items"] if i["food_id"] == "kefir")
    assert data["perishable_bought_grams"] == pytest.approx(kefir["buy_grams"], abs=0.1)
    assert data["perishable_eaten_share"] == pytest.approx(kefir["eaten_share"], abs=0.001)
    everything = sum(i["needed_grams"] for i in data["items"]) / sum(i["buy_grams"] for i in data["items"])
    assert data["eaten_share"] == pytest.approx(everything, abs=0.002)   # all goods, as before


def test_only_long_keeping_goods_leave_no_perishable_share(table):
    sl = shopping_list(plan_of(table, [{"dinner": [("olive_oil", 1)]}]), table)
    assert sl.perishable_eaten_share is None and sl.to_dict()["perishable_eaten_share"] is None
    assert sl.eaten_text().startswith("Left for later")


def test_the_keeping_forms_are_bought_forms_of_the_table_and_not_fresh_ones(table):
    with open(DATA_DIR / "aisles.toml", "rb") as fh:
        keeps = tomllib.load(fh)["keeps"]
    bought = {f.bought_ndb for f in table.foods.values()}
    assert keeps["reason"] and set(keeps["bought"]) <= bought and len(set(keeps["bought"])) == len(keeps["bought"])
    rules = buy_rules()
    for fid in ("olive_oil", "honey", "lentils", "rice", "pasta", "oatmeal"):
        assert rules.long_keeping(table.get(fid)), fid
    for fid in ("milk", "kefir", "almond_milk", "cheese", "butter", "rye_bread", "tofu", "cauliflower",
                "cranberry_juice", "walnuts", "peanut_butter"):
        assert not rules.long_keeping(table.get(fid)), fid


# --- what opened packs leave (the optimiser's view of the list) ------------------------------------------

def test_what_an_opened_carton_leaves_is_counted_as_the_list_counts_it(table):
    kefir = table.get("kefir")
    plan = plan_of(table, [{"breakfast": [("kefir", 2)]}])
    eaten = eaten_by_food(plan)
    line = shopping_list(plan, table).items[0]
    assert line.buy_text == "1 × 500 ml bottle"                       # a cup: the small bottle, not the 1 l carton
    assert line.left_grams > 0.5 * line.buy_grams
    left = opened_left(eaten, table, ["kefir", "milk", "tofu"])
    assert left == {"kefir": pytest.approx(line.left_grams / kefir.bought_grams(1.0))}   # only what is open
    assert opened_left({"olive_oil": 13.5, "water": 250.0}, table, ["olive_oil", "water"]) == {}


def test_another_form_of_a_bought_piece_can_finish_it(table):
    left = opened_left({"potato_boiled": 100.0}, table, ["potato_baked", "potato_boiled", "carrot"])
    assert set(left) == {"potato_baked", "potato_boiled"} and all(g > 0 for g in left.values())
    eaten_more = {"potato_boiled": 100.0 + left["potato_boiled"]}
    assert opened_left(eaten_more, table, ["potato_boiled"]) == {}        # eating what was left finishes the potato


@given(random_plans())
def test_what_opened_packs_leave_is_what_the_list_buys_and_does_not_eat(plan):
    table = load_table()
    eaten = eaten_by_food(plan)
    left = opened_left(eaten, table, eaten)
    sl = shopping_list(plan, table)
    rules = buy_rules()
    for line in sl.items:
        for fid in line.food_ids:
            food = table.get(fid)
            if line.keeps or line.left_grams <= 1e-9:
                assert fid not in left
                continue
            assert left[fid] > 0
            if line.buy_unit != "piece":   # grams as bought, back from grams as eaten
                assert food.bought_grams(left[fid]) == pytest.approx(line.left_grams)
    assert not set(left) & rules.not_bought


# --- the optimiser finishes what it opens ----------------------------------------------------------------

YOUNG_WOMAN = Profile(sex="female", age=25)


@pytest.fixture(scope="module")
def week_of_three():
    return build_week(YOUNG_WOMAN, load_table(), 3, (), 3, None, None, 0)


def test_an_opened_tub_makes_its_next_steps_cheaper(week_of_three):
    week = week_of_three
    yogurt, oil = week.ids.index("greek_yogurt"), week.ids.index("olive_oil")
    breakfast = week.slots.index("breakfast")
    assert not opened_pack_savings(week, 0, {}).any()               # nothing open yet
    planned = {0: {(yogurt, breakfast): 2}, 1: {(oil, breakfast): 1}}   # 200 g: two 150 g pots, a step left
    saved = opened_pack_savings(week, 2, planned)
    assert saved[yogurt] > 0                                          # day 1 opened the tub: day 3 eats from it
    assert saved[oil] == 0                                            # oil keeps: its rest is no waste
    assert np.count_nonzero(saved) == 1
    assert opened_pack_savings(week, 2, planned).tobytes() == saved.tobytes()   # pure: same days, same savings
    assert not opened_pack_savings(week, 0, {0: planned[0]}).any()   # a day's own items are not "other days"
    nearly = {0: {(yogurt, breakfast): 1}}                            # 100 g of a 150 g pot
    assert 0 < opened_pack_savings(week, 2, nearly)[yogurt] < saved[yogurt]   # less left than a serving: less saved


def test_the_days_request_makes_the_opened_food_cheaper(week_of_three):
    week = week_of_three
    yogurt = week.ids.index("greek_yogurt")
    pairs = week.food_idx == yogurt
    fresh = context.day_request(week, 1, {}, {})
    opened = context.day_request(week, 1, {0: {(yogurt, week.slots.index("breakfast")): 1}}, {})
    assert np.all(opened.step_cost[pairs] < fresh.step_cost[pairs]) and np.all(opened.step_cost >= 0)


@pytest.mark.slow
@pytest.mark.parametrize("food, slot, grams", [("cauliflower", "dinner", 62.0)])
def test_a_week_eats_more_of_the_pack_its_first_day_opens(table, monkeypatch, food, slot, grams):
    """More of the head of cauliflower that day 1 opens with half a cup is eaten when a step from it saves its
    left-over cost: over 48 seeds 17.8 -> 21.7 % (16 seeds are too few: +1.9 points, within their noise). Locked
    without an amount, day 1's dinner is a dish that eats 73-74 % of the head with or without the incentive, so the
    case locks half a cup, which no dish serves. Cottage cheese's 400 g tub (its 200 g tub taken away) is not a
    case: over 48 seeds its weeks ate 75-77 % of it with or without the incentive."""
    shipped = context.LEFT_IN_PACK_COST
    monkeypatch.setitem(table.foods, food, replace(table.get(food), other_pack_grams=(), other_pack_labels=()))

    def eaten_share(cost: float) -> float:
        monkeypatch.setattr(context, "LEFT_IN_PACK_COST", cost)
        shares = []
        for seed in range(48):
            plan = make_plan(YOUNG_WOMAN, table, 3, seed=seed, locks=[Lock(0, slot, food, grams)])
            shares.append(next(i for i in shopping_list(plan, table).items if food in i.food_ids).eaten_share)
        return sum(shares) / len(shares)

    assert eaten_share(shipped) > eaten_share(0.0) + 0.02


def test_a_plan_read_back_gives_the_same_pack_costs(week_of_three):
    week = week_of_three
    plan = make_plan(YOUNG_WOMAN, week.table, 3, seed=0)
    planned = {d.index: day_pairs(week, d)[0] for d in plan.days if d.index < 2}
    first = opened_pack_savings(week, 2, planned)
    assert first.tobytes() == opened_pack_savings(week, 2, dict(reversed(planned.items()))).tobytes()
