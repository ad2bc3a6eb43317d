"""Read what a person ate (free text, CSV, JSON rows) into foods and grams, with how each line was read.

"2 bananas", "30 g almonds", "half a cup of cooked buckwheat", "1 1/2 slices wholegrain bread",
"a glass of kefir", "coffee": lines, CSV rows and JSON rows split into amount, unit and food words; the
words matched to a food (plurals and typos forgiven); amounts read by `foods.amounts`. Every line is read
before anything fails, so one error message names every bad line.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from foods.amounts import (
    MEASURE_SYNONYMS,
    MEASURE_WORDS,
    NUMBER_WORDS,
    clean,
    count_measure,
    resolve,
    take_amount,
    take_unit,
    typed_measure,
    word_forms,
)
from foods.errors import BadAmount, FoodError, UnknownFood, UnknownUnit
from foods.search import MATCH_THRESHOLD, scored
from foods.table import Food, FoodTable
from foods.text import FORM_WORDS, SIZE_WORDS, STOPWORDS, normalize, quote
from foods.units import normalize_unit, units_for

MAX_ERRORS_SHOWN = 8
MAX_ERRORS_READ = 20  # past this many unreadable items the text is not a day's intake: reading stops
# Limits of one day's intake: past them the input is a mistake (or an attack), refused in one line.
MAX_INPUT_CHARS = 2_000_000   # a whole intake file or paste
MAX_ITEMS = 200               # food lines (or rows) in one day
MAX_LINE_CHARS = 300          # one typed line
MAX_NAME_CHARS = 100          # one food name
MAX_DAY_GRAMS = 10_000.0      # everything eaten in one day
MAX_JSON_DEPTH = 20           # lists and objects inside each other

_FORM_WORDS_NORMAL = frozenset(normalize(" ".join(FORM_WORDS)).split())
_SALT_AND_SUGAR_WORDS = frozenset({"salted", "unsalted", "sweetened", "unsweetened"})
_MEAL_WORDS = {"breakfast", "brunch", "lunch", "dinner", "supper", "snack", "snacks", "morning snack",
               "afternoon snack", "evening snack", "dessert"}

_NEGATING_WORDS = {"no", "without", "non"}
MIN_WORD_LIKENESS = 75.0  # a guess must match every typed word at least this well (a typo, not another word)

_SPLIT_RE = re.compile(r";|(?<!\d),|,(?!\d)")
_AND_RE = re.compile(r"\s+(?:and|&|\+|plus)\s+(?!(?:a\s+)?half\b|1\s*/\s*2\b)")


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
        return f"line {self.line} '{quote(self.text)}': {self.message}"


class IntakeError(FoodError):
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


def _strip_of(text: str) -> str:
    return re.sub(r"^(?:of\s+)+(?:(?:a|an|the)\s+)?", "", text).strip()


def _food_words(food: Food) -> set[str]:
    return set(normalize(food.name).split()) | set(normalize(food.id).split())


@functools.lru_cache(maxsize=4096)
def _ranked(table: FoodTable, text: str) -> tuple[tuple[Food, float], ...]:
    """The search's five best (food, score) for a text; remembered, as one line asks about the same words often."""
    return tuple(scored(table, text, limit=5))


def _best(table: FoodTable, text: str) -> tuple[Food | None, float]:
    ranked = _ranked(table, text)
    return (ranked[0][0], ranked[0][1]) if ranked else (None, 0.0)


@functools.lru_cache(maxsize=4096)
def _negated_words(name: str) -> frozenset[str]:
    """Words a name denies: 'Tomato juice, canned, no salt added' is not salt; 'sugar-free' is not sugar."""
    words = normalize(name).split()
    denied = {words[i + 1] for i, w in enumerate(words[:-1]) if w in _NEGATING_WORDS}
    denied |= {words[i - 1] for i, w in enumerate(words) if w == "free" and i > 0}
    return frozenset(denied)


def _naming_words(table: FoodTable, food: Food) -> frozenset[str]:
    """Words that name the food (name, id, aliases, its own measures), without form words or denied words."""
    def words() -> frozenset[str]:
        aliases = table.aliases()
        texts = [food.name, food.id, *aliases.loc[aliases["food_id"] == food.id, "alias"]]
        named = {w for t in texts for w in normalize(t).split()} | {p.unit_word for p in food.portions if p.unit_word}
        return frozenset(named - _FORM_WORDS_NORMAL - STOPWORDS - _negated_words(food.name))
    return table.cached(("naming_words", food.id), words)


def _word_likeness(word: str, names: frozenset[str]) -> float:
    """0-100: how close a typed word is to the nearest naming word ('bannana' ~ 'banana'; 'oat' starts 'oatmeal')."""
    best = 0.0
    for name in names:
        if name == word:
            return 100.0
        score = fuzz.ratio(word, name)
        if len(word) >= 3 and name.startswith(word):
            score = max(score, 85.0)
        best = max(best, score)
    return best


def _coverage(table: FoodTable, food: Food, words: list[str]) -> float:
    """The likeness of the worst-matched typed word: a name that ignores a typed word ('soy milk') covers 0."""
    names = _naming_words(table, food)
    return min((_word_likeness(w, names) for w in words), default=0.0)


def find_food(table: FoodTable, text: str) -> tuple[Food, bool]:
    """(food, guessed): every typed word in the name is sure; a typo is a guess; a short fuzzy hit is an error.

    "bannana" is read as banana (guessed); "mashed potatoes" as boiled potato (guessed: a form word dropped);
    "soy milk" is not read as milk, "salt" not as tomato juice with no salt added, "bar" not as barley.
    """
    if len(text.strip()) > MAX_NAME_CHARS:
        raise UnknownFood(text.strip(), []) from None
    query = normalize(text)
    typed = [w for w in query.split() if w not in STOPWORDS] or query.split()
    asserted = set(typed) - _negated_words(text)  # 'salt', not 'no salt': a name that denies it is not it
    ranked = [(f, s) for f, s in _ranked(table, text) if not asserted & _negated_words(f.name)]
    if ranked and ranked[0][1] >= 100:
        return ranked[0][0], False
    core = [w for w in typed if w not in _FORM_WORDS_NORMAL and w not in SIZE_WORDS]  # 'mini twist pretzels'
    if core and len(core) < len(typed):  # "mashed potatoes", "fried salmon": the food without its form words
        sure = [f for f, s in _ranked(table, " ".join(core)) if s >= 100 and not asserted & _negated_words(f.name)]
        # salt and sugar words tell two otherwise equal foods apart: 'unsalted pretzels' are the unsalted ones
        said = (set(typed) - set(core)) & _SALT_AND_SUGAR_WORDS
        sure.sort(key=lambda f: -len(said & set(normalize(f.name).split())))
        if sure:
            return sure[0], True
    if len(query.replace(" ", "")) > 3:
        likely = [(_coverage(table, f, core or typed), s, f) for f, s in ranked if s >= MATCH_THRESHOLD]
        likely = [c for c in likely if c[0] >= MIN_WORD_LIKENESS]
        if likely:
            return max(likely, key=lambda c: (c[0], c[1]))[2], True
    hint = ""
    if re.search(r"\b(?:with|and|&|\+)\b", text.lower()):
        hint = " Write each food on its own line with its amount, e.g. 'coffee' and '2 tbsp milk'."
    error = UnknownFood(text.strip(), [f.id for f, score in ranked[:3] if score >= MATCH_THRESHOLD * 0.6])
    if hint:
        error.args = (str(error) + hint,)
    raise error


def split_words(text: str, table: FoodTable) -> _Parsed:
    """Amount, unit and food words of one piece of text; nothing is resolved into grams yet."""
    cleaned = clean(text)
    amount, rest = take_amount(cleaned)
    if amount is None:
        trailing = _trailing_amount(cleaned, table)
        if trailing is not None:
            return trailing
    if not rest and amount is not None:
        raise BadAmount(f"'{quote(text)}' is an amount with no food: write the food after it, such as "
                        f"'{quote(text)} bananas'")
    if not rest:
        raise UnknownFood(text.strip(), [])
    unit, after_unit = take_unit(rest)
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
            first_in_name = whole is not None and whole_score >= 100 and bool(word_forms(first) & _food_words(whole))
            if food is not None and score >= MATCH_THRESHOLD and not first_in_name:
                household = {p.unit_word for p in food.portions}
                forms = word_forms(first)
                forms |= {MEASURE_SYNONYMS[f] for f in forms if f in MEASURE_SYNONYMS}
                form = next((f for f in sorted(forms) if f in household), None)
                if form is not None:  # "2 fillets salmon", "1 can of beer": a measure the food has
                    return _Parsed(amount if amount is not None else 1.0, form, food_text)
                if had_of or first in MEASURE_WORDS:  # "2 buckets of milk", "a handful almonds"
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
    unit, after = take_unit(rest)
    if unit is not None and not after:
        return _Parsed(amount, unit, food_text)
    return None



def parse_piece(text: str, table: FoodTable, line: int = 1) -> IntakeItem:
    """One item of free text -> an IntakeItem (food, amount, unit, grams, reading)."""
    parsed = split_words(text, table)
    food, guessed = find_food(table, parsed.food_text)
    amount, unit, said = parsed.amount, parsed.unit, ""
    if not parsed.unit_is_known:  # 'a handful of nuts': a measure people use that SR28 does not name
        typed = typed_measure(unit or "")
        if typed is None or food.group in typed.not_for_groups:
            raise UnknownUnit(food.name, unit or "", units_for(food))
        amount, unit, said = (1.0 if amount is None else amount) * typed.amount, typed.unit, typed.reading
    if amount is not None and unit is None:
        unit = count_measure(food, parsed.food_text)
    amount, unit, grams, reading = resolve(food, amount, unit, table)
    return IntakeItem(line, text.strip(), food, amount, unit, grams, f"{reading} ({said})" if said else reading,
                      guessed)


def _strip_decorations(line: str) -> str:
    """Bullets, comments, footnote marks and headings are not food: 'Breakfast: 2 eggs', 'Snack (anytime)',
    'Trail mix made with:' (a line that ends in a colon introduces the lines below it)."""
    line = line.split("#", 1)[0].strip()
    line = re.sub(r"^(?:[-*•·]\s+|\d+[.)]\s+(?=\D))", "", line).strip()
    line = re.sub(r"[*†‡]+(?=\s|,|$)", "", line).strip()  # 'light mayonnaise*': a footnote mark
    if line.endswith(":"):
        return ""
    m = re.match(r"^([a-zA-Z ]+)(?:\([^()]*\))?\s*(?::\s*|$)", line)
    if m and m.group(1).strip().lower() in _MEAL_WORDS:
        line = line[m.end():].strip()
    return line


def _only_form_words(piece: str) -> bool:
    words = re.findall(r"[a-z0-9%-]+", piece.lower())
    return bool(words) and all(w in FORM_WORDS or w in SIZE_WORDS or w.endswith("%") for w in words)


def _pieces(line: str, table: FoodTable) -> list[str]:
    """Items on one line: split at commas and semicolons, unless the commas belong to a food's name.

    "Potato, baked in its jacket (flesh and skin)" is one food (an exact name); "1 cup buckwheat, cooked"
    is one item (a piece of form words only joins the piece before it); "1 banana, 30 g almonds" is two.
    """
    parts = [p.strip() for p in _SPLIT_RE.split(line) if p.strip()]
    if len(parts) <= 1:
        return [p for part in parts for p in _split_and(part, table)]
    try:
        parsed = split_words(line, table)
        if _best(table, parsed.food_text)[1] >= 200:
            return [line]
    except FoodError:
        pass
    joined: list[str] = []
    waiting = ""  # '2/3 cup cooked' before ', chopped chicken': an amount whose food comes in the next part
    for part in parts:
        if _AN_ASIDE.match(part) and (waiting or (joined and _has_amount(joined[-1]))):
            continue  # '1/2 cup, or about 8, baby carrots': the aside repeats the amount
        if waiting:
            part, waiting = f"{waiting} {part}", ""
        if joined and (_only_form_words(part) or _QUALIFIER.match(part)):
            joined[-1] = f"{joined[-1]} {part}"  # 'buckwheat, cooked', 'marinara sauce, no added salt'
        elif _no_food_yet(part):
            waiting = part
        else:
            joined.append(part)
    if waiting:
        joined.append(waiting)
    return [p for part in joined for p in _split_and(part, table)]


# A part that only qualifies the food before it: 'no added salt', 'without skin', 'low sodium', 'unsalted'.
_QUALIFIER = re.compile(r"^(?:no|not|non|without|low|reduced|less|lightly|unsalted|unsweetened)\b")
# A part that restates an amount already given: 'about 3 ounces', 'or about 8', 'approx. 22'.
_AN_ASIDE = re.compile(r"^(?:or\s+)?(?:about|approximately|approx\.?|roughly|around)\s+[\d½¼¾⅓⅔]")


def _has_amount(piece: str) -> bool:
    try:
        return take_amount(clean(piece))[0] is not None
    except FoodError:
        return False


def _no_food_yet(piece: str) -> bool:
    """An amount and a unit with no food, or only form words after them: '2/3 cup cooked', '1/2 cup'."""
    try:
        amount, rest = take_amount(clean(piece))
    except FoodError:
        return False
    if amount is None:
        return False
    unit, rest = take_unit(rest)
    rest = re.sub(r"^of\b", "", rest).strip()
    return unit is not None and (not rest or _only_form_words(rest))


def _reads_surely(text: str, table: FoodTable) -> bool:
    try:
        return not parse_piece(text, table).guessed
    except FoodError:
        return False


def _split_and(piece: str, table: FoodTable) -> list[str]:
    """'an apple and a banana', 'bread & butter' are two items; 'one and a half cups' and a name with 'and'
    ('Potato, baked in its jacket (flesh and skin)') stay one: split only when each part reads surely and
    the whole does not."""
    parts = [p.strip() for p in _AND_RE.split(piece)]
    if len(parts) < 2 or not all(parts) or _reads_surely(piece, table):
        return [piece]
    return parts if all(_reads_surely(p, table) for p in parts) else [piece]


def _check_size(text: str) -> None:
    """One clear line for an input too large to be a day: too many characters, lines, or a line too long."""
    if len(text) > MAX_INPUT_CHARS:
        raise IntakeError([], f"the intake has {len(text):,} characters; a day's intake is at most "
                              f"{MAX_INPUT_CHARS:,}: check that this is the right file")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > MAX_ITEMS:
        raise IntakeError([], f"the intake has {len(lines):,} lines; a day holds at most {MAX_ITEMS} foods: "
                              "check one day at a time")
    long = next((i for i, ln in enumerate(text.splitlines(), start=1) if len(ln) > MAX_LINE_CHARS), None)
    if long is not None:
        raise IntakeError([], f"line {long} has {len(text.splitlines()[long - 1]):,} characters; a line holds at "
                              f"most {MAX_LINE_CHARS}: write one food a line, such as '2 bananas'")


def parse_text(text: str, table: FoodTable) -> list[IntakeItem]:
    """Free text, one item a line (or several separated by commas); every bad line named in one error."""
    _check_size(text)
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
        if len(errors) >= MAX_ERRORS_READ:  # text that is mostly not food: say so now, not after every line
            raise IntakeError(errors, f"reading stopped at line {number}: {len(errors)} items could not be read, "
                                      f"the first: {errors[0]}")
    return _finish(items, errors)


def _finish(items: list[IntakeItem], errors: list[LineError]) -> list[IntakeItem]:
    if errors:
        raise IntakeError(errors)
    if not items:
        raise IntakeError([], "nothing to check: the input has no food in it; write one food a line, "
                              "such as '2 bananas' or '30 g almonds'")
    if len(items) > MAX_ITEMS:
        raise IntakeError([], f"the intake has {len(items):,} foods; a day holds at most {MAX_ITEMS}: "
                              "check one day at a time")
    grams = sum(i.grams for i in items)
    if grams > MAX_DAY_GRAMS:
        raise IntakeError([], f"the day adds up to {grams / 1000:,.1f} kg of food; a day holds at most "
                              f"{MAX_DAY_GRAMS / 1000:g} kg: check the amounts and units")
    return items


_COLUMN_NAMES = {"food": "food", "food_id": "food_id", "name": "food", "item": "food", "amount": "amount",
                 "quantity": "amount", "qty": "amount", "unit": "unit", "units": "unit", "grams": "grams"}


def _row_item(row: dict, line: int, table: FoodTable) -> IntakeItem:
    """One row of a table ({food or food_id, amount, unit} or {food, grams}) -> an item."""
    get = {(_COLUMN_NAMES.get(str(k).strip().lower(), str(k).strip().lower())): v for k, v in row.items()}

    def cell(key: str) -> str:
        value = get.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value) and key != "amount"):
            return ""
        if isinstance(value, float) and not math.isfinite(value):
            raise BadAmount(f"{key} {value} is not a number: write how much, such as 2")
        if isinstance(value, (list, dict)):
            raise BadAmount(f"{key} must be a word or a number, not a {type(value).__name__}")
        text = str(value).strip()
        if len(text) > MAX_NAME_CHARS:
            raise BadAmount(f"the {key} '{quote(text)}' has {len(text):,} characters; at most {MAX_NAME_CHARS}")
        return text

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
        cleaned = clean(amount_text)
        amount, rest = take_amount(cleaned)
        if amount is None and cleaned in NUMBER_WORDS:  # 'two' alone in an amount cell
            amount, rest = float(NUMBER_WORDS[cleaned]), ""
        if amount is None:
            raise BadAmount(f"amount '{quote(amount_text)}' is not a number")
        carried, after = take_unit(rest) if rest else (None, "")
        if rest and (carried is None or after):
            carried = rest
        if carried and unit and normalize_unit(carried) != normalize_unit(unit):
            raise BadAmount(f"the amount '{quote(amount_text)}' and the unit '{quote(unit)}' disagree")
        unit = unit or (carried or "")
    said = ""
    if amount is not None and not unit:   # a bare number counts as in free text ('30 almonds' is 30 almonds, not
        try:                              # 30 oz); a food SR28 weighs only by mass: grams (the CSV's unit is
            unit = count_measure(food, food_text or food.name) or ""   # optional when the amount is in grams)
        except BadAmount:
            unit, said = "g", f"no unit, and {food.name} cannot be counted: read as grams"
    amount_, unit_, grams, reading = resolve(food, amount, unit or None, table)
    return IntakeItem(line, label, food, amount_, unit_, grams, f"{reading} ({said})" if said else reading, guessed)


def parse_rows(rows: list[dict], table: FoodTable, first_line: int = 1) -> list[IntakeItem]:
    """Rows of {food or food_id, amount, unit} (JSON, the dashboard's table); row numbers count from 1."""
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise IntakeError([], "expected a list of rows such as {\"food\": \"banana\", \"amount\": 2}")
    if len(rows) > MAX_ITEMS:
        raise IntakeError([], f"the intake has {len(rows):,} rows; a day holds at most {MAX_ITEMS} foods: "
                              "check one day at a time")
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
    _check_size(text)
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")), None)
    if start is None:
        return _finish([], [])
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])), skipinitialspace=True,
                            delimiter=_delimiter(lines[start]), strict=True)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise IntakeError([], f"line {start + 1}: the CSV header cannot be read: {_csv_problem(exc)}") from None
    headers = [_COLUMN_NAMES.get((h or "").strip().lower()) for h in fieldnames]
    if "food" not in headers and "food_id" not in headers:
        raise IntakeError([], f"line {start + 1}: the CSV header '{quote(lines[start])}' has no 'food' column; "
                              "expected a first line such as food,amount,unit")
    rows, numbers = [], []
    try:
        for row in reader:
            rows.append({k: v for k, v in row.items() if k is not None})
            numbers.append(start + reader.line_num)
    except csv.Error as exc:
        where = (numbers[-1] if numbers else start + 1) + 1  # the row after the last one read
        raise IntakeError([], f"line {where}: the CSV cannot be read: {_csv_problem(exc)}") from None
    items, errors = [], []
    for row, line in zip(rows, numbers, strict=True):
        try:
            items += parse_rows([row], table, first_line=line)
        except IntakeError as exc:
            errors += exc.errors
    return _finish(items, errors)


def _csv_problem(exc: csv.Error) -> str:
    """The csv module's complaint in words: an unclosed quote, a NUL byte, a field too large."""
    said = str(exc)
    if "end of data" in said or "unexpected end" in said:
        return "a quote (\") is opened and never closed"
    if "NUL" in said:
        return "it holds a NUL byte: it is not a text file"
    if "field larger" in said:
        return f"a cell is longer than {MAX_NAME_CHARS} characters"
    return quote(said)


def _delimiter(header: str) -> str:
    """Comma, or the semicolon or tab a spreadsheet in another locale writes."""
    return max((",", ";", "\t"), key=header.count) if any(d in header for d in ";\t") else ","


def looks_like_csv(text: str) -> bool:
    """A first line that is a header naming a food column and an amount column (comma, semicolon or tab)."""
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    cells = {c.strip().strip('"').lower() for c in first.split(_delimiter(first))}
    return bool(cells & {"food", "food_id", "name", "item"}) and bool(cells & {"amount", "quantity", "qty", "grams"})


def parse_json(text: str, table: FoodTable) -> list[IntakeItem]:
    """JSON: a list of rows, a list of strings (free text), or {"items": [...]}."""
    if len(text) > MAX_INPUT_CHARS:
        _check_size(text)
    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise IntakeError([], f"the JSON nests lists and objects {depth:,} deep; an intake is a list of rows "
                              "such as [{\"food\": \"banana\", \"amount\": 2}]")
    try:
        data = json.loads(text, parse_constant=_not_a_number)
    except json.JSONDecodeError as exc:
        raise IntakeError([], f"the intake is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except IntakeError:
        raise
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number; nesting past the depth check
        raise IntakeError([], f"the intake is not valid JSON ({quote(str(exc))})") from None
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if isinstance(data, list) and all(isinstance(x, str) for x in data):
        return parse_text("\n".join(data), table)
    if isinstance(data, list):
        return parse_rows(data, table)
    raise IntakeError([], "JSON intake must be a list of rows such as [{\"food\": \"banana\", \"amount\": 2}]")


def _not_a_number(word: str) -> float:
    raise IntakeError([], f"the JSON holds {word}, which is not an amount: write how much, such as 2")


def _json_depth(text: str) -> int:
    """How deep lists and objects nest, counted outside strings, without parsing (so '['*100000 is cheap)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_any(text: str, table: FoodTable) -> list[IntakeItem]:
    """JSON, CSV (when the first line is a food,amount,unit header) or free text."""
    if len(text) > MAX_INPUT_CHARS:
        _check_size(text)
    text = text.lstrip("\ufeff")
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        return parse_json(stripped, table)
    if looks_like_csv(text):
        return parse_csv(text, table)
    return parse_text(text, table)
