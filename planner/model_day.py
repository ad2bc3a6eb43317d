"""One day of meals as a mixed-integer program, built as numpy arrays and solved by HiGHS directly.

Decision: for each (food, meal) pair, one binary per whole number of planning steps it may take (at most
one chosen). Hard rules: portions within the food's range, foods only in meals they fit, foods per meal,
each food in one meal a day, the daily energy band, each meal's share of the energy target, AMDR
macronutrient grams, maximums (calcium UL, sodium CDRR, retinol UL, a clinician's potassium limit).
Goals (Mg/K/Ca minimums) carry heavily penalised slack, so a day always comes back with how far short
it is instead of a bare "infeasible". Soft ceilings (potassium where it is not pushed) charge a mild
cost for every mg above their level: the plan stays near it without being driven to extremes.

Solving: the LP relaxation first, then the MIP over a core of promising pairs (see `_solve_highs`).
The model is pure data; highspy receives it in one call (PuLP builds row by row in Python, too slow for
the 8,790-food catalogue); CBC, through PuLP and planner.solver, only when HiGHS is missing or fails.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from planner.plan import SolveStatus
from planner.quiet import new_highs
from planner.solver import highs_status

GOAL_WEIGHT = 1000.0        # objective units for missing 100 % of one goal (a day's food costs about 10)
SOFT_CAP_WEIGHT = 15.0      # objective units for going 100 % over a soft ceiling (potassium not pushed)
BUDGET_WEIGHT = 20000.0     # objective units for going 100 % over the day's budget: the budget comes first
ENERGY_WEIGHT = 300.0       # objective units for a day 100 % away from its energy target (1 % costs 3)
PROTEIN_WEIGHT = 3000.0     # objective units for missing 100 % of a protein floor: kept unless impossible
DISH_BONUS = 1.5            # objective units a meal that is a named dish saves (a day's food costs about 10)
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


@dataclass
class DayRequest:
    """What varies from day to day: costs, foods used up, forced items, combinations not to repeat."""

    step_cost: np.ndarray                         # (pairs,) objective cost per step (preferences, prices)
    banned_foods: np.ndarray | None = None        # bool (foods,): may not be used this day
    banned_pairs: np.ndarray | None = None        # bool (pairs,): may not be used this day
    forced: dict[tuple[int, int], int | None] = field(default_factory=dict)  # (food, slot) -> steps or any
    avoid: list[list[tuple[int, int]]] = field(default_factory=list)  # sets of (food, slot) not all together
    budget: float | None = None                   # the day's share of the weekly budget
    energy_shift: float = 0.0                     # what-if: move the energy band by this many kcal
    relax: frozenset[str] = frozenset()           # what-if: rule groups left out
    step_price: np.ndarray | None = None          # (pairs,) money per step, for the budget row
    unit: float = 1.0                             # money per objective unit (1 without prices)
    fixed_slots: frozenset[int] = frozenset()     # meals kept as they are: their meal rules are not rechecked


@dataclass
class DaySolution:
    """The steps chosen per (food, slot), the goals' slack, and what the solver said."""

    steps: dict[tuple[int, int], int]
    slack: dict[str, float]
    objective: float | None
    status: SolveStatus
    over_budget: float = 0.0


def pairs_of(foods: FoodArrays) -> tuple[np.ndarray, np.ndarray]:
    """Every (food, slot) the food fits, as two index arrays ordered by slot then food."""
    slot_idx, food_idx = np.nonzero(foods.fits.T)
    return food_idx, slot_idx


class Rows:
    """Sparse rows gathered in chunks (one row, or a block of equal-length rows), stacked into one CSR."""

    def __init__(self) -> None:
        self.counts: list[np.ndarray] = []   # terms per row, per chunk
        self.index: list[np.ndarray] = []
        self.value: list[np.ndarray] = []
        self.lows: list[np.ndarray] = []
        self.highs: list[np.ndarray] = []
        self.names: list[str] = []           # one name per row

    def add(self, name: str, index, value, lower: float = -_INF, upper: float = _INF) -> None:
        index = np.asarray(index, dtype=np.int32).reshape(1, -1)
        value = np.broadcast_to(np.asarray(value, dtype=float), index.shape)
        self.add_block(name, index, value, lower, upper)

    def add_block(self, name: str, index: np.ndarray, value: np.ndarray, lower=-_INF, upper=_INF) -> None:
        """Rows of equal length at once: `index` and `value` are (rows, terms); zero terms are dropped."""
        index = np.asarray(index, dtype=np.int32)
        value = np.asarray(value, dtype=float)
        keep = value != 0
        n = index.shape[0]
        self.counts.append(keep.sum(axis=1))
        self.index.append(index[keep])
        self.value.append(value[keep])
        self.lows.append(np.broadcast_to(np.asarray(lower, dtype=float), (n,)))
        self.highs.append(np.broadcast_to(np.asarray(upper, dtype=float), (n,)))
        self.names.extend([name] * n)

    def add_groups(self, name: str, cols: np.ndarray, keys: np.ndarray, upper: np.ndarray,
                   lower: np.ndarray | float = -_INF) -> None:
        """One row per distinct key: the sum of the columns sharing it (coefficient 1), vectorised."""
        order = np.argsort(keys, kind="stable")
        uniq, counts = np.unique(keys[order], return_counts=True)
        self.counts.append(counts)
        self.index.append(np.asarray(cols, dtype=np.int32)[order])
        self.value.append(np.ones(len(order)))
        self.lows.append(np.broadcast_to(np.asarray(lower, dtype=float), (len(uniq),)))
        self.highs.append(np.broadcast_to(np.asarray(upper, dtype=float), (len(uniq),)))
        self.names.extend([name] * len(uniq))

    @property
    def lower(self) -> np.ndarray:
        return np.concatenate(self.lows) if self.lows else np.zeros(0)

    @property
    def upper(self) -> np.ndarray:
        return np.concatenate(self.highs) if self.highs else np.zeros(0)

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        counts = np.concatenate(self.counts) if self.counts else np.zeros(0, np.int64)
        starts = np.zeros(len(counts) + 1, dtype=np.int32)
        starts[1:] = np.cumsum(counts)
        index = np.concatenate(self.index) if self.index else np.zeros(0, np.int32)
        value = np.concatenate(self.value) if self.value else np.zeros(0)
        return starts, index, value


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
    dish_keys: tuple[tuple[int, int], ...] = ()   # per dish column: (dish, slot)

    @property
    def n_pairs(self) -> int:
        return len(self.food_idx)

    @property
    def n_options(self) -> int:
        return len(self.opt_pair)


def _value(foods: FoodArrays, nutrient: str) -> np.ndarray:
    """Per-step amounts with SR28's missing values counted as nothing (minimums: a safe lower bound).

    Foods missing a value for a strict maximum are left out before the model is built (model_foods.py).
    """
    return np.nan_to_num(foods.per_step[nutrient], nan=0.0)


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


def dish_slots(rules: DayRules, request: DayRequest) -> tuple[tuple[int, int], ...]:
    """Every (dish, slot) a dish column stands for: the dish fits the slot and the meal is not kept as it is."""
    return tuple((d, s) for d, dish in enumerate(rules.dishes) for s, slot in enumerate(rules.slots)
                 if slot in dish.slots and s not in request.fixed_slots)


def column_blocks(rules: DayRules, request: DayRequest, n_opt: int, has_budget: bool) -> dict[str, slice]:
    """The model's columns in named blocks, in this order (the budget slack is always the last column)."""
    sizes = {"option": n_opt, "goal_slack": len(rules.goals), "soft_excess": len(rules.soft_caps),
             "energy_under": 1 if rules.energy_target else 0, "energy_over": 1 if rules.energy_target else 0,
             "protein_slack": 1 + len(rules.slots) if rules.protein_floor or any(rules.meal_protein) else 0,
             "pattern": sum(len(p) for s, p in enumerate(rules.patterns) if s not in request.fixed_slots),
             "dish": len(dish_slots(rules, request)), "budget": 1 if has_budget else 0}
    out, start = {}, 0
    for name, size in sizes.items():
        out[name] = slice(start, start + size)
        start += size
    return out


def _amount_values(foods: FoodArrays, amount: Amount, opt_food: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Per option: how much it adds to `amount` (grams, household portions or one item), 0 off its roles."""
    on = np.isin(foods.roles[opt_food], amount.roles)
    grams = steps * foods.step_grams[opt_food]
    if amount.measure == "grams":
        value = grams
    elif amount.measure == "portions":
        value = grams / foods.portion_grams[opt_food]
    else:
        value = np.ones(len(opt_food))
    return np.where(on, value, 0.0)


def _meal_rules(foods: FoodArrays, rules: DayRules, request: DayRequest, rows: Rows, cost: np.ndarray,
                upper: np.ndarray, blocks: dict[str, slice], fi: np.ndarray, si: np.ndarray, opt_pair: np.ndarray,
                steps: np.ndarray, by_pair: list[np.ndarray], relax: frozenset[str]) -> None:
    """The rows that make meals a cook's meals: energy aimed at its target, protein floors, meal patterns,
    food-group amounts per day and per meal, and named dishes."""
    opts = np.arange(len(opt_pair))
    opt_food, opt_slot = fi[opt_pair], si[opt_pair]
    n_slots = len(rules.slots)
    if rules.energy_target:   # distance from the target, both ways
        under, over = blocks["energy_under"].start, blocks["energy_over"].start
        target = rules.energy_target + request.energy_shift
        energy = _value(foods, "energy_kcal")[opt_food] * steps
        rows.add("energy_target", np.r_[opts, under, over], np.r_[energy, 1.0, -1.0], lower=target, upper=target)
        cost[under] = cost[over] = ENERGY_WEIGHT * request.unit / target
    protein = _value(foods, "protein_g")[opt_food] * steps
    if blocks["protein_slack"].stop > blocks["protein_slack"].start:
        day_col = blocks["protein_slack"].start
        if rules.protein_floor and "protein" not in relax:
            rows.add("protein_floor", np.r_[opts, day_col], np.r_[protein, 1.0], lower=rules.protein_floor)
            cost[day_col] = PROTEIN_WEIGHT * request.unit / rules.protein_floor
        for s, grams in enumerate(rules.meal_protein):
            if grams and s not in request.fixed_slots and "protein" not in relax:
                col = day_col + 1 + s
                here = opt_slot == s
                rows.add(f"meal_protein:{rules.slots[s]}", np.r_[opts[here], col], np.r_[protein[here], 1.0],
                         lower=grams)
                cost[col] = PROTEIN_WEIGHT * request.unit / grams
    roles = foods.roles if foods.roles is not None else np.full(len(foods), "", dtype=str)
    opt_role = roles[opt_food]
    col = blocks["pattern"].start
    for s, patterns in enumerate(rules.patterns):
        if s in request.fixed_slots:
            continue
        cols = np.arange(col, col + len(patterns))
        col += len(patterns)
        if "meal_patterns" in relax or not patterns:
            continue
        here = (opt_slot == s) & ~np.isin(opt_role, rules.free_roles)
        big = float(max(1, len(np.unique(opt_food[here]))))
        rows.add(f"pattern:{rules.slots[s]}", cols, 1.0, lower=1.0, upper=1.0)
        keys = list(dict.fromkeys(k for _, counts in patterns for k in counts))
        for key in keys:
            members = here & np.isin(opt_role, key.split("+"))
            low = np.array([counts.get(key, (0, big))[0] for _, counts in patterns], dtype=float)
            high = np.array([counts.get(key, (0, big))[1] for _, counts in patterns], dtype=float)
            rows.add(f"role_min:{rules.slots[s]}:{key}", np.r_[opts[members], cols],
                     np.r_[np.ones(members.sum()), -low], lower=0.0)
            rows.add(f"role_max:{rules.slots[s]}:{key}", np.r_[opts[members], cols],
                     np.r_[np.ones(members.sum()), -high], upper=0.0)
        for role in np.unique(opt_role[here]):
            covers = np.array([any(role in k.split("+") for k in counts) for _, counts in patterns])
            if covers.all():
                continue
            members = here & (opt_role == role)
            rows.add(f"role_allowed:{rules.slots[s]}:{role}", np.r_[opts[members], cols],
                     np.r_[np.ones(members.sum()), -big * covers], upper=0.0)
    if "food_groups" not in relax:
        for amount in rules.day_amounts:
            values = _amount_values(foods, amount, opt_food, steps)
            if not values.any():
                continue
            rows.add(f"day_amount:{amount.name}", opts, values, lower=amount.low, upper=amount.high)
        for amount in rules.meal_amounts:
            values = _amount_values(foods, amount, opt_food, steps)
            for s in range(n_slots):
                here = (opt_slot == s) & (values != 0)
                if here.any() and s not in request.fixed_slots:
                    rows.add(f"meal_amount:{rules.slots[s]}:{amount.name}", opts[here], values[here],
                             lower=amount.low, upper=amount.high)
    _dish_rows(foods, rules, request, rows, cost, upper, blocks, fi, si, opt_pair, steps, by_pair, opt_role)


def _dish_rows(foods, rules, request, rows, cost, upper, blocks, fi, si, opt_pair, steps, by_pair, opt_role):
    """A dish column is 1 only when the meal is that dish: every required ingredient within its grams,
    optional ones within theirs, nothing else but garnishes; each such meal saves DISH_BONUS."""
    keys = dish_slots(rules, request)
    if not keys:
        return
    index = foods.index
    pair_of = {(int(f), int(s)): k for k, (f, s) in enumerate(zip(fi, si, strict=True))}
    opt_grams = steps * foods.step_grams[fi[opt_pair]]
    opt_food, opt_slot = fi[opt_pair], si[opt_pair]
    opts = np.arange(len(opt_pair))
    ride = np.isin(opt_role, rules.uncounted_roles + rules.free_roles)
    per_slot: dict[int, list[int]] = {}
    for j, (d, s) in enumerate(keys):
        z = blocks["dish"].start + j
        dish = rules.dishes[d]
        where = f"{dish.name}:{rules.slots[s]}"
        ids = [index.get(fid) for fid in dish.ingredients]
        if any(index.get(fid) is None or (index[fid], s) not in pair_of
               for fid in dish.ingredients if fid not in dish.optional):
            upper[z] = 0
            continue
        per_slot.setdefault(s, []).append(z)
        cost[z] = -DISH_BONUS * request.unit
        inside = np.zeros(len(foods), dtype=bool)
        for fid, f in zip(dish.ingredients, ids, strict=True):
            if f is None or (f, s) not in pair_of:
                continue
            inside[f] = True
            low, high = dish.ingredients[fid]
            cols = by_pair[pair_of[(f, s)]]
            grams = opt_grams[cols]
            big = float(grams.max(initial=0.0))
            if fid not in dish.optional:
                rows.add(f"dish_min:{where}:{fid}", np.r_[cols, z], np.r_[grams, -low], lower=0.0)
            if high < big:
                rows.add(f"dish_max:{where}:{fid}", np.r_[cols, z], np.r_[grams, big - high], upper=big)
        others = (opt_slot == s) & ~inside[opt_food] & ~ride
        big = float(max(1, len(np.unique(opt_food[others]))))
        rows.add(f"dish_only:{where}", np.r_[opts[others], z], np.r_[np.ones(others.sum()), big], upper=big)
    for s, zs in per_slot.items():
        rows.add(f"one_dish:{rules.slots[s]}", zs, 1.0, upper=1.0)


def build_day(foods: FoodArrays, rules: DayRules, request: DayRequest) -> DayModel:
    """The day's MILP as arrays: pure, no solver involved."""
    fi, si = pairs_of(foods)
    pair_of = {(int(f), int(s)): k for k, (f, s) in enumerate(zip(fi, si, strict=True))}
    missing = [key for key in request.forced if key not in pair_of]
    if missing:
        raise KeyError(f"forced items that are not in the model: {missing}")
    relax = request.relax
    opt_pair, opt_steps, counts = _options(foods, fi, request, pair_of, relax)
    n_opt = len(opt_pair)
    goals = tuple(rules.goals)
    soft = tuple(rules.soft_caps)
    has_budget = request.budget is not None and request.step_price is not None
    blocks = column_blocks(rules, request, n_opt, has_budget)
    n_cols = blocks["budget"].stop
    slack0 = blocks["goal_slack"].start
    excess0 = blocks["soft_excess"].start
    opts = np.arange(n_opt)
    steps = opt_steps.astype(float)

    lower = np.zeros(n_cols)
    upper = np.ones(n_cols)
    upper[n_opt:] = _INF
    integer = np.zeros(n_cols, dtype=bool)
    integer[:n_opt] = True
    for binary in ("pattern", "dish"):
        upper[blocks[binary]] = 1
        integer[blocks[binary]] = True
    cost = np.zeros(n_cols)
    cost[:n_opt] = request.step_cost[opt_pair] * steps
    for g, name in enumerate(goals):
        upper[slack0 + g] = rules.goals[name]
        cost[slack0 + g] = GOAL_WEIGHT * request.unit / rules.goals[name]
    for c, name in enumerate(soft):
        cost[excess0 + c] = SOFT_CAP_WEIGHT * request.unit / rules.soft_caps[name]
    if request.banned_foods is not None:
        upper[:n_opt][request.banned_foods[fi][opt_pair]] = 0
    if request.banned_pairs is not None:
        upper[:n_opt][request.banned_pairs[opt_pair]] = 0

    rows = Rows()
    forced_pairs = np.zeros(len(fi), dtype=bool)
    forced_pairs[[pair_of[key] for key in request.forced]] = True
    upper[:n_opt][forced_pairs[opt_pair]] = 1
    # at most one portion option per pair; a forced pair takes exactly one
    by_pair = np.split(opts, np.cumsum(counts)[:-1])
    multi = counts[opt_pair] > 1
    if multi.any():
        multi_pairs = np.unique(opt_pair[multi])
        rows.add_groups("one_portion", opts[multi], opt_pair[multi], 1.0,
                        lower=forced_pairs[multi_pairs].astype(float))
    single_forced = forced_pairs[opt_pair] & (counts[opt_pair] == 1)
    lower[:n_opt][single_forced] = 1
    # foods per meal (a meal kept as it is, by hand, is not checked again); garnishes ride along
    opt_slot = si[opt_pair]
    roles = foods.roles if foods.roles is not None else np.full(len(foods), "", dtype=str)
    opt_role = roles[fi[opt_pair]]
    counted = ~np.isin(opt_role, rules.uncounted_roles)
    for s, slot in enumerate(rules.slots):
        if s in request.fixed_slots:
            continue
        lo, hi = rules.foods_per_meal[s]
        if "foods_per_meal" in relax:
            lo, hi = 1, hi + 1
        rows.add(f"foods_per_meal:{slot}", opts[(opt_slot == s) & counted], 1.0, lower=lo, upper=hi)
    # each food in at most one meal a day (a food locked in two meals may be in both)
    opt_food = fi[opt_pair]
    forced_count: dict[int, int] = {}
    for f, _ in request.forced:
        forced_count[f] = forced_count.get(f, 0) + 1
    several = foods.fits.sum(axis=1)[opt_food] > 1
    if several.any():
        row_foods = np.unique(opt_food[several])
        caps = np.array([max(1, forced_count.get(int(f), 0)) for f in row_foods], dtype=float)
        rows.add_groups("once_a_day", opts[several], opt_food[several], caps)
    # Plans store grams rounded to 0.1 g (what JSON keeps); every hard row is tightened by the most that
    # rounding could move it, so a day read back from its file still keeps every rule exactly.
    per_gram_cols = opt_food
    max_items = sum(hi for _, hi in rules.foods_per_meal) + len(request.forced)

    def margin(per_step: np.ndarray, items: int) -> float:
        per_gram = np.abs(per_step[per_gram_cols]) / foods.step_grams[per_gram_cols]
        return GRAMS_ROUNDING * float(per_gram.max(initial=0.0)) * items

    # energy: the day's band and each meal's share of the day
    kcal = _value(foods, "energy_kcal")
    energy = kcal[opt_food] * steps
    e_lo, e_hi = rules.energy_range
    e_margin = margin(kcal, max_items)
    rows.add("energy", opts, energy, lower=e_lo + request.energy_shift + e_margin,
             upper=e_hi + request.energy_shift - e_margin)
    # meal shares are of the day's energy target (against the day's actual energy the rows mix signs, and
    # the MIP was measured 1.5-3x slower)
    if "meal_shares" not in relax:
        target = (rules.energy_range[0] + rules.energy_range[1]) / 2
        for s, slot in enumerate(rules.slots):
            if s in request.fixed_slots:
                continue
            lo, hi = rules.shares[s]
            m = margin(kcal, rules.foods_per_meal[s][1] + 2)
            rows.add(f"share:{slot}", opts[opt_slot == s], energy[opt_slot == s], lower=lo * target + m,
                     upper=hi * target - m)
    if "macros" not in relax:   # AMDR: each macronutrient's share of the energy the day actually has
        for name, (lo_share, hi_share, kcal_per_g) in rules.amdr.items():
            macro_kcal = kcal_per_g * _value(foods, name)[opt_food] * steps
            m = margin(kcal_per_g * _value(foods, name) + kcal, max_items)
            rows.add(f"amdr_min:{name}", opts, macro_kcal - lo_share * energy, lower=m)
            rows.add(f"amdr_max:{name}", opts, macro_kcal - hi_share * energy, upper=-m)
    for name, cap in rules.caps.items():
        if f"cap:{name}" not in relax:
            m = margin(_value(foods, name), max_items)
            rows.add(f"cap:{name}", opts, _value(foods, name)[opt_food] * steps, upper=cap - m)
    goal_rows = []
    for g, name in enumerate(goals):
        values = _value(foods, name)[opt_food] * steps
        goal_rows.append(len(rows.names))
        rows.add(f"goal:{name}", np.append(opts, slack0 + g), np.append(values, 1.0), lower=rules.goals[name])
    soft_rows = []
    for c, name in enumerate(soft):
        values = _value_or_high(foods, name)[opt_food] * steps
        soft_rows.append(len(rows.names))
        rows.add(f"soft_cap:{name}", np.append(opts, excess0 + c), np.append(values, -1.0),
                 upper=rules.soft_caps[name])
    # variety: never all of a set that was already eaten (a whole day, or a meal the day before)
    if "variety" not in relax:
        for combo in request.avoid:
            ks = [pair_of[c] for c in combo if c in pair_of]
            if len(ks) == len(combo) and not forced_pairs[ks].all():
                cols = np.concatenate([by_pair[k] for k in ks])
                rows.add("avoid_repeat", cols, 1.0, upper=len(ks) - 1)
    _meal_rules(foods, rules, request, rows, cost, upper, blocks, fi, si, opt_pair, steps, by_pair, relax)
    if has_budget:
        budget_col = n_cols - 1
        cost[budget_col] = BUDGET_WEIGHT * request.unit / max(request.budget, 1e-9)
        rows.add("budget", np.append(opts, budget_col), np.append(request.step_price[opt_pair] * steps, -1.0),
                 upper=request.budget)
    return DayModel(fi, si, opt_pair, opt_steps, goals, cost, lower, upper, integer, rows, has_budget, request.unit,
                    _value(foods, "energy_kcal")[fi], tuple(goal_rows), tuple(soft_rows), blocks,
                    dish_slots(rules, request))


# --- solving ----------------------------------------------------------------------------------------------

def _columns(model: DayModel, cols: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The model restricted to `cols` (renumbered 0..len(cols)-1): the CSR rows and their bounds. It is
    the model with the other columns at zero: a row left empty is dropped only when zero keeps it."""
    starts, index, value = model.rows.csr()
    pos = np.full(len(model.cost), -1)
    pos[cols] = np.arange(len(cols))
    keep = pos[index] >= 0
    row_of = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    counts = np.bincount(row_of[keep], minlength=len(starts) - 1)
    lows, highs = model.rows.lower, model.rows.upper
    rows = (counts > 0) | (lows > 0) | (highs < 0)
    index, value, row_of = pos[index[keep]], value[keep], row_of[keep]
    on = rows[row_of]
    return (np.concatenate([[0], np.cumsum(counts[rows])]), index[on], value[on], lows[rows], highs[rows])


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


def _run_highs(model: DayModel, upper: np.ndarray, mip: bool, time_limit: float, gap: float,
               abs_gap: float = 0.0, start: np.ndarray | None = None, cols: np.ndarray | None = None):
    """One HiGHS run on the model's arrays with these upper bounds, as a MIP or as its LP relaxation;
    with `cols`, on those columns only (HiGHS's presolve does not watch the time limit, and on the full
    catalogue's whole model it alone takes minutes: a core is handed over as a small model)."""
    import highspy

    h = new_highs()
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("mip_abs_gap", float(abs_gap))
    h.setOptionValue("threads", 1)
    if not mip:   # measured: presolve is most of an LP's time here, up to 20x on the full catalogue
        h.setOptionValue("presolve", "off")
    cost, lower, integer = model.cost, model.lower, model.integer
    if cols is None:
        starts, index, value = model.rows.csr()
        row_lower, row_upper = model.rows.lower, model.rows.upper
    else:
        starts, index, value, row_lower, row_upper = _columns(model, cols)
        cost, lower, upper, integer = cost[cols], lower[cols], upper[cols], integer[cols]
        start = None if start is None else start[cols]
    h.passModel(highs_lp(cost, lower, upper, integer if mip else None, (starts, index, value), row_lower, row_upper))
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(start)
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    return h


FREE_PER_MEAL = 2        # foods with next to no energy (water, tea, herbs) a core offers per meal


def _core(model: DayModel, x: np.ndarray, reduced: np.ndarray, per_slot: int) -> np.ndarray:
    """Options worth offering the MIP: every option of the pairs the LP relaxation uses or forces, and for
    each meal the `per_slot` most attractive other foods by reduced cost, each food in one meal's list
    (a food is eaten once a day) and few with next to no energy (they cannot fill a meal)."""
    n_opt, n_pairs = model.n_options, model.n_pairs
    used = np.bincount(model.opt_pair, weights=x[:n_opt], minlength=n_pairs) > 1e-6
    forced = np.bincount(model.opt_pair, weights=model.lower[:n_opt], minlength=n_pairs) > 0.5
    open_ = np.bincount(model.opt_pair, weights=model.upper[:n_opt], minlength=n_pairs) > 0.5
    starts = np.flatnonzero(np.r_[True, np.diff(model.opt_pair) != 0])
    score = np.where(open_, np.minimum.reduceat(reduced[:n_opt], starts), np.inf)
    keep = used | forced
    energy = model.pair_energy if model.pair_energy is not None else np.ones(n_pairs)
    free = energy < 0.01 * max(float(np.max(energy, initial=0.0)), 1.0)
    n_slots = int(model.slot_idx.max(initial=-1)) + 1
    taken = np.zeros(n_slots, dtype=int)
    free_taken = np.zeros(n_slots, dtype=int)
    foods_taken: set[int] = set()
    for k in np.argsort(score, kind="stable"):
        if not np.isfinite(score[k]) or taken.min(initial=per_slot) >= per_slot:
            break
        s, f = int(model.slot_idx[k]), int(model.food_idx[k])
        if taken[s] >= per_slot or f in foods_taken or (free[k] and free_taken[s] >= FREE_PER_MEAL):
            continue
        keep[k] = True
        taken[s] += 1
        free_taken[s] += bool(free[k])
        foods_taken.add(f)
    return keep[model.opt_pair]


CORE_SIZES = (10, 30)   # pairs per meal offered to the MIP, widened once if the first core falls short
CORE_SECONDS = 0.35     # time cap of each core MIP: past it, proving costs more than it is worth
CORE_SHARE = 0.1        # with a longer time limit the cap grows to this share of it (a loaded machine
                        # gets the time it was given; a quick solve still stops early)
GOAL_SLACK_UNITS = 2.0   # objective units of extra shortfall worth that try (0.2 % of one goal)
WHOLE_MODEL_OPTIONS = 5000  # above this many options (the full catalogue) the last try is a wide core, not
WIDE_CORE = 120             # the whole model: HiGHS's presolve alone would overrun any time limit


def _solve_highs(model: DayModel, time_limit: float, gap: float, core: bool, abs_gap: float = 0.0
                 ) -> tuple[np.ndarray | None, SolveStatus, float | None]:
    """Solve the LP relaxation, then the MIP over a core of promising pairs, widened once when its plan is
    not within the gap of the relaxation's bound; the whole model (started from the best plan so far)
    only when no core plan meets goals the relaxation meets. The LP bound holds for the whole model, so
    the gap reported is honest: "optimal" when within the gap, else "feasible" with the gap it has.

    Measured: much faster than one MIP over every pair, whose time goes to proving, not finding.
    """
    import highspy

    began = time.perf_counter()
    deadline = began + time_limit
    core_seconds = max(CORE_SECONDS, CORE_SHARE * time_limit)
    n_opt = model.n_options
    slack_cols = slice(n_opt, n_opt + len(model.goal_names))

    def shortfall(x: np.ndarray) -> float:
        return float(np.dot(model.cost[slack_cols], x[slack_cols]))

    cores: list[np.ndarray] = []
    bound = lp_shortfall = x_lp = reduced = None
    if core:
        h = _run_highs(model, model.upper, False, time_limit, gap)
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, SolveStatus("infeasible", "HiGHS", time.perf_counter() - began, None,
                                     "the hard rules contradict each other"), None
        if status == highspy.HighsModelStatus.kOptimal:
            solution = h.getSolution()
            x_lp, reduced = np.asarray(solution.col_value), np.asarray(solution.col_dual)
            bound, lp_shortfall = float(h.getInfo().objective_function_value), shortfall(x_lp)
            for size in CORE_SIZES:
                keep = _core(model, x_lp, reduced, size)
                if keep.sum() * 2 >= n_opt:
                    break
                if not cores or keep.sum() > cores[-1].sum():
                    cores.append(keep)

    def good(x: np.ndarray, value: float) -> bool:
        return value - bound <= max(abs_gap, gap * abs(value))

    def goals_as_lp(x: np.ndarray) -> bool:
        return shortfall(x) <= lp_shortfall + GOAL_SLACK_UNITS * model.unit

    def judged(x: np.ndarray, value: float, seconds: float) -> SolveStatus:
        """'optimal' within the gap of the LP bound (it holds for the whole model), else 'feasible'."""
        true_gap = max(0.0, (value - bound) / max(abs(value), 1e-9))
        if good(x, value):
            return SolveStatus("optimal", "HiGHS", seconds, true_gap)
        return SolveStatus("feasible", "HiGHS", seconds, true_gap, f"within {true_gap:.0%} of the best possible day")

    extra_cols = np.arange(n_opt, len(model.cost))

    def columns(keep: np.ndarray) -> np.ndarray:
        return np.concatenate([np.flatnonzero(keep), extra_cols])

    def solution(h, cols: np.ndarray | None) -> np.ndarray:
        values = np.asarray(h.getSolution().col_value)
        if cols is None:
            return values
        x = np.zeros(len(model.cost))
        x[cols] = values
        return x

    best: tuple[np.ndarray, float] | None = None
    for keep in cores:
        cols = columns(keep)
        left = deadline - time.perf_counter()
        h = _run_highs(model, model.upper, True, min(core_seconds, left), gap, abs_gap, cols=cols)
        if h.getInfo().primal_solution_status == 2:
            value = float(h.getInfo().objective_function_value)
            if best is None or value < best[1]:
                best = (solution(h, cols), value)
            if good(*best):
                break
        if time.perf_counter() >= deadline - 0.01:
            break
    if best is not None and (goals_as_lp(best[0]) or time.perf_counter() >= deadline - 0.05):
        return best[0], judged(*best, time.perf_counter() - began), best[1]
    # no core, or its plan falls short where the relaxation does not: the whole model (a wide core when
    # the model is too big for HiGHS's presolve to keep the time limit), from the best plan so far, with
    # the rest of the time (a goal missed costs far more than the seconds)
    left = max(0.05, deadline - time.perf_counter())
    cols = None
    if n_opt > WHOLE_MODEL_OPTIONS:
        if x_lp is None:   # not even the relaxation in time: the whole MIP would overrun by minutes
            return None, SolveStatus("failed", "HiGHS", time.perf_counter() - began, None,
                                     "time limit reached before any plan was found"), None
        cols = columns(_core(model, x_lp, reduced, WIDE_CORE))
    h = _run_highs(model, model.upper, True, left, gap, abs_gap,
                   start=None if best is None else best[0], cols=cols)
    status = highs_status(h, time.perf_counter() - began)
    if status.status in ("optimal", "time_limit"):
        x = solution(h, cols)
        if best is not None and float(h.getInfo().objective_function_value) > best[1]:
            x = best[0]
        value = float(np.dot(model.cost, x))
        if cols is not None and status.status == "optimal":   # proven on the core only: the bound is the LP's
            status = judged(x, value, status.seconds)
        return x, status, value
    if best is not None:
        true_gap = max(0.0, (best[1] - bound) / max(abs(best[1]), 1e-9))
        return best[0], SolveStatus("feasible", "HiGHS", time.perf_counter() - began, true_gap,
                                    f"within {true_gap:.0%} of the best possible day"), best[1]
    return None, status, None


def relaxation_slack(model: DayModel, time_limit: float = 1.0) -> dict[str, float] | None:
    """Each goal's slack in the LP relaxation (portions may be fractions): a fast, optimistic answer to
    "could the day reach its goals with this rule eased?". None when the relaxation is not solved."""
    import highspy

    try:
        h = _run_highs(model, model.upper, False, time_limit, 0.0)
    except Exception:  # noqa: BLE001 - a what-if that cannot be answered is left out
        return None
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    x = np.asarray(h.getSolution().col_value)
    return {g: float(x[model.n_options + i]) for i, g in enumerate(model.goal_names)}


def _solve_cbc(model: DayModel, time_limit: float, gap: float, first_error: str
               ) -> tuple[np.ndarray | None, SolveStatus, float | None]:
    """The fallback: the same arrays as a PuLP problem, solved by CBC through planner.solver."""
    import pulp

    from planner.solver import solve

    problem = pulp.LpProblem("day", pulp.LpMinimize)
    cols = [problem.add_variable(f"x{j}", lowBound=model.lower[j],
                            upBound=None if model.upper[j] == _INF else model.upper[j],
                            cat=pulp.LpInteger if model.integer[j] else pulp.LpContinuous)
            for j in range(len(model.cost))]
    problem += pulp.LpAffineExpression({cols[j]: c for j, c in enumerate(model.cost) if c})
    starts, index, value = model.rows.csr()
    lows, highs = model.rows.lower, model.rows.upper
    for r in range(len(lows)):
        expr = pulp.LpAffineExpression(
            {cols[j]: v for j, v in zip(index[starts[r]:starts[r + 1]], value[starts[r]:starts[r + 1]],
                                        strict=True)})
        lo, hi = lows[r], highs[r]
        if lo == hi:
            problem += expr == lo
        else:
            if lo > -_INF:
                problem += expr >= lo
            if hi < _INF:
                problem += expr <= hi
    status = solve(problem, time_limit=time_limit, gap=gap)
    status.message = (first_error + status.message).strip("; ")
    if status.status in ("optimal", "time_limit"):
        x = np.array([c.varValue or 0.0 for c in cols])
        return x, status, float(pulp.value(problem.objective) or 0.0)
    return None, status, None


def tightened(model: DayModel, x: np.ndarray) -> np.ndarray:
    """`x` with every goal slack and soft-ceiling excess set to the least its row allows. A solve cut off
    by its time limit may hand back more slack than the chosen foods need (the rows bound it from one
    side only): left so, it would report shortfalls and costs that the plan does not have."""
    x = np.array(x, dtype=float)
    starts, index, value = model.rows.csr()
    lows, highs = model.rows.lower, model.rows.upper
    n_opt = model.n_options

    def food_activity(r: int) -> float:
        cols, vals = index[starts[r]:starts[r + 1]], value[starts[r]:starts[r + 1]]
        food = cols < n_opt
        return float(np.dot(vals[food], x[cols[food]]))

    for g, r in enumerate(model.goal_rows):
        x[n_opt + g] = max(0.0, lows[r] - food_activity(r))
    for c, r in enumerate(model.soft_rows):
        x[n_opt + len(model.goal_rows) + c] = max(0.0, food_activity(r) - highs[r])
    return x


def solve_day(model: DayModel, time_limit: float, gap: float = 0.01, use_highs: bool = True,
              core: bool = True, abs_gap: float = 0.0) -> DaySolution:
    """Solve under a hard time limit; HiGHS first, CBC if HiGHS is missing or crashes. Never raises."""
    first_error = ""
    x = obj = None
    if use_highs:
        try:
            x, status, obj = _solve_highs(model, time_limit, gap, core, abs_gap)
        except ImportError:
            first_error, status = "HiGHS is not installed; ", None
        except Exception as exc:  # noqa: BLE001 - a solver crash is reported, then CBC tries
            first_error, status = f"HiGHS failed ({exc}); ", None
    else:
        status = None
    if status is None and model.n_options > WHOLE_MODEL_OPTIONS:   # PuLP alone would take minutes to build it
        status = SolveStatus("failed", "CBC", 0.0, None, f"{first_error}the model is too big for the CBC "
                             "fallback within the time limit")
    elif status is None:
        x, status, obj = _solve_cbc(model, time_limit, gap, first_error)
    if x is None:
        return DaySolution({}, {}, None, status)
    x = tightened(model, x)
    obj = float(np.dot(model.cost, x))
    n_opt = model.n_options
    picked = np.flatnonzero(x[:n_opt] > 0.5)
    pairs = model.opt_pair[picked]
    chosen = {(int(model.food_idx[k]), int(model.slot_idx[k])): int(n)
              for k, n in zip(pairs, model.opt_steps[picked], strict=True)}
    slack = {g: float(x[n_opt + i]) for i, g in enumerate(model.goal_names)}
    over = float(x[-1]) if model.has_budget else 0.0
    return DaySolution(chosen, slack, obj, status, over)
