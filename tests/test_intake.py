"""Reading what a person ate: free text, CSV, JSON rows; amounts, units, typos; errors that name the line."""

from __future__ import annotations

import json

import pytest
from conftest import examples
from hypothesis import given
from hypothesis import strategies as st

from foods.intake import IntakeError, parse_any, parse_csv, parse_json, parse_rows, parse_text
from foods.units import GRAMS_PER


def one(text, table):
    items = parse_text(text, table)
    assert len(items) == 1, items
    return items[0]


def portion_grams(table, food_id, measure_start):
    """SR28's weight of one unit of the food's household measure whose name starts with `measure_start`."""
    p = next(p for p in table.get(food_id).portions if p.measure.lower().startswith(measure_start))
    return p.grams_per_unit


@pytest.mark.parametrize("text, food_id, measure, count", [
    ("2 bananas", "banana", "medium", 2),
    ("1 cup milk", "milk", "cup", 1),
    ("half a cup of cooked buckwheat", "buckwheat", "cup", 0.5),
    ("1 1/2 slices wholegrain bread", "whole_wheat_bread", "slice", 1.5),
    ("1½ slices whole-wheat bread", "whole_wheat_bread", "slice", 1.5),
    ("1 medium baked potato", "potato_baked", "potato medium", 1),
    ("2 large eggs", "egg", "large", 2),
    ("2 whole eggs", "egg", "large", 2),
    ("3 almonds", "almonds", "almond", 3),
    ("a dozen almonds", "almonds", "almond", 12),
    ("1 small banana", "banana", "small", 1),
    ("1 extra large banana", "banana", "extra large", 1),
    ("a couple of apricots", "apricot", "apricot", 2),
    ("2 halves dried apricots", "dried_apricots", "half", 2),
    ("1 can of beer", "beer", "can", 1),
    ("2 fillets salmon", "salmon", "fillet", 2),
    ("a half cup lentils", "lentils", "cup", 0.5),
    ("one and a half cups of lentils", "lentils", "cup", 1.5),
    ("1 and a half cups lentils", "lentils", "cup", 1.5),
    ("¾ cup lentils", "lentils", "cup", 0.75),
    ("2 x banana", "banana", "medium", 2),
    ("2x banana", "banana", "medium", 2),
    ("milk 1 cup", "milk", "cup", 1),
    ("milk: 2 cups", "milk", "cup", 2),
    # a bare count is the usual whole piece: never a doughnut hole, never 10 oz of hazelnuts
    ("1 croissant", "croissant", "croissant, medium", 1),
    ("1 doughnut", "doughnut", "doughnut medium", 1),
    ("1 baked potato", "potato_baked", "potato medium", 1),
    ("quarter of a watermelon", "watermelon", "melon", 0.25),
    ("10 hazelnuts", "hazelnuts", "nuts", 10),
    ("2 brazil nuts", "brazil_nuts", "kernel", 2),
    ("1 mackerel", "mackerel", "fillet", 1),
    ("1 ear of corn", "corn", "ear medium", 1),
    ("1 cob of corn", "corn", "ear medium", 1),
    ("1 pot of yogurt", "yogurt", "container (6 oz)", 1),
    ("1 yogurt", "yogurt", "container (6 oz)", 1),
    ("half a dozen eggs", "egg", "large", 6),
    ("bananas (2)", "banana", "medium", 2),
    ("1 sm apple", "apple", "small", 1),
    ("1 lg apple", "apple", "large", 1),
    ("1 orange juice", "orange_juice", "cup", 1),
    ("1 lemon juice", "lemon_juice", "lemon", 1),
    ("3 T honey", "honey", "tbsp", 3),
    ("1 t sugar", "sugar", "tsp", 1),
    ("12 fl. oz beer", "beer", "fl oz", 12),
])
def test_household_amounts_read_through_sr28_weights(table, text, food_id, measure, count):
    item = one(text, table)
    assert item.food.id == food_id
    assert item.grams == pytest.approx(count * portion_grams(table, food_id, measure))
    assert item.reading.endswith(f"= {item.grams:.0f} g")


@pytest.mark.parametrize("text, food_id, grams", [
    ("30 g almonds", "almonds", 30),
    ("30g almonds", "almonds", 30),
    ("almonds 30 g", "almonds", 30),
    ("100 grams of cheese", "cheese", 100),
    ("0.25 kg lentils", "lentils", 250),
    (".5 kg lentils", "lentils", 500),
    ("1,5 kg lentils", "lentils", 1500),
    ("2 oz cheddar", "cheese", 2 * GRAMS_PER["oz"]),
    ("1 lb potatoes", "potato_boiled", GRAMS_PER["lb"]),
    # everyday words and the measures SR28 spells otherwise (as a published menu writes them)
    ("2 tbsp light mayonnaise", "light_mayonnaise", 30.0),      # SR28 writes 'tablespoon'
    ("1 cup marinara sauce", "marinara_sauce", 263.9),          # SR28 has only 'serving 1/2 cup' = 132 g
    ("1 medium whole-wheat tortilla", "whole_wheat_tortilla", 41.0),
    ("1 tortilla", "tortilla", 48.0),
    ("a handful of nuts", "mixed_nuts", 28.35),
    ("nuts", "mixed_nuts", 28.35),
    ("a pinch of salt", "salt", 6.0 / 16),
    ("a splash of milk", "milk", 244 / 16),
    ("2 handfuls of almonds", "almonds", 56.7),
    ("1 cup chopped cooked chicken", "chicken", 140.0),
    ("1 cup salad greens", "salad_greens", 36.0),
    ("1 bran muffin", "bran_muffin", 34.0),
    ("1 oat bran muffin", "oat_bran_muffin", 113.0),
    ("1 tsp margarine", "margarine", 14.2 / 3),
    ("1 cup vanilla yogurt", "vanilla_yogurt", 245.0),
    ("1 oz pretzels", "pretzels", 28.35),
    ("1/2 tsp curry powder", "curry_powder", 1.0),
    ("1 cup herbal tea", "herbal_tea", 237.0),
    ("1 cup mixed fruit", "mixed_fruit", 249.0),
    ("1 tbsp mayonnaise", "mayonnaise", 13.8),
    ("1 fl oz espresso", "espresso", 29.6),
    ("2 slices ham", "ham", 56.0),
])
def test_a_typed_line_reads_as_its_food_and_grams(table, text, food_id, grams):
    """Mass units, numbers glued to them, and everyday words ('a handful', 'a splash', '1 bran muffin'): the
    food and its grams (to 0.1 %: SR28 gives a weight to a tenth of a gram)."""
    item = one(text, table)
    assert (item.food.id, item.grams) == (food_id, pytest.approx(grams, rel=1e-3))


def test_volume_goes_through_the_foods_own_density(table):
    cup = portion_grams(table, "milk", "cup")
    assert one("250ml milk", table).grams == pytest.approx(cup * 250 / 236.5882365)
    assert one("0.5 l kefir", table).grams == pytest.approx(portion_grams(table, "kefir", "cup") * 500 / 236.5882365)
    assert one("a glass of kefir", table).grams == pytest.approx(portion_grams(table, "kefir", "cup"))
    assert one("6 fl oz coffee", table).grams == pytest.approx(6 * portion_grams(table, "coffee", "fl oz"), rel=1e-3)
    assert one("2 tbsp. olive oil", table).grams == pytest.approx(2 * portion_grams(table, "olive_oil", "tablespoon"))


def test_a_glass_of_wine_is_the_wines_own_glass(table):
    wine = table.get("wine")
    assert one("a glass of wine", table).grams == pytest.approx(wine.portion_grams)


def test_no_amount_means_one_usual_portion(table):
    coffee = one("coffee", table)
    assert coffee.food.id == "coffee" and coffee.grams == pytest.approx(table.get("coffee").portion_grams)
    assert one("a cup of coffee", table).food.id == "coffee"
    salmon = table.get("salmon")  # a usual portion is at least the food's smallest sensible amount
    assert one("salmon", table).grams == pytest.approx(salmon.portion_grams * max(1, salmon.min_steps * salmon.step))


def test_typos_are_read_and_marked_as_guesses(table):
    item = one("bannana", table)
    assert item.food.id == "banana" and item.guessed
    assert not one("2 bananas", table).guessed
    assert one("2 cups of bannanas", table).food.id == "banana"


def test_names_that_contain_unit_words_stay_names(table):
    assert one("whole milk", table).food.id == "whole_milk"
    assert one("1 cup whole milk", table).food.id == "whole_milk"
    assert one("sea cabbage", table).food.id == "kelp"
    assert one("oatmeal", table).food.id == "oatmeal"


def test_every_food_is_found_by_its_own_name_and_id(table):
    for food in table:
        assert one(f"100 g {food.name}", table).food.id == food.id, food.name
        assert one(f"50 g {food.id}", table).food.id == food.id, food.id


def test_several_items_on_one_line_keep_the_line_number(table):
    items = parse_text("coffee\n1 banana, 30 g almonds; 1 cup milk", table)
    assert [(i.line, i.food.id) for i in items] == [(1, "coffee"), (2, "banana"), (2, "almonds"), (2, "milk")]


def test_commas_inside_a_food_name_do_not_split_it(table):
    assert [i.food.id for i in parse_text("1 cup buckwheat, cooked", table)] == ["buckwheat"]
    assert [i.food.id for i in parse_text("Lentils, cooked", table)] == ["lentils"]
    assert [i.food.id for i in parse_text("Potato, baked in its jacket (flesh and skin)", table)] == ["potato_baked"]


def test_bullets_comments_meal_headings_and_blank_lines(table):
    text = "# my Tuesday\nBreakfast: 2 eggs, 1 slice rye bread\n\n- 1 apple\n* coffee  # no sugar\nLunch:\n"
    items = parse_text(text, table)
    assert [(i.line, i.food.id) for i in items] == [(2, "egg"), (2, "rye_bread"), (4, "apple"), (5, "coffee")]


def test_unknown_food_names_the_line_the_text_and_the_closest_matches(table):
    with pytest.raises(IntakeError) as err:
        parse_text("2 bananas\n30 g almonds\n2 bluebrries\n1 zzzxq", table)
    message = str(err.value)
    assert "line 4 '1 zzzxq': unknown food" in message
    assert [e.line for e in err.value.errors] == [4]
    with pytest.raises(IntakeError, match=r"line 1 '3 bar': unknown food 'bar'\. Did you mean: barley"):
        parse_text("3 bar", table)  # a short fuzzy hit is not silently read as barley


def test_every_bad_line_is_reported_together(table):
    with pytest.raises(IntakeError) as err:
        parse_text("1 zzzxq\n2 bananas\n0 g almonds\n2 buckets of milk\n-1 cup milk\n6 kg rice", table)
    assert [e.line for e in err.value.errors] == [1, 3, 4, 5, 6]
    message = str(err.value)
    assert message.startswith("5 lines could not be read") and "\n" not in message
    for part in ("line 1 '1 zzzxq'", "line 3 '0 g almonds'", "line 4 '2 buckets of milk'", "line 5", "line 6"):
        assert part in message


def test_unknown_unit_lists_the_units_the_food_has(table):
    for text in ("2 buckets of milk", "1 medium milk", "a bowl almonds", "a handful of olive oil"):
        with pytest.raises(IntakeError, match=r"is not a unit for .*; use one of: g, kg.*cup"):
            parse_text(text, table)


@pytest.mark.parametrize("text, words", [
    ("0 g almonds", "more than zero"),
    ("-5 g almonds", "more than zero"),
    ("6 kg rice", "more than 5,000 g"),
    ("50 bananas", "more than 5,000 g"),
    ("1-2 bananas", "range"),
    ("1/0 cup milk", "zero"),
    ("1,000 g rice", "could be 1000 or 1.0"),
    ("1.500 kg rice", "could be 1500 or 1.5"),
    ("2", "an amount with no food"),
])
def test_zero_negative_absurd_and_ranges_are_errors(table, text, words):
    with pytest.raises(IntakeError, match=words) as err:
        parse_text(text, table)
    assert err.value.errors[0].line == 1


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "Breakfast:"])
def test_empty_input_is_an_error(table, text):
    with pytest.raises(IntakeError, match="nothing to check"):
        parse_any(text, table)


def test_csv_with_units_in_the_amount_or_their_own_column(table):
    text = "food,amount,unit\nbanana,2,\nalmonds,30 g,\nmilk,1,cup\nbuckwheat,1/2,cups\nkefir,,\n"
    items = parse_csv(text, table)
    assert [(i.line, i.food.id) for i in items] == [(2, "banana"), (3, "almonds"), (4, "milk"), (5, "buckwheat"),
                                                    (6, "kefir")]
    assert items[1].grams == 30 and items[2].grams == pytest.approx(portion_grams(table, "milk", "cup"))
    assert items[3].grams == pytest.approx(0.5 * portion_grams(table, "buckwheat", "cup"))
    assert parse_any(text, table) == items


def test_csv_errors_name_the_file_line(table):
    with pytest.raises(IntakeError) as err:
        parse_csv("food,amount,unit\nbanana,2,\nzzzxq,1,\nmilk,1,bucket\nalmonds,30 g,cup\nrice,0,g\n", table)
    assert [e.line for e in err.value.errors] == [3, 4, 5, 6]
    assert "disagree" in str(err.value) and "bucket" in str(err.value)
    with pytest.raises(IntakeError, match="no 'food' column"):
        parse_csv("what,amount\nbanana,2\n", table)


def test_rows_from_json_or_the_dashboard_table(table):
    items = parse_rows([{"food_id": "banana", "grams": 100}, {"food": "almonds", "amount": "1", "unit": "oz"},
                        {"food": "", "amount": None, "unit": None}, {"food": "2 cups of milk"}], table)
    assert [(i.line, i.food.id) for i in items] == [(1, "banana"), (2, "almonds"), (4, "milk")]
    assert items[0].grams == 100 and items[1].grams == pytest.approx(GRAMS_PER["oz"])
    with pytest.raises(IntakeError, match="line 1 .*unknown food"):
        parse_rows([{"food_id": "bananna", "grams": 100}], table)
    assert [i.food.id for i in parse_json(json.dumps({"items": ["2 bananas", "coffee"]}), table)] == ["banana", "coffee"]
    assert parse_any(json.dumps([{"food": "banana", "amount": 2}]), table)[0].grams == pytest.approx(236)
    with pytest.raises(IntakeError, match="not valid JSON"):
        parse_any("[{'food': 1}", table)


def test_items_carry_the_json_contract(table):
    d = one("1 cup milk", table).to_dict()
    assert {"food_id", "ndb", "grams", "portion", "name", "line"} <= set(d)
    assert d["ndb"] == table.get("milk").ndb and d["portion"] == "1 cup = 244 g"


# --- properties -----------------------------------------------------------------------------------------

def _fraction_text(amount: float, style: str) -> str:
    whole, frac = int(amount), round((amount - int(amount)) * 4)
    frac_text = {0: "", 1: "1/4", 2: "1/2", 3: "3/4"}[frac]
    unicode_text = {0: "", 1: "¼", 2: "½", 3: "¾"}[frac]
    if style == "decimal":
        return f"{amount:g}"
    if style == "fraction":
        return " ".join(x for x in (str(whole) if whole else "", frac_text) if x)
    return (str(whole) if whole else "") + unicode_text


UNIT_SPELLINGS = {"g": ["g", "grams", "gram", "gr"], "oz": ["oz", "ounces"], "cup": ["cup", "cups", "c"],
                  "tbsp": ["tbsp", "tablespoons", "tbsp."], "ml": ["ml", "millilitres"], "kg": ["kg", "kilos"]}


@examples(2)
@given(quarters=st.integers(min_value=1, max_value=24), style=st.sampled_from(["decimal", "fraction", "unicode"]),
       unit=st.sampled_from(sorted(UNIT_SPELLINGS)), spelling=st.integers(0, 3),
       food_id=st.sampled_from(["lentils", "milk", "buckwheat", "oatmeal", "yogurt"]), of=st.booleans())
def test_amount_text_round_trips_to_the_same_grams(table, quarters, style, unit, spelling, food_id, of):
    amount = quarters / 4
    if unit == "kg":
        amount /= 10
        style = "decimal"
    spelled = UNIT_SPELLINGS[unit][spelling % len(UNIT_SPELLINGS[unit])]
    name = table.get(food_id).name
    text = f"{_fraction_text(amount, style)} {spelled} {'of ' if of else ''}{name}"
    item = one(text, table)
    unit_grams = one(f"1 {unit} {name}", table).grams
    assert item.food.id == food_id
    assert item.grams == pytest.approx(amount * unit_grams), text
    if unit in GRAMS_PER:
        assert item.grams == pytest.approx(amount * GRAMS_PER[unit])


@examples(1.5)
@given(grams=st.floats(min_value=0.5, max_value=4999, allow_nan=False), food_index=st.integers(0, 10_000))
def test_grams_written_any_way_come_back(table, grams, food_index):
    food = list(table)[food_index % len(table)]
    text_grams = round(grams, 2)
    assert one(f"{text_grams} g {food.name}", table).grams == pytest.approx(text_grams)
    assert parse_rows([{"food_id": food.id, "grams": text_grams}], table)[0].grams == pytest.approx(text_grams)
    csv_item = parse_csv(f"food,amount,unit\n{food.id},{text_grams} g,\n", table)[0]
    assert (csv_item.food.id, csv_item.grams) == (food.id, pytest.approx(text_grams))


@given(word=st.sampled_from([("a", 1), ("an", 1), ("one", 1), ("two", 2), ("three", 3), ("half a", 0.5),
                             ("a couple of", 2), ("twelve", 12)]))
def test_number_words(table, word):
    text, value = word
    assert one(f"{text} cup milk", table).grams == pytest.approx(value * portion_grams(table, "milk", "cup"))


# --- names: a guess fixes a typo, it never drops a word ---------------------------------------------------

@pytest.mark.parametrize("text", ["mineral water", "garlic salt", "1 tsp celery salt", "1 cup of coffee with milk",
                                  "lamb chop"])
def test_a_name_that_ignores_a_typed_word_is_an_error_not_a_guess(table, text):
    """'salt' is not 'tomato juice, no salt added': ask, with the closest."""
    with pytest.raises(IntakeError, match=r"line 1 .*unknown food") as err:
        parse_text(text, table)
    assert "Did you mean" in str(err.value)


@pytest.mark.parametrize("text", ["oat milk", "1 cup oat milk"])
def test_oat_milk_is_not_cows_milk_and_sr28_lacks_it(table, text):
    """'oat milk' is not cow's milk, and SR28 has none: said plainly, with the fortified plant milks it has."""
    with pytest.raises(IntakeError, match=r"line 1 .*'oat milk' is not in USDA SR28") as err:
        parse_text(text, table)
    assert "soy_milk" in str(err.value) and "whole_milk" not in str(err.value)


def test_coffee_with_milk_says_to_write_each_food_on_its_own_line(table):
    with pytest.raises(IntakeError, match="Write each food on its own line"):
        parse_text("coffee with milk", table)


@pytest.mark.parametrize("text, food_id", [("1 cup mashed potatoes", "potato_boiled"), ("poached eggs", "egg"),
                                           ("1 cup cooked beets", "beets"), ("grilled salmon 150g", "salmon"),
                                           ("2 kiwis", "kiwi"), ("yoghurt", "yogurt")])
def test_dropped_form_words_and_typos_are_read_as_guesses(table, text, food_id):
    item = one(text, table)
    assert (item.food.id, item.guessed) == (food_id, True)


def test_scrambled_eggs_are_the_scrambled_egg_food_not_a_guess(table):
    item = one("2 scrambled eggs", table)
    assert (item.food.id, item.guessed, item.grams) == ("scrambled_egg", False, 122.0)


# --- counting: '1 croissant' is a whole usual one, never a crumb or 10 oz -------------------------------

@pytest.mark.parametrize("text", ["5 walnuts", "1 squid", "1 smoked sausage"])
def test_a_food_sr28_weighs_only_by_mass_cannot_be_counted(table, text):
    with pytest.raises(IntakeError, match=r"cannot be counted: SR28 has no weight for one; .*\(g, kg, mg, oz"):
        parse_text(text, table)


def test_and_between_two_items_splits_them_but_not_inside_an_amount_or_a_name(table):
    assert [i.food.id for i in parse_text("an apple and a banana", table)] == ["apple", "banana"]
    assert [i.food.id for i in parse_text("2 bananas and 1 apple", table)] == ["banana", "apple"]
    assert [i.food.id for i in parse_text("1 cup blueberries + 1 cup yogurt", table)] == ["blueberries", "yogurt"]
    assert [i.grams for i in parse_text("one and a half cups of lentils", table)] == [
        pytest.approx(1.5 * portion_grams(table, "lentils", "cup"))]
    assert [i.food.id for i in parse_text("Potato, baked in its jacket (flesh and skin)", table)] == ["potato_baked"]


@pytest.mark.parametrize("text, words", [("some milk", "'some' is not an amount"),
                                         ("a few almonds", "'a few' is not an amount"),
                                         ("10 mg almonds", "too little to count")])
def test_vague_and_tiny_amounts_are_errors(table, text, words):
    with pytest.raises(IntakeError, match=words):
        parse_text(text, table)


# --- CSV as spreadsheets write it --------------------------------------------------------------------------

@pytest.mark.parametrize("sep", [";", "\t"])
def test_csv_with_semicolons_or_tabs(table, sep):
    text = sep.join(["food", "amount", "unit"]) + "\n" + sep.join(["banana", "two", ""]) + "\n" + \
        sep.join(["milk", "1", "cup"]) + "\n"
    items = parse_any(text, table)
    assert [(i.food.id, i.grams) for i in items] == [("banana", pytest.approx(2 * 118)),
                                                     ("milk", pytest.approx(portion_grams(table, "milk", "cup")))]


def test_csv_with_an_unclosed_quote_or_a_wrong_header_names_the_line(table):
    with pytest.raises(IntakeError, match=r"line 3: the CSV cannot be read: a quote .* never closed"):
        parse_csv('food,amount,unit\nbanana,2,\n"almonds,30 g\n', table)
    with pytest.raises(IntakeError, match=r"line 2: the CSV header 'what,how' has no 'food' column"):
        parse_csv("# my day\nwhat,how\nbanana,2\n", table)


def test_a_row_without_a_unit_counts_as_free_text_does_and_grams_where_the_food_cannot_be_counted(table):
    """'almonds,30,' is 30 almonds, as '30 almonds' typed is (it was 30 oz, 850 g); a food SR28 weighs only by mass
    takes a bare number as grams (the CSV's unit is optional when the amount is in grams), and the reading says so."""
    typed = parse_any("30 almonds\n2 bananas\n", table)
    rows = parse_csv("food,amount,unit\nalmonds,30,\nbanana,2,\n", table)
    assert [i.grams for i in rows] == [i.grams for i in typed]
    assert rows[0].grams < 40
    by_id = parse_rows([{"food_id": "almonds", "amount": 30}], table)[0]
    assert by_id.grams == rows[0].grams
    with pytest.raises(IntakeError, match="cannot be counted"):
        parse_any("20 cashews\n", table)   # typed, a count of a food SR28 cannot count stays an error
    (cashews,) = parse_csv("food,amount,unit\ncashews,20,\n", table)
    assert cashews.grams == 20 and "read as grams" in cashews.reading
