"""A plan's shopping list in the form people buy: bought forms, buyable amounts, grouped by aisle.

Each food's eaten grams are summed over the chosen days and converted to the form it is bought
(dry lentils for cooked, raw potatoes for baked, whole bananas with their peel) with the food table's
yield factor and SR28 refuse; foods bought in the same form (baked and boiled potatoes, lemons and
lemon juice) share one line. Amounts are rounded up to what a shop sells: whole pieces (or halves of a
cabbage or melon, which shops cut in two), bunches of herbs, whole packs (of the sizes a food is sold in, the
combination that leaves the fewest grams over), round weights for loose goods. The list says what share of
the perishable bought weight the meals eat (the rest stays in opened packs or rounds up to whole pieces),
which lines are mostly left over, and which long-keeping goods (oil, honey, dry pulses:
planner/data/aisles.toml [keeps]) are left for later.
The same rules tell the optimiser what the days already planned leave in opened packs (`opened_left`).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from foods import Food, FoodTable
from foods.errors import FoodError
from foods.search import scored
from planner.errors import PlanFileError, PlannerError, quoted, shortened
from planner.paths import read_user_text
from planner.plan import PLAN_VERSION, Plan, plan_from_dict
from planner.rules import DATA_DIR

_EPS = 1e-9  # amounts within this of a whole piece or pack are that piece or pack (float noise)
_EXACT_SCORE = 200.0  # foods.search scores an exact id, name or alias this high
_LAST_DAY = 366  # no plan runs longer; a larger day number is a typo, not a range to build
MOSTLY_LEFT_OVER = 0.5  # a line whose meals eat less than this share of what is bought is named as left over


@dataclass(frozen=True)
class BuyRules:
    """Shop conventions from planner/data/aisles.toml: aisle order, loose-goods steps, bought-form names."""

    aisles: tuple[tuple[str, str], ...]             # (key, label) in list order
    loose_steps: tuple[tuple[float, float], ...]    # (up_to grams, step grams), ascending
    not_bought: frozenset[str]
    not_bought_reason: str
    bought: dict[str, dict]                         # bought_ndb -> {label, one, many, weight}
    keeps: frozenset[str] = frozenset()             # bought_ndb of forms that keep for months once opened
    keeps_reason: str = ""

    def aisle_label(self, key: str) -> str:
        return dict(self.aisles).get(key, key.replace("_", " ").capitalize())

    def aisle_rank(self, key: str) -> int:
        keys = [k for k, _ in self.aisles]
        return keys.index(key) if key in keys else len(keys)

    def info(self, bought_ndb: str) -> dict:
        return self.bought.get(bought_ndb, {})

    def line_ndb(self, bought_ndb: str) -> str:
        """The bought form a line is for: lemon juice (`same_as`) goes on the lemons' line."""
        return str(self.info(bought_ndb).get("same_as", bought_ndb))

    def long_keeping(self, food: Food) -> bool:
        """Whether the form a food is bought in keeps for months once opened (its leftovers are no waste)."""
        return self.line_ndb(food.bought_ndb) in self.keeps


@functools.cache
def buy_rules() -> BuyRules:
    """The shipped shop conventions, read once."""
    with open(DATA_DIR / "aisles.toml", "rb") as fh:
        data = tomllib.load(fh)
    steps = sorted((float(s["up_to"]), float(s["step"])) for s in data["loose_step"])
    return BuyRules(
        aisles=tuple((a["key"], a["label"]) for a in data["aisle"]),
        loose_steps=tuple(steps),
        not_bought=frozenset(data["not_bought"]["foods"]),
        not_bought_reason=data["not_bought"]["reason"],
        bought={str(k): dict(v) for k, v in data.get("bought", {}).items()},
        keeps=frozenset(str(k) for k in data.get("keeps", {}).get("bought", ())),
        keeps_reason=str(data.get("keeps", {}).get("reason", "")),
    )


@dataclass(frozen=True)
class PackCount:
    """Packs of one size on a list line: `count` × the `label` pack of `grams` grams."""

    label: str
    grams: float
    count: int


@dataclass
class ShoppingItem:
    """One line of the list: what to buy, how much is needed and how much to buy, and its price."""

    food_id: str                 # the main food this line buys (several foods may share a bought form)
    name: str                    # that food's name, as eaten
    ndb: str
    bought_ndb: str
    bought_name: str             # SR28's name of the bought form
    aisle: str
    eaten_grams: float           # summed over the foods and days, as eaten
    needed_grams: float          # in the bought form, with refuse (peel, bone, shell)
    buy_amount: float            # pieces, bunches, packs or grams to buy (rounded up)
    buy_unit: str                # piece | bunch | pack | g
    buy_text: str                # "3 bananas (~550 g whole)", "250 g", "1 × 1 l carton"
    price: float | None = None   # estimated, from price per kg of the bought form
    label: str = ""              # how the line reads: "Lentils, dry", "Bananas"
    food_ids: tuple[str, ...] = ()
    eaten_by_food: dict[str, float] = field(default_factory=dict)
    buy_grams: float = 0.0       # weight of what is bought, as bought (pieces and packs included)
    unit_text: str = ""          # the unit as a shopper reads it: "bananas", "1 l carton", "bunch", "g"
    need_text: str = ""          # the amount needed in words: "184 g", "2 cups"
    keeps: bool = False          # the bought form keeps for months once opened (oil, honey): what is left is no waste
    packs: tuple[PackCount, ...] = ()   # a pack line's packs by size, largest first; () for pieces, bunches, grams

    @property
    def left_grams(self) -> float:
        """Grams bought and not eaten this time, as bought (in an opened pack, or whole pieces rounded up)."""
        return max(0.0, self.buy_grams - self.needed_grams)

    @property
    def eaten_share(self) -> float:
        """Share of the bought weight the meals eat (needed ÷ bought, both in the bought form)."""
        return min(1.0, self.needed_grams / self.buy_grams) if self.buy_grams > 0 else 1.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["eaten_share"] = round(self.eaten_share, 3)
        d["food_ids"] = list(self.food_ids)
        d["packs"] = [asdict(p) for p in self.packs]
        for key in ("eaten_grams", "needed_grams", "buy_grams"):
            d[key] = round(d[key], 1)
        d["eaten_by_food"] = {k: round(v, 1) for k, v in self.eaten_by_food.items()}
        d["price"] = None if self.price is None else round(self.price, 2)
        d["aisle_label"] = buy_rules().aisle_label(self.aisle)
        return d


@dataclass
class ShoppingList:
    """The list for some days of a plan: items to buy by aisle, and what is left out and why."""

    items: list[ShoppingItem]
    days: list[int]                                   # 0-based day indices covered
    pantry: list[ShoppingItem] = field(default_factory=list)   # needed but already at home: not on the list
    not_bought: list[str] = field(default_factory=list)       # food ids never bought (tap water)
    total_price: float | None = None                 # sum of the known prices; None when no price is known
    notes: list[str] = field(default_factory=list)   # for the reader: how a pantry line was read, ...

    @property
    def pantry_ids(self) -> list[str]:
        """Food ids of the plan left off the list because they are at home."""
        return sorted(fid for i in self.pantry for fid in i.food_ids)

    @property
    def unpriced(self) -> list[ShoppingItem]:
        return [i for i in self.items if i.price is None]

    @property
    def bought_grams(self) -> float:
        """Weight of everything to buy, as bought (whole pieces and packs)."""
        return sum(i.buy_grams for i in self.items)

    @property
    def eaten_share(self) -> float | None:
        """Share of all the bought grams the meals eat (the rest stays in opened packs or rounds up to whole
        pieces and round weights), long-keeping goods included; None when there is nothing to buy."""
        return _share(self.items)

    @property
    def perishable(self) -> list[ShoppingItem]:
        """Lines whose bought form does not keep for months once opened: what they leave is wasted."""
        return [i for i in self.items if not i.keeps]

    @property
    def perishable_bought_grams(self) -> float:
        return sum(i.buy_grams for i in self.perishable)

    @property
    def perishable_eaten_share(self) -> float | None:
        """Share of the perishable bought grams the meals eat (half-used packs of milk, bread or a cabbage
        lower it; an opened bottle of oil does not); None when nothing perishable is bought."""
        return _share(self.perishable)

    @property
    def kept_for_later(self) -> list[ShoppingItem]:
        """Long-keeping lines (oil, honey, dry pulses) the meals do not finish, most left first: the rest keeps for
        later weeks."""
        return sorted((i for i in self.items if i.keeps and i.left_grams >= 0.5), key=lambda i: -i.left_grams)

    @property
    def left_over(self) -> list[ShoppingItem]:
        """Perishable lines whose meals eat less than half of what is bought (a pack opened for a little)."""
        return [i for i in self.perishable if i.eaten_share < MOSTLY_LEFT_OVER]

    def eaten_text(self) -> str:
        """'Eaten: 91 % of the perishable bought weight ...; mostly left over: Cheese, cheddar (14 % eaten)',
        then the long-keeping goods left for later, or '' when nothing is bought."""
        share = self.perishable_eaten_share
        if share is None and not self.items:
            return ""
        parts = []
        if share is not None:
            text = (f"Eaten: {share * 100:.0f} % of the perishable bought weight (the rest stays in opened packs or "
                    "rounds up to whole pieces)")
            if self.left_over:
                text += f"; {self.left_over_text()}"
            parts.append(text)
        if self.kept_for_later:
            parts.append(self.kept_for_later_text())
        return "\n".join(parts)

    def kept_for_later_text(self) -> str:
        """'Left for later (keeps for months once opened): Olive oil (~350 g), Honey (~440 g)', or ''."""
        if not self.kept_for_later:
            return ""
        return (f"Left for later ({buy_rules().keeps_reason}): "
                + ", ".join(f"{i.label} (~{_grams_text(i.left_grams)})" for i in self.kept_for_later))

    def left_over_text(self) -> str:
        """'mostly left over: Cheese, cheddar (14 % eaten), ...', or '' when every line is mostly eaten."""
        if not self.left_over:
            return ""
        return "mostly left over: " + ", ".join(f"{i.label} ({i.eaten_share * 100:.0f} % eaten)" for i in self.left_over)

    def days_text(self) -> str:
        return days_text(self.days)

    def by_aisle(self) -> list[tuple[str, str, list[ShoppingItem]]]:
        """(aisle key, label, items) in list order, only aisles that have items."""
        rules = buy_rules()
        keys = sorted({i.aisle for i in self.items}, key=lambda k: (rules.aisle_rank(k), k))
        return [(k, rules.aisle_label(k), [i for i in self.items if i.aisle == k]) for k in keys]

    def to_dict(self) -> dict:
        return {"days": [d + 1 for d in self.days], "items": [i.to_dict() for i in self.items],
                "pantry": [i.to_dict() for i in self.pantry], "not_bought": list(self.not_bought),
                "total_price": None if self.total_price is None else round(self.total_price, 2),
                "unpriced": [i.food_id for i in self.unpriced] if self.total_price is not None else [],
                "notes": list(self.notes),
                "bought_grams": round(self.bought_grams, 1),
                "eaten_share": None if self.eaten_share is None else round(self.eaten_share, 3),
                "perishable_bought_grams": round(self.perishable_bought_grams, 1),
                "perishable_eaten_share": (None if self.perishable_eaten_share is None
                                           else round(self.perishable_eaten_share, 3)),
                "kept_for_later": [i.food_id for i in self.kept_for_later]}

    def to_csv(self) -> str:
        """One row per item to buy (pantry items follow, marked), for a spreadsheet or another app."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["status", "aisle", "item", "to_buy", "unit", "unit_kind", "as_bought", "need",
                         "needed_g", "eaten_g", "food_ids", "bought_ndb", "price"])
        for status, items in (("buy", self.items), ("pantry", self.pantry)):
            for i in items:
                writer.writerow([status, i.aisle, _csv_safe(i.label), _number(i.buy_amount), _csv_safe(i.unit_text),
                                 i.buy_unit, _csv_safe(i.buy_text), i.need_text, round(i.needed_grams, 1),
                                 round(i.eaten_grams, 1), ";".join(i.food_ids), i.bought_ndb,
                                 "" if i.price is None else round(i.price, 2)])
        return out.getvalue()

    def to_text(self) -> str:
        """Markdown for a phone: a checkbox per item, grouped by aisle; pantry and cost at the end."""
        lines = [f"# Shopping list: {self.days_text()}"]
        if not self.items:
            lines.append("\nNothing to buy.")
        for _, label, items in self.by_aisle():
            lines.append(f"\n## {label}")
            for i in items:
                price = "" if i.price is None else f"; about {i.price:.2f}"
                lines.append(f"- [ ] {i.label}: {i.buy_text}; need {i.need_text}{price}")
        if self.pantry:
            lines.append("\n## Already at home (left off the list)")
            lines += [f"- {i.label}: {i.need_text} needed" for i in self.pantry]
        if self.not_bought:
            lines.append(f"\nNot on the list ({buy_rules().not_bought_reason}): {', '.join(self.not_bought)}")
        if self.total_price is not None:
            missing = len(self.unpriced)
            note = f" ({missing} item{'s' if missing != 1 else ''} without a price)" if missing else ""
            lines.append(f"\nEstimated cost: {self.total_price:.2f}{note}")
        if self.items:
            lines.append(f"\n{self.eaten_text()}")
        if self.notes:
            lines.append("")
            lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def _share(items: list[ShoppingItem]) -> float | None:
    """Needed ÷ bought grams over some lines, or None when they buy nothing."""
    bought = sum(i.buy_grams for i in items)
    return min(1.0, sum(i.needed_grams for i in items) / bought) if bought > 0 else None


def days_text(days: list[int]) -> str:
    """0-based [0, 1, 2, 4] -> 'days 1-3, 5'."""
    if not days:
        return "no days"
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = [f"{r[0] + 1}" if len(r) == 1 else f"{r[0] + 1}-{r[-1] + 1}" for r in runs]
    return ("day " if len(days) == 1 else "days ") + ", ".join(parts)


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 1)


def _grams_text(grams: float) -> str:
    return f"{grams / 1000:.2f} kg" if grams >= 1000 else f"{grams:.0f} g"


def _csv_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula when the CSV is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# --- conversion (pure) ---------------------------------------------------------------------------------

def round_loose(grams: float, steps: Iterable[tuple[float, float]] | None = None) -> float:
    """Round grams UP to the loose-goods step of their band (50 g steps up to 500 g, then 100 g)."""
    if grams <= 0:
        return 0.0
    steps = tuple(steps) if steps is not None else buy_rules().loose_steps
    step = next((s for up_to, s in steps if grams <= up_to), steps[-1][1])
    return math.ceil(grams / step - _EPS) * step


def _ceil(x: float) -> int:
    return max(1, math.ceil(x - _EPS)) if x > 0 else 0


def _buy_mode(food: Food, rules: BuyRules) -> str:
    """The unit it is bought in; a piece or pack food without a usable weight is bought loose."""
    if food.buy_unit == "piece" and food.buy_piece_grams and food.buy_piece_grams > 0:
        return "piece"
    if food.buy_unit == "pack" and food.pack_grams and food.pack_grams > 0:
        return "pack"
    if food.buy_unit == "g" and float(rules.info(food.bought_ndb).get("bunch_grams", 0)) > 0:
        return "bunch"
    return "g"


def shopping_lines(table: FoodTable, food_ids: Iterable[str]) -> list[tuple | None]:
    """Per food: the shopping-list line it is bought on (foods bought in one form share it), None for a food never
    bought (tap water): a week's planning counts its shopping rows with it."""
    rules = buy_rules()
    return [None if fid in rules.not_bought else _group_key(table.get(fid), rules) for fid in food_ids]


def _group_key(food: Food, rules: BuyRules) -> tuple:
    """Foods bought in the same form and unit share one line (baked and boiled potatoes; lemons and juice).

    Pieces are counted food by food, so foods of one form share a line whatever their piece size;
    packs, bunches and loose goods share it only when they are the same pack and the same refuse.
    """
    mode = _buy_mode(food, rules)
    key = (rules.line_ndb(food.bought_ndb), mode, food.aisle)
    return key if mode == "piece" else (*key, food.packs, food.refuse_pct)


def _main_food(foods: list[Food], rules: BuyRules) -> Food:
    """The food a line is named after: the one eaten as bought, else the first."""
    line = rules.line_ndb(foods[0].bought_ndb)
    return next((f for f in foods if f.ndb == line), next((f for f in foods if f.ndb == f.bought_ndb), foods[0]))


def _label(main: Food, info: dict) -> str:
    """The line's name: the shop's word for the bought form, else the food's (', raw' is implied for produce)."""
    if info.get("label"):
        return str(info["label"])
    name = main.name if main.ndb == main.bought_ndb else (main.bought_name or main.name)
    return name.removesuffix(", raw") if main.aisle == "produce" else name


def _count(n: float, info: dict, one: str, many: str) -> str:
    return str(info.get("one", one) if 0 < n <= 1 else info.get("many", many))


def _pieces_text(n: float) -> str:
    """2 -> '2', 0.5 -> '½', 1.5 -> '1½': whole pieces, or halves of the ones shops cut in two."""
    whole = int(n)
    return f"{whole or ''}½" if n - whole == 0.5 else f"{whole}"


def _need_text(foods: list[Food], eaten: dict[str, float], needed: float, info: dict) -> str:
    """The amount needed in words: grams as bought, or servings for a drink brewed from a pack."""
    serving = info.get("serving")
    if serving:
        servings = sum(eaten[f.id] / f.portion_grams for f in foods)
        n = round(servings, 1)
        return f"{n:g} {serving[0] if n == 1 else serving[1]}"
    return _grams_text(needed)


def buy_item(foods: list[Food], eaten: dict[str, float], rules: BuyRules | None = None) -> ShoppingItem:
    """One line for foods sharing a bought form: needed grams, the buyable amount and its wording."""
    rules = rules or buy_rules()
    main = _main_food(foods, rules)
    info = rules.info(main.bought_ndb)
    mode = _buy_mode(main, rules)
    keep = 1.0 - main.refuse_pct / 100.0
    packs: tuple[PackCount, ...] = ()
    if mode == "piece":
        # pieces food by food, each from what one piece gives it: a lemon gives 84 g of flesh or 48 g of
        # juice; a raw potato 213 g baked or boiled (foods of one bought form share its whole-piece weight)
        pieces = sum(eaten[f.id] * f.yield_factor / f.buy_piece_grams for f in foods)
        whole = main.buy_piece_grams / keep              # one piece as bought, peel included
        needed = pieces * whole
        amount = _ceil(pieces)
        if info.get("halves"):                            # half a cabbage or melon
            halves = _ceil(pieces * 2)
            amount = halves / 2 if halves % 2 else halves // 2
        buy_grams = amount * whole
        unit = _count(amount, info, "piece", "pieces")
        text = f"{_pieces_text(amount)} {unit}"
        if info.get("weight", True):
            text += f" (~{_grams_text(buy_grams)}{' whole' if main.refuse_pct > 0 else ''})"
    else:
        needed = sum(f.bought_grams(eaten[f.id]) for f in foods)
        if mode == "pack":
            packs = _packs_bought(main, needed)
            amount = sum(p.count for p in packs)
            buy_grams = sum(p.count * p.grams for p in packs)
            unit = packs[0].label if len(packs) == 1 else "packs" if packs else _pack_label(*main.packs[0])
            text = " + ".join(f"{p.count} × {p.label}" for p in packs) or f"0 × {unit}"
        elif mode == "bunch":
            bunch = float(info["bunch_grams"])
            amount = _ceil(needed / bunch)
            buy_grams = amount * bunch
            unit = _count(amount, info, "bunch", "bunches")
            text = f"{amount} {unit} (~{_grams_text(buy_grams)})"
        else:
            amount = round_loose(needed, rules.loose_steps)
            buy_grams = amount
            unit = "g"
            text = f"{_number(amount)} g" if amount < 1000 else f"{amount / 1000:g} kg"
    ids = tuple(f.id for f in [main, *[f for f in foods if f is not main]])
    return ShoppingItem(
        food_id=main.id, name=main.name, ndb=main.ndb, bought_ndb=main.bought_ndb,
        bought_name=main.bought_name or main.name, aisle=main.aisle, eaten_grams=sum(eaten[i] for i in ids),
        needed_grams=needed, buy_amount=amount, buy_unit=mode, buy_text=text, label=_label(main, info),
        food_ids=ids, eaten_by_food={i: eaten[i] for i in ids}, buy_grams=buy_grams, unit_text=unit,
        need_text=_need_text(foods, eaten, needed, info), keeps=rules.long_keeping(main), packs=packs)


def pack_counts(needed: float, sizes: tuple[float, ...]) -> tuple[int, ...]:
    """How many packs of each size to buy for `needed` grams: the combination that covers it with the fewest
    grams over, then the fewest packs, then the most of the earlier sizes (550 g from 418 g and 213 g cans:
    418 + 213, not 2 × 418). Nothing needed buys nothing.

    Every size but the smallest is tried from none up to what alone covers the need (one more would leave a
    whole pack over, never the least waste); the smallest then fills the rest."""
    if needed <= _EPS:
        return (0,) * len(sizes)
    if len(sizes) == 1:                      # most foods: whole packs, rounded up (the optimiser asks often)
        return (_ceil(needed / sizes[0]),)
    smallest = min(range(len(sizes)), key=lambda i: (sizes[i], i))
    others = [i for i in range(len(sizes)) if i != smallest]
    best_key, best = None, ()
    for combo in itertools.product(*(range(_ceil(needed / sizes[i]) + 1) for i in others)):
        counts = [0] * len(sizes)
        for i, c in zip(others, combo, strict=True):
            counts[i] = c
        rest = needed - sum(c * s for c, s in zip(counts, sizes, strict=True))
        counts[smallest] = _ceil(rest / sizes[smallest]) if rest > _EPS else 0
        over = sum(c * s for c, s in zip(counts, sizes, strict=True)) - needed
        key = (round(over, 6), sum(counts), [-c for c in counts])
        if best_key is None or key < best_key:
            best_key, best = key, tuple(counts)
    return best


def _packs_bought(food: Food, needed: float) -> tuple[PackCount, ...]:
    """The packs a line buys for `needed` grams, by size, largest first; () when nothing is needed."""
    counts = pack_counts(needed, tuple(g for g, _ in food.packs))
    bought = [PackCount(_pack_label(grams, label), grams, c)
              for (grams, label), c in zip(food.packs, counts, strict=True) if c]
    return tuple(sorted(bought, key=lambda p: -p.grams))


def _pack_label(grams: float, label: str) -> str:
    return label or f"{grams:g} g pack"


def _eaten_per_left_gram(food: Food, line: ShoppingItem, rules: BuyRules) -> float:
    """Grams of `food`, as eaten, that one gram left on its line (as bought) still gives."""
    if _buy_mode(food, rules) == "piece":   # what is left is whole pieces of the line's form (lemons for juice)
        whole = line.buy_grams / line.buy_amount
        return food.buy_piece_grams / food.yield_factor / whole
    return 1.0 / food.bought_grams(1.0)


def opened_left(eaten: dict[str, float], table: FoodTable, food_ids: Iterable[str]) -> dict[str, float]:
    """Per food of `food_ids`: grams, as that food is eaten, still in the packs, pieces and bunches that buying
    for `eaten` (food id -> grams eaten) opens, by the shopping list's own lines and roundings; only foods with
    something left, and no long-keeping ones (their rest is no waste). Baked potatoes can finish the raw
    potatoes boiled ones left; lemon juice the lemons bought for slices."""
    rules = buy_rules()
    lines, _ = _lines(eaten, table, rules)
    # a line's key starts with its bought form (_group_key): a long-keeping one is no waste (ShoppingItem.keeps),
    # and only foods of a form some line has left can share that line (a week's planning asks this every day)
    opened = {key: line for key, line in ((key, buy_item(foods, eaten, rules)) for key, foods in lines.items()
                                          if key[0] not in rules.keeps) if line.left_grams > _EPS}
    forms = {key[0] for key in opened}
    out: dict[str, float] = {}
    for fid in food_ids:
        food = table.get(fid)
        if fid in rules.not_bought or rules.line_ndb(food.bought_ndb) not in forms:
            continue
        line = opened.get(_group_key(food, rules))
        if line is not None:
            out[fid] = line.left_grams * _eaten_per_left_gram(food, line, rules)
    return out


def _lines(eaten: dict[str, float], table: FoodTable, rules: BuyRules, prefix=lambda food: ()
           ) -> tuple[dict[tuple, list[Food]], list[str]]:
    """The eaten foods grouped into shopping-list lines (foods bought in the same form share one; `prefix` adds
    to a line's key, e.g. whether it is at home), and the foods never bought (tap water)."""
    lines: dict[tuple, list[Food]] = {}
    skipped: list[str] = []
    for fid in eaten:
        if fid in rules.not_bought:
            skipped.append(fid)
            continue
        food = table.get(fid)
        lines.setdefault((*prefix(food), *_group_key(food, rules)), []).append(food)
    return lines, skipped


def eaten_by_food(plan: Plan, days: Iterable[int] | None = None) -> dict[str, float]:
    """Grams eaten per food id over the chosen days (0-based), in order of first appearance."""
    wanted = None if days is None else set(days)
    out: dict[str, float] = {}
    for d in plan.days:
        if wanted is not None and d.index not in wanted:
            continue
        for meal in d.meals:
            for it in meal.items:
                grams = float(it.grams)
                if not math.isfinite(grams) or grams <= 0:
                    raise PlannerError(f"{d.label}, {meal.label}: {it.food_id} has {it.grams} g; an amount "
                                       "eaten is a positive number of grams")
                out[it.food_id] = out.get(it.food_id, 0.0) + grams
    return out


def check_days(plan: Plan, days: Iterable[int] | None) -> list[int]:
    """The chosen 0-based days, sorted and checked against the plan; None means every day."""
    present = [d.index for d in plan.days]
    if days is None:
        return sorted(set(present))
    chosen = sorted({int(d) for d in days})
    missing = [d for d in chosen if d not in present]
    if missing:
        have = days_text(present) if present else "no days"
        verb = "is" if len(missing) == 1 else "are"
        raise PlannerError(f"{days_text(missing)} {verb} not in the plan, which has {have}")
    return chosen


def at_home(food: Food, pantry: Iterable[Food], rules: BuyRules | None = None) -> bool:
    """Whether pantry foods cover a planned food: the same food, or the form it is bought in.

    Potatoes at home cover baked and boiled ones, eggs cover fried eggs, lemons cover lemon juice
    (it is squeezed from them); a bottle of lemon juice does not cover fresh lemons.
    """
    rules = rules or buy_rules()
    line = rules.line_ndb(food.bought_ndb)
    return any(p.id == food.id or p.bought_ndb == line for p in pantry)


def shopping_list(plan: Plan | str | Path, table: FoodTable, days: list[int] | None = None,
                  pantry: Iterable[str] = frozenset(), prices: dict[str, float] | None = None) -> ShoppingList:
    """The list for `days` (0-based; None = all) of a plan, less pantry food ids, priced where prices are known.

    `plan` is a Plan or the path of a plan JSON file (`mineral-planner plan --out`).
    `prices` maps food id -> price per kg of the bought form (as bought, with peel or bone).
    A pantry food leaves out the foods it covers (`at_home`); they are listed apart as at home.
    """
    if isinstance(plan, str | Path):
        plan = read_plan_file(plan, table)
    rules = buy_rules()
    chosen = check_days(plan, days)
    eaten = eaten_by_food(plan, chosen)
    home = [table.get(fid) for fid in pantry]
    groups, skipped = _lines(eaten, table, rules, lambda food: (at_home(food, home, rules),))
    items, kept = [], []
    for key, foods in groups.items():
        item = buy_item(foods, eaten, rules)
        if prices:
            per_kg = next((prices[i] for i in item.food_ids if i in prices), None)
            item.price = None if per_kg is None else item.buy_grams / 1000.0 * float(per_kg)
        (kept if key[0] else items).append(item)

    def order(i: ShoppingItem):
        return rules.aisle_rank(i.aisle), i.aisle, i.label.casefold(), i.food_id

    items.sort(key=order)
    kept.sort(key=order)
    priced = [i.price for i in items if i.price is not None]
    total = sum(priced) if priced else None
    return ShoppingList(items, chosen, kept, skipped, total)


# --- input parsing ---------------------------------------------------------------------------------------

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def read_plan_file(path: str | Path, table: FoodTable) -> Plan:
    """A plan file written by `mineral-planner plan --out`, or one PlanFileError saying what is wrong with it:
    not UTF-8, too big, not JSON, nested too deep, another version, not a plan, an item of no or absurd weight,
    a day twice."""
    path = Path(path)
    where = f"plan file {shortened(path)}"
    if path.is_dir():
        raise PlanFileError(f"{where} is a folder; give the JSON file written by `mineral-planner plan --out`")
    text = read_user_text(path, "plan file", allow_empty=False)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(f"{where} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise PlanFileError(f"{where} is nested too deeply to be a plan") from None
    if not isinstance(data, dict):
        raise PlanFileError(f"{where} holds a JSON {type(data).__name__}, not a plan (an object with 'days')")
    version = data.get("version", PLAN_VERSION)
    if version != PLAN_VERSION:
        raise PlanFileError(f"{where} is plan version {quoted(version)}; this mineral-planner reads version "
                            f"{PLAN_VERSION} (make the plan again with `mineral-planner plan --out FILE`)",
                            field="version")
    try:
        plan = plan_from_dict(data, table)
        eaten_by_food(plan)                       # every amount a finite, positive number of grams
    except (PlannerError, FoodError) as exc:
        message = str(exc)
        raise PlanFileError(message if str(path) in message else f"{where}: {message}") from None
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError) as exc:
        what = f"field {exc}" if isinstance(exc, KeyError) else type(exc).__name__
        raise PlanFileError(f"{where} is not a plan written by `mineral-planner plan --out` ({what})") from None
    numbers = [d.index + 1 for d in plan.days]
    if len(set(numbers)) != len(numbers) or any(n < 1 for n in numbers):
        raise PlanFileError(f"{where}: its day numbers {shortened(numbers, 40)} must be 1 or more, each once")
    return plan


def chosen_days(plan: Plan, text: str | None) -> list[int] | None:
    """The days `--days TEXT` picks from a plan (0-based), or None for every day (no TEXT, or 'all')."""
    if text is None or text.strip().lower() == "all":
        return None
    return parse_days(text, n_days=max((d.index + 1 for d in plan.days), default=0))


def parse_days(text: str, n_days: int | None = None) -> list[int]:
    """'1-3,5' -> 0-based [0, 1, 2, 4]; 'all' -> every day (needs n_days). Errors say what is wrong."""
    raw = (text or "").strip().replace("–", "-").replace("—", "-")
    if raw.lower() == "all":
        if n_days is None:
            raise PlannerError("'all' days needs the number of days in the plan")
        return list(range(n_days))
    if not raw:
        raise PlannerError("no days given: use day numbers and ranges such as 1-3,5")
    out: set[int] = set()
    for part in raw.split(","):
        m = _RANGE.match(part)
        if not m:
            what = "days count from 1" if part.strip().startswith("-") else "it is not a day or a range"
            raise PlannerError(f"{quoted(part.strip())} in --days: {what}; use e.g. 1-3,5", field="days")
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if lo < 1:
            raise PlannerError(f"days count from 1, not {lo} (in '{raw}')")
        if hi < lo:
            raise PlannerError(f"range {lo}-{hi} runs backwards: write {hi}-{lo}")
        if n_days is not None and hi > n_days:
            raise PlannerError(f"day {hi} is past the plan's end: it has days 1-{n_days}")
        if hi > _LAST_DAY:
            raise PlannerError(f"day {hi} is past the end of any plan (in {quoted(raw)})")
        if out & set(range(lo - 1, hi)):
            raise PlannerError(f"{quoted(part.strip())} in --days names a day twice; give each day once, e.g. 1-3,5",
                               field="days")
        out.update(range(lo - 1, hi))
    return sorted(out)


def _resolve_food(table: FoodTable, text: str) -> Food:
    return table.foods[text] if text in table.foods else table.find(text)


@dataclass(frozen=True)
class PantryEntry:
    """One line of a pantry file and the food it was read as."""

    line: int
    text: str
    food_id: str
    exact: bool          # the id, name or alias as written; False when read through a typo or a near name

    def note(self, table: FoodTable) -> str:
        return f"pantry line {self.line}: '{self.text}' read as {table.get(self.food_id).name}"


def pantry_entries(text: str, table: FoodTable, source: str = "pantry") -> list[PantryEntry]:
    """One food id or name per line ('#' starts a comment); typos are read through the food search.

    Every line that matches no food is named in one error, with the closest foods for each.
    """
    entries: list[PantryEntry] = []
    unknown: list[str] = []
    for n, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            food = _resolve_food(table, entry)
        except FoodError as exc:
            hint = getattr(exc, "suggestions", [])
            unknown.append(f"line {n} '{entry}'" + (f" (did you mean {', '.join(hint)}?)" if hint else ""))
            continue
        ranked = scored(table, entry, limit=1)
        exact = entry == food.id or bool(ranked and ranked[0][1] >= _EXACT_SCORE)
        entries.append(PantryEntry(n, entry, food.id, exact))
    if unknown:
        noun = "food" if len(unknown) == 1 else "foods"
        raise PlannerError(f"{source}: unknown {noun} on {'; '.join(unknown)}; write one food name or id a line "
                           "(`mineral-planner foods search TEXT` finds the name)")
    return entries


def parse_pantry(text: str, table: FoodTable, source: str = "pantry") -> set[str]:
    """Food ids from one food id or name per line; blank lines and '#' comments are skipped."""
    return {e.food_id for e in pantry_entries(text, table, source)}


def load_pantry_entries(path: str | Path, table: FoodTable) -> list[PantryEntry]:
    return pantry_entries(read_user_text(path, "pantry file"), table, source=f"pantry file {path}")


def load_pantry(path: str | Path, table: FoodTable) -> set[str]:
    return {e.food_id for e in load_pantry_entries(path, table)}


PRICE_UNITS = ("kg", "100g", "piece", "bunch", "pack")


def _per_kg(food: Food, price: float, per: str, rules: BuyRules) -> float:
    """A price per kg, per 100 g, per piece, bunch or pack of the bought form -> per kg as bought."""
    if per == "kg":
        return price
    if per == "100g":
        return price * 10.0
    mode = _buy_mode(food, rules)
    if per != mode:
        sold = {"g": "by weight (price it per kg or 100g)", "piece": "by the piece", "bunch": "by the bunch",
                "pack": f"in packs of {' or '.join(_pack_label(*pack) for pack in food.packs)}"}[mode]
        raise PlannerError(f"{food.id} is sold {sold}, so a price per {per} does not fit it")
    if per == "piece":
        grams = food.buy_piece_grams / (1.0 - food.refuse_pct / 100.0)
    elif per == "bunch":
        grams = float(rules.info(food.bought_ndb)["bunch_grams"])
    else:
        grams = food.pack_grams
    return price / grams * 1000.0


def parse_prices(text: str, table: FoodTable, source: str = "prices") -> dict[str, float]:
    """Prices as bought -> {food id: price per kg of the bought form}; foods by id or name.

    Either `food_id,price_per_kg`, or `food_id,price,per` where per is kg, 100g, piece, bunch or pack
    (milk,1.10,pack prices the 1 l carton; a food sold in several sizes is priced per pack of its usual, first
    size, and every size it buys at that price per kg).
    """
    usage = "'food_id,price_per_kg' or 'food_id,price,per' (per: kg, 100g, piece, bunch, pack)"
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:      # an unclosed quote: the rest of the file would be one cell
        raise PlannerError(f"{source} is not valid CSV ({exc}); expected {usage}") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise PlannerError(f"{source} is empty: expected a header {usage} and one row per food")
    header = [c.strip().lower() for c in rows[0]]
    if header[:2] == ["food_id", "price_per_kg"]:
        with_unit = False
    elif header[:3] == ["food_id", "price", "per"]:
        with_unit = True
    else:
        raise PlannerError(f"{source}: the first line must be {usage}, not {quoted(','.join(rows[0]))}")
    if len(rows) == 1:
        raise PlannerError(f"{source} has its header but no prices: add one line per food, e.g. banana,1.80")
    rules = buy_rules()
    prices: dict[str, float] = {}
    for n, row in enumerate(rows[1:], start=2):
        if len(row) < (3 if with_unit else 2):
            raise PlannerError(f"{source}, line {n}: expected {','.join(header[:3 if with_unit else 2])}")
        try:
            food = _resolve_food(table, row[0].strip())
        except FoodError as exc:
            raise PlannerError(f"{source}, line {n}: {exc}") from None
        try:
            price = float(row[1])
        except ValueError:
            raise PlannerError(f"{source}, line {n}: price {quoted(row[1].strip())} is not a number") from None
        if not math.isfinite(price) or price < 0:
            raise PlannerError(f"{source}, line {n}: price {quoted(row[1].strip())} must be zero or more")
        per = row[2].strip().lower().replace(" ", "") if with_unit else "kg"
        if per not in PRICE_UNITS:
            raise PlannerError(f"{source}, line {n}: per {quoted(row[2].strip())} is not one of {', '.join(PRICE_UNITS)}")
        try:
            prices[food.id] = _per_kg(food, price, per, rules)
        except PlannerError as exc:
            raise PlannerError(f"{source}, line {n}: {exc}") from None
    return prices


def load_prices(path: str | Path, table: FoodTable) -> dict[str, float]:
    return parse_prices(read_user_text(path, "prices file"), table, source=f"prices file {path}")
