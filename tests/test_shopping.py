"""Shopping list: bought forms, buyable amounts, aisles, pantry, prices, days and the text/CSV/JSON outputs."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foods import load_table
from foods.table import VALID_AISLES
from planner.errors import PlannerError
from planner.plan import Day, Meal, Plan, PlanItem
from planner.rules import meal_slots
from planner.shopping import (
    bought_grams,
    buy_rules,
    days_text,
    parse_days,
    parse_pantry,
    parse_prices,
    round_loose,
    shopping_list,
)

FOOD_IDS = sorted(load_table().foods)


def item(table, food_id: str, steps: float = 1) -> PlanItem:
    food = table.get(food_id)
    grams = steps * food.step_grams
    return PlanItem(food.id, food.name, food.ndb, grams, food.portion_text(grams))


def plan_of(table, days: list[dict[str, list[tuple[str, float]]]]) -> Plan:
    """[{slot: [(food_id, steps), ...]}, ...] -> Plan, one dict per day."""
    return Plan([Day(i, [Meal(slot, [item(table, f, s) for f, s in foods]) for slot, foods in d.items()])
                 for i, d in enumerate(days)])


def eaten_total(plan: Plan, food_id: str) -> float:
    return sum(it.grams for it in plan.items() if it.food_id == food_id)


# --- conversion ------------------------------------------------------------------------------------------

def test_cooked_lentils_are_bought_dry_by_the_yield_factor(table):
    lentils = table.get("lentils")
    assert lentils.yield_factor < 0.5 and lentils.refuse_pct == 0
    plan = plan_of(table, [{"lunch": [("lentils", 2)]}])      # 2 half-cups = 198 g cooked
    sl = shopping_list(plan, table)
    (line,) = sl.items
    assert line.eaten_grams == pytest.approx(198)
    assert line.needed_grams == pytest.approx(198 * lentils.yield_factor)
    assert line.bought_ndb == "16069" and line.label == "Lentils, dry"
    assert line.buy_unit == "g" and line.buy_amount == 100 and line.buy_text == "100 g"


def test_bananas_are_whole_pieces_with_their_peel(table):
    banana = table.get("banana")
    plan = plan_of(table, [{"breakfast": [("banana", 2)]}, {"morning_snack": [("banana", 1)]}])
    (line,) = shopping_list(plan, table).items
    assert line.buy_unit == "piece" and line.buy_amount == 3
    assert line.needed_grams == pytest.approx(3 * banana.portion_grams / (1 - banana.refuse_pct / 100))
    assert line.buy_text.startswith("3 bananas (~") and "whole" in line.buy_text
    one = shopping_list(plan_of(table, [{"breakfast": [("banana", 1)]}]), table).items[0]
    assert one.buy_text.startswith("1 banana (")


def test_baked_potatoes_are_bought_raw_and_share_a_line_with_boiled(table):
    plan = plan_of(table, [{"dinner": [("potato_baked", 1)]}, {"lunch": [("potato_boiled", 1)]}])
    (line,) = shopping_list(plan, table).items
    baked, boiled = table.get("potato_baked"), table.get("potato_boiled")
    edible_raw = baked.portion_grams * baked.yield_factor + boiled.portion_grams * boiled.yield_factor
    assert line.label == "Potatoes" and set(line.food_ids) == {"potato_baked", "potato_boiled"}
    assert line.buy_amount == math.ceil(edible_raw / baked.buy_piece_grams)
    assert line.eaten_by_food == {"potato_baked": pytest.approx(baked.portion_grams),
                                  "potato_boiled": pytest.approx(boiled.portion_grams)}


def test_packs_round_up_to_whole_packs(table):
    milk = table.get("milk")
    plan = plan_of(table, [{"breakfast": [("milk", 2)]}] * 5)     # 5 cups = 1220 g, carton 1030 g
    (line,) = shopping_list(plan, table).items
    assert line.buy_unit == "pack" and line.buy_amount == 2
    assert line.buy_text == f"2 × {milk.pack_label}" and line.buy_grams == pytest.approx(2 * milk.pack_grams)


@pytest.mark.parametrize(("grams", "expected"), [(0, 0), (1, 50), (50, 50), (50.01, 100), (499, 500),
                                                  (500, 500), (500.5, 600), (1234, 1300)])
def test_loose_goods_round_up_in_steps(grams, expected):
    assert round_loose(grams) == expected


def test_bought_grams_adds_refuse_and_yield(table):
    pistachios = table.get("pistachios")
    assert bought_grams(pistachios, 53) == pytest.approx(53 / (1 - pistachios.refuse_pct / 100))
    assert bought_grams(table.get("almonds"), 28.35) == pytest.approx(28.35)


# --- list shape ------------------------------------------------------------------------------------------

def test_grouped_by_aisle_in_order_and_sorted_by_name(table):
    plan = plan_of(table, [{"breakfast": [("salmon", 3), ("oatmeal", 2), ("banana", 1), ("milk", 1),
                                          ("almonds", 1), ("apple", 1), ("honey", 1), ("lentils", 2)]}])
    sl = shopping_list(plan, table)
    ranks = [buy_rules().aisle_rank(i.aisle) for i in sl.items]
    assert ranks == sorted(ranks)
    assert [a for a, _, _ in sl.by_aisle()] == [a for a in VALID_AISLES if any(i.aisle == a for i in sl.items)]
    for _, _, items in sl.by_aisle():
        assert [i.label.casefold() for i in items] == sorted(i.label.casefold() for i in items)


def test_pantry_foods_are_left_out_and_listed(table):
    plan = plan_of(table, [{"dinner": [("potato_baked", 1), ("olive_oil", 1)]}, {"lunch": [("potato_boiled", 1)]}])
    sl = shopping_list(plan, table, pantry={"olive_oil", "potato_boiled"})
    assert sl.items == []
    assert {i.food_id for i in sl.pantry} == {"olive_oil", "potato_baked"}   # one potato line, both forms
    assert sl.pantry_ids == ["olive_oil", "potato_baked", "potato_boiled"]
    assert "Already at home" in sl.to_text() and "Olive oil" in sl.to_text()


def test_tap_water_is_never_bought(table):
    plan = plan_of(table, [{"lunch": [("water", 2), ("lentils", 2)]}])
    sl = shopping_list(plan, table)
    assert [i.food_id for i in sl.items] == ["lentils"] and sl.not_bought == ["water"]


def test_prices_per_kg_as_bought_and_total(table):
    plan = plan_of(table, [{"breakfast": [("banana", 2), ("milk", 2), ("oatmeal", 2)]}])
    sl = shopping_list(plan, table, prices={"banana": 2.0, "milk": 1.0})
    by_id = {i.food_id: i for i in sl.items}
    assert by_id["banana"].price == pytest.approx(by_id["banana"].buy_grams / 1000 * 2.0)
    assert by_id["milk"].price == pytest.approx(table.get("milk").pack_grams / 1000)
    assert by_id["oatmeal"].price is None
    assert sl.total_price == pytest.approx(by_id["banana"].price + by_id["milk"].price)
    assert [i.food_id for i in sl.unpriced] == ["oatmeal"]
    assert "1 item without a price" in sl.to_text()
    assert shopping_list(plan, table).total_price is None


def test_chosen_days_only(table):
    plan = plan_of(table, [{"lunch": [("lentils", 2)]}, {"lunch": [("chickpeas", 2)]}, {"lunch": [("rice", 2)]}])
    sl = shopping_list(plan, table, days=[0, 2])
    assert {i.food_id for i in sl.items} == {"lentils", "rice"} and sl.days == [0, 2]
    assert sl.to_dict()["days"] == [1, 3] and sl.days_text() == "days 1, 3"
    with pytest.raises(PlannerError, match="day 5 is not in the plan, which has days 1-3"):
        shopping_list(plan, table, days=[4])


def test_outputs_text_csv_json(table):
    plan = plan_of(table, [{"breakfast": [("banana", 1), ("milk", 1)], "lunch": [("lentils", 2)]}])
    sl = shopping_list(plan, table, prices={"banana": 1.5})
    text = sl.to_text()
    assert text.count("- [ ] ") == len(sl.items) == 3
    assert text.index("## Fruit and vegetables") < text.index("## Dairy and eggs") < text.index("## Grains")
    rows = list(csv.DictReader(io.StringIO(sl.to_csv())))
    assert [r["item"] for r in rows] == [i.label for i in sl.items]
    assert [float(r["to_buy"]) for r in rows] == [i.buy_amount for i in sl.items]
    data = json.loads(json.dumps(sl.to_dict()))
    assert [d["buy_amount"] for d in data["items"]] == [i.buy_amount for i in sl.items]
    assert data["items"][0]["aisle_label"] == "Fruit and vegetables"


def test_empty_plan_gives_an_empty_list(table):
    sl = shopping_list(Plan([Day(0, [Meal("breakfast", [])])]), table)
    assert sl.items == [] and "Nothing to buy" in sl.to_text() and sl.to_csv().count("\n") == 1


# --- input parsing ---------------------------------------------------------------------------------------

def test_parse_days():
    assert parse_days("1-3,5") == [0, 1, 2, 4]
    assert parse_days(" 2 , 2-3 ") == [1, 2]
    assert parse_days("1–2") == [0, 1]
    assert parse_days("all", 3) == [0, 1, 2]
    assert days_text([0, 1, 2, 4]) == "days 1-3, 5" and days_text([3]) == "day 4"


@pytest.mark.parametrize(("text", "message"), [("", "no days given"), ("x", "'x' .* is not a day"),
                                               ("3-1", "runs backwards"), ("0", "count from 1"),
                                               ("1-9", "past the plan's end"), ("1,,2", "is not a day")])
def test_parse_days_errors(text, message):
    with pytest.raises(PlannerError, match=message):
        parse_days(text, 7)


def test_pantry_file_takes_ids_and_names(table):
    assert parse_pantry("olive_oil\nbananas  # from the market\n\n# comment\nLentils\n", table) == {
        "olive_oil", "banana", "lentils"}
    with pytest.raises(PlannerError, match=r"pantry, line 2: unknown food 'zzqxv'.*Did you mean"):
        parse_pantry("milk\nzzqxv\n", table)


def test_prices_file(table):
    assert parse_prices("food_id,price_per_kg\nbanana,1.9\nlentils,3\n", table) == {"banana": 1.9, "lentils": 3.0}
    for text, message in (("", "empty"), ("food,price\nbanana,1\n", "first line must be"),
                          ("food_id,price_per_kg\nbanana,cheap\n", "line 2: price 'cheap' is not a number"),
                          ("food_id,price_per_kg\nbanana,-1\n", "must be zero or more"),
                          ("food_id,price_per_kg\nzzqxv,1\n", "line 2: unknown food")):
        with pytest.raises(PlannerError, match=message):
            parse_prices(text, table)


# --- the shop conventions file ---------------------------------------------------------------------------

def test_aisles_file_matches_the_food_table(table):
    rules = buy_rules()
    assert [k for k, _ in rules.aisles] == list(VALID_AISLES)
    assert all(step > 0 for _, step in rules.loose_steps)
    assert [u for u, _ in rules.loose_steps] == sorted(u for u, _ in rules.loose_steps)
    bought = {f.bought_ndb for f in table}
    assert set(rules.bought) <= bought, "names for bought forms the table does not have"
    assert rules.not_bought <= set(table.foods)
    for food in table:                 # every food sold by the piece has words for one and many
        if food.buy_unit == "piece":
            assert {"one", "many"} <= set(rules.bought.get(food.bought_ndb, {})), food.id


# --- invariants over random plans ------------------------------------------------------------------------

@st.composite
def random_plans(draw):
    table = load_table()
    days = []
    for d in range(draw(st.integers(1, 7))):
        meals = []
        for slot in draw(st.lists(st.sampled_from(meal_slots()), min_size=1, max_size=5, unique=True)):
            foods = draw(st.lists(st.sampled_from(FOOD_IDS), min_size=1, max_size=4, unique=True))
            meals.append(Meal(slot, [item(table, f, draw(st.integers(1, 8))) for f in foods]))
        days.append(Day(d, meals))
    return Plan(days)


@settings(max_examples=25, deadline=None)
@given(random_plans())
def test_amounts_equal_the_plan_after_conversion(plan):
    table = load_table()
    sl = shopping_list(plan, table)
    rules = buy_rules()
    lines = sl.items + sl.pantry
    covered = [fid for line in lines for fid in line.food_ids] + sl.not_bought
    assert sorted(covered) == sorted({it.food_id for it in plan.items()})      # every food exactly once
    for line in lines:
        foods = [table.get(f) for f in line.food_ids]
        assert len({(f.bought_ndb, f.aisle) for f in foods}) == 1
        for f in foods:
            assert line.eaten_by_food[f.id] == pytest.approx(eaten_total(plan, f.id))
        needed = sum(eaten_total(plan, f.id) * f.yield_factor / (1 - f.refuse_pct / 100) for f in foods)
        assert line.needed_grams == pytest.approx(needed)
        main = foods[0]
        if line.buy_unit == "piece":
            edible = sum(eaten_total(plan, f.id) * f.yield_factor for f in foods)
            assert line.buy_amount == math.ceil(edible / main.buy_piece_grams - 1e-9)
        elif line.buy_unit == "pack":
            assert line.buy_amount == math.ceil(needed / main.pack_grams - 1e-9)
        else:
            step = next(s for up_to, s in rules.loose_steps if needed <= up_to)
            assert needed <= line.buy_amount < needed + step + 1e-6
            assert line.buy_amount % step == 0
        assert line.buy_grams >= line.needed_grams - 1e-6          # never buy less than is needed
