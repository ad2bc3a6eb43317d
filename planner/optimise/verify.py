"""Checks on a finished plan, recomputed from the table: the hard rules a day breaks, the objective without
chance (the measure the whole-week reference minimises) and distinct food ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from foods import FoodTable
from planner.optimise.candidates import goal_amount, select_foods, table_arrays
from planner.optimise.context import (
    DEFAULT_MAX_DAYS_PER_FOOD,
    NEW_FOOD_COST,
    PREFERENCE_WEIGHT,
    TIE_BREAK,
    build_week,
    day_rules_for,
    food_preference,
    pregnancy_seafood,
    seafood_for_days,
    seafood_shortfall_cost,
)
from planner.optimise.day import (
    DISH_BONUS,
    ENERGY_WEIGHT,
    GOAL_WEIGHT,
    PROTEIN_WEIGHT,
    SOFT_CAP_WEIGHT,
    dish_slots,
    once_a_day_keys,
)
from planner.optimise.realism import distinct_foods as week_foods
from planner.plan import Day, Plan, PlanItem, day_totals, items_totals
from planner.profile import Profile, profile_from_dict
from planner.render import nutrient_word, plural, unit_word
from planner.targets import Targets, targets_for


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
    # each food in one meal a day, raw and cooked forms as one food (a garnish's forms apart), as the day model has it
    key_of = dict(zip(arrays.ids, once_a_day_keys(arrays, day_rules.uncounted_roles).tolist(), strict=True))
    meals_of: dict[int | str, set[str]] = {}
    for meal in day.meals:
        for it in meal.items:
            meals_of.setdefault(key_of.get(it.food_id, it.food_id), set()).add(meal.slot)
    ids = [it.food_id for it in day.items()]
    if len(ids) != len(set(ids)) or any(len(slots) > 1 for slots in meals_of.values()):
        out.append("a food in two meals")
    return out


def week_objective(plan: Plan, table: FoodTable, prices: dict[str, float] | None = None,
                   variety: str = "usual") -> float:
    """The plan's objective without chance: goal shortfalls, the preference-weighted energy (money first, with
    prices), what goes over a soft ceiling, each food brought into the week at NEW_FOOD_COST[variety] (what
    keeps a week to 30-45 foods) and, in pregnancy, the grams short of the week's seafood aim
    (seafood_shortfall_cost). The whole-week reference model in planner/optimise/whole_week.py minimises the
    same measure. Items are counted as planned, in whole steps (as_planned), not as rounded to 0.1 g for the file:
    the models that plan them measure them so, and rounding an ounce step (28.35 g) to 28.4 g moved a week's
    measure by 0.1-0.2 % away from the reference model's own objective for the same week."""
    return week_measure(profile_from_dict(plan.profile), table, len(plan.days), prices, variety)(plan)


def week_measure(profile: Profile, table: FoodTable, days: int, prices: dict[str, float] | None = None,
                 variety: str = "usual") -> Callable[[Plan], float]:
    """week_objective for weeks of `days` days of `profile`, what it needs of the profile worked out once: the
    week planner measures a dozen trial weeks, and that part (targets, rules, the slots dishes fill) was 90 % of
    each measure's time."""
    targets = targets_for(profile)
    day_rules = day_rules_for(targets, profile)
    goals = day_rules.goals
    liked = _liked(profile, table, targets)
    protein_floor = day_rules.protein_floor
    foods = select_foods(profile, table, targets).foods
    seafood, seafood_week = pregnancy_seafood(profile, table, foods.ids)
    aim, _ = seafood_for_days(seafood_week, days)
    fish = set(np.array(foods.ids)[seafood]) if seafood is not None and seafood.any() and aim > 0 else None
    with_dishes = set(dish_slots(foods, day_rules))

    def measure(plan: Plan) -> float:
        plan = as_planned(plan, table)
        total = 0.0
        money_unit = 1.0
        if prices:
            week = build_week(profile, table, len(plan.days), (), DEFAULT_MAX_DAYS_PER_FOOD, prices, None, 0,
                               keep={(it.food_id, m.slot) for d in plan.days for m in d.meals for it in m.items})
            money_unit = week.unit
        total += NEW_FOOD_COST[variety] * week_foods(plan, table) * (TIE_BREAK * money_unit if prices else 1.0)
        if fish is not None:   # the grams short of the week's seafood aim (pregnancy)
            eaten = sum(it.grams for it in plan.items() if it.food_id in fish)
            total += seafood_shortfall_cost(aim, len(plan.days)) * money_unit * max(0.0, aim - eaten)
        for d in plan.days:
            values = day_totals(table, d).values
            total += sum(GOAL_WEIGHT * money_unit * max(0.0, t - goal_amount(values, n)) / t for n, t in goals.items())
            total += ENERGY_WEIGHT * money_unit * abs(values["energy_kcal"] - day_rules.energy_target) / \
                day_rules.energy_target
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
                pref = food_preference(it.food_id in liked, bool(food.articles))
                cost = PREFERENCE_WEIGHT * pref * kcal_share
                if prices:
                    price = prices.get(it.food_id)
                    money = 0.0 if price is None else price / 1000 * food.bought_grams(it.grams)
                    cost = money + TIE_BREAK * money_unit * cost
                total += cost
        return total

    return measure


def as_planned(plan: Plan, table: FoodTable) -> Plan:
    """The plan with each item's grams as planned: an item stored as a whole number of its food's steps (rounded
    to 0.1 g, as the plan keeps grams) gets that number of steps' exact grams; any other item (edited by hand)
    keeps its grams."""
    arrays = table_arrays(table)
    step = dict(zip(arrays.ids, arrays.step_grams.tolist(), strict=True))

    def planned(item: PlanItem) -> PlanItem:
        grams = step.get(item.food_id)
        if not grams:
            return item
        exact = round(item.grams / grams) * grams
        return replace(item, grams=exact) if abs(round(exact, 1) - item.grams) < 1e-9 else item

    return replace(plan, days=[replace(d, meals=[replace(m, items=[planned(it) for it in m.items]) for m in d.meals])
                               for d in plan.days])


@dataclass(frozen=True)
class Uneven:
    """A goal a week shares badly: `short_day` misses it by `short` while `over_day` passes it by `over`,
    more than the shortfall (days 0-based, amounts in the nutrient's unit, as counted toward the goal)."""

    nutrient: str
    short_day: int
    short: float
    over_day: int
    over: float


def uneven_goals(table: FoodTable, days: list[Day], goals: dict[str, float], tolerance: float = 0.001
                 ) -> list[Uneven]:
    """Per goal nutrient, the worst case of one day short of it while another day of the week overshoots it
    by more than that shortfall: the scarce foods that carry it were not shared (issue: a week is planned
    as a week). A day within `tolerance` (a share of the goal, as shortfalls count) is not short. Empty when
    every goal is shared fairly."""
    amounts = {name: np.array([goal_amount(day_totals(table, d).values, name) for d in days]) for name in goals}
    out = []
    for name, goal in goals.items():
        got = amounts[name]
        short, over = np.maximum(0.0, goal - got), np.maximum(0.0, got - goal)
        short_days = np.flatnonzero(short > tolerance * goal)
        if not len(short_days):
            continue
        a = int(short_days[np.argmin(short[short_days])])
        b = int(np.argmax(over))
        if over[b] > short[a] + tolerance * goal:
            out.append(Uneven(name, a, float(short[a]), b, float(over[b])))
    return out


def _liked(profile: Profile, table: FoodTable, targets: Targets) -> set[str]:
    selection = select_foods(profile, table, targets)
    return set(np.array(selection.foods.ids)[selection.liked])


def distinct_food_ids(plan: Plan) -> int:
    """How many different food ids the plan uses (raw and cooked forms count apart; realism.distinct_foods counts
    them as one, as the week's variety rule and week_objective do)."""
    return len({it.food_id for it in plan.items()})
