"""Read what a person ate (free text, CSV, JSON rows) into foods and grams, with how each line was read.

"2 bananas", "30 g almonds", "half a cup of cooked buckwheat", "1 1/2 slices wholegrain bread",
"a glass of kefir", "coffee": numbers, fractions and number words, units and their abbreviations,
plurals and typos. Every line is read before anything fails, so one error message names every bad line.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from dataclasses import dataclass
from fractions import Fraction

from foods import Food, FoodTable
from foods.errors import BadAmount, FoodError, UnknownFood, UnknownUnit
from foods.search import MATCH_THRESHOLD, normalize, scored, singular
from foods.units import GRAMS_PER, ML_PER, UNIT_SYNONYMS, normalize_unit, resolve_amount, units_for
from planner.errors import PlannerError

MAX_ERRORS_SHOWN = 8

_UNICODE_FRACTIONS = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5",
                      "⅗": "3/5", "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8",
                      "⅞": "7/8"}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_SIZE_WORDS = ("extra small", "extra large", "small", "medium", "large")
# Two-word units first, so "fl oz" wins over "fl".
_GENERIC_UNITS = sorted({*GRAMS_PER, *ML_PER, *UNIT_SYNONYMS, *UNIT_SYNONYMS.values(), *_SIZE_WORDS,
                         "portion", "piece", "slice", "glass"}, key=lambda u: (-len(u.split()), u))
# Words people use as measures; when the food has no such SR28 measure, the line is an error, not a guess.
_MEASURE_WORDS = {"handful", "handfuls", "bowl", "bowls", "plate", "plates", "spoon", "spoons", "spoonful",
                  "spoonfuls", "tablespoonful", "teaspoonful", "bucket", "buckets", "bag", "bags", "box", "boxes",
                  "pack", "packs", "packet", "packets", "jar", "jars", "bottle", "bottles", "scoop", "scoops",
                  "pinch", "pinches", "dash", "splash", "stick", "sticks", "bar", "bars", "square", "squares",
                  "carton", "cartons", "tin", "tins", "can", "cans", "helping", "helpings", "dollop", "dollops",
                  "knob", "chunk", "chunks", "wedge", "wedges", "head", "heads", "clove", "cloves", "bunch",
                  "sprig", "sprigs", "leaf", "leaves", "stalk", "stalks", "rasher", "rashers", "fillet", "fillets",
                  "strip", "strips", "cube", "cubes", "drop", "drops", "shot", "shots", "pint", "pints",
                  "quart", "quarts", "container", "containers", "block", "blocks", "half", "halves", "cl"}
_MEAL_WORDS = {"breakfast", "brunch", "lunch", "dinner", "supper", "snack", "snacks", "morning snack",
               "afternoon snack", "evening snack", "dessert"}

# Words that describe how a food is prepared: after a comma they belong to the food before them.
_FORM_WORDS = {"cooked", "raw", "boiled", "baked", "fresh", "dried", "fried", "pan-fried", "roasted", "dry-roasted",
               "steamed", "grilled", "broiled", "plain", "canned", "frozen", "stewed", "salted", "unsalted",
               "sweetened", "unsweetened", "low-fat", "lowfat", "nonfat", "skim", "whole", "ground", "sliced",
               "chopped", "mashed", "drained", "shelled", "peeled", "with", "without", "skin", "in", "fat",
               "lean", "only", "meat", "brewed", "prepared", "uncooked", "firm"}

_NUM = r"(?:\d+(?:[.,]\d+)?|[.,]\d+)"
_AMOUNT_RE = re.compile(
    rf"^(?:(?P<whole>\d+)\s+(?P<frac>\d+\s*/\s*\d+)"        # 1 1/2
    rf"|(?P<fraction>\d+\s*/\s*\d+)"                          # 1/2
    rf"|(?P<number>{_NUM}))"                                  # 2, 1.5, ,5
    rf"(?P<and_half>\s+and\s+(?:a\s+half|1\s*/\s*2))?"        # 1 and a half
    rf"(?=\s|$|[a-z])")
_WORD_AMOUNTS = [  # (pattern, amount): longest first
    (re.compile(r"^(?:a\s+|one\s+)?couple(?:\s+of)?(?=\s|$)"), 2.0),
    (re.compile(r"^(?:a\s+|one\s+)?dozen(?:\s+of)?(?=\s|$)"), 12.0),
    (re.compile(r"^(?:a\s+|one\s+)?half(?:\s+of)?(?:\s+an?)?(?=\s|$)"), 0.5),
    (re.compile(r"^(?:a\s+|one\s+)?quarter(?:\s+of)?(?:\s+an?)?(?=\s|$)"), 0.25),
    (re.compile(r"^(?:a\s+|one\s+)?third(?:\s+of)?(?:\s+an?)?(?=\s|$)"), 1 / 3),
]
_NUMBER_WORD_RE = re.compile(rf"^(?P<word>{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})"
                             r"(?P<half>\s+and\s+a\s+half)?(?=\s|$)")
_TIMES_RE = re.compile(r"^(?:x|×|\*)(?=\s|$|\d)\s*")
_GLUED_UNIT_RE = re.compile(r"(\d)(g|kg|mg|ml|l|dl|oz|lb|lbs|cl)\b")
_SPLIT_RE = re.compile(r";|(?<!\d),|,(?!\d)")


@dataclass(frozen=True)
class IntakeItem:
    """One eaten food, resolved: the line it came from, the food, the amount as typed, grams, the reading."""

    line: int
    text: str
    food: Food
    amount: float
    unit: str
    grams: float
    reading: str
    guessed: bool = False  # the name matched only loosely (a typo): show the person what it was read as

    def to_dict(self) -> dict:
        """The JSON contract for a resolved item: food_id, ndb, grams and portion (the reading)."""
        return {"line": self.line, "text": self.text, "food_id": self.food.id, "name": self.food.name,
                "ndb": self.food.ndb, "amount": self.amount, "unit": self.unit, "grams": round(self.grams, 1),
                "portion": self.reading, "guessed": self.guessed}


@dataclass(frozen=True)
class LineError:
    """One item that could not be read: its line number, the text as typed, and what was wrong."""

    line: int
    text: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line} '{self.text}': {self.message}"


class IntakeError(PlannerError):
    """Every line that could not be read, in one message; `errors` keeps them one by one for a form."""

    def __init__(self, errors: list[LineError], summary: str | None = None):
        self.errors = list(errors)
        if summary is None:
            shown = "; ".join(str(e) for e in self.errors[:MAX_ERRORS_SHOWN])
            more = len(self.errors) - MAX_ERRORS_SHOWN
            lines = len({e.line for e in self.errors})
            prefix = "" if len(self.errors) == 1 else f"{lines} lines could not be read: " \
                if lines == len(self.errors) else f"{len(self.errors)} items on {lines} lines could not be read: "
            summary = prefix + shown + (f"; and {more} more" if more > 0 else "")
        super().__init__(summary)


@dataclass
class _Parsed:
    """A piece of text split into amount, unit and the words naming the food (nothing resolved yet)."""

    amount: float | None
    unit: str | None
    food_text: str
    unit_is_known: bool = True


def _to_float(text: str) -> float:
    text = text.replace(" ", "")
    if "/" in text:
        num, den = text.split("/")
        if int(den) == 0:
            raise BadAmount(f"'{text}' divides by zero")
        return float(Fraction(int(num), int(den)))
    return float(text.replace(",", "."))


def _clean(text: str) -> str:
    """Lower case, unicode fractions spelled out ('1½' -> '1 1/2'), units glued to numbers split ('30g')."""
    text = text.strip().lower().replace("\u00a0", " ")
    for ch, frac in _UNICODE_FRACTIONS.items():
        text = re.sub(rf"(\d)\s*{ch}", rf"\1 {frac}", text).replace(ch, frac)
    text = _GLUED_UNIT_RE.sub(r"\1 \2", text)
    text = re.sub(r"(\d)(x|×)(?=\s)", r"\1 \2", text)
    return re.sub(r"\s+", " ", text).strip()


def take_amount(text: str) -> tuple[float | None, str]:
    """Split a leading amount off cleaned text: ('1 1/2 slices bread') -> (1.5, 'slices bread')."""
    if re.match(r"^-\s*\d", text):
        raise BadAmount(f"amounts must be more than zero, not '{text.split()[0]}'")
    if re.match(r"^\d+\s*(?:-|–|to)\s*\d+(?=\s|$)", text):
        raise BadAmount(f"'{text}' gives a range: write one amount, such as 2 (not 1-2)")
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
                amount = float(_NUMBER_WORDS[wm.group("word")]) + (0.5 if wm.group("half") else 0.0)
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


def _strip_of(text: str) -> str:
    return re.sub(r"^(?:of\s+)+(?:(?:a|an|the)\s+)?", "", text).strip()


def _take_generic_unit(text: str) -> tuple[str | None, str]:
    """A unit any food may have ('g', 'cups', 'tbsp.', 'medium'), and the words after it."""
    for unit in _GENERIC_UNITS:
        m = re.match(rf"^{re.escape(unit)}\.?(?=\s|$)", text)
        if m:
            return unit, text[m.end():].strip()
    return None, text


def _word_forms(word: str) -> set[str]:
    word = word.rstrip(".")
    forms = {word, singular(word)}
    if word.endswith("ves"):
        forms.add(word[:-3] + "f")
    return forms


def _food_words(food: Food) -> set[str]:
    return set(normalize(food.name).split()) | set(normalize(food.id).split())


@functools.lru_cache(maxsize=4096)
def _ranked(table: FoodTable, text: str) -> tuple[tuple[Food, float], ...]:
    """The search's five best (food, score) for a text; remembered, as one line asks about the same words often."""
    return tuple(scored(table, text, limit=5))


def _best(table: FoodTable, text: str) -> tuple[Food | None, float]:
    ranked = _ranked(table, text)
    return (ranked[0][0], ranked[0][1]) if ranked else (None, 0.0)


def find_food(table: FoodTable, text: str) -> tuple[Food, bool]:
    """(food, guessed): every typed word in the name is sure; a typo is a guess; a short fuzzy hit is an error.

    "bannana" is read as banana (guessed); "foo" or "bar" is not read as hamburger or barley.
    """
    ranked = _ranked(table, text)
    query = normalize(text)
    if ranked and ranked[0][1] >= 100:
        return ranked[0][0], False
    if ranked and ranked[0][1] >= MATCH_THRESHOLD and len(query.replace(" ", "")) > 3:
        return ranked[0][0], True
    raise UnknownFood(text.strip(), [f.id for f, score in ranked[:3] if score >= MATCH_THRESHOLD * 0.6])


def split_words(text: str, table: FoodTable) -> _Parsed:
    """Amount, unit and food words of one piece of text; nothing is resolved into grams yet."""
    cleaned = _clean(text)
    amount, rest = take_amount(cleaned)
    if amount is None:
        trailing = _trailing_amount(cleaned, table)
        if trailing is not None:
            return trailing
    if not rest:
        raise UnknownFood(text.strip(), [])
    unit, after_unit = _take_generic_unit(rest)
    if unit is not None:
        food_text = _strip_of(after_unit)
        if food_text:
            # "whole milk" vs "2 whole eggs": a unit word that is part of a food's name stays in the name
            # when the whole text names that food at least as well as the words after the unit do
            whole, whole_score = _best(table, rest)
            _, rest_score = _best(table, food_text)
            if whole is not None and whole_score >= max(100.0, rest_score) and unit in _food_words(whole):
                return _Parsed(amount, None, rest)
            return _Parsed(amount if amount is not None else 1.0, unit, food_text)
    words = rest.split(" ", 1)
    if len(words) == 2:
        first, remainder = words[0].rstrip("."), words[1]
        food_text = _strip_of(remainder)
        had_of = food_text != remainder.strip()
        if food_text:
            food, score = _best(table, food_text)
            whole, whole_score = _best(table, rest)
            first_in_name = whole is not None and whole_score >= 100 and bool(_word_forms(first) & _food_words(whole))
            if food is not None and score >= MATCH_THRESHOLD and not first_in_name:
                household = {p.unit_word for p in food.portions}
                form = next((f for f in sorted(_word_forms(first)) if f in household), None)
                if form is not None:  # "2 fillets salmon", "1 can of beer": a measure the food has
                    return _Parsed(amount if amount is not None else 1.0, form, food_text)
                if had_of or first in _MEASURE_WORDS:  # "2 buckets of milk", "a handful almonds"
                    return _Parsed(amount if amount is not None else 1.0, first, food_text, unit_is_known=False)
    return _Parsed(amount, None, rest)


def _trailing_amount(cleaned: str, table: FoodTable) -> _Parsed | None:
    """'almonds 30 g', 'milk: 1 cup', 'banana x2': the amount after the food."""
    m = re.match(r"^(?P<food>.*?[a-z)])\s*(?:[:=\-–]\s*|\s)(?:x\s*)?(?P<amount>(?:\d|[.,]\d).*)$", cleaned)
    if not m:
        return None
    amount, rest = take_amount(m.group("amount"))
    if amount is None:
        return None
    food_text = m.group("food").strip()
    if not rest:
        return _Parsed(amount, None, food_text)
    unit, after = _take_generic_unit(rest)
    if unit is not None and not after:
        return _Parsed(amount, unit, food_text)
    return None


def _size_measure(food: Food, size: str) -> str | None:
    """The food's own measure for a size word: 'medium' -> 'potato medium' for a baked potato."""
    if " " not in size and any(p.unit_word == size for p in food.portions):
        return size  # a plain unit of this food: resolve_amount reads it
    for p in food.portions:
        joined = " ".join(p.measure.lower().replace(",", " ").replace("(", " ").split())
        if re.search(rf"(?<!extra ){re.escape(size)}\b", joined):
            return p.measure.lower()
    return None


def _piece_by_name(food: Food, food_text: str) -> str | None:
    """'3 almonds': SR28 has a measure named like the food (1 almond = 1.2 g); count in it."""
    typed = {f for w in _clean(food_text).split() for f in _word_forms(w)}
    for p in food.portions:
        if p.unit_word in typed and p.unit_word not in GRAMS_PER and p.unit_word not in ML_PER:
            return p.unit_word
    return None


def usual_portions(food: Food) -> float:
    """How many of the food's portions a line with no amount means: one, or the smallest sensible amount."""
    return max(1.0, food.min_steps * food.step)


def resolve(food: Food, amount: float | None, unit: str | None) -> tuple[float, str, float, str]:
    """(amount, unit, grams, reading) through the food's SR28 household weights; errors name the units."""
    if amount is None and unit is None:
        amount, unit = usual_portions(food), "portion"
    elif amount is None:
        amount = 1.0
    u = normalize_unit(unit)
    read_as = u
    label_word = food.portion_label.split(" ")[0].lower() if food.portion_label else ""
    if u in _SIZE_WORDS:
        measure = _size_measure(food, u)
        if measure is None:
            raise UnknownUnit(food.name, u, units_for(food))
        read_as = measure
    elif u and u == label_word and u not in GRAMS_PER and u != "cup":
        read_as = "portion"  # "a glass of wine" is the food's own glass (5 fl oz), not a cup
    resolved = resolve_amount(food, amount, read_as or None)
    return float(amount), u or "piece", resolved.grams, resolved.reading


def parse_piece(text: str, table: FoodTable, line: int = 1) -> IntakeItem:
    """One item of free text -> an IntakeItem (food, amount, unit, grams, reading)."""
    parsed = split_words(text, table)
    food, guessed = find_food(table, parsed.food_text)
    if not parsed.unit_is_known:
        raise UnknownUnit(food.name, parsed.unit or "", units_for(food))
    unit = parsed.unit
    if parsed.amount is not None and unit is None:
        unit = _piece_by_name(food, parsed.food_text)
    amount, unit, grams, reading = resolve(food, parsed.amount, unit)
    return IntakeItem(line, text.strip(), food, amount, unit, grams, reading, guessed)


def _strip_decorations(line: str) -> str:
    """Bullets, comments and meal headings ('Breakfast: 2 eggs') are not food."""
    line = line.split("#", 1)[0].strip()
    line = re.sub(r"^(?:[-*•·]\s+|\d+[.)]\s+(?=\D))", "", line).strip()
    m = re.match(r"^([a-zA-Z ]+):\s*", line)
    if m and m.group(1).strip().lower() in _MEAL_WORDS:
        line = line[m.end():].strip()
    return line


def _only_form_words(piece: str) -> bool:
    words = re.findall(r"[a-z0-9%-]+", piece.lower())
    return bool(words) and all(w in _FORM_WORDS or w.endswith("%") for w in words)


def _pieces(line: str, table: FoodTable) -> list[str]:
    """Items on one line: split at commas and semicolons, unless the commas belong to a food's name.

    "Potato, baked in its jacket (flesh and skin)" is one food (an exact name); "1 cup buckwheat, cooked"
    is one item (a piece of form words only joins the piece before it); "1 banana, 30 g almonds" is two.
    """
    parts = [p.strip() for p in _SPLIT_RE.split(line) if p.strip()]
    if len(parts) <= 1:
        return parts
    try:
        parsed = split_words(line, table)
        if _best(table, parsed.food_text)[1] >= 200:
            return [line]
    except FoodError:
        pass
    joined: list[str] = []
    for part in parts:
        if joined and _only_form_words(part):
            joined[-1] = f"{joined[-1]} {part}"
        else:
            joined.append(part)
    return joined


def parse_text(text: str, table: FoodTable) -> list[IntakeItem]:
    """Free text, one item a line (or several separated by commas); every bad line named in one error."""
    items: list[IntakeItem] = []
    errors: list[LineError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_decorations(raw)
        if not line:
            continue
        for piece in _pieces(line, table):
            try:
                items.append(parse_piece(piece, table, number))
            except FoodError as exc:
                errors.append(LineError(number, piece, str(exc)))
    return _finish(items, errors)


def _finish(items: list[IntakeItem], errors: list[LineError]) -> list[IntakeItem]:
    if errors:
        raise IntakeError(errors)
    if not items:
        raise IntakeError([], "nothing to check: the input has no food in it; write one food a line, "
                              "such as '2 bananas' or '30 g almonds'")
    return items


_COLUMN_NAMES = {"food": "food", "food_id": "food_id", "name": "food", "item": "food", "amount": "amount",
                 "quantity": "amount", "qty": "amount", "unit": "unit", "units": "unit", "grams": "grams"}


def _row_item(row: dict, line: int, table: FoodTable) -> IntakeItem:
    """One row of a table ({food or food_id, amount, unit} or {food, grams}) -> an item."""
    get = {(_COLUMN_NAMES.get(str(k).strip().lower(), str(k).strip().lower())): v for k, v in row.items()}

    def cell(key: str) -> str:
        value = get.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return str(value).strip()

    food_id, food_text, amount_text, unit = cell("food_id"), cell("food"), cell("amount"), cell("unit")
    if not amount_text and cell("grams"):
        amount_text, unit = cell("grams"), unit or "g"
    label = " ".join(x for x in (amount_text, unit, food_text or food_id) if x)
    if not (food_id or food_text):
        raise IntakeError([LineError(line, label, "no food named (fill the food column)")])
    guessed = False
    if food_id:
        food = table.get(food_id)
    elif not amount_text and not unit:
        return parse_piece(food_text, table, line)  # "2 bananas" in one cell
    else:
        food, guessed = find_food(table, food_text)
    amount: float | None = None
    if amount_text:
        amount, rest = take_amount(_clean(amount_text))
        if amount is None:
            raise BadAmount(f"amount '{amount_text}' is not a number")
        carried, after = _take_generic_unit(rest) if rest else (None, "")
        if rest and (carried is None or after):
            carried = rest
        if carried and unit and normalize_unit(carried) != normalize_unit(unit):
            raise BadAmount(f"the amount '{amount_text}' and the unit '{unit}' disagree")
        unit = unit or (carried or "")
    amount_, unit_, grams, reading = resolve(food, amount, unit or None)
    return IntakeItem(line, label, food, amount_, unit_, grams, reading, guessed)


def parse_rows(rows: list[dict], table: FoodTable, first_line: int = 1) -> list[IntakeItem]:
    """Rows of {food or food_id, amount, unit} (JSON, the dashboard's table); row numbers count from 1."""
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise PlannerError("expected a list of rows such as {\"food\": \"banana\", \"amount\": 2}")
    items, errors = [], []
    for i, row in enumerate(rows):
        line = first_line + i
        if not any(str(v).strip() for v in row.values() if v is not None and v == v):
            continue
        try:
            items.append(_row_item(row, line, table))
        except IntakeError as exc:
            errors.extend(exc.errors)
        except FoodError as exc:
            label = " ".join(str(row.get(k, "")) for k in ("amount", "unit", "food", "food_id") if row.get(k))
            errors.append(LineError(line, label.strip(), str(exc)))
    return _finish(items, errors)


def parse_csv(text: str, table: FoodTable) -> list[IntakeItem]:
    """CSV with a header food,amount,unit (unit optional when the amount carries it: '30 g')."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")), None)
    if start is None:
        return _finish([], [])
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])), skipinitialspace=True)
    headers = [_COLUMN_NAMES.get((h or "").strip().lower()) for h in (reader.fieldnames or [])]
    if "food" not in headers and "food_id" not in headers:
        raise PlannerError(f"the CSV header '{lines[start].strip()}' has no 'food' column; "
                           "expected columns food,amount,unit")
    rows, numbers = [], []
    try:
        for row in reader:
            rows.append({k: v for k, v in row.items() if k is not None})
            numbers.append(start + reader.line_num)
    except csv.Error as exc:
        raise PlannerError(f"line {start + reader.line_num}: the CSV cannot be read ({exc})") from None
    items, errors = [], []
    for row, line in zip(rows, numbers, strict=True):
        try:
            items += parse_rows([row], table, first_line=line)
        except IntakeError as exc:
            if exc.errors:
                errors += exc.errors
        except PlannerError as exc:
            errors.append(LineError(line, ",".join(str(v) for v in row.values() if v), str(exc)))
    return _finish(items, errors)


def looks_like_csv(text: str) -> bool:
    """A first line that is a header naming a food column and an amount column."""
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    cells = {c.strip().lower() for c in first.split(",")}
    return bool(cells & {"food", "food_id"}) and bool(cells & {"amount", "quantity", "qty", "grams"})


def parse_json(text: str, table: FoodTable) -> list[IntakeItem]:
    """JSON: a list of rows, a list of strings (free text), or {"items": [...]}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlannerError(f"the intake is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if isinstance(data, list) and all(isinstance(x, str) for x in data):
        return parse_text("\n".join(data), table)
    if isinstance(data, list):
        return parse_rows(data, table)
    raise PlannerError("JSON intake must be a list of rows such as [{\"food\": \"banana\", \"amount\": 2}]")


def parse_any(text: str, table: FoodTable) -> list[IntakeItem]:
    """JSON, CSV (when the first line is a food,amount,unit header) or free text."""
    text = text.lstrip("\ufeff")
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        return parse_json(stripped, table)
    if looks_like_csv(text):
        return parse_csv(text, table)
    return parse_text(text, table)
