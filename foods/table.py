"""Load and validate the food table once; look foods up by id, search, rank and filter them.

pandas is imported inside the functions that read, check or rank the table's frame: a table loaded from its
snapshot (foods/snapshot.py) looks foods up and searches without it, so `foods search` starts fast."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from foods import snapshot
from foods.calcium import COUNTED_FIELD, calcium_class, counted_calcium
from foods.errors import FoodError, TableError, UnknownFood
from foods.nutrients import NUTRIENT_FIELDS, NUTRIENTS_FILE, resolve_nutrient
from foods.search import SEARCH_INDEX, best_match, index_from_state, index_to_state, search_index
from foods.search import search as search_foods
from foods.text import measure_text, measure_unit, measure_words

if TYPE_CHECKING:
    import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"
ALIASES_FILE = DATA_DIR / "aliases.csv"

VALID_MEALS = frozenset({"breakfast", "snack", "lunch", "dinner"})
DIET_TAGS = frozenset({"vegan", "vegetarian", "pescatarian"})
CONTENT_TAGS = frozenset({
    "dairy", "lactose", "gluten", "tree_nuts", "peanuts", "fish", "shellfish", "egg", "liver",
    "fish_liver_oil", "caffeine", "alcohol", "added_sugar", "salty", "sesame", "raw_animal", "high_mercury",
    "not_as_eaten", "iodine_rich",
})
VALID_TAGS = DIET_TAGS | CONTENT_TAGS
VALID_AISLES = ("produce", "dairy_eggs", "grains_legumes", "nuts_seeds", "meat_fish", "other")
VALID_BUY_UNITS = ("piece", "g", "pack")
PER_CHOICES = ("100g", "portion", "100kcal")
DERIVED_FIELDS = [COUNTED_FIELD]  # computed from SR28 values by one rule each (foods/calcium.py), never stored

FOOD_COLUMNS = [
    "id", "name", "ndb", "portion_ndb", "sr28_name", "group", "portion_seq", "portion_label", "portion_grams", "step",
    "default_steps", "min_steps", "max_steps", "meals", "tags", "tags_guessed", "articles", "limit", "bought_ndb",
    "bought_name", "yield_factor", "refuse_pct", "buy_unit", "buy_piece_grams", "pack_grams", "pack_label",
    "other_pack_grams", "other_pack_labels", "aisle", *NUTRIENT_FIELDS,
]
# columns a table may lack (one written before they existed, or by another tool): read as empty
OPTIONAL_FOOD_COLUMNS = ("other_pack_grams", "other_pack_labels")
PORTION_COLUMNS = ["food_id", "ndb", "seq", "amount", "measure", "grams", "source"]
_NON_NEGATIVE = ["portion_grams", "step", "default_steps", "min_steps", "max_steps", "yield_factor", "refuse_pct",
                 "buy_piece_grams", "pack_grams", *NUTRIENT_FIELDS]


@dataclass(frozen=True)
class Portion:
    """One SR28 household measure: `amount` `measure` weighs `grams` (e.g. 1 medium = 118 g)."""

    seq: int
    amount: float
    measure: str
    grams: float
    source: str = "sr28"

    @property
    def grams_per_unit(self) -> float:
        return self.grams / self.amount

    @property
    def unit_word(self) -> str:
        """The measure's unit as people type it: 'medium (7\" long)' -> 'medium', 'cup, sliced' -> 'cup'."""
        return measure_unit(self.measure)


@dataclass(frozen=True)
class Food:
    """A food as eaten, per 100 g, with how it is portioned, tagged and bought."""

    id: str
    name: str
    ndb: str
    group: str
    nutrients: dict[str, float]
    portions: tuple[Portion, ...]
    portion_label: str
    portion_grams: float
    step: float
    min_steps: int
    max_steps: int
    meals: frozenset[str]
    tags: frozenset[str]
    articles: tuple[str, ...]
    limit: bool
    bought_ndb: str
    bought_name: str
    yield_factor: float
    refuse_pct: float
    buy_unit: str
    buy_piece_grams: float | None
    pack_grams: float | None
    pack_label: str
    aisle: str
    sr28_name: str = ""
    tags_guessed: bool = False
    default_steps: int = 1
    portion_ndb: str = ""
    other_pack_grams: tuple[float, ...] = ()   # the other sizes it is sold in (a 7.5 oz can beside the 14.75 oz)
    other_pack_labels: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def step_grams(self) -> float:
        """Grams in one planning step (a whole or a fraction of the household portion)."""
        return self.portion_grams * self.step

    @property
    def default_grams(self) -> float:
        """The usual serving: `default_steps` steps (3 oz of salmon, 1 medium banana, 1 cup of milk)."""
        return self.step_grams * self.default_steps

    @property
    def grams_range(self) -> tuple[float, float]:
        """The smallest and largest sensible amount in one meal."""
        return self.step_grams * self.min_steps, self.step_grams * self.max_steps

    def portion_words(self, grams: float) -> str:
        """'1 medium banana', '1½ cups cooked lentils': grams as a count of the household portion."""
        return measure_words(grams / self.portion_grams, self.portion_label)

    @property
    def packs(self) -> tuple[tuple[float, str], ...]:
        """The pack sizes it is sold in as (grams, label), its usual pack (`pack_grams`) first; () when none."""
        if not self.pack_grams or self.pack_grams <= 0:
            return ()
        return ((self.pack_grams, self.pack_label),
                *zip(self.other_pack_grams, self.other_pack_labels, strict=True))

    def missing(self) -> list[str]:
        """Nutrients SR28 has no value for: totals that include this food are lower bounds."""
        return [k for k, v in self.nutrients.items() if v is None or (isinstance(v, float) and math.isnan(v))]

    def bought_grams(self, eaten_grams: float) -> float:
        """Grams to buy, as bought, for grams eaten: eaten × yield factor ÷ (1 − refuse)."""
        if self.refuse_pct >= 100:
            raise FoodError(f"{self.id}: refuse of {self.refuse_pct:g} % leaves nothing to eat; fix the food table")
        return eaten_grams * self.yield_factor / (1.0 - self.refuse_pct / 100.0)

    def portion_text(self, grams: float) -> str:
        """'1 medium banana (118 g)', '1½ cups cooked lentils (297 g)': one bracket, the weight's."""
        return measure_text(grams / self.portion_grams, self.portion_label, f"{grams:.0f} g")


# --- a table's foods as plain JSON data, for its snapshot (foods/snapshot.py) ---------------------------------
# One row a food, the fields in STATE_FIELDS' order, nutrients as a list in the state's own `nutrients` order.
# Read back, every value is checked to be of its field's type: a snapshot is a file others may write, so it is
# checked, not trusted (a wrong one is a miss, and the CSVs are read).

def _of(kind: type):
    """A reader that takes a JSON value of exactly this type, else TypeError."""
    def check(value):
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, found {type(value).__name__}")
        return value
    return check


_STR, _FLOAT, _INT, _BOOL, _LIST = _of(str), _of(float), _of(int), _of(bool), _of(list)


def _strings(value) -> list[str]:
    if type(value) is not list or not all(type(v) is str for v in value):
        raise TypeError("expected a list of strings")
    return value


def _portions(value) -> tuple[Portion, ...]:
    return tuple(Portion(_INT(seq), _FLOAT(amount), _STR(measure), _FLOAT(grams), _STR(source))
                 for seq, amount, measure, grams, source in map(_LIST, _LIST(value)))


_READERS_BY_TYPE = {   # how a field is read back, by its declared type
    "str": _STR, "float": _FLOAT, "int": _INT, "bool": _BOOL,
    "tuple[float, ...]": lambda v: tuple(_FLOAT(x) for x in _LIST(v)),
    "float | None": lambda v: None if v is None else _FLOAT(v),
    "frozenset[str]": lambda v: frozenset(_strings(v)),
    "tuple[str, ...]": lambda v: tuple(_strings(v)),
    "tuple[Portion, ...]": _portions,
}
STATE_FIELDS = tuple(f.name for f in fields(Food) if f.name not in ("extra", "nutrients"))
_STATE_READERS = tuple(_READERS_BY_TYPE[f.type] for f in fields(Food) if f.name in STATE_FIELDS)


def _state_value(value):
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [[p.seq, p.amount, p.measure, p.grams, p.source] if isinstance(p, Portion) else p for p in value]
    return value


def foods_to_state(foods: list[Food]) -> dict:
    """The foods as plain JSON data (`foods_from_state` reads them back)."""
    nutrients = list(dict.fromkeys(k for f in foods for k in f.nutrients))
    return {"fields": list(STATE_FIELDS), "nutrients": nutrients,
            "rows": [[*(_state_value(getattr(f, name)) for name in STATE_FIELDS),
                      [f.nutrients.get(k) for k in nutrients]] for f in foods]}


def foods_from_state(state: dict) -> list[Food]:
    """The foods `foods_to_state` wrote; TypeError, ValueError or KeyError when the data is not that."""
    if state["fields"] != list(STATE_FIELDS):
        raise ValueError("the snapshot's foods have other fields than this code's")
    nutrients = _strings(state["nutrients"])
    foods = []
    for row in _LIST(state["rows"]):
        *values, amounts = _LIST(row)
        if len(values) != len(STATE_FIELDS) or type(amounts) is not list or len(amounts) != len(nutrients) \
                or not all(type(x) is float for x in amounts):
            raise TypeError("a food's row in the snapshot is not one this code wrote")
        foods.append(Food(**{name: read(v) for name, read, v in zip(STATE_FIELDS, _STATE_READERS, values, strict=True)},
                          nutrients=dict(zip(nutrients, amounts, strict=True))))
    return foods


_REQUIRED_NUMBERS = ["portion_grams", "step", "default_steps", "min_steps", "max_steps", "yield_factor"]


def _fail_where(bad: pd.Series, source: str, column: str, message: str, values: pd.Series | None = None) -> None:
    """Refuse the table at the first row where `bad` holds, naming its file line and column; `{value}` in
    `message` quotes that row of `values`."""
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise TableError(source, message if values is None else message.format(value=values.iloc[i]),
                         row=i + 2, column=column)


def _fail_if_missing(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TableError(name, f"missing column(s): {', '.join(missing)}")


def _check_numbers(frame: pd.DataFrame, columns: list[str], name: str) -> pd.DataFrame:
    """Convert to numbers; a non-numeric or negative value names its row (file line) and column."""
    import pandas as pd

    out = frame.copy()
    for col in columns:
        raw = out[col]
        converted = pd.to_numeric(raw, errors="coerce")
        bad = converted.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        _fail_where(bad, name, col, "'{value}' is not a number", raw)
        _fail_where(converted < 0, name, col, "{value:g} is negative; it must be 0 or more", converted)
        out[col] = converted.astype("float64")
    return out


def split_list(value) -> list[str]:
    """A ';'-separated cell ('dairy; gluten') as its items; an empty or missing cell is no items."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


@functools.lru_cache(maxsize=4096)
def _set(value) -> frozenset[str]:
    """A ';'-list as a set; cached because thousands of catalogue foods share a few tag strings."""
    return frozenset(split_list(value))


@functools.lru_cache(maxsize=4096)
def _tuple(value) -> tuple[str, ...]:
    return tuple(split_list(value))


@functools.lru_cache(maxsize=256)
def pack_grams_list(value) -> tuple[float, ...]:
    """An `other_pack_grams` cell ('213', '515;257.5') as grams; ValueError when an item is no positive number."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        items = [] if math.isnan(value) else [str(value)]
    else:
        items = split_list(value)
    grams = tuple(float(x) for x in items)
    if not all(math.isfinite(g) and g > 0 for g in grams):
        raise ValueError("pack grams must be positive numbers")
    return grams


def other_packs_problem(grams_cell, labels: tuple[str, ...], buy_unit: str, pack_grams, pack_label: str
                        ) -> tuple[tuple[float, ...], tuple[str, str] | None]:
    """A food's other pack sizes as grams, and what is wrong with them as (column, message), or None: positive
    grams, only beside a usual pack (buy_unit pack, pack_grams), one label a size, each size and label once. The
    build checks selection.csv with it, and a table checks foods.csv."""
    try:
        grams = pack_grams_list(grams_cell)
    except ValueError:
        return (), ("other_pack_grams", f"'{grams_cell}' is not a ';'-list of positive grams (e.g. 213;170)")
    if not grams and not labels:
        return (), None
    if buy_unit != "pack" or not pack_grams:
        return grams, ("other_pack_grams", "other pack sizes need buy_unit pack and pack_grams")
    if len(labels) != len(grams):
        return grams, ("other_pack_labels", f"{len(grams)} pack size(s) but {len(labels)} label(s); give one label a size")
    sizes = [float(pack_grams), *grams]
    if len(set(sizes)) != len(sizes) or len({pack_label, *labels}) != len(sizes):
        return grams, ("other_pack_grams", "each pack size and label must differ from the others and from pack_grams")
    return grams, None


def _other_packs(col: dict[str, list], source: str) -> tuple[list[tuple[float, ...]], list[tuple[str, ...]]]:
    """Each food's other pack sizes and their labels, checked (other_packs_problem); a wrong cell names its file
    line and column."""
    grams_out, labels_out = [], []
    for i, (cell, label_cell) in enumerate(zip(col["other_pack_grams"], col["other_pack_labels"], strict=True)):
        labels = _tuple(_text(label_cell))
        grams, problem = other_packs_problem(cell, labels, col["buy_unit"][i], _optional(col["pack_grams"][i]),
                                             _text(col["pack_label"][i]))
        if problem:
            column, message = problem
            raise TableError(source, message, row=i + 2, column=column)
        grams_out.append(grams)
        labels_out.append(labels)
    return grams_out, labels_out


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _number(value) -> float:
    return 0.0 if value is None or np.isnan(value) else float(value)


def _optional(value) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


class FoodTable:
    """The food table: `frame` (one row per food, nutrients per 100 g) and `Food` objects by id."""

    def __init__(self, foods: pd.DataFrame, portions: pd.DataFrame, source: str = "foods.csv"):
        foods = foods.assign(**{c: "" for c in OPTIONAL_FOOD_COLUMNS if c not in foods.columns})
        _fail_if_missing(foods, FOOD_COLUMNS, source)
        _fail_if_missing(portions, PORTION_COLUMNS, "portions.csv")
        foods = _check_numbers(foods, _NON_NEGATIVE, source)
        portions = _check_numbers(portions, ["seq", "amount", "grams"], "portions.csv")
        ids = foods["id"].fillna("").astype(str)
        _fail_where(ids.str.strip() == "", source, "id", "empty id")
        if ids.duplicated().any():
            i = int(np.flatnonzero(ids.duplicated().to_numpy())[0])
            first = int(np.flatnonzero((ids == ids.iloc[i]).to_numpy())[0])
            raise TableError(source, f"duplicate id '{ids.iloc[i]}' (first on row {first + 2})", row=i + 2, column="id")
        for col, allowed in (("meals", VALID_MEALS), ("tags", VALID_TAGS)):
            values = foods[col].tolist()
            for value in set(values):  # a catalogue repeats a few tag strings thousands of times
                bad = [v for v in split_list(value) if v not in allowed]
                if bad:
                    i = values.index(value)
                    raise TableError(source, f"unknown value(s) {', '.join(bad)}; allowed: {', '.join(sorted(allowed))}",
                                     row=i + 2, column=col)
        for col in _REQUIRED_NUMBERS:
            _fail_where(foods[col].isna(), source, col, "is empty; it needs a number")
        _fail_where(foods["portion_grams"] <= 0, source, "portion_grams", "portion weight must be positive")
        _fail_where(foods["min_steps"] > foods["max_steps"], source, "min_steps", "min_steps is larger than max_steps")
        _fail_where((foods["default_steps"] < foods["min_steps"]) | (foods["default_steps"] > foods["max_steps"]),
                    source, "default_steps", "default_steps is outside min_steps..max_steps")
        ndb = foods["ndb"].astype(str).str.zfill(5)
        portion_ndb = foods["portion_ndb"].where(foods["portion_ndb"].notna() & (foods["portion_ndb"] != ""), ndb)
        foods = foods.assign(id=ids, ndb=ndb, portion_ndb=portion_ndb.astype(str).str.zfill(5),
                             bought_ndb=foods["bought_ndb"].astype(str).str.zfill(5))
        frame = foods.set_index("id", drop=False)
        frame.index.name = None
        classes = calcium_class(frame["name"], frame["group"])
        frame["calcium_class"] = classes
        frame[COUNTED_FIELD] = counted_calcium(frame["calcium_mg"], classes)
        self._frame: pd.DataFrame | None = frame
        self._folder: Path | None = None
        self.source = source
        by_food: dict[str, list[Portion]] = {}
        for fid, seq, amount, measure, grams, src in zip(
            portions["food_id"].astype(str).tolist(), portions["seq"].tolist(), portions["amount"].tolist(),
            portions["measure"].tolist(), portions["grams"].tolist(), portions["source"].tolist(), strict=True,
        ):
            if amount > 0 and grams > 0:
                by_food.setdefault(fid, []).append(Portion(int(seq), float(amount), str(measure), float(grams), str(src)))
        self.foods: dict[str, Food] = {}
        col = {c: frame[c].tolist() for c in FOOD_COLUMNS}
        other_grams, other_labels = _other_packs(col, source)
        nutrient_rows = frame[NUTRIENT_FIELDS].to_numpy(dtype=float).tolist()
        for i, fid in enumerate(col["id"]):
            self.foods[fid] = Food(
                id=fid, name=str(col["name"][i]), ndb=col["ndb"][i], group=_text(col["group"][i]),
                nutrients=dict(zip(NUTRIENT_FIELDS, nutrient_rows[i], strict=True)),
                portions=tuple(by_food.get(fid, ())), portion_label=_text(col["portion_label"][i]),
                portion_grams=col["portion_grams"][i], step=col["step"][i],
                min_steps=int(col["min_steps"][i]), max_steps=int(col["max_steps"][i]),
                meals=_set(col["meals"][i]), tags=_set(col["tags"][i]),
                articles=_tuple(col["articles"][i]), limit=bool(int(col["limit"][i] or 0)),
                bought_ndb=col["bought_ndb"][i], bought_name=_text(col["bought_name"][i]),
                yield_factor=col["yield_factor"][i], refuse_pct=_number(col["refuse_pct"][i]),
                buy_unit=str(col["buy_unit"][i]), buy_piece_grams=_optional(col["buy_piece_grams"][i]),
                pack_grams=_optional(col["pack_grams"][i]), pack_label=_text(col["pack_label"][i]),
                aisle=str(col["aisle"][i]), sr28_name=_text(col["sr28_name"][i]),
                tags_guessed=bool(int(col["tags_guessed"][i] or 0)), default_steps=int(col["default_steps"][i]),
                portion_ndb=col["portion_ndb"][i], other_pack_grams=other_grams[i], other_pack_labels=other_labels[i],
            )
        self._cache: dict = {}

    @classmethod
    def restored(cls, foods: dict[str, Food], source: str, folder: Path, cache: dict) -> FoodTable:
        """A table from its snapshot: the foods (and cached search index) without the frame, which is read
        from `folder`'s CSVs the first time something asks for it."""
        table = cls.__new__(cls)
        table.foods, table.source, table._cache = foods, source, dict(cache)
        table._frame, table._folder = None, folder
        return table

    @property
    def frame(self) -> pd.DataFrame:
        """One row per food (indexed by id), the CSV's columns, nutrients per 100 g and the calcium class."""
        if self._frame is None:
            self._frame = read_table(self._folder)._frame
        return self._frame

    def __len__(self) -> int:
        return len(self.foods)

    def __contains__(self, food_id: str) -> bool:
        return food_id in self.foods

    def __iter__(self):
        return iter(self.foods.values())

    @property
    def nutrients(self) -> pd.DataFrame:
        """Nutrients per 100 g, one row per food id; NaN where SR28 has no value; then the derived columns
        (DERIVED_FIELDS: calcium counted toward a calcium goal)."""
        return self.frame[NUTRIENT_FIELDS + DERIVED_FIELDS]

    def get(self, food_id: str) -> Food:
        """The food with this id, or an error naming the closest matches."""
        try:
            return self.foods[food_id]
        except KeyError:
            raise UnknownFood(food_id, [f.id for f in self.search(food_id, limit=3)]) from None

    def cached(self, key, factory):
        """The one per-table cache: `factory()` made once per table and key (the search index, name words)."""
        if key not in self._cache:
            self._cache[key] = factory()
        return self._cache[key]

    def aliases(self) -> pd.DataFrame:
        """Other names people use for this table's foods (`data/aliases.csv`: food_id, alias)."""
        def read() -> pd.DataFrame:
            frame = _alias_file()
            return frame[frame["food_id"].isin(self.foods.keys())]
        return self.cached("aliases", read)

    def curated_names(self) -> list[tuple[str, str]]:
        """For an imported catalogue: the curated table's ids, names and aliases, given to the catalogue food
        with the same NDB, so "buckwheat" finds cooked buckwheat and "almonds" the nuts, not almond oil."""
        def names() -> list[tuple[str, str]]:
            if not any(f.tags_guessed for f in self):
                return []
            curated = load_table()
            by_ndb = {f.ndb: f.id for f in self}
            extra = curated.aliases().groupby("food_id")["alias"].agg(list).to_dict()
            return [(by_ndb[f.ndb], text) for f in curated if f.ndb in by_ndb
                    for text in (f.id, f.name, *extra.get(f.id, []))]
        return self.cached("curated_names", names)

    def find(self, text: str) -> Food:
        """The one food a person most likely means by `text` (an id, a name, a plural, a typo)."""
        return best_match(self, text)

    def search(self, text: str, limit: int = 10) -> list[Food]:
        """Foods whose names best match `text`, best first; typos and plurals forgiven."""
        return search_foods(self, text, limit)

    def top(self, nutrient: str, per: str = "100g", n: int = 10, include_limit: bool = False,
            foods: list[str] | None = None) -> pd.DataFrame:
        """The n richest foods in `nutrient` per 100 g, per usual serving (`default_grams`) or per 100 kcal.

        Columns: food_id, name, ndb, portion (the usual serving in words, '3 oz cooked salmon'),
        portion_grams (its weight), grams (the amount the value is for), the nutrient, per.
        Foods whose SR28 value is missing are left out, never ranked as zero."""
        if nutrient not in NUTRIENT_FIELDS:
            nutrient = resolve_nutrient(nutrient)
        if per not in PER_CHOICES:
            raise ValueError(f"per must be one of {', '.join(PER_CHOICES)}, not '{per}'")
        if n < 1:
            raise ValueError(f"the number of foods must be at least 1, not {n}")
        unknown = [fid for fid in foods or [] if fid not in self.foods]
        if unknown:
            self.get(unknown[0])  # an error naming the closest matches
        import pandas as pd

        frame = self.frame if foods is None else self.frame.loc[foods]
        if not include_limit:
            frame = frame[frame["limit"] == 0]
        serving = frame["portion_grams"] * frame["step"] * frame["default_steps"]
        if per == "100g":
            grams = pd.Series(100.0, index=frame.index)
        elif per == "portion":
            grams = serving
        else:
            grams = 100.0 / frame["energy_kcal"].where(frame["energy_kcal"] > 0) * 100.0
        out = pd.DataFrame({
            "food_id": frame["id"], "name": frame["name"], "ndb": frame["ndb"],
            "portion": [self.foods[fid].portion_words(g) for fid, g in zip(frame["id"], serving, strict=True)],
            "portion_grams": serving, "grams": grams, nutrient: frame[nutrient] * grams / 100.0, "per": per,
            **({COUNTED_FIELD: frame[COUNTED_FIELD] * grams / 100.0} if nutrient == "calcium_mg" else {}),
        }).dropna(subset=[nutrient])
        rank = [COUNTED_FIELD, nutrient] if nutrient == "calcium_mg" else [nutrient]   # oxalate greens rank by
        return out.sort_values(rank, ascending=False, kind="stable").head(n).reset_index(drop=True)   # what counts

    def filter(self, tags: list[str] | None = None, exclude_tags: list[str] | None = None,
               group: str | None = None, include_limit: bool = True) -> list[Food]:
        """Foods carrying every tag in `tags`, none in `exclude_tags`, in `group` (substring)."""
        want, avoid = set(tags or []), set(exclude_tags or [])
        out = []
        for food in self.foods.values():
            if not want <= food.tags or avoid & food.tags:
                continue
            if group and group.lower() not in food.group.lower():
                continue
            if not include_limit and food.limit:
                continue
            out.append(food)
        return out


def _read_csv(path: Path, dtype: dict) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(path, dtype=dtype, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise TableError(path.name, f"cannot be read as CSV ({str(exc).strip()})") from None


def read_table(directory: Path) -> FoodTable:
    """Read foods.csv and portions.csv from a folder (the shipped data, or an imported catalogue)."""
    foods_path, portions_path = directory / "foods.csv", directory / "portions.csv"
    for p in (foods_path, portions_path):
        if not p.is_file():
            raise TableError(str(p), "file not found (run `python -m foods.build` to make it)")
    foods = _read_csv(foods_path, {"ndb": str, "bought_ndb": str, "portion_ndb": str, "id": str,
                                   "other_pack_grams": str, "other_pack_labels": str})
    portions = _read_csv(portions_path, {"food_id": str, "ndb": str})
    return FoodTable(foods, portions, source=foods_path.name)


@functools.lru_cache(maxsize=1)
def _alias_file() -> pd.DataFrame:
    import pandas as pd

    if not ALIASES_FILE.is_file():
        return pd.DataFrame(columns=["food_id", "alias"])
    return pd.read_csv(ALIASES_FILE, dtype=str, keep_default_na=False)


# the files and code a snapshot is made from, beside a folder's own foods.csv and portions.csv: a change to any
# of them makes the snapshot stale (a catalogue's search index holds the curated names and aliases)
_SNAPSHOT_INPUTS = (ALIASES_FILE, NUTRIENTS_FILE, DATA_DIR / "foods.csv", DATA_DIR / "calcium_classes.csv")


@functools.lru_cache(maxsize=4)
def load_table(directory: str | Path | None = None) -> FoodTable:
    """The food table, loaded once per folder and cached (default: the table shipped in the package).

    A checked table is kept as a snapshot beside its CSVs (foods/snapshot.py): the next process loads the
    foods and the search index from it without pandas, and reads the frame only when it needs it."""
    folder = Path(directory) if directory else DATA_DIR
    inputs = (folder / "foods.csv", folder / "portions.csv", *_SNAPSHOT_INPUTS)
    kept = _from_snapshot(snapshot.read(folder, inputs), folder)
    if kept is not None:
        return kept
    stamp = snapshot.stamp(inputs)   # taken before reading: a file changed meanwhile makes the snapshot stale
    table = read_table(folder)
    snapshot.write(folder, stamp, {"source": table.source, "foods": foods_to_state(list(table)),
                                   "search_index": index_to_state(search_index(table))})
    return table


def _from_snapshot(state: dict | None, folder: Path) -> FoodTable | None:
    """The table a snapshot's state holds, or None when there is none or it is not what `load_table` wrote."""
    if state is None:
        return None
    try:
        foods = foods_from_state(state["foods"])
        index = index_from_state(state["search_index"], len(foods))
        return FoodTable.restored({f.id: f for f in foods}, _STR(state["source"]), folder, {SEARCH_INDEX: index})
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
