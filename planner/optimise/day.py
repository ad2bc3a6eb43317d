"""One day of meals as a mixed-integer program, built as numpy arrays and solved by HiGHS directly.

Formulation (each constraint's name is the row name handed to HiGHS; `DayModel.write_lp` shows it):

Sets: F foods the profile may eat; S meal slots; P = {(f, s): f fits s}; K(p) = {min..max} whole steps of
pair p's household portion; D(s) dish servings offered in slot s (dish_options: a named dish's
ingredients at fixed steps); Pat(s) meal patterns of slot s (role -> [min, max] foods); G goals (Mg/K/Ca
minimums); C maximums; R roles (starch, milk, legume, protein, vegetable, ...).

Variables (named column blocks, see column_blocks): option x[p,k] in {0,1} (pair p takes k steps);
dish y[d] in {0,1}; no_dish n[s] in {0,1} (slot s is built food by food); pattern w[s,q] in {0,1};
goal_slack g[i] >= 0; soft_excess e[c] >= 0; energy_under u, energy_over o >= 0; protein_slack v >= 0;
seafood_slack a >= 0; week_rows_over m >= 0; budget b >= 0. "Items" are options and dish servings: a[j, nutrient]
is what item j brings.

Objective (minimise, assembled in build_day): sum of step costs of items (preference per kcal, prices,
new-food costs) + GOAL_WEIGHT * g[i] / goal[i] + SOFT_CAP_WEIGHT * e[c] / level[c]
+ ENERGY_WEIGHT * (u + o) / target + PROTEIN_WEIGHT * v / floor + DISH_BONUS * n[s] + BUDGET_WEIGHT * b / budget
+ SEAFOOD_WEIGHT * a / aim + WEEK_ROWS_WEIGHT * m.

Constraints:
- one_portion:     sum_k x[p,k] <= 1 (= 1 for a locked pair that no dish of its meal serves)
- locked:s         a locked pair p that dishes of its meal serve: sum_k x[p,k] + those dishes' y = 1; in a meal with
                   locked foods only the dishes that serve every one of them (at the locked steps, where set) stay open
- one_dish:s       sum_{d in D(s)} y[d] + n[s] = 1
- foods_per_meal:s lo[s] * n[s] <= sum of counted options in s <= hi[s] * n[s] (garnishes ride along)
- once_a_day       each food in at most one meal a day, as itself, in another form or in a dish
- energy           the day's energy within the band (target ± 5 %)
- energy_target    energy + u - o = target
- share:s          each meal's energy within its share of the target
- amdr_min/max     each macronutrient's share of the day's actual energy within the AMDR
- cap:n            maximums (calcium UL, sodium CDRR, retinol, a clinician's limit)
- goal:n           goal nutrient + g >= minimum
- soft_cap:n       nutrient - e <= soft ceiling (potassium where it is not pushed)
- protein_floor, meal_protein:s   protein + v >= the day's floor, each main meal's floor
- pattern:s        sum_q w[s,q] = n[s]; role_min/role_max:s:role  count of role foods within the chosen
                   pattern's range; role_allowed:s:role  a role no chosen pattern names is absent
- day_amount:name, meal_amount:s:name   grams / portions / foods of roles (vegetables 250-600 g, ...)
- avoid_repeat     not all of an earlier day's (or yesterday's meal's) foods again (a food counted in one meal,
                   or in any: once_a_day keeps it to one)
- budget           money - b <= the day's budget
- seafood_week, seafood_aim   grams of seafood within what the week has left (pregnancy: 340 g a week), and
                   + a >= the day's share of the week's aim (227 g) where the profile eats fish
- week_rows        foods on shopping rows new to the week that the day's items bring in - m <= what the week's
                   most rows leave
Every hard row is tightened by what rounding grams to 0.1 g can move it. Goals and protein floors carry
heavily penalised slack, so a day always comes back with how far short it is, never a bare "infeasible".

Solving: the LP relaxation first, then the MIP over a core of promising pairs and dish servings, each run
stopped by a deterministic node limit (wall-clock only as a safety cap). The model is pure data; highspy
receives it in one call; CBC, through PuLP and planner.solver, only when HiGHS is missing or fails.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from planner.plan import SolveStatus
from planner.quiet import new_highs

GOAL_WEIGHT = 1000.0        # objective units for missing 100 % of one goal (a day's food costs about 10)
SOFT_CAP_WEIGHT = 15.0      # objective units for going 100 % over a soft ceiling (potassium not pushed)
BUDGET_WEIGHT = 20000.0     # objective units for going 100 % over the day's budget: the budget comes first
ENERGY_WEIGHT = 300.0       # objective units for a day 100 % away from its energy target (1 % costs 3)
PROTEIN_WEIGHT = 3000.0     # objective units for missing 100 % of a protein floor: kept unless impossible
SEAFOOD_WEIGHT = 2.0       # objective units for a day with none of its share of the week's seafood aim
WEEK_ROWS_WEIGHT = 5.0     # objective units for each shopping row beyond the week's most (10x a new food's usual
                           # cost): a week keeps to its 30-45 foods and 45 rows unless a goal needs more
DISH_BONUS = 2.5            # objective units a meal that is not a named dish costs (a day's food costs about 10).
                            # Measured on benchmarks/realism.py's five weeks: at 1.5 the meals built food by food
                            # pulled in odd foods (46-48 a week, half-used packs); at 2.5 weeks keep to 33-44 foods
                            # with the days' energy as close to target (vegan athlete: mean 1.0 % off, 1.1 % at 1.5)
GOAL_COUNTED = {"calcium_mg": "calcium_counted_mg"}   # a goal measured on what counts toward it (oxalate greens'
                                                      # calcium is shown, not counted), when the table has it
ANY_SLOT = -1               # DayRequest.avoid: a food in whichever meal it is
GRAMS_ROUNDING = 0.05       # grams in a plan are rounded to 0.1 g: each item may move by this much
_INF = float("inf")


@dataclass(frozen=True)
class FoodArrays:
    """The foods a plan may use, as arrays indexed like `ids`; nutrients per planning step (NaN kept)."""

    ids: tuple[str, ...]
    step_grams: np.ndarray          # grams in one step
    min_steps: np.ndarray           # int, at least 1
    max_steps: np.ndarray           # int, >= min_steps
    per_step: dict[str, np.ndarray]  # nutrient field -> amount per step (NaN = SR28 has no value)
    fits: np.ndarray                # bool (foods, slots): the food fits that meal slot
    roles: np.ndarray | None = None          # str per food: its role in a meal (starch, milk, protein, ...)
    portion_grams: np.ndarray | None = None  # grams of one household portion (a cup of lentils)
    same_food: np.ndarray | None = None      # str per food: the food it is a form of (raw and cooked are one)

    @property
    def index(self) -> dict[str, int]:
        return {fid: i for i, fid in enumerate(self.ids)}

    @cached_property
    def known(self) -> dict[str, np.ndarray]:
        """Nutrient field -> per-step amounts with SR28's missing values as 0 (_value), filled in as asked."""
        return {}

    @cached_property
    def role_codes(self) -> tuple[tuple[str, ...], np.ndarray]:
        """The roles these foods have, sorted, and each food's as an index into them: fixed with the foods,
        so a day's meal rows compare small integers, not strings."""
        roles = self.roles if self.roles is not None else np.full(len(self), "", dtype=str)
        names, codes = np.unique(roles, return_inverse=True)
        return tuple(str(n) for n in names), codes.reshape(-1)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class DayRules:
    """The hard rules and goals every day of one plan shares."""

    slots: tuple[str, ...]
    foods_per_meal: tuple[tuple[int, int], ...]
    shares: tuple[tuple[float, float], ...]
    energy_range: tuple[float, float]
    macros: dict[str, tuple[float, float]]   # grams per day
    caps: dict[str, float]                   # nutrient -> daily maximum
    goals: dict[str, float]                  # nutrient -> daily minimum (pursued with slack)
    soft_caps: dict[str, float] = field(default_factory=dict)  # nutrient -> level above which it costs
    energy_target: float = 0.0               # kcal the day aims at: distance from it costs both ways
    amdr: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # macro -> (min, max share, kcal/g)
    protein_floor: float = 0.0               # g/day, the baseline floor (a condition's ceiling wins)
    meal_protein: tuple[float, ...] = ()     # per slot: g of protein the meal holds at least (0: none)
    patterns: tuple[tuple[tuple[str, dict[str, tuple[int, int]]], ...], ...] = ()   # per slot: (name, counts)
    free_roles: tuple[str, ...] = ()         # roles no pattern counts (drinks, sweets a person locked)
    uncounted_roles: tuple[str, ...] = ()    # roles that ride along: not counted in foods per meal
    day_amounts: tuple[Amount, ...] = ()     # per day: grams, portions or items of roles
    meal_amounts: tuple[Amount, ...] = ()    # per meal: the same, in every meal
    dishes: tuple[Dish, ...] = ()

    @cached_property
    def pattern_tables(self) -> tuple[PatternTable, ...]:
        """Per slot: its meal patterns as arrays (PatternTable), fixed with the rules."""
        return tuple(PatternTable.of(patterns) for patterns in self.patterns)


@dataclass(frozen=True)
class PatternTable:
    """One slot's meal patterns as arrays: the keys they count (a role, or roles joined by "+"), each key's
    [min, max] foods per pattern, the roles each key counts and the roles each pattern names."""

    keys: tuple[str, ...]
    low: np.ndarray                         # (keys, patterns): 0 where the pattern does not name the key
    high: np.ndarray                        # (keys, patterns): NaN where it does not (any number: the meal's size)
    key_roles: tuple[frozenset[str], ...]   # per key
    named: tuple[frozenset[str], ...]       # per pattern

    @classmethod
    def of(cls, patterns: tuple[tuple[str, dict[str, tuple[int, int]]], ...]) -> PatternTable:
        keys = tuple(dict.fromkeys(k for _, counts in patterns for k in counts))
        low, high = (np.array([[counts[k][i] if k in counts else default for _, counts in patterns] for k in keys],
                              dtype=float).reshape(len(keys), len(patterns)) for i, default in ((0, 0), (1, np.nan)))
        return cls(keys, low, high, tuple(frozenset(k.split("+")) for k in keys),
                   tuple(frozenset(r for k in counts for r in k.split("+")) for _, counts in patterns))


@dataclass(frozen=True)
class Amount:
    """How much of some roles a day (or a meal) holds: grams eaten, household portions, or foods (items)."""

    name: str
    roles: tuple[str, ...]
    measure: str          # grams | portions | items
    low: float
    high: float


@dataclass(frozen=True)
class Dish:
    """A named dish: its ingredients (food id -> grams low, high; `required` ones must all be there),
    and the slots it fits. A meal is the dish when it holds all required ingredients and nothing else
    (besides garnishes and optional ingredients)."""

    name: str
    ingredients: dict[str, tuple[float, float]]
    optional: frozenset[str]
    slots: frozenset[str]
    written_for_kcal: float = 2000.0   # the day's energy target the amounts are written for (dishes.toml)
    words: dict[str, str] = field(default_factory=dict)   # stand-in food id -> what the name calls it

    def served_name(self, served: dict[str, str | None]) -> str:
        """The name as served: an ingredient a food of its kind stands in for (the week's almond milk for
        "milk") is called by that food's words, "Warm milk with honey" served as "Warm almond milk with honey"."""
        name = self.name
        for fid, food in served.items():
            word = self.words.get(food or "") if food != fid else None
            if word:
                name = re.sub(rf"\b{re.escape(fid.replace('_', ' '))}\b",
                              lambda m, w=word: w[:1].upper() + w[1:] if m.group(0)[:1].isupper() else w,
                              name, flags=re.IGNORECASE)
        return name


@dataclass
class DayRequest:
    """What varies from day to day: costs, foods used up, forced items, combinations not to repeat."""

    step_cost: np.ndarray                         # (pairs,) objective cost per step (preferences, prices)
    banned_foods: np.ndarray | None = None        # bool (foods,): may not be used this day
    banned_pairs: np.ndarray | None = None        # bool (pairs,): may not be used this day
    forced: dict[tuple[int, int], int | None] = field(default_factory=dict)  # (food, slot) -> steps or any
    avoid: list[list[tuple[int, int]]] = field(default_factory=list)  # sets of (food, slot) not all together; slot
                                                  # ANY_SLOT: the food in whichever meal (a day's foods reshuffled)
    budget: float | None = None                   # the day's share of the weekly budget
    energy_shift: float = 0.0                     # what-if: move the energy band by this many kcal
    relax: frozenset[str] = frozenset()           # what-if: rule groups left out
    step_price: np.ndarray | None = None          # (pairs,) money per step, for the budget row
    unit: float = 1.0                             # money per objective unit (1 without prices)
    fixed_slots: frozenset[int] = frozenset()     # meals kept as they are: their meal rules are not rechecked
    pair_cost: np.ndarray | None = None           # (pairs,) objective cost of using the pair at all (new foods)
    seafood: np.ndarray | None = None             # bool (foods,): seafood, held to a week's amount (pregnancy)
    seafood_max: float = float("inf")             # grams of seafood the week has left for this day
    seafood_aim: float = 0.0                      # grams of seafood this day aims at (its share of the week's)
    on_new_row: np.ndarray | None = None          # bool (pairs,): a food bought on a shopping row the week has not
    new_rows_most: float = float("inf")           # such foods this day brings in before each costs more


@dataclass
class DaySolution:
    """The steps chosen per (food, slot), the goals' slack, and what the solver said."""

    steps: dict[tuple[int, int], int]
    slack: dict[str, float]
    objective: float | None
    status: SolveStatus
    over_budget: float = 0.0
    dishes: dict[int, str] = field(default_factory=dict)   # slot -> the named dish that meal is


def pairs_of(foods: FoodArrays) -> tuple[np.ndarray, np.ndarray]:
    """Every (food, slot) the food fits, as two index arrays ordered by slot then food."""
    slot_idx, food_idx = np.nonzero(foods.fits.T)
    return food_idx, slot_idx


class Rows:
    """Sparse rows gathered in chunks (one row, or a block of equal-length rows), stacked into one CSR.

    A day adds about 200 rows one by one: each `add` appends small arrays and nothing else (no np.r_ or
    broadcast_to, ~4x their cost), and the stacked CSR and bounds are kept until a row is added (the
    solver asks for them several times a day)."""

    def __init__(self) -> None:
        self.counts: list[np.ndarray] = []   # terms per row, per chunk
        self.index: list[np.ndarray] = []
        self.value: list[np.ndarray] = []
        self.lows: list[np.ndarray] = []
        self.highs: list[np.ndarray] = []
        self.names: list[str] = []           # one name per row
        self._stacked: tuple | None = None   # (chunks, rows) it was stacked at, csr, lower, upper

    def __len__(self) -> int:
        return len(self.names)

    def add(self, name: str, index, value, lower: float = -_INF, upper: float = _INF) -> None:
        """One row: the terms `value` (one per index, or one for all) on the columns `index`; zero terms are dropped."""
        index = np.asarray(index, dtype=np.int32)
        value = np.asarray(value, dtype=float)
        if value.ndim == 0:
            value = np.full(index.shape, value)
        keep = value != 0
        self.add_rows([name], np.array([np.count_nonzero(keep)]), index[keep], value[keep], np.array([float(lower)]),
                    np.array([float(upper)]))

    def add_block(self, name: str | list[str], index: np.ndarray, value: np.ndarray, lower=-_INF, upper=_INF
                  ) -> None:
        """Rows of equal length at once: `index` and `value` are (rows, terms); zero terms are dropped. `name`
        is every row's, or one per row."""
        index = np.asarray(index, dtype=np.int32)
        value = np.asarray(value, dtype=float)
        keep = value != 0
        names = [name] * index.shape[0] if isinstance(name, str) else list(name)
        self.add_rows(names, keep.sum(axis=1), index[keep], value[keep], lower, upper)

    def add_groups(self, name: str, cols: np.ndarray, keys: np.ndarray, upper: np.ndarray,
                   lower: np.ndarray | float = -_INF) -> None:
        """One row per distinct key: the sum of the columns sharing it (coefficient 1), vectorised."""
        order = np.argsort(keys, kind="stable")
        uniq, counts = np.unique(keys[order], return_counts=True)
        self.add_rows([name] * len(uniq), counts, np.asarray(cols, dtype=np.int32)[order], np.ones(len(order)),
                    lower, upper)

    def add_rows(self, names: list[str], counts: np.ndarray, index: np.ndarray, value: np.ndarray, lower, upper
                 ) -> None:
        """Rows already in CSR pieces: row i has counts[i] terms, in order in `index`/`value`; `lower` and `upper`
        one per row or one for all."""
        n = len(names)
        self.counts.append(counts)
        self.index.append(index)
        self.value.append(value)
        self.lows.append(np.asarray(lower, dtype=float) if np.shape(lower) == (n,) else np.full(n, lower, dtype=float))
        self.highs.append(np.asarray(upper, dtype=float) if np.shape(upper) == (n,) else np.full(n, upper, dtype=float))
        self.names.extend(names)

    def copy(self) -> Rows:
        """The same rows, to add more to without changing these (the arrays are shared, never written)."""
        out = Rows()
        for block in ("counts", "index", "value", "lows", "highs", "names"):
            setattr(out, block, list(getattr(self, block)))
        return out

    def _stack(self) -> tuple:
        at = (len(self.counts), len(self.names))
        if self._stacked is None or self._stacked[0] != at:
            counts = np.concatenate(self.counts) if self.counts else np.zeros(0, np.int64)
            starts = np.zeros(len(counts) + 1, dtype=np.int32)
            starts[1:] = np.cumsum(counts)
            index = np.concatenate(self.index) if self.index else np.zeros(0, np.int32)
            value = np.concatenate(self.value) if self.value else np.zeros(0)
            lower = np.concatenate(self.lows) if self.lows else np.zeros(0)
            upper = np.concatenate(self.highs) if self.highs else np.zeros(0)
            self._stacked = (at, (starts, index, value), lower, upper)
        return self._stacked

    @property
    def lower(self) -> np.ndarray:
        return self._stack()[2]

    @property
    def upper(self) -> np.ndarray:
        return self._stack()[3]

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._stack()[1]


@dataclass
class DayModel:
    """A built day. Columns: one binary per (pair, portion) option, one slack per goal, one excess per soft
    ceiling, the budget slack.

    Each (food, meal) pair has one binary per whole number of steps it may take (min..max): at most one
    is chosen. This multiple-choice form has a much tighter LP relaxation than an integer count with a
    binary "used" (measured: the MIP closes in a fraction of the time).
    """

    food_idx: np.ndarray     # per pair
    slot_idx: np.ndarray     # per pair
    opt_pair: np.ndarray     # per option: its pair
    opt_steps: np.ndarray    # per option: how many steps
    goal_names: tuple[str, ...]
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    rows: Rows
    has_budget: bool
    unit: float = 1.0        # money per objective unit
    pair_energy: np.ndarray | None = None   # per pair: kcal in one step
    goal_rows: tuple[int, ...] = ()   # the row of each goal, in goal_names order (its slack column follows)
    soft_rows: tuple[int, ...] = ()   # the row of each soft ceiling (its excess column follows the slacks)
    blocks: dict[str, slice] = field(default_factory=dict)   # named column blocks (column_blocks)
    dishes: DishOptions | None = None   # the dish columns' ingredients
    base_cost: np.ndarray | None = None    # the objective without the per-pair fixed costs (`priced` adds them)
    dish_pairs: np.ndarray | None = None   # per dish ingredient entry: its (food, slot) pair

    @property
    def n_pairs(self) -> int:
        return len(self.food_idx)

    def priced(self, pair_cost: np.ndarray | None) -> DayModel:
        """The same day with `pair_cost` (per pair: the cost of using it at all, DayRequest.pair_cost) as its
        fixed costs: only the objective differs, so the rows and bounds are shared, not built again (the
        week prices scarce foods on the built day, then solves it with the prices)."""
        cost = self.base_cost.copy()
        if pair_cost is not None:   # a fixed cost for using a pair at all (a food new to the week, a scarce one)
            n_opt = self.n_options
            cost[:n_opt] += pair_cost[self.opt_pair]
            if self.dishes is not None and len(self.dishes):
                dish = self.blocks["dish"]
                cost[dish.start:dish.stop] += np.bincount(self.dishes.entry_col, weights=pair_cost[self.dish_pairs],
                                                          minlength=len(self.dishes))
        return replace(self, cost=cost)

    def column_names(self, food_ids: tuple[str, ...] | None = None, slots: tuple[str, ...] | None = None
                     ) -> list[str]:
        """One name per column: its block, and for a portion option the food, the meal and the steps."""
        names = []
        for block, where in self.blocks.items():
            for j in range(where.start, where.stop):
                if block == "option":
                    f, s = int(self.food_idx[self.opt_pair[j]]), int(self.slot_idx[self.opt_pair[j]])
                    food = food_ids[f] if food_ids else f"f{f}"
                    slot = slots[s] if slots else f"s{s}"
                    names.append(f"x_{food}_{slot}_{int(self.opt_steps[j])}")
                else:
                    names.append(f"{block}_{j - where.start}")
        return names

    def write_lp(self, path, food_ids: tuple[str, ...] | None = None, slots: tuple[str, ...] | None = None) -> None:
        """The model as an LP file (CPLEX format, written by HiGHS), rows named by their constraint."""
        h = new_highs()
        lp = highs_lp(self.cost, self.lower, self.upper, self.integer, self.rows.csr(), self.rows.lower,
                      self.rows.upper)
        counts: dict[str, int] = {}
        rows = []
        for name in self.rows.names:   # LP files need unique row names: a repeated one gets its number
            counts[name] = counts.get(name, 0) + 1
            rows.append(name if counts[name] == 1 else f"{name}#{counts[name]}")
        lp.row_names_ = [n.replace(":", ".").replace(" ", "_") for n in rows]
        lp.col_names_ = self.column_names(food_ids, slots)
        h.passModel(lp)
        h.writeModel(str(path))

    @property
    def n_options(self) -> int:
        return len(self.opt_pair)

    def item_entries(self) -> tuple[np.ndarray, np.ndarray]:
        """Per item entry (each portion option, then each dish serving's ingredients): its column and its food."""
        if self.dishes is None or not len(self.dishes):
            return np.arange(self.n_options), self.food_idx[self.opt_pair]
        return (np.r_[np.arange(self.n_options), self.blocks["dish"].start + self.dishes.entry_col],
                np.r_[self.food_idx[self.opt_pair], self.dishes.entry_food])


def food_groups(foods) -> np.ndarray:
    """Per food (FoodArrays or the table's arrays): the index of the food it is a form of (raw and cooked forms are
    one food for the days rule, the week's variety and once_a_day)."""
    group = foods.same_food if foods.same_food is not None else np.array(foods.ids)
    return np.unique(group, return_inverse=True)[1]


def once_a_day_keys(foods, uncounted_roles) -> np.ndarray:
    """Per food (FoodArrays or the table's arrays): the key it counts under for once_a_day, 0..2n-1: its food's (its
    first form's index: raw and cooked forms are one food), but a garnish counts as itself (n + its index: a lemon
    wedge rides along beside a dish's lemon juice)."""
    n = len(foods.ids)
    group = food_groups(foods)
    out = np.unique(group, return_index=True)[1][group]
    if foods.roles is not None:
        own = np.flatnonzero(np.isin(foods.roles, uncounted_roles))
        out[own] = n + own
    return out


def _join(*parts) -> np.ndarray:
    """np.r_ of 1-D arrays and numbers, without its indexing machinery (~200 rows a day are built with it)."""
    return np.concatenate([p if isinstance(p, np.ndarray) else np.array((p,)) for p in parts])


def _value(foods: FoodArrays, nutrient: str) -> np.ndarray:
    """Per-step amounts with SR28's missing values counted as nothing (minimums: a safe lower bound).

    Foods missing a value for a strict maximum are left out before the model is built (planner/optimise/candidates.py).
    """
    known = foods.known.get(nutrient)
    if known is None:   # the same few nutrients, every day of a plan
        known = foods.known[nutrient] = np.nan_to_num(foods.per_step[nutrient], nan=0.0)
        known.setflags(write=False)   # shared by every day model of the plan
    return known


def _value_or_high(foods: FoodArrays, nutrient: str) -> np.ndarray:
    """Per-step amounts for a soft ceiling: a value SR28 lacks counts as high (the 95th percentile per
    gram), so that "unknown" is never preferred to a known amount."""
    per_step = foods.per_step[nutrient]
    missing = np.isnan(per_step)
    if not missing.any():
        return per_step
    per_gram = per_step / foods.step_grams
    high = float(np.nanpercentile(per_gram, 95)) if (~missing).any() else 0.0
    return np.where(missing, high * foods.step_grams, per_step)


def _options(foods: FoodArrays, fi: np.ndarray, request: DayRequest, pair_of: dict, relax: frozenset
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pair, steps) of every option, and which options a forced item pins (lower bound 1 on the pair)."""
    lo = foods.min_steps[fi].astype(int)
    hi = foods.max_steps[fi].astype(int)
    if "portions" in relax:
        hi = hi + np.maximum(1, hi // 2)
    forced_steps = {pair_of[key]: steps for key, steps in request.forced.items() if steps is not None}
    for k, steps in forced_steps.items():
        lo[k] = hi[k] = steps
    counts = hi - lo + 1
    opt_pair = np.repeat(np.arange(len(fi)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    opt_steps = lo[opt_pair] + (np.arange(len(opt_pair)) - starts)
    return opt_pair, opt_steps, counts


@dataclass(frozen=True)
class DishOptions:
    """Every way a named dish can be served today: one binary column each, holding its ingredients at
    whole steps (a small, middle and large serving, and the middle one with its optional ingredients)."""

    dish: np.ndarray        # per column: index into rules.dishes
    slot: np.ndarray        # per column: slot index
    entry_col: np.ndarray   # per ingredient entry: its column (0-based within the block)
    entry_food: np.ndarray  # per ingredient entry: food index
    entry_steps: np.ndarray  # per ingredient entry: steps
    names: tuple[str, ...] = ()   # per column: the dish's name

    def __len__(self) -> int:
        return len(self.dish)

    def total(self, per_step: np.ndarray) -> np.ndarray:
        """Per column: the sum over its ingredients of `per_step` (per food) times steps."""
        return np.bincount(self.entry_col, weights=per_step[self.entry_food] * self.entry_steps,
                           minlength=len(self.dish))

    def items(self, j: int) -> dict[int, int]:
        on = self.entry_col == j
        return {int(f): int(n) for f, n in zip(self.entry_food[on], self.entry_steps[on], strict=True)}


DISH_SIZES = (0.0, 0.5, 1.0)   # where in each ingredient's amount range the served dish sits
SERVING_SCALE = (0.75, 2.0)    # a dish's serving grows or shrinks with the day's energy target, within these
ANY_OF_KIND = ("milk",)        # an ingredient named by its kind's base food stands for any food of that kind
                               # the person may have today: "milk" is the week's one milk (2 %, skim, soy, ...)


def serving_scale(rules: DayRules, dish: Dish) -> float:
    """How much bigger than written a dish is served: the day's energy target against the one its amounts
    were written for. An athlete's 3,600 kcal lunch is the same dish as a 2,000 kcal day's, in bigger
    portions, not a plate built food by food."""
    if not rules.energy_target or not dish.written_for_kcal:
        return 1.0
    low, high = SERVING_SCALE
    return float(min(max(rules.energy_target / dish.written_for_kcal, low), high))


@dataclass(frozen=True)
class StandIns:
    """Per (dish, slot it fits), the foods that may serve as each ingredient there, in order of preference:
    the ingredient itself, then for a kind's base food (ANY_OF_KIND) the foods of that kind; only foods that
    fit the slot. Fixed for a plan's foods and rules; a day serves each ingredient by the first candidate it
    has not used up (`served`)."""

    dish: np.ndarray        # per (dish, slot): index into rules.dishes
    slot: np.ndarray        # per (dish, slot): slot index
    candidates: np.ndarray  # (dish-slots, ingredients, candidates): food index, -1 where none
    required: np.ndarray    # (dish-slots, ingredients): a required ingredient (not optional, not padding)

    @classmethod
    def of(cls, foods: FoodArrays, rules: DayRules) -> StandIns:
        index = foods.index
        fits = foods.fits.tolist()
        dish_slots = [(d, s) for d, dish in enumerate(rules.dishes) for s, slot in enumerate(rules.slots)
                      if slot in dish.slots]
        anywhere = {fid: ([index[fid]] if fid in index else [])   # the ingredient's foods, in any slot
                       + (np.flatnonzero(foods.same_food == fid).tolist()
                          if fid in ANY_OF_KIND and foods.same_food is not None else [])
                    for dish in rules.dishes for fid in dish.ingredients}
        lists = [[[f for f in anywhere[fid] if fits[f][s]] for fid in rules.dishes[d].ingredients]
                 for d, s in dish_slots]
        width = max((len(dish.ingredients) for dish in rules.dishes), default=0)
        depth = max((len(c) for per in lists for c in per), default=0)
        candidates = np.full((len(lists), width, max(depth, 1)), -1)
        required = np.zeros((len(lists), width), dtype=bool)
        for i, ((d, _), per) in enumerate(zip(dish_slots, lists, strict=True)):
            dish = rules.dishes[d]
            for j, (fid, foods_) in enumerate(zip(dish.ingredients, per, strict=True)):
                candidates[i, j, :len(foods_)] = foods_
                required[i, j] = fid not in dish.optional
        return cls(np.array([d for d, _ in dish_slots], dtype=int), np.array([s for _, s in dish_slots], dtype=int),
                   candidates, required)

    def served(self, banned: np.ndarray | None) -> np.ndarray:
        """(dish-slots, ingredients): the food serving each ingredient today, -1 where none is left."""
        open_ = self.candidates >= 0
        if banned is not None:
            open_ &= ~np.asarray(banned, dtype=bool)[np.maximum(self.candidates, 0)]
        first = np.take_along_axis(self.candidates, open_.argmax(axis=2)[..., None], axis=2)[..., 0]
        return np.where(open_.any(axis=2), first, -1)


def _servings(foods: FoodArrays, rules: DayRules, dish: Dish, served_row: list[int]
              ) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """A dish's name as served and its distinct servings, given the food serving as each ingredient in the
    dish's order (StandIns.served: -1 where none does today): small, middle and large, and the middle one
    with its optional ingredients. Servings scale with the day's energy target (serving_scale); garnishes
    stay as written. The servings as ingredient entries: serving (0-based), food, steps."""
    served = {fid: None if f < 0 else f for fid, f in zip(dish.ingredients, served_row, strict=False)}  # padded
    scale = serving_scale(rules, dish)
    roles = foods.roles if foods.roles is not None else np.full(len(foods), "", dtype=str)
    required = [fid for fid in dish.ingredients if fid not in dish.optional]
    optional = [fid for fid in dish.ingredients   # in the file's order: a set's order changes per process
                if fid in dish.optional and served[fid] is not None]
    garnish = [fid for fid in optional if roles[served[fid]] in rules.uncounted_roles]
    extra = [fid for fid in optional if fid not in garnish]
    variants = [(t, required + garnish) for t in DISH_SIZES]
    if extra:
        variants.append((0.5, required + optional))
    # per served ingredient, as plain numbers: its food, step grams, fewest and most steps
    plain = {fid: (f, float(foods.step_grams[f]), int(foods.min_steps[f]), int(foods.max_steps[f]))
             for fid, f in served.items() if f is not None}
    servings: list[tuple[tuple[int, int], ...]] = []
    for t, ingredients in variants:
        amounts = []
        for fid in ingredients:
            f, step, fewest, top = plain[fid]
            low, high = dish.ingredients[fid]
            grams = low + t * (high - low) if fid in required else low
            if fid not in garnish:   # garnishes ride along at their own few grams
                grams *= scale
                top = max(top, math.ceil(top * scale))
            amounts.append((f, min(max(round(grams / step), fewest), top)))
        if tuple(amounts) not in servings:
            servings.append(tuple(amounts))
    name = dish.served_name({fid: None if f is None else foods.ids[f] for fid, f in served.items()})
    entries = [(j, f, n) for j, amounts in enumerate(servings) for f, n in amounts]
    col, food, steps = (np.array([e[i] for e in entries], dtype=int) for i in range(3))
    return name, col, food, steps


def dish_options(foods: FoodArrays, rules: DayRules, request: DayRequest, memo: DishMemo | None = None
                 ) -> DishOptions:
    """The dish columns of a day: dishes whose required ingredients this profile may eat in that slot, in
    slots not kept as they are (a meal with a locked food may be a dish that holds it: build_day closes the
    others). An ingredient is served by the first of its stand-ins not used up today (the week's milk for "milk").
    `memo` (a plan's) keeps the stand-ins and each dish's servings per foods served: a day works out only
    which foods serve."""
    memo = DishMemo() if memo is None else memo
    stand_ins = memo.remembered("stand_ins", foods, rules, (), lambda: StandIns.of(foods, rules))
    busy = list(request.fixed_slots)
    served = stand_ins.served(request.banned_foods)
    offered = ~np.isin(stand_ins.slot, busy) & ~(stand_ins.required & (served < 0)).any(axis=1)
    dish_idx, slot_idx, names, cols, entry_food, entry_steps = [], [], [], [], [], []
    for d, s, row in zip(stand_ins.dish[offered].tolist(), stand_ins.slot[offered].tolist(),
                         served[offered].tolist(), strict=True):
        dish = rules.dishes[d]
        name, col, food, steps = memo.remembered("servings", foods, rules, (d, *row),
                                                 lambda dish=dish, row=row: _servings(foods, rules, dish, row))
        cols.append(col + len(dish_idx))
        entry_food.append(food)
        entry_steps.append(steps)
        n = int(col.max(initial=-1)) + 1
        dish_idx += [d] * n
        slot_idx += [s] * n
        names += [name] * n
    return DishOptions(np.array(dish_idx, dtype=int), np.array(slot_idx, dtype=int),
                       np.concatenate(cols) if cols else np.zeros(0, dtype=int),
                       np.concatenate(entry_food) if cols else np.zeros(0, dtype=int),
                       np.concatenate(entry_steps).astype(float) if cols else np.zeros(0), tuple(names))


def dish_slots(foods: FoodArrays, rules: DayRules, memo: DishMemo | None = None) -> list[int]:
    """The slots some dish of this profile may fill (a meal there built food by food costs DISH_BONUS)."""
    return sorted(set(dish_options(foods, rules, DayRequest(np.zeros(0)), memo).slot.tolist()))


def _locked_meal_dishes(request: DayRequest, dishes: DishOptions) -> tuple[np.ndarray, dict[tuple[int, int], np.ndarray]]:
    """The dish columns (0-based) a lock closes: in a meal with locked foods, those that do not serve every one
    of them (at its locked steps, where set); and per locked (food, slot) the columns that serve it."""
    closed = np.zeros(len(dishes), dtype=bool)
    serving: dict[tuple[int, int], np.ndarray] = {}
    by_slot: dict[int, list[tuple[int, int | None]]] = {}
    for (f, s), n in sorted(request.forced.items(), key=lambda kv: kv[0]):
        if s not in request.fixed_slots:
            by_slot.setdefault(s, []).append((f, n))
    for s, locks in by_slot.items():
        here = np.flatnonzero(dishes.slot == s)
        ok = np.ones(len(here), dtype=bool)
        for f, n in locks:
            on = dishes.entry_food == f
            if n is not None:
                on &= dishes.entry_steps == n
            holds = np.zeros(len(dishes), dtype=bool)
            holds[dishes.entry_col[on]] = True
            ok &= holds[here]
        closed[here[~ok]] = True
        serving.update({(f, s): here[ok] for f, _ in locks})
    return closed, serving


def column_blocks(rules: DayRules, request: DayRequest, n_opt: int, n_dish: int, dish_slots: set[int],
                  has_budget: bool) -> dict[str, slice]:
    """The model's columns in named blocks, in this order (the budget slack is always the last column)."""
    sizes = {"option": n_opt, "goal_slack": len(rules.goals), "soft_excess": len(rules.soft_caps),
             "energy_under": 1 if rules.energy_target else 0, "energy_over": 1 if rules.energy_target else 0,
             "protein_slack": 1 + len(rules.slots) if rules.protein_floor or any(rules.meal_protein) else 0,
             "pattern": sum(len(p) for s, p in enumerate(rules.patterns) if s not in request.fixed_slots),
             "dish": n_dish, "no_dish": len(dish_slots), "seafood_slack": 1 if _seafood_aim(request) else 0,
             "week_rows_over": 1 if _caps_week_rows(request) else 0, "budget": 1 if has_budget else 0}
    out, start = {}, 0
    for name, size in sizes.items():
        out[name] = slice(start, start + size)
        start += size
    return out


def _seafood_aim(request: DayRequest) -> float:
    return request.seafood_aim if request.seafood is not None and request.seafood.any() else 0.0


def _caps_week_rows(request: DayRequest) -> bool:
    return request.on_new_row is not None and bool(request.on_new_row.any()) and math.isfinite(request.new_rows_most)


class DishMemo:
    """One plan's remembered dish work (Week.dish_memo), in stores named by what they hold: "days" a day's
    dish columns per (slots kept or locked, foods used up); "stand_ins" each dish's stand-ins per meal
    (StandIns); "servings" a dish's name and servings per foods served. Each entry is for one foods and rules,
    keyed by identity and holding them, so no id is reused while the memo lives."""

    def __init__(self) -> None:
        self.stores: dict[str, dict] = {"days": {}, "stand_ins": {}, "servings": {}}

    def remembered(self, store: str, foods: FoodArrays, rules: DayRules, key: tuple, make):
        """The value remembered in `store` for (foods, rules, *key), made by `make()` the first time."""
        entries = self.stores[store]
        full = (id(foods), id(rules), *key)
        hit = entries.get(full)
        if hit is not None and hit[0] is foods and hit[1] is rules:
            return hit[2]
        value = make()
        entries[full] = (foods, rules, value)
        return value


def _day_dishes(foods: FoodArrays, rules: DayRules, request: DayRequest, memo: DishMemo | None) -> DishOptions:
    """dish_options, remembered in `memo` (one plan's, held by its Week) per (foods, rules, slots a request
    keeps, foods it has used up): the columns depend on nothing else of the day, and a day's
    model is built more than once (priced, retried, what-ifs) with the same of these."""
    if memo is None:
        return dish_options(foods, rules, request)
    busy = frozenset(request.fixed_slots)
    banned = None if request.banned_foods is None else np.asarray(request.banned_foods, dtype=bool).tobytes()
    # foods used up change which food stands in for an ingredient
    return memo.remembered("days", foods, rules, (busy, banned), lambda: dish_options(foods, rules, request, memo))


def build_day(foods: FoodArrays, rules: DayRules, request: DayRequest, dish_memo: DishMemo | None = None
              ) -> DayModel:
    """The day's MILP as arrays: pure, no solver involved. The formulation is written at the top of
    this module; each row's name is its constraint's name. `dish_memo` (a plan's) remembers dish columns."""
    fi, si = pairs_of(foods)
    pair_of = {(int(f), int(s)): k for k, (f, s) in enumerate(zip(fi, si, strict=True))}
    missing = [key for key in request.forced if key not in pair_of]
    if missing:
        raise KeyError(f"forced items that are not in the model: {missing}")
    relax = request.relax
    opt_pair, opt_steps, counts = _options(foods, fi, request, pair_of, relax)
    n_opt = len(opt_pair)
    dishes = _day_dishes(foods, rules, request, dish_memo) if "dishes" not in relax else dish_options(
        foods, replace(rules, dishes=()), request)
    dish_slot_set = sorted(set(dishes.slot.tolist()))
    goals = tuple(rules.goals)
    soft = tuple(rules.soft_caps)
    has_budget = request.budget is not None and request.step_price is not None
    blocks = column_blocks(rules, request, n_opt, len(dishes), set(dish_slot_set), has_budget)
    n_cols = blocks["budget"].stop
    slack0 = blocks["goal_slack"].start
    excess0 = blocks["soft_excess"].start
    opts = np.arange(n_opt)
    steps = opt_steps.astype(float)
    opt_food, opt_slot = fi[opt_pair], si[opt_pair]
    dish_cols = np.arange(blocks["dish"].start, blocks["dish"].stop)
    no_dish = dict(zip(dish_slot_set, range(blocks["no_dish"].start, blocks["no_dish"].stop), strict=True))
    item_cols = _join(opts, dish_cols)
    item_slot = _join(opt_slot, dishes.slot)

    def amount(per_step: np.ndarray) -> np.ndarray:
        """Per item column (food options, then dishes): how much of a per-step quantity it brings."""
        return _join(per_step[opt_food] * steps, dishes.total(per_step))

    lower = np.zeros(n_cols)
    upper = np.ones(n_cols)
    upper[n_opt:] = _INF
    integer = np.zeros(n_cols, dtype=bool)
    integer[:n_opt] = True
    for binary in ("pattern", "dish", "no_dish"):
        upper[blocks[binary]] = 1
        integer[blocks[binary]] = True
    cost = np.zeros(n_cols)
    cost[:n_opt] = request.step_cost[opt_pair] * steps
    pair_at = np.full(foods.fits.shape, -1)   # (food, slot) -> its pair, as an array
    pair_at[fi, si] = np.arange(len(fi))
    dish_pairs = pair_at[dishes.entry_food, dishes.slot[dishes.entry_col]]
    cost[dish_cols] = np.bincount(dishes.entry_col, weights=request.step_cost[dish_pairs] * dishes.entry_steps,
                                  minlength=len(dishes))
    for g, name in enumerate(goals):
        upper[slack0 + g] = rules.goals[name]
        cost[slack0 + g] = GOAL_WEIGHT * request.unit / rules.goals[name]
    for c, name in enumerate(soft):
        cost[excess0 + c] = SOFT_CAP_WEIGHT * request.unit / rules.soft_caps[name]
    if request.banned_foods is not None:
        upper[:n_opt][request.banned_foods[fi][opt_pair]] = 0
        if len(dishes):
            banned = np.bincount(dishes.entry_col, weights=request.banned_foods[dishes.entry_food].astype(float),
                                 minlength=len(dishes)) > 0
            upper[dish_cols[banned]] = 0
    if request.banned_pairs is not None:
        upper[:n_opt][request.banned_pairs[opt_pair]] = 0
        if len(dishes):
            banned = np.bincount(dishes.entry_col, weights=request.banned_pairs[dish_pairs].astype(float),
                                 minlength=len(dishes)) > 0
            upper[dish_cols[banned]] = 0

    rows = Rows()
    forced_pairs = np.zeros(len(fi), dtype=bool)
    forced_pairs[[pair_of[key] for key in request.forced]] = True
    upper[:n_opt][forced_pairs[opt_pair]] = 1
    # a meal with a locked food may be a dish that serves it (at the locked amount, where one is set)
    closed, serving = _locked_meal_dishes(request, dishes)
    upper[dish_cols[closed]] = 0
    served_lock = {pair_of[key]: dish_cols[cols[upper[dish_cols[cols]] > 0]] for key, cols in serving.items()}
    served_lock = {k: cols for k, cols in served_lock.items() if len(cols)}
    held = forced_pairs.copy()   # forced pairs kept by their own options: the others by locked:<slot>
    held[list(served_lock)] = False
    # one_portion: at most one portion option per pair; a forced pair takes exactly one
    first_opt = np.cumsum(counts) - counts   # each pair's options are opts[first_opt[k]:][:counts[k]]
    multi = counts[opt_pair] > 1
    if multi.any():
        multi_pairs = np.unique(opt_pair[multi])
        rows.add_groups("one_portion", opts[multi], opt_pair[multi], 1.0, lower=held[multi_pairs].astype(float))
    single_forced = held[opt_pair] & (counts[opt_pair] == 1)
    lower[:n_opt][single_forced] = 1
    # locked:<slot>: a locked food is in its meal, as itself or in a dish that serves it
    for k, cols in sorted(served_lock.items()):
        rows.add(f"locked:{rules.slots[int(si[k])]}", _join(opts[first_opt[k]:first_opt[k] + counts[k]], cols), 1.0,
                 lower=1.0, upper=1.0)
    # one_dish: a meal is one dish, or no dish (then it is built food by food and costs DISH_BONUS)
    for s, col in no_dish.items():
        rows.add(f"one_dish:{rules.slots[s]}", _join(dish_cols[dishes.slot == s], col), 1.0, lower=1.0, upper=1.0)
        cost[col] = DISH_BONUS * request.unit
    # foods_per_meal: a meal built food by food holds this many foods (garnishes ride along); a dish none
    roles = foods.roles if foods.roles is not None else np.full(len(foods), "", dtype=str)
    opt_role = roles[opt_food]
    counted = ~np.isin(opt_role, rules.uncounted_roles + rules.free_roles)
    for s, slot in enumerate(rules.slots):
        if s in request.fixed_slots:
            continue
        lo, hi = rules.foods_per_meal[s]
        if "foods_per_meal" in relax:
            lo, hi = 1, hi + 1
        here = opts[(opt_slot == s) & counted]
        if s in no_dish:
            rows.add(f"foods_per_meal_min:{slot}", _join(here, no_dish[s]), _join(np.ones(len(here)), -lo), lower=0)
            rows.add(f"foods_per_meal_max:{slot}", _join(here, no_dish[s]), _join(np.ones(len(here)), -hi), upper=0)
        else:
            rows.add(f"foods_per_meal:{slot}", here, 1.0, lower=lo, upper=hi)
    # once_a_day: each food in at most one meal a day, as itself, in another form (fried and scrambled eggs, raw
    # and boiled carrots) or in a dish; a garnish's forms apart (a lemon wedge and lemon juice); a food locked
    # in two meals may be in both
    day_food = once_a_day_keys(foods, rules.uncounted_roles)
    forced_count = np.bincount(day_food[[f for f, _ in request.forced]], minlength=2 * len(foods))   # meals locked in
    several = (foods.fits.sum(axis=1)[opt_food] > 1) | (np.bincount(day_food, minlength=2 * len(foods)) > 1)[
        day_food[opt_food]]
    group_cols = _join(opts[several], dish_cols[dishes.entry_col]) if len(dishes) else opts[several]
    group_keys = day_food[_join(opt_food[several], dishes.entry_food) if len(dishes) else opt_food[several]]
    if len(group_cols):
        row_foods = np.unique(group_keys)
        caps = np.maximum(1, forced_count[row_foods]).astype(float)
        rows.add_groups("once_a_day", group_cols, group_keys, caps)
    # Plans store grams rounded to 0.1 g (what JSON keeps); every hard row is tightened by the most that
    # rounding could move it, so a day read back from its file still keeps every rule exactly.
    max_items = sum(hi for _, hi in rules.foods_per_meal) + len(request.forced) + 2 * len(rules.slots)

    def margin(per_step: np.ndarray, items: int) -> float:
        per_gram = np.abs(per_step[opt_food]) / foods.step_grams[opt_food]
        return GRAMS_ROUNDING * float(per_gram.max(initial=0.0)) * items

    # energy: the day's band (within ±5 % of the target) and each meal's share of the target
    kcal = _value(foods, "energy_kcal")
    energy = amount(kcal)
    e_lo, e_hi = rules.energy_range
    e_margin = margin(kcal, max_items)
    rows.add("energy", item_cols, energy, lower=e_lo + request.energy_shift + e_margin,
             upper=e_hi + request.energy_shift - e_margin)
    if rules.energy_target:   # energy_target: distance from the target, both ways, costs ENERGY_WEIGHT
        under, over = blocks["energy_under"].start, blocks["energy_over"].start
        target = rules.energy_target + request.energy_shift
        rows.add("energy_target", _join(item_cols, under, over), _join(energy, 1.0, -1.0), lower=target,
                 upper=target)
        cost[under] = cost[over] = ENERGY_WEIGHT * request.unit / target
    if "meal_shares" not in relax:
        target = (rules.energy_range[0] + rules.energy_range[1]) / 2
        for s, slot in enumerate(rules.slots):
            if s in request.fixed_slots:
                continue
            lo, hi = rules.shares[s]
            m = margin(kcal, rules.foods_per_meal[s][1] + 2)
            here = item_slot == s
            rows.add(f"share:{slot}", item_cols[here], energy[here], lower=lo * target + m, upper=hi * target - m)
    if "macros" not in relax:   # amdr_min/max: each macronutrient's share of the energy the day actually has
        for name, (lo_share, hi_share, kcal_per_g) in rules.amdr.items():
            macro_kcal = kcal_per_g * amount(_value(foods, name))
            m = margin(kcal_per_g * _value(foods, name) + kcal, max_items)
            rows.add(f"amdr_min:{name}", item_cols, macro_kcal - lo_share * energy, lower=m)
            rows.add(f"amdr_max:{name}", item_cols, macro_kcal - hi_share * energy, upper=-m)
    for name, cap in rules.caps.items():
        if f"cap:{name}" not in relax:
            m = margin(_value(foods, name), max_items)
            rows.add(f"cap:{name}", item_cols, amount(_value(foods, name)), upper=cap - m)
    goal_rows = []
    for g, name in enumerate(goals):
        goal_rows.append(len(rows.names))
        counted = GOAL_COUNTED.get(name)   # calcium: what counts toward the goal (not oxalate greens')
        field_ = counted if counted in foods.per_step else name
        rows.add(f"goal:{name}", np.append(item_cols, slack0 + g), np.append(amount(_value(foods, field_)), 1.0),
                 lower=rules.goals[name])
    soft_rows = []
    for c, name in enumerate(soft):
        soft_rows.append(len(rows.names))
        rows.add(f"soft_cap:{name}", np.append(item_cols, excess0 + c),
                 np.append(amount(_value_or_high(foods, name)), -1.0), upper=rules.soft_caps[name])
    # protein_floor and meal_protein: the day's floor and each main meal's, with heavily penalised slack
    protein = amount(_value(foods, "protein_g"))
    if blocks["protein_slack"].stop > blocks["protein_slack"].start and "protein" not in relax:
        day_col = blocks["protein_slack"].start
        if rules.protein_floor:
            rows.add("protein_floor", _join(item_cols, day_col), _join(protein, 1.0), lower=rules.protein_floor)
            cost[day_col] = PROTEIN_WEIGHT * request.unit / rules.protein_floor
        for s, grams in enumerate(rules.meal_protein):
            if grams and s not in request.fixed_slots:
                col = day_col + 1 + s
                here = item_slot == s
                rows.add(f"meal_protein:{rules.slots[s]}", _join(item_cols[here], col), _join(protein[here], 1.0),
                         lower=grams)
                cost[col] = PROTEIN_WEIGHT * request.unit / grams
    role_names, food_role = foods.role_codes
    _pattern_rows(rules, request, rows, blocks, opts, opt_slot, food_role[opt_food], role_names, forced_pairs[opt_pair],
                  no_dish, relax)
    # day_amount and meal_amount: food-group amounts (vegetables, fruit, juice, legumes, cooking fat)
    if "food_groups" not in relax:
        for spec in rules.day_amounts:
            values = _amounts(foods, spec, opt_food, steps, dishes)
            if values.any():
                rows.add(f"day_amount:{spec.name}", item_cols, values, lower=spec.low, upper=spec.high)
        for spec in rules.meal_amounts:
            values = _amounts(foods, spec, opt_food, steps, dishes)
            for s in range(len(rules.slots)):
                here = (item_slot == s) & (values != 0)
                if here.any() and s not in request.fixed_slots:
                    rows.add(f"meal_amount:{rules.slots[s]}:{spec.name}", item_cols[here], values[here],
                             lower=spec.low, upper=spec.high)
    # avoid_repeat: never all of a set already eaten (a whole day, or a meal the day before), as foods or in
    # dishes
    if "variety" not in relax:
        n_slots = len(rules.slots)
        for combo in request.avoid:
            per_food = [[pair_of[(f, t)] for t in (range(n_slots) if slot == ANY_SLOT else (slot,)) if (f, t) in pair_of]
                        for f, slot in combo]
            ks = [k for pairs in per_food for k in pairs]
            if all(per_food) and not all(forced_pairs[pairs].any() for pairs in per_food):
                cols = [np.concatenate([opts[first_opt[k]:first_opt[k] + counts[k]] for k in ks])]
                vals = [np.ones(len(cols[0]))]
                if len(dishes):
                    in_combo = np.isin(dish_pairs, ks)
                    hits = np.bincount(dishes.entry_col[in_combo], minlength=len(dishes))
                    cols.append(dish_cols[hits > 0])
                    vals.append(hits[hits > 0].astype(float))
                rows.add("avoid_repeat", np.concatenate(cols), np.concatenate(vals), upper=len(combo) - 1)
    # seafood_week and seafood_aim: the week's seafood (pregnancy: 8-12 oz), as what this day may and should hold
    if request.seafood is not None and request.seafood.any():
        grams = amount(np.where(request.seafood, foods.step_grams, 0.0))
        rows.add("seafood_week", item_cols, grams, upper=max(0.0, request.seafood_max) - GRAMS_ROUNDING * max_items)
        if _seafood_aim(request):
            col = blocks["seafood_slack"].start
            rows.add("seafood_aim", _join(item_cols, col), _join(grams, 1.0), lower=request.seafood_aim)
            cost[col] = SEAFOOD_WEIGHT * request.unit / request.seafood_aim
    # week_rows: the foods on shopping rows new to the week this day brings in, beyond what the week's most leaves,
    # each at a cost
    if _caps_week_rows(request):
        new = request.on_new_row.astype(float)
        count = _join(new[opt_pair], np.bincount(dishes.entry_col, weights=new[dish_pairs], minlength=len(dishes)))
        on = np.flatnonzero(count)
        col = blocks["week_rows_over"].start
        rows.add("week_rows", _join(item_cols[on], col), _join(count[on], -1.0),
                 upper=max(0.0, request.new_rows_most))
        cost[col] = WEEK_ROWS_WEIGHT * request.unit
    if has_budget:
        budget_col = n_cols - 1
        cost[budget_col] = BUDGET_WEIGHT * request.unit / max(request.budget, 1e-9)
        price = _join(request.step_price[opt_pair] * steps,
                      np.bincount(dishes.entry_col, weights=request.step_price[dish_pairs] * dishes.entry_steps,
                                  minlength=len(dishes)))
        rows.add("budget", np.append(item_cols, budget_col), np.append(price, -1.0), upper=request.budget)
    model = DayModel(fi, si, opt_pair, opt_steps, goals, cost, lower, upper, integer, rows, has_budget, request.unit,
                     _value(foods, "energy_kcal")[fi], tuple(goal_rows), tuple(soft_rows), blocks, dishes,
                     base_cost=cost, dish_pairs=dish_pairs)
    return model.priced(request.pair_cost)


def _amounts(foods: FoodArrays, spec: Amount, opt_food: np.ndarray, steps: np.ndarray, dishes: DishOptions
             ) -> np.ndarray:
    """Per item column: how much it adds to a food-group amount (grams, household portions or foods)."""
    on = np.isin(foods.roles, spec.roles).astype(float)
    if spec.measure == "grams":
        per_step = on * foods.step_grams
    elif spec.measure == "portions":
        per_step = on * foods.step_grams / foods.portion_grams
    else:   # items: one per food, whatever its steps
        return _join(on[opt_food], np.bincount(dishes.entry_col, weights=on[dishes.entry_food],
                                               minlength=len(dishes)))
    return _join(per_step[opt_food] * steps, dishes.total(per_step))


def _pattern_rows(rules: DayRules, request: DayRequest, rows: Rows, blocks: dict[str, slice], opts: np.ndarray,
                  opt_slot: np.ndarray, opt_role: np.ndarray, role_names: tuple[str, ...], forced_opt: np.ndarray,
                  no_dish: dict[int, int], relax: frozenset[str]) -> None:
    """pattern, role_min, role_max, role_allowed: a meal built food by food follows one of its slot's
    patterns (one binary per pattern, summing to 1, or to the no-dish column where dishes are offered);
    each role's count lies within the chosen pattern's range, and a role no chosen pattern names is absent.
    Locked foods count like any other (a locked salmon is the dinner's protein; not counted, a second protein
    joined it); with "locks_apart" relaxed (locks that fit no pattern together) they are left out of the count.

    A meal's role rows are one block over its counted options and its pattern columns: per key (a role, or
    roles joined by "+") role_min then role_max, then role_allowed per role the meal's options have.
    `opt_role` is each option's role as an index into `role_names` (FoodArrays.role_codes)."""
    col = blocks["pattern"].start
    counted = ~np.isin(np.array(role_names), rules.free_roles)[opt_role]
    if "locks_apart" in relax:
        counted &= ~forced_opt
    for s, patterns in enumerate(rules.patterns):
        if s in request.fixed_slots:
            continue
        cols = np.arange(col, col + len(patterns))
        col += len(patterns)
        if "meal_patterns" in relax or not patterns:
            continue
        slot = rules.slots[s]
        here = opts[(opt_slot == s) & counted]
        big = float(max(1, len(here)))
        if s in no_dish:
            rows.add(f"pattern:{slot}", _join(cols, no_dish[s]), _join(np.ones(len(cols)), -1.0), lower=0, upper=0)
        else:
            rows.add(f"pattern:{slot}", cols, 1.0, lower=1.0, upper=1.0)
        table = rules.pattern_tables[s]
        present = np.unique(opt_role[here])             # the meal's roles (sorted, as np.unique sorts names)
        role_of = np.searchsorted(present, opt_role[here])   # each option's, as an index into present
        roles = [role_names[r] for r in present]
        members = np.array([[r in key for r in roles] for key in table.key_roles], dtype=bool
                           ).reshape(len(table.keys), len(roles))[:, role_of]   # (keys, options)
        high = np.where(np.isnan(table.high), big, table.high)   # a pattern that does not name a key: any number
        covers = np.array([[r in named for named in table.named] for r in roles], dtype=float
                          ).reshape(len(roles), len(patterns))
        # role_min (count - low(w) >= 0) for a key some pattern sets a minimum for, role_max (count - high(w)
        # <= 0) for a key the meal has foods of, in turn per key; then role_allowed (count - big * (a chosen
        # pattern names the role) <= 0) per role
        has = {"min": table.low.any(axis=1).tolist(), "max": members.any(axis=1).tolist()}
        key_rows = [(k, side) for k in range(len(table.keys)) for side in ("min", "max") if has[side][k]]
        key = np.array([k for k, _ in key_rows], dtype=int)
        is_min = np.array([side == "min" for _, side in key_rows], dtype=bool)
        n_key, n = len(key_rows), len(here)
        value = np.zeros((n_key + len(roles), n + len(patterns)))
        value[:n_key, :n] = members[key]
        value[:n_key, n:] = -np.where(is_min[:, None], table.low[key], high[key])
        value[n_key:, :n] = role_of == np.arange(len(roles))[:, None]
        value[n_key:, n:] = -big * covers
        lower = _join(np.where(is_min, 0.0, -_INF), np.full(len(roles), -_INF))
        upper = _join(np.where(is_min, _INF, 0.0), np.zeros(len(roles)))
        names = ([f"role_{side}:{slot}:{table.keys[k]}" for k, side in key_rows]
                 + [f"role_allowed:{slot}:{r}" for r in roles])
        rows.add_block(names, np.broadcast_to(_join(here, cols), value.shape), value, lower, upper)


def pass_model(h, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray, integer: np.ndarray | None,
               csr: tuple[np.ndarray, np.ndarray, np.ndarray], row_lower: np.ndarray, row_upper: np.ndarray) -> None:
    """Hand arrays to the Highs object `h` as one model (rows in CSR; `integer` None: an LP), as buffers:
    the same model as highs_lp, without copying each array element by element into a HighsLp (measured:
    3-4x the cost of the solver's own passModel on a day model)."""
    import highspy

    starts, index, value = csr
    kinds = np.zeros(len(cost), dtype=np.int32) if integer is None else np.asarray(integer, dtype=np.int32)
    h.passModel(len(cost), len(row_lower), len(value), int(highspy.MatrixFormat.kRowwise),
                int(highspy.ObjSense.kMinimize), 0.0, np.asarray(cost, dtype=float), np.asarray(lower, dtype=float),
                np.asarray(upper, dtype=float), np.asarray(row_lower, dtype=float), np.asarray(row_upper, dtype=float),
                np.asarray(starts, dtype=np.int32), np.asarray(index, dtype=np.int32), np.asarray(value, dtype=float),
                kinds)


def highs_lp(cost: np.ndarray, lower: np.ndarray, upper: np.ndarray, integer: np.ndarray | None,
             csr: tuple[np.ndarray, np.ndarray, np.ndarray], row_lower: np.ndarray, row_upper: np.ndarray):
    """Arrays as one highspy model (rows in CSR); `integer` None passes it as an LP."""
    import highspy

    lp = highspy.HighsLp()
    starts, index, value = csr
    lp.num_col_ = len(cost)
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    if integer is not None:
        kinds = np.where(integer, highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous)
        lp.integrality_ = list(kinds)
    return lp
