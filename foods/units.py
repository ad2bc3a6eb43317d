"""Turn '1 cup', '30 g', '2 medium' into grams of a food, through SR28's household weights."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from foods.errors import BadAmount, UnknownUnit
from foods.table import Food, Portion
from foods.text import measure_text, measure_words, singular

MAX_GRAMS = 5000.0  # more than 5 kg of one food in a day is a typo, not a meal

GRAMS_PER = {"g": 1.0, "kg": 1000.0, "mg": 0.001, "oz": 28.349523125, "lb": 453.59237}
ML_PER = {"ml": 1.0, "l": 1000.0, "dl": 100.0, "cup": 236.5882365, "tbsp": 14.78676478, "tsp": 4.92892159,
          "fl oz": 29.5735295625, "glass": 236.5882365, "pint": 473.176473, "quart": 946.352946}
HIDDEN_UNITS = {"cubic", "italian", "baby", "serving"}  # SR28 measure words nobody types as a unit
UNIT_SYNONYMS = {
    "gram": "g", "grams": "g", "gr": "g", "gm": "g", "kilogram": "kg", "kilo": "kg", "kilos": "kg",
    "ounce": "oz", "ounces": "oz", "pound": "lb", "pounds": "lb", "lbs": "lb", "milligram": "mg",
    "milliliter": "ml", "millilitre": "ml", "milliliters": "ml", "millilitres": "ml", "mls": "ml",
    "liter": "l", "litre": "l", "liters": "l", "litres": "l", "ltr": "l",
    "cups": "cup", "c": "cup", "tablespoon": "tbsp", "tablespoons": "tbsp", "tbs": "tbsp", "tbl": "tbsp",
    "tbsps": "tbsp", "teaspoon": "tsp", "teaspoons": "tsp", "tsps": "tsp", "fluid ounce": "fl oz",
    "fluid ounces": "fl oz", "floz": "fl oz", "glasses": "glass", "mug": "cup", "mugs": "cup",
    "slices": "slice", "pieces": "piece", "pc": "piece", "pcs": "piece", "serving": "portion",
    "servings": "portion", "portions": "portion", "pints": "pint", "quarts": "quart", "whole": "piece",
    "item": "piece", "items": "piece",
}
PIECE_WORDS = ("medium", "piece", "fruit", "large", "small", "whole", "slice", "egg", "item")


@dataclass(frozen=True)
class ResolvedAmount:
    """How an amount was read: grams, and the reading shown to the person ('1 cup = 244 g')."""

    grams: float
    reading: str


def normalize_unit(unit: str | None) -> str:
    u = (unit or "").strip().lower().rstrip(".")
    return UNIT_SYNONYMS.get(u, u)


_VOLUME_MEASURES = ("cup", "tbsp", "tsp", "fl oz")
# A volume inside another measure: 'serving 1/2 cup', 'serving (2 tbsp)'.
_INNER_VOLUME = re.compile(r"(\d+(?:\.\d+)?(?:/\d+)?)\s*(cups?|tbsp|tsp|fl oz)\b")


def volume_density(food: Food) -> float | None:
    """Grams per millilitre from the food's own SR28 cup/tbsp/tsp/fl oz measures ('tablespoon' is a tbsp),
    else from a volume written inside a serving ('serving 1/2 cup' = 132 g)."""
    for p in food.portions:
        if p.unit_word in _VOLUME_MEASURES:
            return p.grams_per_unit / ML_PER[p.unit_word]
    for p in food.portions:
        m = _INNER_VOLUME.search(p.measure.lower())
        if m and float(Fraction(m.group(1))) > 0:
            return p.grams_per_unit / (float(Fraction(m.group(1))) * ML_PER[singular(m.group(2))])
    return None


def _household(food: Food, unit: str) -> Portion | None:
    wanted = {unit, singular(unit)}
    for p in food.portions:
        if p.unit_word in wanted or p.measure.lower() == unit:
            return p
    return None


def _piece(food: Food) -> tuple[float, str]:
    for word in PIECE_WORDS:
        p = _household(food, word)
        if p is not None:
            return p.grams_per_unit, p.measure
    return food.portion_grams, food.portion_label


def _counted(amount: float, label: str, each_grams: float) -> str:
    """'2 slices (32 g each)', '1 medium (7" long, 118 g)': a count of a household measure and its weight."""
    return measure_text(amount, label, f"{each_grams:.0f} g", note_is_per_measure=True)


def units_for(food: Food) -> list[str]:
    """Every unit this food can be measured in."""
    units = list(GRAMS_PER)
    if volume_density(food) is not None:
        units += list(ML_PER)
    units += sorted({p.unit_word for p in food.portions
                     if p.unit_word and p.unit_word not in units and p.unit_word not in HIDDEN_UNITS})
    return list(dict.fromkeys([*units, "piece", "portion"]))  # each once: never 'piece, piece'


def resolve_amount(food: Food, amount: float, unit: str | None = None) -> ResolvedAmount:
    """Grams of `food` in `amount` `unit`; no unit means pieces (or the food's usual portion)."""
    try:
        amount = float(amount)
    except (TypeError, ValueError):
        raise BadAmount(f"amount '{amount}' for {food.name} is not a number") from None
    if not math.isfinite(amount) or amount <= 0:
        raise BadAmount(f"amount for {food.name} must be more than zero, not {amount:g}")
    u = normalize_unit(unit)
    if u in GRAMS_PER:
        grams, how = amount * GRAMS_PER[u], f"{amount:g} {u}"
    elif (p := _household(food, u)) is not None and u not in ML_PER:
        grams, how = amount * p.grams_per_unit, _counted(amount, p.measure, p.grams_per_unit)
    elif u in ML_PER:
        density = volume_density(food)
        if density is None:
            raise UnknownUnit(food.name, unit or u, units_for(food))
        grams, how = amount * ML_PER[u] * density, measure_words(amount, u)
    elif u == "portion":
        grams, how = amount * food.portion_grams, _counted(amount, food.portion_label, food.portion_grams)
    elif u in ("", "piece"):
        each, label = _piece(food)
        grams, how = amount * each, _counted(amount, label, each)
    else:
        raise UnknownUnit(food.name, unit or u, units_for(food))
    if grams > MAX_GRAMS:
        weight = f"{grams:,.0f}" if grams < 1e9 else f"{grams:.1e}"  # never a 300-digit number
        raise BadAmount(f"{amount:g} {u or 'pieces'} of {food.name} is {weight} g, more than "
                        f"{MAX_GRAMS:,.0f} g of one food in a day: check the amount and unit")
    return ResolvedAmount(grams, f"{how} = {grams:.0f} g")
