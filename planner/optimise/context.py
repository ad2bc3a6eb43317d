"""The week's fixed context (profile, targets, foods as arrays, costs, locks) and each day's request built
from it and the days already planned: what a food costs today, what is used up, what may not repeat.
Plans convert to (food, meal) -> steps and back here too."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from foods import FoodTable
from planner.errors import PlannerError
from planner.optimise.candidates import Selection, dishes, meal_patterns, select_foods
from planner.optimise.day import (
    ANY_SLOT,
    GOAL_COUNTED,
    SEAFOOD_WEIGHT,
    Amount,
    DayModel,
    DayRequest,
    DayRules,
    DaySolution,
    DishMemo,
    build_day,
    food_groups,
    pairs_of,
)
from planner.optimise.scarcity import day_prices
from planner.optimise.strategy import solve_day
from planner.plan import Day, Meal, PlanItem, check_item_grams
from planner.profile import Profile
from planner.rules import meal_slots, rules
from planner.shopping import opened_left, shopping_lines
from planner.targets import Targets, main_meal_protein, targets_for

MAX_DAYS = 14
DEFAULT_MAX_DAYS_PER_FOOD = 3
PREFERENCE_WEIGHT = 10.0  # objective units for a day's energy from neutral foods
LIKE_BONUS = 0.5          # per kcal, a liked food costs this share less
RECOMMENDED_BONUS = 0.15  # per kcal, a food the articles recommend costs this share less
NEW_FOOD_COST = {"low": 1.0, "usual": 0.5, "high": 0.1}   # objective units to bring a food new to the week in
VARIETIES = tuple(NEW_FOOD_COST)
WEEK_ROWS_MOST = {"low": 35, "usual": 43, "high": None}   # shopping rows a week of 7 days fills before each new
                                          # one costs WEEK_ROWS_WEIGHT (more days: in proportion); "usual" keeps
                                          # issue 10's at most 45 rows and 30-45 foods (a row is a food, or forms of
                                          # it bought as one)
LEFTOVER_BONUS = 0.3      # per kcal, last night's dinner foods cost this share less at lunch (cook once, eat twice)
EVERY_DAY_ROLES = ("fat", "garnish")   # cooking fats and garnishes are never used up
MILK_ORDER = ("milk", "skim_milk", "whole_milk")   # the usual milks (cow's), before plant milks; 2 % on a tie
NOISE = 0.3               # per kcal, a seeded random share up to this, so that days differ
TIE_BREAK = 0.05          # with prices: preferences weigh this share of a typical day's cost
TYPICAL_STEPS = 15        # planning steps in a typical day, to size that share
DAY_GAP = 0.02            # a day is "optimal" within 2 % of the LP bound ...
ABS_GAP = 1.0             # ... or within 1 objective unit (10 % of a day's food cost: dishes and patterns make
                          # the relaxation weaker than the whole-portion day), whichever is looser

LEFT_IN_PACK_COST = 15.0  # objective units per kg bought and not eaten (without prices; with prices, its money):
                          # a step from a perishable pack the other days opened saves that much, at most the
                          # step's whole cost. Measured on benchmarks/realism.py's five weeks: the perishable
                          # bought grams eaten rose from 64-80 % to 79-86 %, and no week got slower. A cost for
                          # opening a new pack as well (what the days left cannot finish of it) ate 84-91 % but
                          # made the default week's days 1.6x slower (their MIPs close the gap far later); on the
                          # last day alone, +8 % time for no more eaten. Neither is used.

DayPairs = dict[tuple[int, int], int]   # (food, slot) -> steps


@dataclass(frozen=True)
class Lock:
    """Keep `food_id` in meal `slot` of 0-based `day`; `grams` None lets the planner choose the amount."""

    day: int
    slot: str
    food_id: str
    grams: float | None = None


@dataclass
class Week:
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
    seafood: np.ndarray | None = None          # bool per food: seafood, held to a week's amount (pregnancy)
    seafood_week: tuple[float, float] = (0.0, float("inf"))   # grams a week: aim, most
    pair_index: dict[tuple[int, int], int] = field(default_factory=dict)
    dish_memo: DishMemo = field(default_factory=DishMemo, repr=False, compare=False)   # build_day's, this plan's only

    def __post_init__(self) -> None:
        self.pair_index = {(int(f), int(s)): k
                           for k, (f, s) in enumerate(zip(self.food_idx, self.slot_idx, strict=True))}

    @property
    def slots(self) -> tuple[str, ...]:
        return self.day_rules.slots

    @property
    def ids(self) -> tuple[str, ...]:
        return self.selection.foods.ids

    @cached_property
    def groups(self) -> np.ndarray:
        """Per food: its food group (day.food_groups), fixed for the week."""
        return food_groups(self.selection.foods)

    @cached_property
    def never_used_up(self) -> np.ndarray:
        """Per food: whether the days-per-food rule leaves it alone (_never_used_up), fixed for the week."""
        return _never_used_up(self)

    @cached_property
    def other_milks(self) -> np.ndarray:
        """Per food: a milk other than the week's, never planned: a week has one milk."""
        foods = self.selection.foods
        group = foods.same_food if foods.same_food is not None else np.array(self.ids)
        return (group == "milk") & (np.array(self.ids) != self.milk)

    @cached_property
    def rides_along(self) -> np.ndarray:
        """Per food: a role of rides_along_roles, which does not make a day or meal new."""
        roles = self.selection.foods.roles
        return (np.zeros(len(self.selection.foods), dtype=bool) if roles is None
                else np.isin(roles, rides_along_roles()))

    @cached_property
    def shopping_line(self) -> np.ndarray:
        """Per food: the index of the shopping-list line it is bought on (-1: never bought, such as tap water)."""
        lines = shopping_lines(self.table, self.ids)
        index = {key: i for i, key in enumerate(dict.fromkeys(k for k in lines if k is not None))}
        return np.array([-1 if k is None else index[k] for k in lines], dtype=int)

    @cached_property
    def pack_steps(self) -> tuple[np.ndarray, np.ndarray]:
        """Per food, fixed for the week: its usual serving in grams (within its steps) and what one step of it is
        worth when it comes from an opened pack (opened_pack_savings)."""
        return _pack_steps(self)


def rides_along_roles() -> tuple[str, ...]:
    """The roles of foods that ride along and do not make a day or meal new: herbs and garnishes (the meal
    patterns' uncounted roles) and cooking fats (yesterday's pasta with sardines and peas came back at lunch with
    a tablespoon of olive oil added)."""
    return (*meal_patterns()["uncounted_roles"], "fat")


def day_rules_for(targets: Targets, profile: Profile | None = None) -> DayRules:
    """The hard rules and goals every day shares, from the targets, planner/data/rules.toml and the meal
    patterns (planner/data/meal_patterns.toml); `profile` sets the per-meal protein and the vegan legumes."""
    meal_rules = rules()["meals"]
    slots = tuple(meal_slots())
    goals = {k: float(t.min) for k, t in targets.items.items() if t.goal and t.min}
    caps = {k: float(t.max) for k, t in targets.items.items() if t.max is not None}
    soft = {k: float(t.soft_max) for k, t in targets.items.items() if t.soft_max}
    amdr = dict(targets.amdr)   # the AMDR shares for the person's age (adolescents: fat 25-35 %, protein 10-30 %)
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


def check_days(days) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise PlannerError(f"days must be a whole number from 1 to {MAX_DAYS}, not {days}")


def check_time_limit(time_limit) -> float:
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
    if grams is not None:
        check_item_grams(grams, f"lock {lock.food_id}")


def build_week(profile: Profile, table: FoodTable, days: int, locks, max_days_per_food: int, prices,
                weekly_budget, seed: int, keep: set[tuple[str, str]] = frozenset(), variety: str = "usual"
                ) -> Week:
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
    preference = food_preference(selection.liked, selection.recommended)[fi]
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
    seafood, seafood_week = pregnancy_seafood(profile, table, foods.ids)
    return Week(profile, table, targets, selection, day_rules_for(targets, profile), days, fi, si, preference, kcal_share,
                 step_price, unit, extra[fi, si], lock_map, max_days_per_food, seed, budget_total, variety,
                 _week_milk(selection, {lk.food_id for lk in locks} | {f for f, _ in keep}, targets), notes, seafood,
                 seafood_week)


def pregnancy_seafood(profile: Profile, table: FoodTable, ids: tuple[str, ...]
             ) -> tuple[np.ndarray | None, tuple[float, float]]:
    """In pregnancy, which foods are seafood and the week's grams of it, aim and most (planner/data/rules.toml
    [pregnancy] seafood_g_per_week, FDA/EPA 2021: 8-12 oz); otherwise no week limit."""
    pregnancy = rules().get("pregnancy", {})
    if not profile.pregnant or "seafood_g_per_week" not in pregnancy:
        return None, (0.0, float("inf"))
    tags = set(pregnancy.get("seafood_tags", ()))
    low, high = (float(x) for x in pregnancy["seafood_g_per_week"])
    return np.array([bool(tags & table.foods[fid].tags) for fid in ids], dtype=bool), (low, high)


def seafood_for_days(seafood_week: tuple[float, float], days: int) -> tuple[float, float]:
    """The grams of seafood `days` days aim at and may have at most (Week.seafood_week's are per 7 days)."""
    aim, most = seafood_week
    return aim * days / 7.0, most * days / 7.0


def seafood_shortfall_cost(aim: float, days: int) -> float:
    """Objective units per gram a week eats short of its seafood `aim`: a week with none pays what its days pay with
    none of their share (SEAFOOD_WEIGHT each). The measure of a week (week_objective, the whole-week reference); the
    days pay their own shares as they are planned."""
    return SEAFOOD_WEIGHT * days / aim


def seafood_grams(week: Week, pairs: DayPairs) -> float:
    """Grams of seafood in one day's (food, slot) -> steps."""
    if week.seafood is None:
        return 0.0
    step = week.selection.foods.step_grams
    return float(sum(step[f] * n for (f, _), n in pairs.items() if week.seafood[f]))


def _week_milk(selection: Selection, kept: set[str], targets: Targets | None = None) -> str:
    """The week's one milk: a kept or locked one, else a liked one, else of the usual milks (MILK_ORDER; a
    fortified plant milk when the profile has none of them) the one whose cup does most for the profile
    (milk_score: its goals and protein floor, against its ceilings), MILK_ORDER breaking ties."""
    foods = selection.foods
    group = foods.same_food if foods.same_food is not None else np.array(foods.ids)
    milks = [fid for fid, g in zip(foods.ids, group, strict=True) if g == "milk"]
    liked = {fid for fid, like in zip(foods.ids, selection.liked, strict=True) if like}
    for choice in ([m for m in milks if m in kept], [m for m in milks if m in liked]):
        if choice:
            return choice[0]
    if not milks:
        return ""
    usual = [m for m in MILK_ORDER if m in milks] or milks   # cow's milk for those who drink it
    score = milk_score(selection, targets) if targets is not None else {}
    return min(usual, key=lambda m: (-round(score.get(m, 0.0), 6), usual.index(m)))


def milk_score(selection: Selection, targets: Targets) -> dict[str, float]:
    """Per milk the profile may drink: what one cup brings of each goal the planner pursues and of the protein
    floor (a share of the day's minimum) less what it takes of each ceiling (a share of the maximum, or of the
    level where it starts to cost). A vegan's protein floor makes it soy milk; kidney disease with a
    potassium limit makes it almond milk (more calcium, less potassium)."""
    foods = selection.foods
    group = foods.same_food if foods.same_food is not None else np.array(foods.ids)
    portion = foods.portion_grams if foods.portion_grams is not None else foods.step_grams
    out = {}
    for f in np.flatnonzero(group == "milk"):
        cup = portion[f] / foods.step_grams[f]   # steps in one cup
        total = 0.0
        for name, t in targets.items.items():
            counted = GOAL_COUNTED.get(name)
            field_ = counted if counted in foods.per_step else name
            if t.min and (t.goal or name == "protein_g") and field_ in foods.per_step:
                total += float(np.nan_to_num(foods.per_step[field_][f])) * cup / t.min
            for ceiling in (t.max, t.soft_max):
                if ceiling and name in foods.per_step:
                    total -= float(np.nan_to_num(foods.per_step[name][f])) * cup / ceiling
        out[foods.ids[f]] = total
    return out


def food_preference(liked, recommended):
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


def day_request(week: Week, d: int, planned: dict[int, DayPairs], forced: dict, salt: int = 0,
             budget: float | None = None, avoid_extra: list | None = None, plain: bool = False) -> DayRequest:
    """Day `d`'s costs and variety rules, given the days already planned.

    A week reuses food on purpose: a food (raw and cooked forms are one food) not yet eaten this week
    costs NEW_FOOD_COST[variety] to bring in; one used on `max_days_per_food` days is used up, except
    cooking fats, garnishes, the week's milk and the starches under a potassium limit; once the week has a milk, no other milk joins it; the
    day before's dinner comes cheaper at lunch (cook once, eat twice); a perishable pack the other days opened
    comes cheaper, so that it is finished rather than left (opened_pack_savings). A `plain` request leaves out
    the chance and those two nudges: its costs are the week's own measure (verify.week_objective), for a day
    planned again knowing every other day.
    """
    groups = week.groups
    usage = _days_eaten(week, d, planned, groups)[groups]
    rng = np.random.default_rng([week.seed, d, salt])
    per_kcal = week.preference + (0.0 if plain else NOISE) * rng.random(len(week.preference))
    fi, si = week.food_idx, week.slot_idx
    leftovers = set() if plain else {f for f, s in planned.get(d - 1, {}) if week.slots[s] == "dinner"}
    if leftovers and "lunch" in week.slots:
        lunch = week.slots.index("lunch")
        per_kcal = per_kcal - LEFTOVER_BONUS * (np.isin(fi, list(leftovers)) & (si == lunch))
    step_cost = PREFERENCE_WEIGHT * per_kcal * week.kcal_share
    pair_cost = np.where(usage[fi] > 0, 0.0, NEW_FOOD_COST[week.variety])
    if week.step_price is not None:
        step_cost = week.step_price + TIE_BREAK * week.unit * step_cost
        pair_cost = TIE_BREAK * week.unit * pair_cost
    # a step from an opened pack costs at most nothing (measured, default week, 5 seeds: below zero took 1.6x the time)
    if not plain:
        step_cost = step_cost - np.minimum(opened_pack_savings(week, d, planned)[fi], np.maximum(step_cost, 0.0))
    banned = (usage >= week.max_days_per_food) & ~week.never_used_up
    banned |= week.other_milks
    banned[[f for f, _ in forced]] = False
    banned_pairs = None
    if week.extra_pairs.any():   # a pair a lock created on another day is not on the menu today
        today = np.zeros(len(week.food_idx), dtype=bool)
        today[[week.pair_index[p] for p in forced if p in week.pair_index]] = True
        banned_pairs = week.extra_pairs & ~today
    # an earlier day or yesterday's meal may not come back whole; herbs and garnishes ride along and do not make
    # a day new (day 3 was day 1 again but for 3 g of garlic)
    rides_along = week.rides_along
    avoid = [day_to_avoid(week, pairs) for e, pairs in planned.items() if e != d]
    for e in (d - 1, d + 1):
        for s in range(len(week.slots)):
            avoid.append(sorted((f, s2) for f, s2 in planned.get(e, {}) if s2 == s and not rides_along[f]))
    avoid = [combo for combo in avoid if combo]
    avoid += avoid_extra or []
    seafood = {}
    if week.seafood is not None:   # the week's seafood: what the other days left, and this day's share of the aim
        eaten = sum(seafood_grams(week, pairs) for e, pairs in planned.items() if e != d)
        aim, most = seafood_for_days(week.seafood_week, week.days)
        step, top = week.selection.foods.step_grams, week.selection.foods.max_steps
        locked = sum(step[f] * (top[f] if n is None else n) for (f, _), n in forced.items() if week.seafood[f])
        seafood = {"seafood": week.seafood, "seafood_max": max(most - eaten, locked),   # a lock the person set wins
                   "seafood_aim": max(0.0, aim - eaten) / max(1, open_days(week, d, planned))}
    most = WEEK_ROWS_MOST[week.variety]
    rows_left = {}
    if most is not None:   # the week's most rows, less those the other days' foods are bought on
        lines = week.shopping_line
        bought = np.unique(lines[[f for e, pairs in planned.items() if e != d for f, _ in pairs]])
        bought = bought[bought >= 0]
        most = most * max(1.0, week.days / 7.0) - len(bought)
        rows_left = {"on_new_row": (lines >= 0)[fi] & ~np.isin(lines, bought)[fi], "new_rows_most": float(most)}
    return DayRequest(step_cost, banned_foods=banned, banned_pairs=banned_pairs, forced=dict(forced), avoid=avoid,
                      budget=budget, step_price=week.step_price, unit=week.unit, pair_cost=pair_cost, **seafood,
                      **rows_left)


def day_to_avoid(week: Week, pairs) -> list[tuple[int, int]]:
    """A day (its (food, slot) pairs) as a set another day may not repeat (DayRequest.avoid): its foods, whichever
    meal holds each (day 3 was day 1 with lunch and dinner swapped), herbs, garnishes and fats left out."""
    return [(f, ANY_SLOT) for f in sorted({f for f, _ in pairs if not week.rides_along[f]})]


def opened_pack_savings(week: Week, d: int, planned: dict[int, DayPairs]) -> np.ndarray:
    """Per food: what one step of it saves when the other planned days left an opened pack, piece or bunch of it:
    its bought grams at LEFT_IN_PACK_COST (with prices, their money), scaled down when what is left is less than
    the usual serving. What is left follows the shopping list's own lines and roundings (planner.shopping);
    long-keeping goods (oil, honey, dry pulses) save nothing, their rest is no waste. Pure in the planned days."""
    foods = week.selection.foods
    step = foods.step_grams
    eaten: dict[str, float] = {}
    for e in sorted(planned):
        if e != d:
            for (f, _), n in sorted(planned[e].items()):
                eaten[week.ids[f]] = eaten.get(week.ids[f], 0.0) + round(float(step[f]) * n, 1)   # as to_day keeps it
    left = opened_left(eaten, week.table, week.ids)
    have = np.array([left.get(fid, 0.0) for fid in week.ids])
    if not have.any():
        return have
    usual, step_value = week.pack_steps
    return step_value * np.minimum(1.0, have / usual)


def _pack_steps(week: Week) -> tuple[np.ndarray, np.ndarray]:
    """Week.pack_steps: per food, the usual grams and a step's worth at LEFT_IN_PACK_COST (with prices, its money)."""
    foods = week.selection.foods
    step = foods.step_grams
    table = [week.table.foods[fid] for fid in week.ids]
    usual = np.clip([food.default_grams for food in table], step * foods.min_steps, step * foods.max_steps)
    if week.step_price is None:
        step_bought = np.array([food.bought_grams(float(g)) for food, g in zip(table, step, strict=True)])
        return usual, LEFT_IN_PACK_COST / 1000.0 * step_bought
    step_value = np.zeros(len(table))   # the money of a step: what was paid for the pack
    step_value[week.food_idx] = week.step_price
    return usual, step_value


def _days_eaten(week: Week, d: int, planned: dict[int, DayPairs], groups: np.ndarray) -> np.ndarray:
    """Per food group: on how many planned days other than `d` it is eaten."""
    eaten = np.zeros(groups.max(initial=0) + 1)
    for e, pairs in planned.items():
        if e != d and pairs:
            np.add.at(eaten, np.unique(groups[[f for f, _ in pairs]]), 1)
    return eaten


def _never_used_up(week: Week) -> np.ndarray:
    """Per food: cooking fats, garnishes, the week's milk and, under a potassium limit, the starches (rice, pasta,
    bread: a renal diet's daily fare), which the days-per-food rule leaves alone."""
    foods = week.selection.foods
    roles = foods.roles if foods.roles is not None else np.full(len(week.ids), "", dtype=str)
    every_day = np.isin(roles, EVERY_DAY_ROLES) | (np.array(week.ids) == week.milk)
    if "potassium_mg" in week.day_rules.caps:   # a renal diet's low-potassium staples (rice, pasta, bread) are daily fare
        every_day |= roles == "starch"
    return every_day


def open_days(week: Week, d: int, planned: dict[int, DayPairs]) -> int:
    """Days still to plan, day `d` included."""
    return sum(1 for e in range(week.days) if e not in planned or e == d)


def days_left(week: Week, d: int, planned: dict[int, DayPairs], groups: np.ndarray) -> np.ndarray:
    """Per food group (day.food_groups): on how many more days it may be eaten (inf when never used up)."""
    left = np.maximum(0.0, week.max_days_per_food - _days_eaten(week, d, planned, groups))
    left[np.unique(groups[week.never_used_up])] = np.inf
    return left


def priced_request(week: Week, d: int, planned: dict[int, DayPairs], request: DayRequest, time_limit: float
                   ) -> tuple[DayRequest, DayModel]:
    """The request with each scarce food's day priced for the days still to plan (planner.optimise.scarcity),
    so that day `d` leaves to the later days the foods they need too: the few that carry a goal, and a dish's
    ingredients. Measured, default week, seeds 0-7: with only the goal carriers priced, the last days ran out of
    dishes (2-5 of the 14 lunches and dinners built food by food); with every food priced, 1-2, the week
    objective 7.5 % lower, in the same time. And its day model, built once: the prices change only the
    objective (DayModel.priced)."""
    model = build_day(week.selection.foods, week.day_rules, request, week.dish_memo)
    still_open = open_days(week, d, planned)
    if still_open <= 1 or "variety" in request.relax:
        return request, model
    groups = week.groups
    prices = day_prices(model, groups, days_left(week, d, planned, groups), still_open, time_limit)
    if prices is None or not prices.any():
        return request, model
    extra = prices[groups][week.food_idx]
    base = request.pair_cost if request.pair_cost is not None else np.zeros(len(extra))
    priced = replace(request, pair_cost=base + extra)
    return priced, model.priced(priced.pair_cost)


def without_variety(request: DayRequest, relax: frozenset[str] = frozenset()) -> DayRequest:
    """The request with the variety rules left out (no food used up, no day or meal to avoid), and `relax`."""
    return replace(request, banned_foods=None, avoid=[], relax=relax | {"variety"})


def solve_request(week: Week, request: DayRequest, time_limit: float, selection: Selection | None = None,
                  model: DayModel | None = None) -> DaySolution:
    """Solve the day `request` asks for; `model` is its day model when already built for it."""
    if model is None:
        model = build_day((selection or week.selection).foods, week.day_rules, request, week.dish_memo)
    return solve_day(model, time_limit, DAY_GAP, abs_gap=ABS_GAP * week.unit)


def day_budget(week: Week, d: int, planned: dict[int, DayPairs]) -> float | None:
    """The day's share of what is left of the budget after the other planned days."""
    if week.budget_total is None:
        return None
    spent = sum(_money(week, pairs) for e, pairs in planned.items() if e != d)
    return max(0.0, week.budget_total - spent) / max(1, open_days(week, d, planned))


def _money(week: Week, pairs: DayPairs) -> float:
    if week.step_price is None:
        return 0.0
    return float(sum(week.step_price[week.pair_index[p]] * n for p, n in pairs.items() if p in week.pair_index))


def to_day(week: Week, d: int, pairs: DayPairs, locked: set[tuple[int, int]],
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


def day_pairs(week: Week, day: Day, kept_slots: frozenset[str] = frozenset()
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
