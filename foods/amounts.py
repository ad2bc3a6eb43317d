"""Read amounts as people write them, and turn an amount and a unit of a food into grams with a reading.

Numbers, fractions and number words ("1 1/2", "½", "a half", "two and a half", "a dozen"), units and their
abbreviations ("30g", "2 tbsp.", "fl oz", "1 med"), size words ("1 medium"), and which SR28 measure a count,
a size or a unit means for one food ("3 almonds", "1 ear of corn", "1 medium potato"). The one place that
says how "½ cup" is read.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from foods.errors import BadAmount, UnknownUnit
from foods.table import DATA_DIR, Food, FoodTable, Portion, split_list
from foods.text import DENSITY_WORDS, SIZE_WORDS, normalize, quote, singular
from foods.units import (
    GRAMS_PER,
    ML_PER,
    PIECE_WORDS,
    UNIT_SYNONYMS,
    ResolvedAmount,
    normalize_unit,
    resolve_amount,
    units_for,
    volume_density,
)

MIN_GRAMS = 0.1  # less than a tenth of a gram of a food is a slip of the unit ('10 mg almonds'), not a meal

_UNICODE_FRACTIONS = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5",
                      "⅗": "3/5", "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8",
                      "⅞": "7/8"}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
# Measures that are part of one ('watermelon balls', 'doughnut hole'): never what a bare count means.
_SUB_PIECES = {"ball", "balls", "hole", "holes", "stick", "sticks", "half", "halves", "slice", "slices", "cube",
               "cubes", "chopped", "diced", "sliced", "shredded", "strip", "strips", "mini", "baby", "package"}
# Measures that count a food SR28 has no piece for: 1 mackerel = a fillet, 1 cabbage = a head, 1 yogurt = a pot.
_COUNT_WORDS = ("fillet", "kernel", "nut", "ear", "head", "melon", "container", "bar", "link", "patty")
# Two-word units first, so "fl oz" wins over "fl".
_GENERIC_UNITS = sorted({*GRAMS_PER, *ML_PER, *UNIT_SYNONYMS, *UNIT_SYNONYMS.values(), *SIZE_WORDS,
                         "portion", "piece", "slice", "glass"}, key=lambda u: (-len(u.split()), u))
# Words people use as measures; when the food has no such SR28 measure, the line is an error, not a guess.
MEASURE_WORDS = {"handful", "handfuls", "bowl", "bowls", "plate", "plates", "spoon", "spoons", "spoonful",
                  "spoonfuls", "tablespoonful", "teaspoonful", "bucket", "buckets", "bag", "bags", "box", "boxes",
                  "pack", "packs", "packet", "packets", "jar", "jars", "bottle", "bottles", "scoop", "scoops",
                  "pinch", "pinches", "dash", "splash", "stick", "sticks", "bar", "bars", "square", "squares",
                  "carton", "cartons", "tin", "tins", "can", "cans", "helping", "helpings", "dollop", "dollops",
                  "knob", "chunk", "chunks", "wedge", "wedges", "head", "heads", "clove", "cloves", "bunch",
                  "sprig", "sprigs", "leaf", "leaves", "stalk", "stalks", "rasher", "rashers", "fillet", "fillets",
                  "strip", "strips", "cube", "cubes", "drop", "drops", "shot", "shots", "pint", "pints",
                  "quart", "quarts", "container", "containers", "block", "blocks", "half", "halves", "cl"}
_SIZE_ABBREVIATIONS = {"sm": "small", "med": "medium", "lg": "large", "lrg": "large", "xl": "extra large"}
# Amounts nobody can weigh: the person is asked for a number rather than given a guess.
_VAGUE_AMOUNT_RE = re.compile(r"^(?:some|a\s+few|few|several|a\s+bit(?:\s+of)?|a\s+little(?:\s+bit)?(?:\s+of)?|"
                              r"a\s+lot\s+of|lots\s+of|plenty\s+of)\s+")
MEASURE_SYNONYMS = {"pot": "container", "tub": "container", "carton": "container", "cob": "ear"}

_NUM = r"(?:\d+(?:[.,]\d+)?|[.,]\d+)"
_AMOUNT_RE = re.compile(
    rf"^(?:(?P<whole>\d+)\s+(?P<frac>\d+\s*/\s*\d+)"        # 1 1/2
    rf"|(?P<fraction>\d+\s*/\s*\d+)"                          # 1/2
    rf"|(?P<number>{_NUM}))"                                  # 2, 1.5, ,5
    rf"(?P<and_half>\s+and\s+(?:a\s+half|1\s*/\s*2))?"        # 1 and a half
    rf"(?=\s|$|[a-z])")
_WORD_AMOUNTS = [  # (pattern, amount): longest first
    (re.compile(r"^(?:a\s+)?half\s+(?:a\s+)?dozen(?:\s+of)?(?=\s|$)"), 6.0),
    (re.compile(r"^(?:a\s+|one\s+)?couple(?:\s+of)?(?=\s|$)"), 2.0),
    (re.compile(r"^(?:a\s+|one\s+)?dozen(?:\s+of)?(?=\s|$)"), 12.0),
    (re.compile(r"^(?:a\s+|one\s+)?half(?:\s+of)?(?:\s+an?)?(?=\s|$)"), 0.5),
    (re.compile(r"^(?:a\s+|one\s+)?quarter(?:\s+of)?(?:\s+an?)?(?=\s|$)"), 0.25),
    (re.compile(r"^(?:a\s+|one\s+)?third(?:\s+of)?(?:\s+an?)?(?=\s|$)"), 1 / 3),
]
_NUMBER_WORD_RE = re.compile(rf"^(?P<word>{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})"
                             r"(?P<half>\s+and\s+a\s+half)?(?=\s|$)")
_TIMES_RE = re.compile(r"^(?:x|×|\*)(?=\s|$|\d)\s*")
_GLUED_UNIT_RE = re.compile(r"(\d)(g|kg|mg|ml|l|dl|oz|lb|lbs|cl)\b")


def _to_float(text: str) -> float:
    text = text.replace(" ", "")
    if "/" in text:
        num, den = text.split("/")
        if int(den) == 0:
            raise BadAmount(f"'{quote(text)}' divides by zero")
        return float(Fraction(int(num), int(den)))
    if re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", text):  # '1,000' or '1.000': a thousand, or one?
        whole, part = re.split(r"[.,]", text)
        raise BadAmount(f"'{quote(text)}' could be {whole}{part} or {whole}.{part.rstrip('0') or '0'}: write it without "
                        "a thousands separator, and with a point for decimals")
    return float(text.replace(",", "."))


def clean(text: str) -> str:
    """Lower case, unicode fractions spelled out ('1½' -> '1 1/2'), units glued to numbers split ('30g')."""
    text = text.strip().replace("\u00a0", " ")
    text = re.sub(r"(?<=[\d½¼¾⅓⅔])\s*T\.?(?=\s)", " tbsp", text)  # cookbook shorthand: 1 T honey, 1 t salt
    text = re.sub(r"(?<=[\d½¼¾⅓⅔])\s*t\.?(?=\s)", " tsp", text).lower()
    text = re.sub(r"\s*\((\d+(?:[.,]\d+)?)\)$", r" x \1", text)  # 'bananas (2)
    for ch, frac in _UNICODE_FRACTIONS.items():
        text = re.sub(rf"(\d)\s*{ch}", rf"\1 {frac}", text).replace(ch, frac)
    text = re.sub(r"\bfl\.?\s*oz\b", "fl oz", text)
    text = re.sub(r"(?<=\d )(sm|med|lg|lrg|xl)\.?(?=\s)", lambda m: _SIZE_ABBREVIATIONS[m.group(1)], text)
    text = _GLUED_UNIT_RE.sub(r"\1 \2", text)
    text = re.sub(r"(\d)(x|×)(?=\s)", r"\1 \2", text)
    return re.sub(r"\s+", " ", text).strip()


def take_amount(text: str) -> tuple[float | None, str]:
    """Split a leading amount off cleaned text: ('1 1/2 slices bread') -> (1.5, 'slices bread')."""
    if re.match(r"^-\s*\d", text):
        raise BadAmount(f"amounts must be more than zero, not '{quote(text.split()[0])}'")
    vague = _VAGUE_AMOUNT_RE.match(text)
    if vague:
        raise BadAmount(f"'{vague.group().strip()}' is not an amount: write how much, such as '5 almonds', "
                        "'1 cup milk' or '30 g cheese'")
    if re.match(r"^\d+\s*(?:-|–|to)\s*\d+(?=\s|$)", text):
        raise BadAmount(f"'{quote(text)}' gives a range: write one amount, such as 2 (not 1-2)")
    m = _AMOUNT_RE.match(text)
    if m:
        if m.group("whole"):
            amount = int(m.group("whole")) + _to_float(m.group("frac"))
        else:
            amount = _to_float(m.group("fraction") or m.group("number"))
        if m.group("and_half"):
            amount += 0.5
        rest = text[m.end():].strip()
    else:
        amount, rest = None, text
        for pattern, value in _WORD_AMOUNTS:
            wm = pattern.match(text)
            if wm:
                amount, rest = value, text[wm.end():].strip()
                break
        else:
            wm = _NUMBER_WORD_RE.match(text)
            if wm:
                amount = float(NUMBER_WORDS[wm.group("word")]) + (0.5 if wm.group("half") else 0.0)
                rest = text[wm.end():].strip()
                # "a half cup", "one quarter cup": a number word followed by a fraction word
                for pattern, value in _WORD_AMOUNTS[2:]:
                    hm = pattern.match(rest)
                    if hm and amount == 1:
                        amount, rest = value, rest[hm.end():].strip()
                        break
                if not rest:  # "a", "one" alone: the word is not an amount
                    return None, text
    if amount is None:
        return None, text
    rest = _TIMES_RE.sub("", rest)
    return amount, rest


def take_unit(text: str) -> tuple[str | None, str]:
    """A unit any food may have ('g', 'cups', 'tbsp.', 'medium'), and the words after it."""
    for unit in _GENERIC_UNITS:
        m = re.match(rf"^{re.escape(unit)}\.?(?=\s|$)", text)
        if m:
            return unit, text[m.end():].strip()
    return None, text


def word_forms(word: str) -> set[str]:
    word = word.rstrip(".")
    forms = {word, singular(word)}
    if word.endswith("ves"):
        forms.add(word[:-3] + "f")
    return forms


def _size_measure(food: Food, size: str) -> str | None:
    """The food's own measure for a size word: 'medium' -> 'potato medium' for a baked potato."""
    if " " not in size and any(p.unit_word == size for p in food.portions):
        return size  # a plain unit of this food: resolve_amount reads it
    for p in food.portions:
        joined = " ".join(p.measure.lower().replace(",", " ").replace("(", " ").split())
        if re.search(rf"(?<!extra ){re.escape(size)}\b", joined):
            return p.measure.lower()
    return None


def _measure_words(p: Portion) -> set[str]:
    return set(re.findall(r"[a-z]+", p.measure.lower()))


def _best_measure(food: Food, portions: list[Portion]) -> str:
    """Of several measures with one unit word, the food's usual portion, else the medium one, else the first."""
    usual = next((p for p in portions if abs(p.grams_per_unit - food.portion_grams) < 0.5), None)
    medium = next((p for p in portions if "medium" in _measure_words(p)), None)
    chosen = usual or medium or portions[0]
    first = next(p for p in food.portions if p.unit_word == chosen.unit_word)
    return chosen.unit_word if first is chosen else chosen.measure.lower()  # the unit word reads shorter


def count_measure(food: Food, food_text: str) -> str | None:
    """The measure a bare count is in ('3 almonds', '1 croissant', '10 hazelnuts', '1 mackerel'), or None for
    the food's own piece or usual portion ('2 bananas', '1 coffee'). A food SR28 weighs only by mass cannot
    be counted: '2 walnuts' is an error, not 2 oz."""
    typed = {f for w in clean(food_text).split() for f in word_forms(w)}

    def countable(p: Portion) -> bool:
        return p.unit_word not in GRAMS_PER and p.unit_word not in ML_PER and not _measure_words(p) & _SUB_PIECES

    named = [p for p in food.portions if countable(p) and p.unit_word
             and any(t == p.unit_word or (len(p.unit_word) >= 3 and t.endswith(p.unit_word)) for t in typed)]
    if named:  # SR28 has a measure named like the food: 1 almond = 1.2 g, 1 nut (hazelnut) = 1.4 g
        return _best_measure(food, named)
    if "juice" in normalize(food.name).split() and normalize_unit(food.portion_label.split(" ")[0]) in ML_PER:
        return "portion"  # '1 orange juice' is a glass of it, not the juice of one orange
    if any(p.unit_word in PIECE_WORDS for p in food.portions):
        return None  # resolve_amount counts in the food's piece: medium, fruit, slice, ...
    for word in _COUNT_WORDS:
        same = [p for p in food.portions if p.unit_word == word and countable(p)]
        if same:
            return _best_measure(food, same)
    if normalize_unit(food.portion_label.split(" ")[0]) in GRAMS_PER:
        units = [u for u in units_for(food) if u not in ("piece", "portion")]
        raise BadAmount(f"{food.name} cannot be counted: SR28 has no weight for one; give the amount with a "
                        f"unit ({', '.join(units)})")
    return None


def _counted_measure(food: Food) -> str | None:
    """The measure one of a counted food is ('tortilla'), '' for its own piece, or None if it is not counted."""
    try:
        counted = count_measure(food, food.portion_label)
    except BadAmount:
        return None
    if counted is None and not any(p.unit_word in PIECE_WORDS for p in food.portions):
        return None
    return counted or ""


def usual_portions(food: Food) -> float:
    """How many of the food's portions a line with no amount means: its usual serving ("coffee" is a cup)."""
    return food.default_steps * food.step


@dataclass(frozen=True)
class TypedMeasure:
    """An amount people type that no SR28 measure names ('a handful'), read as `amount` `unit`."""

    amount: float
    unit: str
    reading: str
    not_for_groups: frozenset[str] = frozenset()  # SR28 groups it never measures: a handful of oil or tea


@functools.lru_cache(maxsize=1)
def typed_measures() -> dict[str, TypedMeasure]:
    """`data/typed_measures.csv`: handful, pinch, dash, splash, each with the unit it is read as and its source."""
    frame = pd.read_csv(DATA_DIR / "typed_measures.csv", dtype=str, keep_default_na=False)
    return {row.word: TypedMeasure(float(row.amount), row.unit, row.reading, frozenset(split_list(row.not_for_groups)))
            for row in frame.itertuples()}


def typed_measure(word: str) -> TypedMeasure | None:
    """The typed measure a word names ('handfuls' -> handful), or None."""
    measures = typed_measures()
    return next((measures[f] for f in sorted(word_forms(word)) if f in measures), None)


def like_food(table: FoodTable, food: Food, unit: str) -> Food | None:
    """A food of the same kind that SR28 weighs in `unit` when it has no such measure for `food` itself: the
    one sharing most words of its SR28 name among those whose name starts alike ('Carrots, raw' for
    'Carrots, baby, raw'), else among its SR28 food group (poultry for grilled chicken breast)."""
    def find() -> Food | None:
        words = set(normalize(food.sr28_name or food.name).split())
        head = normalize((food.sr28_name or food.name).split(",")[0])
        state = words & DENSITY_WORDS
        best, rank = None, (False, 0)
        for other in table:
            if other.id == food.id or (unit in ML_PER and volume_density(other) is None):
                continue
            other_words = set(normalize(other.sr28_name or other.name).split())
            if other_words & DENSITY_WORDS != state:
                continue
            alike = normalize((other.sr28_name or other.name).split(",")[0]) == head
            if not alike and (not food.group or other.group != food.group):
                continue
            other_rank = (alike, len(words & other_words))
            if other_rank > rank:
                best, rank = other, other_rank
        return best if rank[1] > 0 else None
    return table.cached(("like_food", food.id, unit in ML_PER), find)


def resolve(food: Food, amount: float | None, unit: str | None,
            table: FoodTable | None = None) -> tuple[float, str, float, str]:
    """(amount, unit, grams, reading) through the food's SR28 household weights; errors name the units.
    With the `table`, a volume SR28 gives no weight for is weighed as a like food's, and the reading says so."""
    if amount is None and unit is None:
        amount, unit = usual_portions(food), "portion"
    elif amount is None:
        amount = 1.0
    u = normalize_unit(unit)
    read_as = u
    note = ""
    label_word = food.portion_label.split(" ")[0].lower() if food.portion_label else ""
    if u in SIZE_WORDS:
        measure = _size_measure(food, u)
        counted = _counted_measure(food) if measure is None else None
        if counted is not None:  # '1 medium tortilla' of a food SR28 weighs in one size: that size, said so
            measure, note = counted, f"SR28 gives one size of {food.name}, not {u}"
        if measure is None:
            raise UnknownUnit(food.name, u, units_for(food))
        read_as = measure
    elif u and u == label_word and u not in GRAMS_PER and u != "cup":
        read_as = "portion"  # "a glass of wine" is the food's own glass (5 fl oz), not a cup
    elif u and u not in GRAMS_PER and u not in ML_PER:
        same = [p for p in food.portions if p.unit_word == u and not _measure_words(p) & _SUB_PIECES]
        if len(same) > 1:  # "1 ear of corn": the medium ear, not the first SR28 lists
            read_as = _best_measure(food, same)
    try:
        resolved = resolve_amount(food, amount, read_as or None)
    except UnknownUnit:
        like = like_food(table, food, u) if table is not None and u in ML_PER else None
        if like is None:
            raise
        resolved = resolve_amount(like, amount, u)
        note = f"{u} weighed as {like.name}: SR28 has no {u} for {food.name}"
    if note:
        resolved = ResolvedAmount(resolved.grams, f"{resolved.reading} ({note})")
    if resolved.grams < MIN_GRAMS:
        raise BadAmount(f"{amount:g} {u or 'pieces'} of {food.name} is {resolved.grams:.2g} g, too little to count: "
                        "check the amount and unit (g, not mg?)")
    return float(amount), u or "piece", resolved.grams, resolved.reading
