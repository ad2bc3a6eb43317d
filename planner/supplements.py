"""Supplements typed in a day check ("2 Magne B6", "250 mg magnesium citrate"): what each brings, and warnings.

Preparations and generic forms come from planner/data/supplements.toml (element per tablet, from the
maker's leaflet). Lines naming a supplement are split off the intake before the food parse, in free text,
CSV and JSON alike, so line numbers stay those of the input. They count toward the day's totals and toward
the magnesium upper limit, which counts supplements and medicines only (never food).
"""

from __future__ import annotations

import csv
import functools
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from foods.nutrients import NUTRIENT_LABELS, NUTRIENT_UNITS
from foods.table import NUTRIENT_FIELDS
from planner.errors import PlannerError
from planner.profile import Profile
from planner.rules import DATA_DIR
from planner.targets import magnesium_supplement_ul

_COUNT_WORDS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0,
                "half": 0.5, "½": 0.5}
_FILLER = {"of", "x", "×", "a", "an", "daily", "today", "the"}
_NUMBER = r"\d+(?:[.,]\d+)?"


@functools.cache
def supplement_data() -> dict:
    """planner/data/supplements.toml: preparations, generic forms and the words that ask for the strength."""
    with open(DATA_DIR / "supplements.toml", "rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Preparation:
    """One product: what a tablet (capsule, sachet) brings, per tracked nutrient, and where that is from."""

    id: str
    name: str
    aliases: tuple[str, ...]
    per_unit: dict[str, float]
    source: str
    form: str = ""
    check: bool = False

    @property
    def has_potassium(self) -> bool:
        return self.per_unit.get("potassium_mg", 0.0) > 0


@functools.cache
def preparations() -> tuple[Preparation, ...]:
    data = supplement_data()
    out = []
    for key, entry in data.items():
        if "aliases" not in entry:
            continue
        per_unit = {k: float(v) for k, v in entry.items() if k in NUTRIENT_FIELDS}
        out.append(Preparation(key, entry["name"], tuple(entry["aliases"]), per_unit, entry["source"],
                               entry.get("form", ""), bool(entry.get("check", False))))
    return tuple(out)


@dataclass(frozen=True)
class SupplementItem:
    """A supplement line of the day: how many units, and what they bring."""

    line: int
    text: str
    supplement_id: str
    name: str
    count: float
    amounts: dict[str, float]
    source: str
    reading: str
    has_potassium: bool = False
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {"line": self.line, "text": self.text, "supplement_id": self.supplement_id, "name": self.name,
                "count": self.count, "amounts": {k: round(v, 2) for k, v in self.amounts.items()},
                "source": self.source, "reading": self.reading}


def from_record(record: Mapping) -> SupplementItem:
    """A supplement as the diary keeps it (SupplementItem.to_dict) read back, for its warnings and its line."""
    amounts = {str(k): float(v) for k, v in (record.get("amounts") or {}).items()}
    return SupplementItem(int(record.get("line") or 0), str(record.get("text") or ""), str(record["supplement_id"]),
                          str(record.get("name") or record["supplement_id"]), float(record["count"]), amounts,
                          str(record.get("source") or ""), str(record.get("reading") or ""),
                          amounts.get("potassium_mg", 0.0) > 0)


def _norm(text: str) -> str:
    text = text.strip().lower().replace("×", " x ").replace("‑", "-")
    text = re.sub(r"^[-*•]\s*", "", text)
    return re.sub(r"\s+", " ", text).strip(" .;")


def _words_in(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None


def _count(rest: str, line: int, text: str) -> float | None:
    """The number of tablets in what is left of a line once the product's name is taken out; None when
    other words remain (then it is not a supplement line)."""
    tablet_words = set(supplement_data()["ask_strength"]["tablet_words"])
    count = None
    for word in re.findall(rf"{_NUMBER}|[^\s\d]+", rest):
        if re.fullmatch(_NUMBER, word):
            if count is not None:
                return None
            count = float(word.replace(",", "."))
        elif word in _COUNT_WORDS and word not in ("a", "an"):
            count = _COUNT_WORDS[word]
        elif word not in tablet_words and word not in _FILLER:
            return None
    if count is not None and count <= 0:
        raise PlannerError(f"line {line}: '{text}': the number of tablets must be more than 0")
    return 1.0 if count is None else count


def amounts_text(amounts: Mapping[str, float]) -> str:
    """'96 mg magnesium, 10 mg vitamin B6': what a supplement line brings, in words."""
    return ", ".join(f"{v:,.4g} {NUTRIENT_UNITS.get(k, '')} {NUTRIENT_LABELS.get(k, k)[:1].lower()}"
                     f"{NUTRIENT_LABELS.get(k, k)[1:]}" for k, v in amounts.items())


def _reading(count: float, unit_word: str, amounts: dict[str, float]) -> str:
    return f"{count:g} {unit_word}{'' if count == 1 else 's'} = {amounts_text(amounts)}"


def _generic(t: str, line: int, text: str) -> SupplementItem | None:
    """'250 mg magnesium citrate', 'calcium carbonate 500 mg', '1000 IU vitamin D3'."""
    data = supplement_data()["generic"]
    elements = sorted((k for k, v in data.items() if isinstance(v, str) and k != "note"), key=len, reverse=True)
    element = "|".join(re.escape(e) for e in elements)
    salt = "|".join(data["salts"])
    amount = rf"(?P<amt>{_NUMBER})\s*(?P<unit>mg|µg|ug|mcg|iu|me)"
    tail = r"(?:\s+(?:tablets?|capsules?|sachets?))?"
    hit = (re.fullmatch(rf"{amount}\s+(?:of\s+)?(?P<el>{element})(?:\s+(?P<salt>{salt}))?{tail}", t)
           or re.fullmatch(rf"(?P<el>{element})(?:\s+(?P<salt>{salt}))?\s+{amount}{tail}", t))
    if not hit:
        return None
    field_ = data[hit["el"]]
    value, unit = float(hit["amt"].replace(",", ".")), hit["unit"]
    if field_.endswith("_ug"):
        if unit in ("iu", "me"):
            value /= data["vitamin_d_iu_per_ug"]
        elif unit == "mg":
            value *= 1000.0
    elif unit != "mg":
        raise PlannerError(f"line {line}: '{text}': give {hit['el']} in mg, as the pack does")
    if value <= 0:
        raise PlannerError(f"line {line}: '{text}': the amount must be more than 0")
    name = f"{hit['el']} {hit['salt']}" if hit["salt"] else hit["el"]
    note = data["note"].format(amount=value, unit=NUTRIENT_UNITS[field_], element=hit["el"])
    return SupplementItem(line, text, f"generic_{field_}", name, 1.0, {field_: value}, "your pack (typed amount)",
                          f"{name}: {note}", field_ == "potassium_mg")


@functools.cache
def _any_supplement_word() -> re.Pattern:
    """One pattern for every word a supplement line holds: a line without any is a food, read no further."""
    data = supplement_data()
    words = [a for p in preparations() for a in p.aliases] + data["not_a_diary_item"]["words"] \
        + data["ask_strength"]["words"] + data["ask_strength"]["elements"] \
        + [k for k, v in data["generic"].items() if isinstance(v, str) and k != "note"]
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def read_supplement(text: str, line: int = 1) -> SupplementItem | None:
    """The supplement a line names, with its count; None when the line is not a supplement (a food).
    A product whose strength varies, a bare "magnesium tablet", or magnesium sulfate is a clear error."""
    if len(text) > 200:  # no supplement line is this long; the food parser says what is wrong with it
        return None
    t = _norm(text)
    if not t or not _any_supplement_word().search(t):
        return None
    data = supplement_data()
    for word in data["not_a_diary_item"]["words"]:
        if _words_in(t, word):
            raise PlannerError(f"line {line}: " + data["not_a_diary_item"]["message"].format(text=text.strip()))
    matches = [(alias, p) for p in preparations() for alias in p.aliases if _words_in(t, alias)]
    if matches:
        alias, prep = max(matches, key=lambda m: len(m[0]))
        count = _count(t.replace(alias, " ", 1), line, text)
        if count is not None:
            amounts = {k: v * count for k, v in prep.per_unit.items()}
            return SupplementItem(line, text.strip(), prep.id, prep.name, count, amounts, prep.source,
                                  _reading(count, "tablet", amounts), prep.has_potassium)
    generic = _generic(t, line, text.strip())
    if generic is not None:
        return generic
    ask = data["ask_strength"]
    names_element = any(_words_in(t, e) for e in ask["elements"])
    names_tablet = any(_words_in(t, w) for w in ask["tablet_words"])
    if any(_words_in(t, w) for w in ask["words"]) or (names_element and names_tablet):
        raise PlannerError(f"line {line}: " + ask["message"].format(text=text.strip()))
    return None


def _sort_out(entries: list[tuple[int, str, object]]) -> tuple[list, list[SupplementItem]]:
    """(line, text, value) entries -> the values that are not supplements, and the supplements read; one
    PlannerError naming every bad supplement line."""
    kept, found, errors = [], [], []
    for line, text, value in entries:
        try:
            item = read_supplement(text, line)
        except PlannerError as exc:
            errors.append(str(exc))
            continue
        if item is None:
            kept.append(value)
        else:
            found.append(item)
    if errors:
        raise PlannerError("; ".join(errors))
    return kept, found


def _split_text(text: str) -> tuple[str, list[SupplementItem], int]:
    lines = text.splitlines()
    pieces = [(n, piece, (n, k)) for n, raw in enumerate(lines, start=1)
              for k, piece in enumerate(raw.split(",") if "," in raw else [raw])]
    kept_list, found = _sort_out(pieces)
    kept = set(kept_list)
    taken = {line for line, _, where in pieces if where not in kept}
    out = []
    for n, raw in enumerate(lines, start=1):
        if n in taken:  # a line that named a supplement keeps only its other pieces (or becomes blank)
            rest = ",".join(p for line, p, where in pieces if line == n and where in kept)
            raw = "" if re.fullmatch(r"[\s,]*", rest) else rest
        out.append(raw)
    return "\n".join(out), found, sum(bool(line.strip()) for line in out)


def _split_csv(text: str) -> tuple[str, list[SupplementItem], int]:
    lines = text.splitlines()
    header_at = next(i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#"))
    delimiter = max((",", ";", "\t"), key=lines[header_at].count)
    names = [h.strip().strip('"').lower() for h in next(csv.reader([lines[header_at]], delimiter=delimiter))]
    food_col = next((i for i, h in enumerate(names) if h in ("food", "name", "item")), None)
    amount_col = next((i for i, h in enumerate(names) if h in ("amount", "quantity", "qty")), None)
    entries = []
    for i in range(header_at + 1, len(lines)):
        cells = next(csv.reader([lines[i]], delimiter=delimiter), []) if lines[i].strip() else []
        food = cells[food_col].strip() if food_col is not None and food_col < len(cells) else ""
        amount = cells[amount_col].strip() if amount_col is not None and amount_col < len(cells) else ""
        if food:
            entries.append((i + 1, f"{amount} {food}".strip(), i))
    kept_list, found = _sort_out(entries)
    kept = set(kept_list)
    for _, _, i in entries:
        if i not in kept:
            lines[i] = ""  # a blank row: the CSV reader skips it and later rows keep their line numbers
    return "\n".join(lines), found, len(kept) + (food_col is None)


def _split_json(text: str) -> tuple[str, list[SupplementItem], int]:
    try:
        data = json.loads(text)
    except ValueError:  # not JSON, or a number too long to read: the food parser says what is wrong
        return text, [], 1
    wrapped = isinstance(data, dict) and "items" in data
    rows = data["items"] if wrapped else data
    if not isinstance(rows, list):
        return text, [], 1
    entries = []
    for number, row in enumerate(rows, start=1):
        if isinstance(row, str):
            entries.append((number, row, number))
        elif isinstance(row, dict) and isinstance(row.get("food", row.get("name")), str):
            amount = row.get("amount", "")
            amount = amount if isinstance(amount, str | float) or (isinstance(amount, int) and abs(amount) < 10**9) \
                else ""  # a huge or odd amount is the food parser's to refuse
            entries.append((number, f"{amount} {row.get('food', row.get('name'))}".strip(), number))
    kept_list, found = _sort_out(entries)
    kept_numbers = set(kept_list)
    named = {n for _, _, n in entries}
    kept = [row for n, row in enumerate(rows, start=1) if n not in named or n in kept_numbers]
    out = {**data, "items": kept} if wrapped else kept
    return json.dumps(out), found, len(kept)


def split_supplements(text: str) -> tuple[str, list[SupplementItem], bool]:
    """(the intake without its supplement lines, the supplements, whether any food is left to parse).

    Free text, CSV (a food,amount header) and JSON alike; a supplement line in CSV or text becomes a blank
    line, so the foods keep their line numbers. One PlannerError names every bad supplement line."""
    body = text.lstrip("\ufeff")
    stripped = body.strip()
    if stripped.startswith(("[", "{")):
        rest, found, foods = _split_json(stripped)
    elif _looks_like_csv(body):
        rest, found, foods = _split_csv(body)
    else:
        rest, found, foods = _split_text(body)
    return rest, found, foods > 0 or not found


def _looks_like_csv(text: str) -> bool:
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    cells = {c.strip().strip('"').lower() for c in first.split(delimiter)}
    return bool(cells & {"food", "food_id", "name", "item"}) and bool(cells & {"amount", "quantity", "qty", "grams"})


def supplement_amounts(items: Sequence[SupplementItem]) -> dict[str, float]:
    """Nutrient -> the day's amount from supplements."""
    out: dict[str, float] = {}
    for item in items:
        for k, v in item.amounts.items():
            out[k] = out.get(k, 0.0) + v
    return out


_K_RAISING = {"kidney_disease": "kidney disease", "heart_failure": "heart failure", "ace_inhibitor": "an ACE inhibitor",
              "arb": "an ARB", "potassium_sparing_diuretic": "a potassium-sparing diuretic", "nsaid": "NSAIDs"}


def supplement_warnings(items: Sequence[SupplementItem], conditions: Sequence[str], kidney_disease: bool,
                        magnesium_ul: float, magnesium_ul_source: str) -> list[str]:
    """The magnesium upper limit (supplements only) passed, and a strong warning for potassium preparations
    with kidney disease or a medicine that raises blood potassium."""
    limits = supplement_data()["limits"]
    out = []
    magnesium = supplement_amounts(items).get("magnesium_mg", 0.0)
    if magnesium > magnesium_ul:
        out.append(limits["magnesium_over"].format(amount=magnesium, ul=magnesium_ul, source=magnesium_ul_source))
    why = [_K_RAISING[c] for c in dict.fromkeys(list(conditions) + (["kidney_disease"] if kidney_disease else []))
           if c in _K_RAISING]
    with_k = list(dict.fromkeys(i.name for i in items if i.has_potassium))
    if why and with_k:
        out.append(limits["potassium_warning"].format(names=", ".join(with_k), why=" and ".join(why)))
    return out


def warnings_for(items: Sequence[SupplementItem], profile: Profile) -> list[str]:
    """`supplement_warnings` for one person: their magnesium upper limit, conditions and kidney disease. The day
    check and the diary both ask it, so a saved day warns as its check did."""
    ul, ul_source = magnesium_supplement_ul(profile)
    return supplement_warnings(items, profile.conditions, profile.kidney_disease, ul, ul_source)
