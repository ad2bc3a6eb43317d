"""The meal-plan optimiser: a profile becomes 1-14 days of five small meals that meet its Mg/K/Ca targets.

Method (measured in benchmarks/plan_speed.py): one small MILP per day (planner.model_day), days solved
in turn. Variety is carried from day to day: a food eaten on earlier days costs more per kcal each time,
a food on `max_days_per_food` days is used up, no day holds a whole earlier day, and no meal holds the
same meal of the day before or after. Goals carry heavily penalised slack, so a day always comes back
with its shortfalls; which rules bind and what would help are found by solving the hardest day again
with one rule eased at a time.

Meal energy shares are shares of the day's energy target (measured: against the day's actual energy the
rows mix signs and the MIP is 1.5-3x slower). Grams are stored rounded to 0.1 g, as the JSON keeps them;
the day model tightens every hard row by the most that rounding can move it, so a plan read back from
its file keeps every rule exactly.

Objective, per day: without prices, the day's energy weighted by preference (liked and recommended
foods cheaper, foods eaten on earlier days dearer, a small seeded random part so days differ); with
prices, money first and preferences as a tie-break; always the goals' slack, heavily.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from foods import FoodTable
from planner.errors import PlannerError
from planner.model_day import (
    DISH_BONUS,
    ENERGY_WEIGHT,
    GOAL_WEIGHT,
    PROTEIN_WEIGHT,
    SOFT_CAP_WEIGHT,
    Amount,
    DayModel,
    DayRequest,
    DayRules,
    DaySolution,
    build_day,
    dish_options,
    pairs_of,
    relaxation_slack,
    solve_day,
)
from planner.model_foods import (
    Selection,
    dishes,
    excluded_alternatives,
    goal_amount,
    meal_patterns,
    select_foods,
    table_arrays,
)
from planner.plan import Day, Meal, Plan, PlanItem, Shortfall, SolveStatus, day_totals, items_totals
from planner.profile import Profile, profile_from_dict
from planner.render import nutrient_word, plural, unit_word
from planner.rules import amdr_table, meal_slots, rules
from planner.targets import Targets, main_meal_protein, targets_for

MAX_DAYS = 14
DEFAULT_MAX_DAYS_PER_FOOD = 3
PREFERENCE_WEIGHT = 10.0  # objective units for a day's energy from neutral foods
LIKE_BONUS = 0.5          # per kcal, a liked food costs this share less
RECOMMENDED_BONUS = 0.15  # per kcal, a food the articles recommend costs this share less
NEW_FOOD_COST = {"low": 1.0, "usual": 0.5, "high": 0.1}   # objective units to bring a food new to the week in
VARIETIES = tuple(NEW_FOOD_COST)
LEFTOVER_BONUS = 0.3      # per kcal, last night's dinner foods cost this share less at lunch (cook once, eat twice)
EVERY_DAY_ROLES = ("fat", "garnish")   # cooking fats and garnishes are never used up
MILK_ORDER = ("milk", "skim_milk", "whole_milk")   # the week's milk unless one is liked or kept: 2 % first
NOISE = 0.3               # per kcal, a seeded random share up to this, so that days differ
TIE_BREAK = 0.05          # with prices: preferences weigh this share of a typical day's cost
TYPICAL_STEPS = 15        # planning steps in a typical day, to size that share
DAY_GAP = 0.02            # a day is "optimal" within 2 % of the LP bound ...
ABS_GAP = 1.0             # ... or within 1 objective unit (10 % of a day's food cost: dishes and patterns make
                          # the relaxation weaker than the whole-portion day), whichever is looser
SHORTFALL_TOLERANCE = 0.001  # a goal missed by less than 0.1 % counts as met (float and gram rounding)
WHAT_IF_SECONDS = 2.0     # safety cap of each "what would help" solve (it stops at its work limit)
WHAT_IF_RESERVE = 0.25    # share of the time limit kept for them
DAY_RESERVE = 0.3         # seconds of the safety cap kept for each day still to plan
EXTRA_KCAL = 200          # the "more energy" what-if
MACRO_RANGES = "the protein, fat and carbohydrate ranges"   # the AMDR, as people say it
_SOLVED = ("optimal", "feasible", "time_limit")
_STATUS_RANK = {"optimal": 0, "feasible": 1, "time_limit": 2, "infeasible": 3, "failed": 4}

DayPairs = dict[tuple[int, int], int]   # (food, slot) -> steps


@dataclass(frozen=True)
class Lock:
    """Keep `food_id` in meal `slot` of 0-based `day`; `grams` None lets the planner choose the amount."""

    day: int
    slot: str
    food_id: str
    grams: float | None = None


@dataclass
class _Week:
    """Everything fixed for one plan: profile, targets, the foods as arrays, costs, locks."""

    profile: Profile
    table: FoodTable
    targets: Targets
    selection: Selection
    day_rules: DayRules
    days: int
    food_idx: np.ndarray           # per pair
    slot_idx: np.ndarray           # per pair
    preference: np.ndarray         # per pair: share of neutral cost per kcal (liked, recommended cheaper)
    kcal_share: np.ndarray         # per pair: one step's share of the day's energy target
    step_price: np.ndarray | None  # per pair: money per step
    unit: float                    # money per objective unit (1 without prices)
    extra_pairs: np.ndarray        # per pair: exists only because a lock put the food in that meal
    locks: dict[int, dict[tuple[int, int], int | None]]
    max_days_per_food: int
    seed: int
    budget_total: float | None
    variety: str = "usual"
    milk: str = ""                 # the week's one milk (2 % unless liked, locked or kept otherwise)
    notes: list[str] = field(default_factory=list)
    pair_index: dict[tuple[int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pair_index = {(int(f), int(s)): k
                           for k, (f, s) in enumerate(zip(self.food_idx, self.slot_idx, strict=True))}

    @property
    def slots(self) -> tuple[str, ...]:
        return self.day_rules.slots

    @property
    def ids(self) -> tuple[str, ...]:
        return self.selection.foods.ids


# --- building a week ------------------------------------------------------------------------------------

def day_rules_for(targets: Targets, profile: Profile | None = None) -> DayRules:
    """The hard rules and goals every day shares, from the targets, planner/data/rules.toml and the meal
    patterns (planner/data/meal_patterns.toml); `profile` sets the per-meal protein and the vegan legumes."""
    meal_rules = rules()["meals"]
    slots = tuple(meal_slots())
    goals = {k: float(t.min) for k, t in targets.items.items() if t.goal and t.min}
    caps = {k: float(t.max) for k, t in targets.items.items() if t.max is not None}
    soft = {k: float(t.soft_max) for k, t in targets.items.items() if t.soft_max}
    amdr = {row.field: (row.min_pct / 100.0, row.max_pct / 100.0, float(row.kcal_per_g))
            for row in amdr_table().itertuples()}
    protein = targets.items.get("protein_g")
    floor = min(x for x in (protein.min, protein.max) if x is not None) if protein and protein.min else 0.0
    if protein is not None and protein.max is not None:   # a clinical protein range replaces the AMDR's share
        amdr.pop("protein_g", None)
    per_meal = main_meal_protein(profile, targets) if profile is not None else 0.0
    kinds = meal_rules["kind"]
    meal_protein = tuple(per_meal if kinds[s] in ("lunch", "dinner") else 0.0 for s in slots)
    data = meal_patterns()
    patterns = tuple(tuple((name, {k: tuple(v) for k, v in counts.items()})
                           for name, counts in data["patterns"]["main" if kinds[s] in ("lunch", "dinner")
                                                                 else kinds[s]].items()) for s in slots)
    vegan = profile is not None and profile.diet == "vegan"
    day_amounts = tuple(_amount(name, spec, vegan) for name, spec in data["day"].items())
    meal_amounts = tuple(_amount(name, spec, vegan) for name, spec in data["meal"].items())
    return DayRules(slots, tuple(tuple(meal_rules["foods"][s]) for s in slots),
                    tuple(tuple(meal_rules["share"][s]) for s in slots), targets.energy_range,
                    dict(targets.macros), caps, goals, soft, float(targets.energy_kcal), amdr, float(floor),
                    meal_protein, patterns, tuple(data["free_roles"]), tuple(data["uncounted_roles"]),
                    day_amounts, meal_amounts, dishes())


def _amount(name: str, spec: dict, vegan: bool) -> Amount:
    for measure in ("grams", "portions", "items"):
        if measure in spec:
            low, high = spec[f"vegan_{measure}"] if vegan and f"vegan_{measure}" in spec else spec[measure]
            return Amount(name, tuple(spec["roles"]), measure, float(low), float(high))
    raise ValueError(f"meal_patterns.toml: {name} needs grams, portions or items")


def _check_days(days) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise PlannerError(f"days must be a whole number from 1 to {MAX_DAYS}, not {days}")


def _check_time(time_limit) -> float:
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or not 0 < time_limit <= 3600:
        raise PlannerError(f"the time limit must be more than 0 and at most 3600 seconds, not {time_limit}")
    return float(time_limit)


def _check_lock(lock: Lock, days: int, table: FoodTable) -> None:
    if not isinstance(lock, Lock):
        raise PlannerError(f"a lock is Lock(day, slot, food_id, grams), not {lock!r}")
    if isinstance(lock.day, bool) or not isinstance(lock.day, int) or not 0 <= lock.day < days:
        shown = lock.day + 1 if isinstance(lock.day, int) else lock.day
        raise PlannerError(f"lock on day {shown}: the plan has days 1-{days}")
    if lock.slot not in meal_slots():
        raise PlannerError(f"lock meal '{lock.slot}' is not a meal; meals are {', '.join(meal_slots())}")
    table.get(lock.food_id)
    grams = lock.grams
    if grams is not None and (isinstance(grams, bool) or not isinstance(grams, int | float) or not 0 < grams <= 5000):
        raise PlannerError(f"lock {lock.food_id}: grams must be more than 0 and at most 5000, not {grams}")


def _build_week(profile: Profile, table: FoodTable, days: int, locks, max_days_per_food: int, prices,
                weekly_budget, seed: int, keep: set[tuple[str, str]] = frozenset(), variety: str = "usual"
                ) -> _Week:
    """The week's context. `keep` holds (food id, meal) items to be kept as they are (regenerate): like
    locks, they may be foods the articles say to limit, or sit in a meal the food does not usually fit."""
    locks = tuple(locks)
    for lock in locks:
        _check_lock(lock, days, table)
    if variety not in VARIETIES:
        raise PlannerError(f"variety must be one of {', '.join(VARIETIES)}, not {variety!r}")
    if isinstance(max_days_per_food, bool) or not isinstance(max_days_per_food, int) or max_days_per_food < 1:
        raise PlannerError(f"max_days_per_food must be a whole number of days, 1 or more, not {max_days_per_food}")
    targets = targets_for(profile)
    selection = select_foods(profile, table, targets, keep={lk.food_id for lk in locks} | {f for f, _ in keep})
    foods = selection.foods
    index = {fid: i for i, fid in enumerate(foods.ids)}
    slots = tuple(meal_slots())
    # a lock may put a food in a meal it does not usually fit: that pair exists, but only on its day
    fits = foods.fits.copy()
    for food_id, slot in [(lk.food_id, lk.slot) for lk in locks] + list(keep):
        fits[index[food_id], slots.index(slot)] = True
    extra = fits & ~foods.fits
    if extra.any():
        selection = replace(selection, foods=replace(foods, fits=fits))
        foods = selection.foods
    fi, si = pairs_of(foods)
    preference = _food_preference(selection.liked, selection.recommended)[fi]
    kcal_share = np.nan_to_num(foods.per_step["energy_kcal"][fi]) / targets.energy_kcal
    notes = list(targets.notes) + list(selection.notes)
    step_price, unit = None, 1.0
    if prices:
        step_price, unit, price_notes = _prices(table, selection, fi, prices)
        notes += price_notes
    lock_map: dict[int, dict[tuple[int, int], int | None]] = {}
    for lock in locks:
        f = index[lock.food_id]
        steps = None if lock.grams is None else max(1, round(lock.grams / float(foods.step_grams[f])))
        lock_map.setdefault(lock.day, {})[(f, slots.index(lock.slot))] = steps
    budget_total = None
    if weekly_budget is not None:
        if isinstance(weekly_budget, bool) or not isinstance(weekly_budget, int | float) or weekly_budget <= 0:
            raise PlannerError(f"the weekly budget must be a positive amount, not {weekly_budget}")
        if not prices:
            raise PlannerError("a weekly budget needs prices (food id -> price per kg as bought)")
        budget_total = float(weekly_budget) * days / 7.0
    return _Week(profile, table, targets, selection, day_rules_for(targets, profile), days, fi, si, preference, kcal_share,
                 step_price, unit, extra[fi, si], lock_map, max_days_per_food, seed, budget_total, variety,
                 _week_milk(selection, {lk.food_id for lk in locks} | {f for f, _ in keep}), notes)


def _week_milk(selection: Selection, kept: set[str]) -> str:
    """The week's one milk: a kept or locked one, else a liked one, else the first of MILK_ORDER planned."""
    foods = selection.foods
    group = foods.same_food if foods.same_food is not None else np.array(foods.ids)
    milks = [fid for fid, g in zip(foods.ids, group, strict=True) if g == "milk"]
    liked = {fid for fid, like in zip(foods.ids, selection.liked, strict=True) if like}
    for choice in ([m for m in milks if m in kept], [m for m in milks if m in liked],
                   [m for m in MILK_ORDER if m in milks], milks):
        if choice:
            return choice[0]
    return ""


def _food_preference(liked, recommended):
    """A food's share of the neutral cost per kcal: liked and recommended foods cost less (arrays or bools)."""
    return 1.0 - LIKE_BONUS * liked - RECOMMENDED_BONUS * recommended


def _prices(table: FoodTable, selection: Selection, fi: np.ndarray, prices: dict
            ) -> tuple[np.ndarray, float, list[str]]:
    """Money per planning step of each pair, from prices per kg of the bought form (as planner.shopping
    reads them), and the money one objective unit is worth."""
    per_kg = {}
    for fid, price in prices.items():
        table.get(fid)
        if isinstance(price, bool) or not isinstance(price, int | float) or not 0 <= price < 1e6:
            raise PlannerError(f"price of {fid} must be a number per kg, 0 or more, not {price}")
        per_kg[fid] = float(price)
    foods = selection.foods
    known = np.array([per_kg.get(fid, np.nan) for fid in foods.ids])
    if np.isnan(known).all():
        raise PlannerError("none of the priced foods can be planned for this profile; price some of: "
                           + ", ".join(foods.ids[:8]))
    notes = []
    missing = np.isnan(known)
    if missing.any():
        median = float(np.nanmedian(known))
        known = np.where(missing, median, known)
        notes.append(f"{int(missing.sum())} foods have no price; they are counted at the median price of the "
                     f"priced ones ({median:.2f} per kg).")
    bought_per_gram = np.array([table.foods[fid].bought_grams(1.0) for fid in foods.ids])
    step_price = known / 1000.0 * bought_per_gram * foods.step_grams
    positive = step_price[step_price > 0]
    typical_day = float(np.median(positive)) * TYPICAL_STEPS if len(positive) else 1.0
    return step_price[fi], typical_day / PREFERENCE_WEIGHT, notes


# --- one day ---------------------------------------------------------------------------------------------

def _usage(planned: dict[int, DayPairs], skip: int) -> dict[int, int]:
    """Days on which each food is eaten, over every planned day except `skip`."""
    count: dict[int, int] = {}
    for d, pairs in planned.items():
        if d != skip:
            for f in {f for f, _ in pairs}:
                count[f] = count.get(f, 0) + 1
    return count


def _request(week: _Week, d: int, planned: dict[int, DayPairs], forced: dict, salt: int = 0,
             budget: float | None = None, avoid_extra: list | None = None) -> DayRequest:
    """Day `d`'s costs and variety rules, given the days already planned.

    A week reuses food on purpose: a food (raw and cooked forms are one food) not yet eaten this week
    costs NEW_FOOD_COST[variety] to bring in; one used on `max_days_per_food` days is used up, except
    cooking fats, garnishes and the week's milk; once the week has a milk, no other milk joins it; the
    day before's dinner comes cheaper at lunch (cook once, eat twice).
    """
    foods = week.selection.foods
    group = foods.same_food if foods.same_food is not None else np.array(week.ids)
    _, group_idx = np.unique(group, return_inverse=True)
    days_eaten = np.zeros(group_idx.max(initial=0) + 1)
    for e, pairs in planned.items():
        if e != d:
            np.add.at(days_eaten, np.unique(group_idx[[f for f, _ in pairs]]) if pairs else [], 1)
    usage = days_eaten[group_idx]
    rng = np.random.default_rng([week.seed, d, salt])
    per_kcal = week.preference + NOISE * rng.random(len(week.preference))
    fi, si = week.food_idx, week.slot_idx
    leftovers = {f for f, s in planned.get(d - 1, {}) if week.slots[s] == "dinner"}
    if leftovers and "lunch" in week.slots:
        lunch = week.slots.index("lunch")
        per_kcal = per_kcal - LEFTOVER_BONUS * (np.isin(fi, list(leftovers)) & (si == lunch))
    step_cost = PREFERENCE_WEIGHT * per_kcal * week.kcal_share
    pair_cost = np.where(usage[fi] > 0, 0.0, NEW_FOOD_COST[week.variety])
    if week.step_price is not None:
        step_cost = week.step_price + TIE_BREAK * week.unit * step_cost
        pair_cost = TIE_BREAK * week.unit * pair_cost
    roles = foods.roles if foods.roles is not None else np.full(len(week.ids), "", dtype=str)
    week_milk = np.array(week.ids) == week.milk
    banned = (usage >= week.max_days_per_food) & ~np.isin(roles, EVERY_DAY_ROLES) & ~week_milk
    banned |= (group == "milk") & ~week_milk   # one milk for the week
    banned[[f for f, _ in forced]] = False
    banned_pairs = None
    if week.extra_pairs.any():   # a pair a lock created on another day is not on the menu today
        today = np.zeros(len(week.food_idx), dtype=bool)
        today[[week.pair_index[p] for p in forced if p in week.pair_index]] = True
        banned_pairs = week.extra_pairs & ~today
    avoid = [sorted(pairs) for e, pairs in planned.items() if e != d and pairs]
    for e in (d - 1, d + 1):
        for s in range(len(week.slots)):
            meal = sorted((f, s2) for f, s2 in planned.get(e, {}) if s2 == s)
            if meal:
                avoid.append(meal)
    avoid += avoid_extra or []
    return DayRequest(step_cost, banned_foods=banned, banned_pairs=banned_pairs, forced=dict(forced), avoid=avoid,
                      budget=budget, step_price=week.step_price, unit=week.unit, pair_cost=pair_cost)


def _without_variety(request: DayRequest, relax: frozenset[str] = frozenset()) -> DayRequest:
    """The request with the variety rules left out (no food used up, no day or meal to avoid), and `relax`."""
    return replace(request, banned_foods=None, avoid=[], relax=relax | {"variety"})


def _solve(week: _Week, request: DayRequest, time_limit: float, selection: Selection | None = None
           ) -> DaySolution:
    model = build_day((selection or week.selection).foods, week.day_rules, request)
    return solve_day(model, time_limit, DAY_GAP, abs_gap=ABS_GAP * week.unit)


def _day_budget(week: _Week, d: int, planned: dict[int, DayPairs]) -> float | None:
    """The day's share of what is left of the budget after the other planned days."""
    if week.budget_total is None:
        return None
    spent = sum(_money(week, pairs) for e, pairs in planned.items() if e != d)
    open_days = sum(1 for e in range(week.days) if e not in planned or e == d)
    return max(0.0, week.budget_total - spent) / max(1, open_days)


def _money(week: _Week, pairs: DayPairs) -> float:
    if week.step_price is None:
        return 0.0
    return float(sum(week.step_price[week.pair_index[p]] * n for p, n in pairs.items() if p in week.pair_index))


def _plan_day(week: _Week, d: int, planned: dict[int, DayPairs], forced: dict, time_limit: float,
              salt: int = 0, avoid_extra: list | None = None, closed_pairs: np.ndarray | None = None,
              fixed_slots: frozenset[int] = frozenset(), deadline: float | None = None
              ) -> tuple[DayRequest, DaySolution, list[str]]:
    """Solve one day; if the solver fails in `time_limit` and `deadline` leaves time, solve it again with
    the time that is left; if the variety rules alone make it impossible, solve it again without them, and
    say so. `closed_pairs` may not be used (meals kept as they are)."""
    began = time.perf_counter()
    request = _request(week, d, planned, forced, salt, _day_budget(week, d, planned), avoid_extra)
    if closed_pairs is not None:
        banned = closed_pairs if request.banned_pairs is None else request.banned_pairs | closed_pairs
        request = replace(request, banned_pairs=banned, fixed_slots=fixed_slots)
    solution = _solve(week, request, time_limit)
    left = 0.0 if deadline is None else deadline - time.perf_counter() - 0.05
    if solution.status.status == "failed" and left > 0.5:   # no plan in its share: use what is left
        began, time_limit = time.perf_counter(), left
        solution = _solve(week, request, time_limit)
    if solution.status.status == "infeasible":
        eased = _without_variety(request)
        retry = _solve(week, eased, max(0.2, time_limit - (time.perf_counter() - began)))
        if retry.status.status in _SOLVED:
            note = (f"Day {d + 1}: foods repeat more than the variety rules allow, because the other rules "
                    "left no other way.")
            return eased, retry, [note]
        if forced:   # what is kept or locked may leave no meal pattern or food-group amount possible
            eased = _without_variety(request, frozenset({"meal_patterns", "food_groups"}))
            retry = _solve(week, eased, max(0.2, time_limit - (time.perf_counter() - began)))
            if retry.status.status in _SOLVED:
                note = (f"Day {d + 1}: with the foods you kept, its meals do not all follow a meal pattern and "
                        "its vegetables, fruit or legumes may be outside their daily amounts.")
                return eased, retry, [note]
    return request, solution, []


# --- plans out of solutions, and back ------------------------------------------------------------------

def _to_day(week: _Week, d: int, pairs: DayPairs, locked: set[tuple[int, int]],
            dishes: dict[int, str] | None = None) -> Day:
    """A Day of PlanItems: grams are whole steps of the food's portion; the biggest item of a meal first."""
    foods = week.selection.foods
    energy = np.nan_to_num(foods.per_step["energy_kcal"])
    meals = []
    for s, slot in enumerate(week.slots):
        chosen = sorted(((f, n) for (f, s2), n in pairs.items() if s2 == s),
                        key=lambda fn: (-energy[fn[0]] * fn[1], week.ids[fn[0]]))
        items = []
        for f, n in chosen:
            food = week.table.foods[week.ids[f]]
            grams = round(float(foods.step_grams[f]) * n, 1)   # as JSON keeps it; the model allows for it
            items.append(PlanItem(food.id, food.name, food.ndb, grams, food.portion_text(grams), (f, s) in locked))
        meals.append(Meal(slot, items, (dishes or {}).get(s, "")))
    return Day(d, meals)


def _day_pairs(week: _Week, day: Day, kept_slots: frozenset[str] = frozenset()
               ) -> tuple[DayPairs, set[tuple[int, int]]]:
    """A plan's day as (food, slot) -> steps for this week. A food the week cannot plan is skipped, unless
    it is locked or in one of `kept_slots`: then it was meant to be kept, and that is an error."""
    index = {fid: i for i, fid in enumerate(week.ids)}
    pairs: DayPairs = {}
    locked = set()
    for meal in day.meals:
        if meal.slot not in week.slots:
            continue
        s = week.slots.index(meal.slot)
        for it in meal.items:
            f = index.get(it.food_id)
            if f is None:
                if it.locked or meal.slot in kept_slots:
                    raise PlannerError(f"{it.food_id} in {day.label} {meal.label} cannot be kept: this profile "
                                       "excludes it")
                continue
            pairs[(f, s)] = max(1, round(it.grams / float(week.selection.foods.step_grams[f])))
            if it.locked:
                locked.add((f, s))
    return pairs, locked


def _combined(statuses: list[SolveStatus], seconds: float) -> SolveStatus:
    """The plan's status: the worst day's, the largest gap, and one message that says which days."""
    if not statuses:
        return SolveStatus("optimal", "HiGHS", seconds, 0.0)
    worst = max(statuses, key=lambda s: _STATUS_RANK.get(s.status, 4))
    gaps = [s.gap for s in statuses if s.gap is not None]
    gap = max(gaps) if gaps else None
    parts = []
    for kind, words in (("failed", "the solver failed on"), ("infeasible", "the hard rules contradict on"),
                        ("time_limit", "stopped at the time limit on"), ("feasible", "not proven best on")):
        days = [str(d + 1) for d, s in enumerate(statuses) if s.status == kind]
        if days:
            parts.append(f"{words} day{'s' if len(days) > 1 else ''} {', '.join(days)}")
    if parts and gap is not None and worst.status in ("feasible", "time_limit"):
        parts.append(f"every day within {gap:.0%} of its best possible")
    parts += list(dict.fromkeys(s.message for s in statuses if s.solver == "CBC" and s.message))
    solver = "CBC" if any(s.solver == "CBC" for s in statuses) else worst.solver
    return SolveStatus(worst.status, solver, seconds, gap, "; ".join(parts))


def _status_notes(week: _Week, solutions: dict[int, DaySolution]) -> list[str]:
    notes = []
    for d, sol in sorted(solutions.items()):
        if sol.status.status == "failed":
            notes.append(f"Day {d + 1}: the solver failed ({sol.status.message}). This does not mean no plan "
                         "exists: try a longer time limit.")
        elif sol.status.status == "infeasible":
            notes.append(f"Day {d + 1}: no day can keep all the hard rules; {diagnose_infeasible(week, d)}")
        if sol.over_budget > 0.005:
            notes.append(f"Day {d + 1}: {sol.over_budget:.2f} over its share of the budget; no cheaper day keeps "
                         "the rules.")
    return notes


# --- the public API ------------------------------------------------------------------------------------

def make_plan(profile: Profile, table: FoodTable, days: int = 7, *, locks=(),
              max_days_per_food: int = DEFAULT_MAX_DAYS_PER_FOOD, prices: dict[str, float] | None = None,
              weekly_budget: float | None = None, time_limit: float = 120.0, seed: int = 0,
              variety: str = "usual") -> Plan:
    """A plan of `days` days for `profile`: the hard rules always, the Mg/K/Ca goals as far as they go.

    `locks` keep foods in meals; `prices` (food id -> price per kg as bought) make the objective money,
    within `weekly_budget` (per 7 days, scaled to the plan's length); `time_limit` bounds the whole run,
    every solve included; `seed` picks among equally good plans. Solver trouble comes back in
    `plan.status` and the notes, never as "no plan exists".
    """
    began = time.perf_counter()
    _check_days(days)
    time_limit = _check_time(time_limit)
    week = _build_week(profile, table, days, locks, max_days_per_food, prices, weekly_budget, seed, variety=variety)
    deadline = began + time_limit
    reserve = WHAT_IF_RESERVE * time_limit
    planned: dict[int, DayPairs] = {}
    notes: list[str] = []
    requests: dict[int, DayRequest] = {}
    solutions: dict[int, DaySolution] = {}
    for d in range(days):
        # wall-clock is only a safety cap (the solves stop at deterministic work limits): a day may use all
        # that is left but a little for each day after it
        share = max(0.05, deadline - reserve - time.perf_counter() - DAY_RESERVE * (days - d - 1))
        request, solution, day_notes = _plan_day(week, d, planned, week.locks.get(d, {}), share,
                                                 deadline=deadline)
        notes += day_notes
        requests[d], solutions[d], planned[d] = request, solution, solution.steps
    plan_days = [_to_day(week, d, planned[d], set(week.locks.get(d, {})), solutions[d].dishes) for d in range(days)]
    notes += protein_notes(week, plan_days)
    shortfalls = explain_shortfalls(week, planned, requests, solutions, deadline)
    notes += _status_notes(week, solutions)
    status = _combined([s.status for s in solutions.values()], time.perf_counter() - began)
    return Plan(plan_days, profile.to_dict(), week.targets.to_dict(), shortfalls, status,
                list(dict.fromkeys(week.notes + notes)))


def regenerate(plan: Plan, profile: Profile, table: FoodTable, day: int, slot: str | None = None, *,
               locks=(), time_limit: float = 5.0, max_days_per_food: int = DEFAULT_MAX_DAYS_PER_FOOD,
               prices: dict[str, float] | None = None, weekly_budget: float | None = None,
               seed: int | None = None) -> Plan:
    """A new plan with day `day` (0-based), or only its meal `slot`, planned again: every other day and
    meal, and every locked item (marked in the plan or in `locks`), stays as it was; what is planned
    again differs from what was there. On solver trouble the old plan comes back with the status."""
    began = time.perf_counter()
    time_limit = _check_time(time_limit)
    n_days = len(plan.days)
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day < n_days:
        shown = day + 1 if isinstance(day, int) else day
        raise PlannerError(f"day {shown} is not in the plan (days 1-{n_days})")
    if slot is not None and slot not in meal_slots():
        raise PlannerError(f"'{slot}' is not a meal; meals are {', '.join(meal_slots())}")
    old_day = plan.days[day]
    kept = {(it.food_id, m.slot) for m in old_day.meals for it in m.items
            if it.locked or (slot is not None and m.slot != slot)}
    seed = time.time_ns() % 1_000_003 if seed is None else seed
    week = _build_week(profile, table, n_days, locks, max_days_per_food, prices, weekly_budget, seed, keep=kept)
    planned = {other.index: _day_pairs(week, other)[0] for other in plan.days if other.index != day}
    others = frozenset(meal_slots()) - {slot} if slot is not None else frozenset()
    old_pairs, old_locked = _day_pairs(week, old_day, kept_slots=others)
    forced: dict[tuple[int, int], int | None] = {p: old_pairs[p] for p in old_locked}
    in_scope = (lambda p: True) if slot is None else (lambda p: p[1] == week.slots.index(slot))
    forced.update({p: n for p, n in old_pairs.items() if not in_scope(p)})
    forced.update(week.locks.get(day, {}))
    # something must change: the old day (or meal) may not come back whole
    old_scope = sorted(p for p in old_pairs if in_scope(p))
    avoid_extra = [old_scope] if old_scope and any(p not in forced for p in old_scope) else []
    closed = None
    fixed = frozenset()
    if slot is not None:   # the other meals are kept as they are: nothing may join them
        closed = np.array([int(s) != week.slots.index(slot) and (int(f), int(s)) not in forced
                           for f, s in zip(week.food_idx, week.slot_idx, strict=True)])
        fixed = frozenset(s for s in range(len(week.slots)) if week.slots[s] != slot)
    request, solution, notes = _plan_day(week, day, planned, forced, time_limit * (1 - WHAT_IF_RESERVE),
                                         salt=seed, avoid_extra=avoid_extra, closed_pairs=closed, fixed_slots=fixed)
    if solution.status.status not in _SOLVED:
        status = replace(solution.status, seconds=time.perf_counter() - began)
        return replace(plan, status=status, notes=list(plan.notes) + _status_notes(week, {day: solution}))
    new_day = _to_day(week, day, solution.steps, set(old_locked) | set(week.locks.get(day, {})), solution.dishes)
    if slot is not None:   # the kept meals stay exactly as they were, item order and all
        new_day = Day(day, [new_day.meal(slot) if m.slot == slot else m for m in old_day.meals])
    days = [new_day if d.index == day else d for d in plan.days]
    planned[day] = solution.steps
    fresh = explain_shortfalls(week, {day: solution.steps}, {day: request}, {day: solution}, began + time_limit)
    others = [s for s in plan.shortfalls if s.day != day]
    status = replace(solution.status, seconds=time.perf_counter() - began)
    return replace(plan, days=days, shortfalls=sorted(others + fresh, key=_shortfall_order), status=status,
                   notes=list(dict.fromkeys(list(plan.notes) + notes)))


def protein_notes(week: _Week, days: list[Day]) -> list[str]:
    """Honest notes for days or main meals under their protein floor (the floors carry penalised slack)."""
    rules_ = week.day_rules
    notes = []
    for day in days:
        if not day.items():   # a day the solver could not plan is explained by its own note
            continue
        got = day_totals(week.table, day).values["protein_g"]
        if rules_.protein_floor and got < rules_.protein_floor - 0.05:
            notes.append(f"{day.label}: protein {got:.0f} g, under the {rules_.protein_floor:.0f} g floor: the "
                         "other rules left no way to reach it.")
        for s, meal in enumerate(day.meals):
            floor = rules_.meal_protein[s] if s < len(rules_.meal_protein) else 0.0
            meal_got = items_totals(week.table, meal.items).values["protein_g"]
            if floor and meal_got < floor - 0.05:
                notes.append(f"{day.label} {meal.label}: protein {meal_got:.0f} g, under the {floor:.0f} g a main "
                             "meal should hold.")
    return notes


def _shortfall_order(s: Shortfall):
    return (-1 if s.day is None else s.day, s.nutrient)


def _find_meal(plan: Plan, day: int, slot: str) -> tuple[Day, Meal]:
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day < len(plan.days):
        shown = day + 1 if isinstance(day, int) else day
        raise PlannerError(f"day {shown} is not in the plan (days 1-{len(plan.days)})")
    d = plan.days[day]
    return d, d.meal(slot)


def set_portion(plan: Plan, table: FoodTable, day: int, slot: str, food_id: str, grams: float) -> Plan:
    """A new plan with one item's amount changed, snapped to whole steps of the food's portion (or the
    food added to the meal); the day's shortfalls and rule checks are recomputed."""
    d, meal = _find_meal(plan, day, slot)
    food = table.get(food_id)
    if isinstance(grams, bool) or not isinstance(grams, int | float) or not 0 < grams <= 5000:
        raise PlannerError(f"{food.id}: grams must be more than 0 and at most 5000, not {grams}")
    grams = round(max(1, round(grams / food.step_grams)) * food.step_grams, 1)
    items = list(meal.items)
    for i, it in enumerate(items):
        if it.food_id == food.id:
            items[i] = replace(it, grams=grams, portion=food.portion_text(grams))
            break
    else:
        items.append(PlanItem(food.id, food.name, food.ndb, grams, food.portion_text(grams)))
    return _edited(plan, table, day, [Meal(m.slot, items) if m.slot == slot else m for m in d.meals])


def remove_item(plan: Plan, day: int, slot: str, food_id: str, table: FoodTable | None = None) -> Plan:
    """A new plan without one item. With `table`, the day's shortfalls and rule checks are recomputed;
    without it, the day's old shortfalls are dropped rather than left wrong."""
    d, meal = _find_meal(plan, day, slot)
    items = [it for it in meal.items if it.food_id != food_id]
    if len(items) == len(meal.items):
        have = ", ".join(it.food_id for it in meal.items) or "nothing"
        raise PlannerError(f"{food_id} is not in {d.label} {meal.label} (it has {have})")
    meals = [Meal(m.slot, items) if m.slot == slot else m for m in d.meals]
    if table is not None:
        return _edited(plan, table, day, meals)
    days = [Day(x.index, meals) if x.index == day else x for x in plan.days]
    return replace(plan, days=days, shortfalls=[s for s in plan.shortfalls if s.day != day])


def _edited(plan: Plan, table: FoodTable, day: int, meals: list[Meal]) -> Plan:
    """The plan with day `day`'s meals replaced by hand: shortfalls from totals, broken rules as notes."""
    days = [Day(d.index, meals) if d.index == day else d for d in plan.days]
    edited = replace(plan, days=days)
    others = [s for s in plan.shortfalls if s.day != day]
    prefix = f"Day {day + 1} after your edit:"
    notes = [n for n in plan.notes if not n.startswith(prefix)]
    if plan.profile:
        broken = day_violations(table, days[day], targets_for(profile_from_dict(plan.profile)))
        if broken:
            notes.append(f"{prefix} {'; '.join(broken)}.")
    return replace(edited, shortfalls=sorted(others + shortfalls_from_totals(edited, table, day),
                                             key=_shortfall_order), notes=notes)


# --- shortfalls: how much, what binds, what would help ------------------------------------------------

def _plan_goals(plan_targets: dict) -> dict[str, float]:
    nutrients = plan_targets.get("nutrients", {}) if plan_targets else {}
    return {k: float(v["min"]) for k, v in nutrients.items() if v.get("goal") and v.get("min")}


def shortfalls_from_totals(plan: Plan, table: FoodTable, day: int) -> list[Shortfall]:
    """A day's shortfalls from its recomputed totals (after a hand edit: no what-if analysis)."""
    values = day_totals(table, plan.days[day]).values
    return [Shortfall(name, target, goal_amount(values, name), day, [], "changed by hand")
            for name, target in _plan_goals(plan.targets).items()
            if goal_amount(values, name) < target * (1 - SHORTFALL_TOLERANCE)]


@dataclass
class _WhatIf:
    """One rule eased on the hardest day: what binds if it helps, what a person could do about it."""

    binds: str
    helps: str            # "" when it is not something to suggest (upper limits, AMDR)
    model: DayModel
    relaxed: dict[str, float]   # goal slack in the LP relaxation


def _what_ifs(week: _Week, request: DayRequest, goals: list[str]) -> list[_WhatIf]:
    """The hardest day with one rule eased at a time, as models and their LP relaxations' slack.

    Upper limits are eased only to learn whether they bind: raising one is never suggested. Foods the
    profile's own choices keep out (dislikes, excluded foods; never the diet or an allergen) are tried
    too: "allowing potatoes or lentils closes it".
    """
    t = week.targets
    cases: list[tuple[str, str, DayRequest, Selection | None]] = [
        (f"the energy target ({t.energy_kcal:,.0f} kcal ± {t.energy_band_pct:g} %)", f"{EXTRA_KCAL} kcal more a day",
         replace(request, energy_shift=EXTRA_KCAL), None),
        (f"variety (each food on at most {plural(week.max_days_per_food, 'day')}, no repeated days or meals)",
         "allowing foods on more days", _without_variety(request), None),
        ("the portion sizes", "bigger portions", replace(request, relax=frozenset({"portions"})), None),
        ("the number of foods per meal", "one more food per meal",
         replace(request, relax=frozenset({"foods_per_meal"})), None),
        ("the meal energy shares", "bigger or smaller meals", replace(request, relax=frozenset({"meal_shares"})), None),
        (MACRO_RANGES, "", replace(request, relax=frozenset({"macros"})), None),
    ]
    if request.budget is not None:
        cases.append(("your budget", "a bigger budget", replace(request, budget=None), None))
    for name, cap in week.day_rules.caps.items():
        label = f"the {nutrient_word(name)} limit ({cap:,.0f} {unit_word(name)})"
        cases.append((label, "", replace(request, relax=frozenset({f"cap:{name}"})), None))
    for goal, alternatives in excluded_alternatives(week.profile, week.table, week.targets, goals).items():
        if alternatives:
            keep = {week.ids[f] for f, _ in request.forced}
            wider = select_foods(week.profile, week.table, week.targets, keep=keep, allow=set(alternatives))
            names = " or ".join(dict.fromkeys(_short_name(week.table.foods[a].name) for a in alternatives))
            cases.append((f"your exclusions and dislikes (for {nutrient_word(goal)})", f"allowing {names}",
                          _request_on(week, wider, request), wider))
    out = []
    for binds, helps, req, selection in cases:
        try:
            model = build_day((selection or week.selection).foods, week.day_rules, req)
        except KeyError:   # a kept item the other selection cannot place
            continue
        relaxed = relaxation_slack(model)
        if relaxed is not None:
            out.append(_WhatIf(binds, helps, model, relaxed))
    return out


def _short_name(name: str) -> str:
    """'Potato, baked in its jacket' -> 'potato'; 'Kefir (cultured buttermilk, low-fat)' -> 'kefir'."""
    return name.split("(")[0].split(",")[0].strip().lower()


def _request_on(week: _Week, wider: Selection, request: DayRequest) -> DayRequest:
    """The same day on a wider food selection: costs and forced items carried over by food id, a food new
    to the selection priced like a neutral one; variety eased (the question is about foods)."""
    old = {fid: i for i, fid in enumerate(week.ids)}
    new = {fid: i for i, fid in enumerate(wider.foods.ids)}
    fi, si = pairs_of(wider.foods)
    kcal_share = np.nan_to_num(wider.foods.per_step["energy_kcal"][fi]) / week.targets.energy_kcal
    step_cost = PREFERENCE_WEIGHT * kcal_share
    if week.step_price is not None:
        step_cost = float(np.median(week.step_price)) + TIE_BREAK * week.unit * step_cost
    for k, (f, s) in enumerate(zip(fi, si, strict=True)):
        o = old.get(wider.foods.ids[f])
        if o is not None and (o, int(s)) in week.pair_index:
            step_cost[k] = request.step_cost[week.pair_index[(o, int(s))]]
    forced = {(new[week.ids[f]], s): n for (f, s), n in request.forced.items() if week.ids[f] in new}
    return DayRequest(step_cost, forced=forced, relax=frozenset({"variety"}), unit=week.unit)


def explain_shortfalls(week: _Week, planned: dict[int, DayPairs], requests: dict[int, DayRequest],
                       solutions: dict[int, DaySolution], deadline: float) -> list[Shortfall]:
    """One Shortfall per day and goal missed: the target, what the day gives (recomputed from the table),
    the rules that bind and what would help.

    The hardest day (largest summed shortfall) is solved again with one rule eased at a time: a rule
    binds when easing it lowers the shortfall of the LP relaxation; a change helps when the whole-portion
    day then reaches the goal (checked with a short MIP). Its findings stand for every day: the days
    share their rules.
    """
    goals = week.day_rules.goals
    missed: dict[int, dict[str, float]] = {}
    for d, pairs in planned.items():
        if solutions[d].status.status not in _SOLVED:
            continue
        values = day_totals(week.table, _to_day(week, d, pairs, set())).values
        for name, target in goals.items():
            if goal_amount(values, name) < target * (1 - SHORTFALL_TOLERANCE):
                missed.setdefault(d, {})[name] = goal_amount(values, name)
    if not missed:
        return []
    worst = max(missed, key=lambda d: sum((goals[n] - v) / goals[n] for n, v in missed[d].items()))
    names = sorted(missed[worst])
    binding: dict[str, list[str]] = {n: [] for n in goals}
    closes: dict[str, list[str]] = {n: [] for n in goals}
    gains: dict[str, list[str]] = {n: [] for n in goals}
    base = relaxation_slack(build_day(week.selection.foods, week.day_rules, requests[worst])) or {}
    achieved = solutions[worst].slack
    for name in names:
        if base.get(name, 0.0) <= goals[name] * SHORTFALL_TOLERANCE:
            binding[name].append("whole portions (with portions in fractions the day would reach it)")
    for case in (_what_ifs(week, requests[worst], names) if time.perf_counter() < deadline else []):
        for name in names:
            before, after = base.get(name, 0.0), case.relaxed.get(name, base.get(name, 0.0))
            if after < before - max(1.0, 0.05 * before):
                binding[name].append(case.binds)
        promising = [n for n in names if case.relaxed.get(n, 1e9) <= goals[n] * SHORTFALL_TOLERANCE]
        if case.helps and not promising:   # the relaxation's gain: an optimistic estimate, said so
            for name in names:
                before, after = base.get(name, 0.0), case.relaxed.get(name, base.get(name, 0.0))
                if after < before - max(1.0, 0.05 * before):
                    gains[name].append(f"{case.helps} would gain up to {before - after:,.0f} {unit_word(name)}")
        if not case.helps or not promising or time.perf_counter() >= deadline:
            continue
        sol = solve_day(case.model, min(WHAT_IF_SECONDS, max(0.05, deadline - time.perf_counter())), DAY_GAP,
                        abs_gap=ABS_GAP * week.unit)
        if sol.status.status not in _SOLVED:
            continue
        for name in names:
            before, after = achieved.get(name, 0.0), sol.slack.get(name, achieved.get(name, 0.0))
            if after <= goals[name] * SHORTFALL_TOLERANCE:
                closes[name].append(case.helps)
            elif after < before - max(1.0, 0.05 * before):
                gains[name].append(f"{case.helps} would gain {before - after:,.0f} {unit_word(name)}")
    out = []
    for d in sorted(missed):
        for name, got in sorted(missed[d].items()):
            if closes[name]:
                text = ", or ".join(closes[name]) + ", closes it"
            elif gains[name]:
                text = "; ".join(gains[name])
            else:
                text = ("no single change to the rules closes it; foods richer in "
                        f"{nutrient_word(name)}, or asking your clinician about a supplement, would")
            out.append(Shortfall(name, goals[name], got, d, list(dict.fromkeys(binding[name])), text))
    return out


def diagnose_infeasible(week: _Week, d: int) -> str:
    """Which single rule group, eased, makes day `d` possible: the rules that contradict each other."""
    forced = week.locks.get(d, {})
    tries = [("your locks", {}, frozenset()), (MACRO_RANGES, forced, frozenset({"macros"})),
             ("the meal energy shares", forced, frozenset({"meal_shares"})),
             ("the number of foods per meal", forced, frozenset({"foods_per_meal"})),
             ("the portion sizes", forced, frozenset({"portions"}))]
    tries += [(f"the {nutrient_word(name)} limit ({cap:,.0f} {unit_word(name)})", forced, frozenset({f"cap:{name}"}))
              for name, cap in week.day_rules.caps.items()]
    culprits = []
    for label, forced_, relax in tries:
        if label == "your locks" and not forced:
            continue
        req = _without_variety(_request(week, d, {}, forced_), relax | {"meal_patterns", "food_groups"})
        if _solve(week, req, WHAT_IF_SECONDS).status.status in _SOLVED:
            culprits.append(label)
    if culprits:
        return "easing " + " or ".join(culprits) + " would make it possible."
    return ("the foods this profile allows cannot fill five meals within the energy band; allow more foods or "
            "check the energy target.")


# --- checks and measures used by tests, the benchmark and the dashboard ---------------------------------

def day_violations(table: FoodTable, day: Day, targets: Targets, tolerance: float = 1e-9) -> list[str]:
    """Every hard rule the day breaks, in words (empty when it keeps them all). Totals from the table."""
    day_rules = day_rules_for(targets)
    out = []
    values = day_totals(table, day).values
    energy = values["energy_kcal"]
    lo, hi = day_rules.energy_range
    target = (lo + hi) / 2
    slack = tolerance * max(1.0, energy)
    if not lo - slack <= energy <= hi + slack:
        out.append(f"energy {energy:,.0f} kcal outside {lo:,.0f}-{hi:,.0f}")
    arrays = table_arrays(table)
    role = dict(zip(arrays.ids, arrays.roles, strict=True))
    for s, slot in enumerate(day_rules.slots):
        meal = day.meal(slot)
        f_lo, f_hi = day_rules.foods_per_meal[s]
        counted = sum(1 for it in meal.items if role.get(it.food_id) not in day_rules.uncounted_roles)
        if not meal.dish and not f_lo <= counted <= f_hi:   # a named dish brings its own ingredients
            out.append(f"{meal.label.lower()}: {plural(counted, 'food')}, not {f_lo}-{f_hi}")
        share_lo, share_hi = day_rules.shares[s]
        meal_energy = day_totals(table, Day(day.index, [meal])).values["energy_kcal"]
        if not share_lo * target - slack <= meal_energy <= share_hi * target + slack:
            out.append(f"{meal.label.lower()}: {meal_energy:,.0f} kcal, not {share_lo:.0%}-{share_hi:.0%} of the "
                       f"{target:,.0f} kcal target")
    for name, (share_lo, share_hi, kcal_per_g) in day_rules.amdr.items():
        share = kcal_per_g * values[name] / max(energy, 1e-9)
        if not share_lo * (1 - tolerance) <= share <= share_hi * (1 + tolerance):
            out.append(f"{nutrient_word(name)} {share:.0%} of the day's energy, outside {share_lo:.0%}-{share_hi:.0%}")
    for name, cap in day_rules.caps.items():
        if values[name] > cap * (1 + tolerance):
            out.append(f"{nutrient_word(name)} {values[name]:,.0f} {unit_word(name)}, above its limit "
                       f"{cap:,.0f} {unit_word(name)}")
    ids = [it.food_id for it in day.items()]
    if len(ids) != len(set(ids)):
        out.append("a food in two meals")
    return out


def week_objective(plan: Plan, table: FoodTable, prices: dict[str, float] | None = None) -> float:
    """The plan's objective without chance or the repeat costs that steer variety: goal shortfalls and
    the preference-weighted energy (money first, with prices), and what goes over a soft ceiling. The
    whole-week reference model in
    planner/model_week.py minimises the same measure."""
    profile = profile_from_dict(plan.profile)
    targets = targets_for(profile)
    day_rules = day_rules_for(targets, profile)
    goals = day_rules.goals
    liked = _liked(profile, table, targets)
    total = 0.0
    money_unit = 1.0
    if prices:
        week = _build_week(profile, table, len(plan.days), (), DEFAULT_MAX_DAYS_PER_FOOD, prices, None, 0,
                           keep={(it.food_id, m.slot) for d in plan.days for m in d.meals for it in m.items})
        money_unit = week.unit
    protein_floor = day_rules.protein_floor
    foods = select_foods(profile, table, targets).foods
    with_dishes = set(dish_options(foods, day_rules, DayRequest(np.zeros(0))).slot.tolist())
    for d in plan.days:
        values = day_totals(table, d).values
        total += sum(GOAL_WEIGHT * money_unit * max(0.0, t - goal_amount(values, n)) / t for n, t in goals.items())
        total += ENERGY_WEIGHT * money_unit * abs(values["energy_kcal"] - day_rules.energy_target) / day_rules.energy_target
        if protein_floor:
            total += PROTEIN_WEIGHT * money_unit * max(0.0, protein_floor - values["protein_g"]) / protein_floor
        for s, meal in enumerate(d.meals):
            floor = day_rules.meal_protein[s] if s < len(day_rules.meal_protein) else 0.0
            if floor:
                got = items_totals(table, meal.items).values["protein_g"]
                total += PROTEIN_WEIGHT * money_unit * max(0.0, floor - got) / floor
            if s in with_dishes and not meal.dish:
                total += DISH_BONUS * money_unit
        total += sum(SOFT_CAP_WEIGHT * money_unit * max(0.0, values[n] - level) / level
                     for n, level in day_rules.soft_caps.items())
        for it in d.items():
            food = table.foods[it.food_id]
            kcal_share = food.nutrients["energy_kcal"] * it.grams / 100 / targets.energy_kcal
            pref = _food_preference(it.food_id in liked, bool(food.articles))
            cost = PREFERENCE_WEIGHT * pref * kcal_share
            if prices:
                price = prices.get(it.food_id)
                money = 0.0 if price is None else price / 1000 * food.bought_grams(it.grams)
                cost = money + TIE_BREAK * money_unit * cost
            total += cost
    return total


def _liked(profile: Profile, table: FoodTable, targets: Targets) -> set[str]:
    selection = select_foods(profile, table, targets)
    return set(np.array(selection.foods.ids)[selection.liked])


def distinct_foods(plan: Plan) -> int:
    """How many different foods the plan uses: a plain measure of variety."""
    return len({it.food_id for it in plan.items()})
