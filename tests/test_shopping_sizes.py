"""Foods sold in several pack sizes (a 14.75 oz and a 7.5 oz can of salmon): the shopping list buys the combination
that leaves the fewest grams over, then the fewest packs, and says it ("1 × 14.75 oz can + 1 × 7.5 oz can");
foods sold in one size buy exactly as before."""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from foods import load_table
from foods.build import _check_other_packs
from foods.errors import TableError
from foods.table import DATA_DIR, FOOD_COLUMNS, FoodTable, foods_from_state, foods_to_state
from planner.shopping import PackCount, buy_item, buy_rules, opened_left, pack_counts

SIZES = st.lists(st.floats(min_value=20, max_value=1500, allow_nan=False).map(lambda g: round(g, 1)),
                 min_size=1, max_size=3, unique=True).map(tuple)
NEEDS = st.just(0.0) | st.floats(min_value=0.01, max_value=4000, allow_nan=False)   # grams: none, or a hundredth on


def over_and_count(needed: float, sizes: tuple[float, ...], counts: tuple[int, ...]) -> tuple[float, int]:
    return sum(c * s for c, s in zip(counts, sizes, strict=True)) - needed, sum(counts)


# --- the combination -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("needed", "sizes", "counts"), [
    (550, (418.0, 213.0), (1, 1)),          # 631 g, not 2 × 418 = 836 g
    (57, (418.0, 213.0), (0, 1)),           # the small can alone
    (400, (418.0, 213.0), (1, 0)),          # the big can: 18 g over, where 2 small ones leave 26 g
    (426, (418.0, 213.0), (0, 2)),          # 2 small ones exactly
    (1441, (1110.0, 277.5), (1, 2)),        # almond milk: 1 l + 2 × 250 ml
    (1000, (1030.0, 515.0), (1, 0)),        # as little over, one pack fewer: the 1 l carton, not 2 × 500 ml
    (1220, (1030.0,), (2,)),                # one size: whole packs, rounded up, as always
    (0, (418.0, 213.0), (0, 0)),            # nothing needed, nothing bought
])
def test_the_combination_with_least_grams_over_then_fewest_packs(needed, sizes, counts):
    assert pack_counts(needed, sizes) == counts


@given(st.just(0.0) | st.floats(min_value=0.01, max_value=2000, allow_nan=False),
       st.lists(st.floats(min_value=100, max_value=1500, allow_nan=False).map(lambda g: round(g, 1)),
                min_size=1, max_size=3, unique=True).map(tuple))
def test_the_chosen_packs_cover_the_need_and_no_combination_wastes_less(needed, sizes):
    counts = pack_counts(needed, sizes)
    over, n = over_and_count(needed, sizes, counts)
    assert over >= -1e-6                                                    # covers the need
    assert over < min(sizes) + 1e-6                                         # never a whole smallest pack over
    ranges = [range(math.ceil(needed / s) + 2) for s in sizes]               # every count that could matter, and more
    for other in itertools.product(*ranges):
        other_over, other_n = over_and_count(needed, sizes, other)
        if other_over < -1e-6:
            continue                                                        # does not cover: not a choice
        assert other_over >= over - 1e-6, (other, counts)                   # none wastes fewer grams
        if abs(other_over - over) <= 1e-6:
            assert other_n >= n, (other, counts)                            # nor as few with fewer packs


@given(NEEDS, SIZES)
def test_one_size_buys_whole_packs_rounded_up_as_before(needed, sizes):
    size = sizes[0]
    (count,) = pack_counts(needed, (size,))
    assert count == (max(1, math.ceil(needed / size - 1e-9)) if needed > 1e-9 else 0)


# --- the list line ---------------------------------------------------------------------------------------

def test_a_line_says_each_size_it_buys_and_counts_all_packs(table):
    salmon = table.get("canned_salmon")
    assert salmon.packs == ((418.0, "14.75 oz can"), (213.0, "7.5 oz can"))
    line = buy_item([salmon], {"canned_salmon": 550.0})
    assert line.buy_text == "1 × 14.75 oz can + 1 × 7.5 oz can"
    assert (line.buy_amount, line.buy_unit, line.unit_text) == (2, "pack", "packs")
    assert line.buy_grams == pytest.approx(631.0) and line.left_grams == pytest.approx(81.0)
    assert line.packs == (PackCount("14.75 oz can", 418.0, 1), PackCount("7.5 oz can", 213.0, 1))
    small = buy_item([salmon], {"canned_salmon": 57.0})
    assert (small.buy_text, small.buy_amount, small.unit_text) == ("1 × 7.5 oz can", 1, "7.5 oz can")
    two = buy_item([salmon], {"canned_salmon": 426.0})
    assert (two.buy_text, two.unit_text) == ("2 × 7.5 oz can", "7.5 oz can")


def test_the_json_keeps_its_fields_and_adds_the_packs(table):
    line = buy_item([table.get("canned_salmon")], {"canned_salmon": 550.0})
    data = json.loads(json.dumps(line.to_dict()))
    for key in ("food_id", "buy_amount", "buy_unit", "buy_text", "buy_grams", "unit_text", "need_text",
                "needed_grams", "eaten_share", "keeps"):
        assert key in data
    assert data["buy_amount"] == 2 and data["buy_grams"] == 631.0
    assert data["packs"] == [{"label": "14.75 oz can", "grams": 418.0, "count": 1},
                             {"label": "7.5 oz can", "grams": 213.0, "count": 1}]
    loose = buy_item([table.get("lentils")], {"lentils": 200.0}).to_dict()
    assert loose["packs"] == []                                             # pieces, bunches and grams: no packs


def test_the_text_and_csv_list_say_the_sizes(table):
    from conftest import plan_item as item

    from planner.plan import Day, Meal, Plan
    from planner.shopping import shopping_list

    plan = Plan([Day(0, [Meal("lunch", [item(table, "canned_salmon", 19)])])])        # 19 oz = 538 g
    sl = shopping_list(plan, table)
    assert "- [ ] Salmon, pink, canned with bones: 1 × 14.75 oz can + 1 × 7.5 oz can; need 538 g" in sl.to_text()
    assert ",2,packs,pack,1 × 14.75 oz can + 1 × 7.5 oz can," in sl.to_csv()


def test_opened_left_follows_the_sizes_the_list_buys(table):
    """The optimiser's view of what opened packs leave reads the list's line: 57 g of salmon opens a 7.5 oz can."""
    left = opened_left({"canned_salmon": 57.0}, table, ["canned_salmon"])
    assert left == {"canned_salmon": pytest.approx(213.0 - 57.0)}
    assert opened_left({"canned_salmon": 426.0}, table, ["canned_salmon"]) == {}         # two small cans, finished


@given(st.sampled_from(sorted(f.id for f in load_table() if f.buy_unit == "pack" and len(f.packs) == 1)),
       st.floats(min_value=1, max_value=5000, allow_nan=False))
def test_a_food_sold_in_one_size_is_bought_as_before(food_id, eaten):
    """The old rule, whole packs of the one size rounded up, for every food not given other sizes."""
    food = load_table().get(food_id)
    assume(food_id not in buy_rules().not_bought)
    line = buy_item([food], {food_id: eaten})
    needed = food.bought_grams(eaten)
    count = max(1, math.ceil(needed / food.pack_grams - 1e-9))
    assert (line.buy_amount, line.unit_text) == (count, food.pack_label)
    assert line.buy_text == f"{count} × {food.pack_label}"
    assert line.buy_grams == pytest.approx(count * food.pack_grams)


# --- the table -------------------------------------------------------------------------------------------

ML = re.compile(r"^(\d+(?:\.\d+)?) (ml|l) (?:carton|bottle)$")


def test_every_pack_size_of_a_drink_weighs_what_its_usual_pack_does_per_ml(table):
    """House convention: a smaller carton or bottle weighs its volume at the usual pack's grams per ml."""
    checked = 0
    for food in table:
        if len(food.packs) < 2:
            continue
        assert food.packs[0] == (food.pack_grams, food.pack_label)           # the usual pack first (prices per pack)
        assert all(g < food.pack_grams for g, _ in food.packs[1:])          # the others are the smaller sizes
        volumes = [(g, m) for g, m in ((g, ML.match(label)) for g, label in food.packs) if m]
        if len(volumes) > 1:
            per_ml = {round(g / (float(m[1]) * (1000 if m[2] == "l" else 1)), 4) for g, m in volumes}
            assert len(per_ml) == 1, (food.id, food.packs)
            checked += 1
    assert checked >= 8                                                     # milks, kefir, juices


def test_a_table_without_the_pack_size_columns_still_reads(table):
    """A catalogue or table written before other sizes existed reads as one size a food."""
    frame = pd.read_csv(DATA_DIR / "foods.csv", dtype={"ndb": str, "bought_ndb": str, "portion_ndb": str})
    portions = pd.read_csv(DATA_DIR / "portions.csv", dtype={"food_id": str, "ndb": str})
    old = FoodTable(frame.drop(columns=["other_pack_grams", "other_pack_labels"]), portions)
    assert old.get("canned_salmon").packs == ((418.0, "14.75 oz can"),)
    assert old.get("cheese") == table.get("cheese")


@pytest.mark.parametrize(("food_id", "grams", "labels", "column"), [
    ("canned_salmon", "213;x", "7.5 oz can;y", "other_pack_grams"),
    ("canned_salmon", "-5", "small can", "other_pack_grams"),
    ("canned_salmon", "213;170", "7.5 oz can", "other_pack_labels"),
    ("banana", "100", "bag", "other_pack_grams"),                            # sold by the piece: no packs
])
def test_a_wrong_pack_size_cell_names_its_line_and_column(food_id, grams, labels, column):
    frame = pd.read_csv(DATA_DIR / "foods.csv", dtype={"ndb": str, "bought_ndb": str, "portion_ndb": str,
                                                       "other_pack_grams": str, "other_pack_labels": str})
    portions = pd.read_csv(DATA_DIR / "portions.csv", dtype={"food_id": str, "ndb": str})
    row = int(frame.index[frame["id"] == food_id][0])
    frame.loc[row, ["other_pack_grams", "other_pack_labels"]] = [grams, labels]
    with pytest.raises(TableError) as err:
        FoodTable(frame[FOOD_COLUMNS], portions)
    assert f"row {row + 2}," in str(err.value) and column in str(err.value)


@pytest.mark.parametrize(("cells", "message"), [
    ({"other_pack_grams": "213;abc", "other_pack_labels": "a;b"}, "not a ';'-list of positive grams"),
    ({"other_pack_grams": "213", "other_pack_labels": ""}, "1 pack size(s) but 0 label(s)"),
    ({"other_pack_grams": "418", "other_pack_labels": "small can"}, "must differ"),
    ({"other_pack_grams": "213", "other_pack_labels": "14.75 oz can"}, "must differ"),
    ({"other_pack_grams": "213", "other_pack_labels": "7.5 oz can", "buy_unit": "g"}, "need buy_unit pack"),
])
def test_the_build_refuses_a_wrong_pack_size(cells, message):
    row = pd.Series({"buy_unit": "pack", "pack_grams": "418", "pack_label": "14.75 oz can", **cells})
    problems = []

    def fail(column, text):
        problems.append((column, text))
        raise ValueError(text)

    with pytest.raises(ValueError, match=re.escape(message)):
        _check_other_packs(row, fail)
    good = pd.Series({"buy_unit": "pack", "pack_grams": "418", "pack_label": "14.75 oz can",
                      "other_pack_grams": "213", "other_pack_labels": "7.5 oz can"})
    _check_other_packs(good, fail)                                           # a right row passes


def test_the_snapshot_keeps_the_pack_sizes(table):
    foods = [table.get("canned_salmon"), table.get("cheese"), table.get("banana")]
    state = json.loads(json.dumps(foods_to_state(foods)))
    # compared as JSON: a value SR28 lacks is NaN, and no NaN equals another once read back
    assert json.dumps(foods_to_state(foods_from_state(state))) == json.dumps(foods_to_state(foods))
    assert foods_from_state(state)[0].packs == foods[0].packs
    broken = json.loads(json.dumps(foods_to_state([replace(foods[0], other_pack_grams=(213.0,))])))
    broken["rows"][0][list(state["fields"]).index("other_pack_grams")] = ["213"]
    with pytest.raises(TypeError):
        foods_from_state(broken)


# --- halves of what shops cut in two (planner/data/aisles.toml `halves`) ---------------------------------

def test_a_cabbage_is_bought_by_the_half_when_half_is_enough(table):
    cabbage, boiled = table.get("cabbage"), table.get("cabbage_boiled")
    whole = cabbage.buy_piece_grams / (1 - cabbage.refuse_pct / 100)
    half = buy_item([cabbage], {"cabbage": 0.4 * cabbage.buy_piece_grams})
    assert (half.buy_text, half.buy_amount) == (f"½ cabbage (~{whole / 2:.0f} g whole)", 0.5)
    assert half.buy_grams == pytest.approx(whole / 2) and half.left_grams == pytest.approx(0.1 * whole)
    one = buy_item([cabbage], {"cabbage": 0.8 * cabbage.buy_piece_grams})
    assert one.buy_text.startswith("1 cabbage (") and one.buy_amount == 1 and isinstance(one.buy_amount, int)
    more = buy_item([cabbage, boiled], {"cabbage": 0.8 * cabbage.buy_piece_grams,
                                        "cabbage_boiled": 0.4 * boiled.buy_piece_grams / boiled.yield_factor})
    assert more.buy_text.startswith("1½ cabbages (") and more.buy_amount == 1.5
    left = opened_left({"cabbage": 0.4 * cabbage.buy_piece_grams}, table, ["cabbage"])
    assert left == {"cabbage": pytest.approx(0.1 * cabbage.buy_piece_grams)}   # what the half leaves, as eaten
    onion = buy_item([table.get("onion")], {"onion": 10.0})
    assert onion.buy_amount == 1                                              # other pieces: whole ones, as before


def test_the_halves_rule_names_bought_forms_sold_by_the_piece(table):
    halves = [ndb for ndb, info in buy_rules().bought.items() if info.get("halves")]
    assert sorted(halves) == ["09181", "11109"]                               # cantaloupe, white cabbage
    assert all(any(f.bought_ndb == ndb and f.buy_unit == "piece" for f in table) for ndb in halves)
