"""Shopping list: bought forms, buyable amounts, aisles, pantry, prices, days and the text/CSV/JSON outputs."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from conftest import plan_item as item
from conftest import random_plans
from hypothesis import given

from foods import load_table
from foods.table import VALID_AISLES
from planner.errors import PlannerError
from planner.plan import Day, Meal, Plan, PlanItem, plan_to_dict
from planner.shopping import (
    PackCount,
    buy_rules,
    days_text,
    pantry_entries,
    parse_days,
    parse_pantry,
    parse_prices,
    round_loose,
    shopping_list,
)


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


def test_conversions_match_sr28_by_hand(table):
    """Numbers read off SR28 by hand: water of cooked and dry forms (ABBREV) and refuse (FOOD_DES)."""
    # lentils: 16070 cooked 69.64 g water, 16069 raw (dry) 8.26 g -> dry solids ratio 0.331
    assert table.get("lentils").yield_factor == pytest.approx((100 - 69.64) / (100 - 8.26), abs=1e-3)
    # buckwheat groats: 20010 cooked 75.63 g water, 20009 dry 8.41 g -> 0.266
    assert table.get("buckwheat").yield_factor == pytest.approx((100 - 75.63) / (100 - 8.41), abs=1e-3)
    # baked potato: 11674 74.89 g water, raw 11352 79.25 g -> 1.21 g raw per g baked; raw refuse 25 %
    assert table.get("potato_baked").yield_factor == pytest.approx((100 - 74.89) / (100 - 79.25), abs=1e-3)
    # banana: 09040 refuse 36 % (skin); a medium banana is 118 g edible -> 184 g whole
    banana = table.get("banana")
    assert banana.refuse_pct == 36 and banana.bought_grams(118) == pytest.approx(118 / 0.64)
    sl = shopping_list(plan_of(table, [{"lunch": [("lentils", 2), ("buckwheat", 2)]}]), table)
    by_id = {i.food_id: i for i in sl.items}
    assert by_id["lentils"].needed_grams == pytest.approx(198 * 0.331, rel=2e-3)      # 2 half-cups cooked
    assert by_id["buckwheat"].needed_grams == pytest.approx(2 * table.get("buckwheat").step_grams * 0.266, rel=2e-3)


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


def test_foods_of_one_bought_form_share_its_whole_piece_weight(table):
    """buy_item counts pieces food by food: that needs one whole-piece weight per bought form (as bought)."""
    whole: dict[str, set[float]] = {}
    for f in table:
        if f.buy_unit == "piece" and f.buy_piece_grams:
            whole.setdefault(f.bought_ndb, set()).add(round(f.buy_piece_grams / (1 - f.refuse_pct / 100), 6))
    assert whole and all(len(w) == 1 for w in whole.values()), whole


def test_packs_round_up_to_whole_packs(table):
    cheese = table.get("cheese")                                   # sold in one size: 200 g packs
    plan = plan_of(table, [{"lunch": [("cheese", 3)]}] * 6)        # 6 × 1½ oz = 255 g, pack 200 g
    (line,) = shopping_list(plan, table).items
    assert line.buy_unit == "pack" and line.buy_amount == 2
    assert line.buy_text == f"2 × {cheese.pack_label}" and line.buy_grams == pytest.approx(2 * cheese.pack_grams)
    assert line.packs == (PackCount(cheese.pack_label, cheese.pack_grams, 2),)


def test_a_food_sold_in_two_sizes_buys_the_one_that_wastes_least(table):
    milk = table.get("milk")                                       # 1 l carton (1030 g) and 500 ml carton (515 g)
    plan = plan_of(table, [{"breakfast": [("milk", 2)]}] * 5)     # 5 cups = 1220 g
    (line,) = shopping_list(plan, table).items
    assert line.buy_unit == "pack" and line.buy_amount == 2        # packs in all, of both sizes
    assert line.buy_text == "1 × 1 l carton + 1 × 500 ml carton" and line.unit_text == "packs"
    assert line.buy_grams == pytest.approx(1030 + 515) and milk.packs[0] == (milk.pack_grams, milk.pack_label)


def test_the_list_says_what_share_of_the_bought_grams_is_eaten(table):
    milk = table.get("milk")
    plan = plan_of(table, [{"breakfast": [("milk", 2)]}] * 5 + [{"lunch": [("cheese", 1)]}])
    sl = shopping_list(plan, table)
    by_id = {i.food_id: i for i in sl.items}
    assert by_id["milk"].eaten_share == pytest.approx(by_id["milk"].needed_grams / (1.5 * milk.pack_grams))
    assert sl.bought_grams == pytest.approx(sum(i.buy_grams for i in sl.items))
    assert sl.eaten_share == pytest.approx(sum(i.needed_grams for i in sl.items) / sl.bought_grams)
    assert [i.food_id for i in sl.left_over] == ["cheese"]           # 14 g of a 200 g pack: mostly left over
    data = json.loads(json.dumps(sl.to_dict()))
    assert data["eaten_share"] == pytest.approx(sl.eaten_share, abs=0.001)
    assert data["bought_grams"] == pytest.approx(sl.bought_grams, abs=0.1)
    assert {i["food_id"]: i["eaten_share"] for i in data["items"]}["cheese"] < 0.5
    text = sl.to_text()
    assert f"Eaten: {sl.perishable_eaten_share * 100:.0f} % of the perishable bought weight" in text
    assert "mostly left over: Cheese" in text and "Milk" not in text.split("mostly left over:")[1]
    assert shopping_list(Plan([Day(0, [Meal("breakfast", [])])]), table).eaten_share is None


def test_herbs_are_bought_by_the_bunch(table):
    plan = plan_of(table, [{"lunch": [("parsley", 4), ("dill", 4), ("green_onions", 4)]}])
    by_id = {i.food_id: i for i in shopping_list(plan, table).items}
    parsley = by_id["parsley"]
    assert parsley.buy_unit == "bunch" and parsley.buy_amount == 1 and parsley.label == "Parsley"
    assert parsley.buy_text == "1 bunch (~50 g)" and parsley.unit_text == "bunch"
    assert parsley.needed_grams == pytest.approx(table.get("parsley").bought_grams(4 * 3.8))
    big = shopping_list(plan_of(table, [{"lunch": [("parsley", 30)]}] * 2), table).items[0]
    bunches = math.ceil(big.needed_grams / buy_rules().bought["11297"]["bunch_grams"])
    assert big.buy_amount == bunches >= 2 and big.buy_text.startswith(f"{bunches} bunches")
    assert "bunch" in by_id["dill"].buy_text and "bunch" in by_id["green_onions"].buy_text


def test_lemon_juice_is_bought_as_lemons_on_the_lemons_line(table):
    lemon, juice = table.get("lemon"), table.get("lemon_juice")
    plan = plan_of(table, [{"lunch": [("lemon", 1), ("lemon_juice", 1)]}])
    (line,) = shopping_list(plan, table).items
    pieces = lemon.step_grams / lemon.buy_piece_grams + juice.step_grams / juice.buy_piece_grams   # 48 g a lemon
    whole = lemon.buy_piece_grams / (1 - lemon.refuse_pct / 100)
    assert line.label == "Lemons" and line.food_ids == ("lemon", "lemon_juice")
    assert line.buy_amount == math.ceil(pieces) and line.needed_grams == pytest.approx(pieces * whole)
    only_juice = shopping_list(plan_of(table, [{"lunch": [("lemon_juice", 2)]}]), table).items[0]
    assert only_juice.label == "Lemons (for juice)" and only_juice.buy_text == "1 lemon"


def test_brewed_tea_is_bought_as_bags_and_needed_in_cups(table):
    plan = plan_of(table, [{"breakfast": [("chamomile_tea", 1)]}, {"breakfast": [("chamomile_tea", 1)]}])
    (line,) = shopping_list(plan, table).items
    assert line.label == "Chamomile tea bags" and line.need_text == "2 cups"
    assert line.buy_text == "1 × box of 20 tea bags (20 cups)" and "need 2 cups" in shopping_list(plan, table).to_text()


def test_produce_labels_drop_the_implied_raw(table):
    labels = {i.food_id: i.label for i in shopping_list(plan_of(table, [{"lunch": [("kale", 2), ("arugula", 1)]}]),
                                                         table).items}
    assert labels == {"kale": "Kale", "arugula": "Arugula"}


@pytest.mark.parametrize(("grams", "expected"), [(0, 0), (1, 50), (50, 50), (50.01, 100), (499, 500),
                                                  (500, 500), (500.5, 600), (1234, 1300)])
def test_loose_goods_round_up_in_steps(grams, expected):
    assert round_loose(grams) == expected


def test_bought_grams_adds_refuse_and_yield(table):
    pistachios = table.get("pistachios")
    assert pistachios.bought_grams(53) == pytest.approx(53 / (1 - pistachios.refuse_pct / 100))
    assert table.get("almonds").bought_grams(28.35) == pytest.approx(28.35)


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


def test_pantry_covers_the_bought_form(table):
    plan = plan_of(table, [{"breakfast": [("fried_egg", 1), ("lemon_juice", 1)], "lunch": [("lemon", 1)]}])
    sl = shopping_list(plan, table, pantry={"egg"})                 # eggs at home cover fried eggs
    assert [i.food_id for i in sl.pantry] == ["fried_egg"] and "fried_egg" not in {i.food_id for i in sl.items}
    sl = shopping_list(plan, table, pantry={"lemon"})               # lemons cover the juice squeezed from them
    assert sl.pantry_ids == ["lemon", "lemon_juice"] and [i.food_id for i in sl.items] == ["fried_egg"]
    sl = shopping_list(plan, table, pantry={"lemon_juice"})         # a bottle of juice does not cover lemons
    assert [i.food_id for i in sl.pantry] == ["lemon_juice"]
    assert {i.food_id for i in sl.items} == {"fried_egg", "lemon"}


def test_tap_water_is_never_bought(table):
    plan = plan_of(table, [{"lunch": [("water", 2), ("lentils", 2)]}])
    sl = shopping_list(plan, table)
    assert [i.food_id for i in sl.items] == ["lentils"] and sl.not_bought == ["water"]


def test_prices_per_kg_as_bought_and_total(table):
    plan = plan_of(table, [{"breakfast": [("banana", 2), ("milk", 2), ("oatmeal", 2)]}])
    sl = shopping_list(plan, table, prices={"banana": 2.0, "milk": 1.0})
    by_id = {i.food_id: i for i in sl.items}
    assert by_id["banana"].price == pytest.approx(by_id["banana"].buy_grams / 1000 * 2.0)
    assert by_id["milk"].price == pytest.approx(by_id["milk"].buy_grams / 1000)   # a 500 ml carton at 1.00 a kg
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


def test_from_a_plan_file(table, tmp_path):
    plan = plan_of(table, [{"lunch": [("lentils", 2)]}, {"lunch": [("banana", 1)]}])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_to_dict(plan, table)), encoding="utf-8")
    from_file = shopping_list(path, table, days=[1])
    assert [i.to_dict() for i in from_file.items] == [i.to_dict() for i in shopping_list(plan, table, [1]).items]
    assert [i.food_id for i in shopping_list(str(path), table).items] == ["banana", "lentils"]


@pytest.mark.parametrize("grams", [float("inf"), float("nan"), -5.0, 0.0])
def test_impossible_amounts_are_errors(table, grams):
    plan = Plan([Day(0, [Meal("lunch", [PlanItem("lentils", "Lentils", "16070", grams, "?")])])])
    with pytest.raises(PlannerError, match="Day 1, Lunch: lentils has .* g; an amount eaten is a positive number"):
        shopping_list(plan, table)


def test_empty_plan_gives_an_empty_list(table):
    sl = shopping_list(Plan([Day(0, [Meal("breakfast", [])])]), table)
    assert sl.items == [] and "Nothing to buy" in sl.to_text() and sl.to_csv().count("\n") == 1


# --- input parsing ---------------------------------------------------------------------------------------

def test_parse_days():
    assert parse_days("1-3,5") == [0, 1, 2, 4]
    assert parse_days(" 2 , 3-4 ") == [1, 2, 3]
    with pytest.raises(PlannerError, match="names a day twice"):   # a duplicate is a slip, not two shops
        parse_days(" 2 , 2-3 ")
    assert parse_days("1–2") == [0, 1]
    assert parse_days("all", 3) == [0, 1, 2]
    assert parse_days("1,3,5") == [0, 2, 4] and parse_days("1, 3") == [0, 2]
    assert days_text([0, 1, 2, 4]) == "days 1-3, 5" and days_text([3]) == "day 4"
    with pytest.raises(PlannerError, match="past the end of any plan"):
        parse_days("1-99999999999")                 # a typo, not a range to build in memory


@pytest.mark.parametrize(("text", "message"), [("", "no days given"), ("x", "'x' .* is not a day"),
                                               ("3-1", "runs backwards"), ("0", "count from 1"),
                                               ("1-9", "past the plan's end"), ("1,,2", "is not a day")])
def test_parse_days_errors(text, message):
    with pytest.raises(PlannerError, match=message):
        parse_days(text, 7)


def test_pantry_file_takes_ids_and_names(table):
    assert parse_pantry("olive_oil\nbananas  # from the market\n\n# comment\nLentils\n", table) == {
        "olive_oil", "banana", "lentils"}
    with pytest.raises(PlannerError, match=r"pantry: unknown food on line 2 'zzqxv' \(did you mean .*\)"):
        parse_pantry("milk\nzzqxv\n", table)
    with pytest.raises(PlannerError) as exc:                        # every unknown line in one message
        parse_pantry("qqzzv\nmilk\nxxyyw\n", table)
    assert "unknown foods on line 1 'qqzzv'" in str(exc.value) and "line 3 'xxyyw'" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_pantry_typos_are_read_through_the_search_and_reported(table):
    entries = pantry_entries("bananna\nmilk\nParsley, fresh\n", table)
    assert [(e.line, e.food_id, e.exact) for e in entries] == [(1, "banana", False), (2, "milk", True),
                                                                 (3, "parsley", True)]
    assert entries[0].note(table) == "pantry line 1: 'bananna' read as Banana, raw"


def test_prices_file(table):
    assert parse_prices("food_id,price_per_kg\nbanana,1.9\nlentils,3\n", table) == {"banana": 1.9, "lentils": 3.0}
    for text, message in (("", "empty"), ("food,price\nbanana,1\n", "first line must be"),
                          ("food_id,price,per\nmilk,1.1,dozen\n", "per 'dozen' is not one of kg, 100g"),
                          ("food_id,price,per\nmilk,1.1,piece\n",
                           "milk is sold in packs of 1 l carton or 500 ml carton"),
                          ("food_id,price,per\nlentils,1,pack\n", "lentils is sold by weight"),
                          ("food_id,price,per\nmilk,1.1\n", "line 2: expected food_id,price,per"),
                          ("food_id,price_per_kg\nbanana,cheap\n", "line 2: price 'cheap' is not a number"),
                          ("food_id,price_per_kg\nbanana,-1\n", "must be zero or more"),
                          ("food_id,price_per_kg\nzzqxv,1\n", "line 2: unknown food")):
        with pytest.raises(PlannerError, match=message):
            parse_prices(text, table)


def test_prices_per_pack_piece_bunch_and_100g_price_what_is_bought(table):
    text = "food_id,price,per\nmilk,1.10,pack\nbanana,0.25,piece\nparsley,0.99,bunch\nalmonds,1.5,100g\n"
    prices = parse_prices(text, table)
    assert prices["almonds"] == pytest.approx(15.0)
    plan = plan_of(table, [{"breakfast": [("milk", 2), ("banana", 3), ("parsley", 2), ("almonds", 1)]}])
    by_id = {i.food_id: i for i in shopping_list(plan, table, prices=prices).items}
    milk = table.get("milk")        # priced per 1 l carton, its usual pack: the 500 ml carton bought costs half
    assert by_id["milk"].buy_text == "1 × 500 ml carton"
    assert by_id["milk"].price == pytest.approx(1.10 * by_id["milk"].buy_grams / milk.pack_grams)
    assert by_id["banana"].price == pytest.approx(0.25 * 3)
    assert by_id["parsley"].price == pytest.approx(0.99)
    assert by_id["almonds"].price == pytest.approx(1.5 * by_id["almonds"].buy_amount / 100)


# --- the shop conventions file ---------------------------------------------------------------------------

def test_aisles_file_matches_the_food_table(table):
    rules = buy_rules()
    assert [k for k, _ in rules.aisles] == list(VALID_AISLES)
    assert all(step > 0 for _, step in rules.loose_steps)
    assert [u for u, _ in rules.loose_steps] == sorted(u for u, _ in rules.loose_steps)
    bought = {f.bought_ndb for f in table}
    assert set(rules.bought) <= bought, "names for bought forms the table does not have"
    assert rules.not_bought <= set(table.foods)
    for food in table:                 # every food sold by the piece or bunch has words for one and many
        info = rules.bought.get(food.bought_ndb, {})
        if food.buy_unit == "piece" or "bunch_grams" in info:
            assert {"one", "many"} <= set(info), food.id
        if "same_as" in info:          # bought as another form of the same unit
            assert any(f.bought_ndb == info["same_as"] and f.buy_unit == food.buy_unit for f in table), food.id
        if "bunch_grams" in info:
            assert food.buy_unit == "g" and info["bunch_grams"] > 0, food.id


# --- invariants over random plans ------------------------------------------------------------------------



@given(random_plans())
def test_amounts_equal_the_plan_after_conversion(plan):
    table = load_table()
    sl = shopping_list(plan, table)
    rules = buy_rules()
    lines = sl.items + sl.pantry
    covered = [fid for line in lines for fid in line.food_ids] + sl.not_bought
    assert sorted(covered) == sorted({it.food_id for it in plan.items()})      # every food exactly once
    assert sl.eaten_share is None if not sl.items else 0 < sl.eaten_share <= 1
    assert sl.perishable_eaten_share is None if not sl.perishable else 0 < sl.perishable_eaten_share <= 1
    assert sl.bought_grams == pytest.approx(sl.perishable_bought_grams + sum(i.buy_grams for i in sl.items if i.keeps))
    assert all(i.keeps for i in sl.kept_for_later) and not any(i.keeps for i in sl.left_over)
    for line in lines:
        assert line.buy_grams >= line.needed_grams - 1e-6          # never buy less than is needed
        assert 0 < line.eaten_share <= 1
        foods = [table.get(f) for f in line.food_ids]
        assert len({(rules.line_ndb(f.bought_ndb), f.aisle) for f in foods}) == 1
        for f in foods:
            assert line.eaten_by_food[f.id] == pytest.approx(eaten_total(plan, f.id))
        needed = sum(eaten_total(plan, f.id) * f.yield_factor / (1 - f.refuse_pct / 100) for f in foods)
        main = foods[0]
        if line.buy_unit == "piece":   # pieces food by food (a lemon's flesh or its juice), whole pieces as bought
            pieces = sum(eaten_total(plan, f.id) * f.yield_factor / f.buy_piece_grams for f in foods)
            if len({f.bought_ndb for f in foods}) == 1:   # each food's own refuse (a baked potato's skin is eaten)
                pieces = needed / (main.buy_piece_grams / (1 - main.refuse_pct / 100))
            if rules.info(main.bought_ndb).get("halves"):       # a half cabbage or melon
                assert line.buy_amount == math.ceil(pieces * 2 - 1e-9) / 2
            else:
                assert line.buy_amount == math.ceil(pieces - 1e-9)
            if len({f.bought_ndb for f in foods}) == 1:
                assert line.needed_grams == pytest.approx(needed)
            else:
                assert line.needed_grams == pytest.approx(pieces * main.buy_piece_grams / (1 - main.refuse_pct / 100))
            continue
        assert line.needed_grams == pytest.approx(needed)
        if line.buy_unit == "pack" and len(main.packs) == 1:     # one size: whole packs, rounded up
            assert line.buy_amount == math.ceil(needed / main.pack_grams - 1e-9)
            assert line.buy_grams == pytest.approx(line.buy_amount * main.pack_grams)
        elif line.buy_unit == "pack":                             # several: the least grams over the need
            assert line.buy_amount == sum(p.count for p in line.packs)
            assert needed - 1e-6 <= line.buy_grams < needed + min(g for g, _ in main.packs)
        elif line.buy_unit == "bunch":
            bunch = rules.bought[main.bought_ndb]["bunch_grams"]
            assert line.buy_amount == math.ceil(needed / bunch - 1e-9)
            assert line.buy_grams == line.buy_amount * bunch
        else:
            step = next(s for up_to, s in rules.loose_steps if needed <= up_to)
            assert needed <= line.buy_amount < needed + step + 1e-6
            assert line.buy_amount % step == 0
