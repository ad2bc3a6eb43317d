"""Edits of a plan as plain functions: set a portion, remove, lock or unlock, never use a food, regenerate.

The dashboard and `mineral-planner plan edit` call these same functions. Each takes a plan and returns an
`Edit`: the new plan, its profile (changed only by "never use"), a sentence saying what was done and the bad
news the edit brought (a day that now misses a target or leaves the energy range), in plain words. After
every edit the plan's edit notes and shortfalls are computed again from the final plan, so nothing shown
or exported describes the plan before the change.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field, replace

from foods import FoodTable
from foods.nutrients import NUTRIENT_LABELS
from planner.errors import PlannerError
from planner.optimise import SHORTFALL_TOLERANCE, Lock, day_violations, goal_amount, shortfall_order
from planner.optimise import regenerate as regenerate_plan
from planner.optimise.candidates import dishes
from planner.optimise.day import ANY_OF_KIND
from planner.plan import SLOT_LABELS, Day, Meal, Plan, PlanItem, Shortfall, check_item_grams, day_totals
from planner.profile import Profile, profile_from_dict
from planner.targets import Targets, targets_for

ADJUST_SECONDS = 0.6          # an adjustment answers within a second, drawing included
EDIT_NOTE = "Day {n} after your edit:"

LockKey = tuple[int, str, str]   # (0-based day, meal slot, food id)


@dataclass
class Edit:
    """What an edit made: the new plan and profile, what was done in words, and what got worse."""

    plan: Plan
    profile: Profile
    message: str
    news: list[str] = field(default_factory=list)   # bad news: days that now miss a target, in words
    changed: bool = True                            # False when nothing could be done (the message says why)

    @property
    def kind(self) -> str:
        """'success', or 'warning' when nothing changed or the edit brought bad news."""
        return "success" if self.changed and not self.news else "warning"


# --- where things are ------------------------------------------------------------------------------------

def plan_profile(plan: Plan) -> Profile:
    """The profile a plan follows (it carries it), or the default adult for a plan without one."""
    return profile_from_dict(plan.profile) if plan.profile else Profile()


def meal_place(day: int, slot: str) -> str:
    """'lunch, Day 3': where an edited item is, in an edit's message."""
    return f"{SLOT_LABELS.get(slot, slot).lower()}, Day {day + 1}"


def _item(plan: Plan, day: int, slot: str, food_id: str):
    _check_day(plan, day)
    meal = plan.days[day].meal(slot)
    for it in meal.items:
        if it.food_id == food_id:
            return it
    have = ", ".join(it.name for it in meal.items) or "nothing"
    raise PlannerError(f"{food_id} is not in {meal_place(day, slot)} (it has {have})")


def _check_day(plan: Plan, day: int) -> None:
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day < len(plan.days):
        shown = day + 1 if isinstance(day, int) else day
        raise PlannerError(f"day {shown} is not in the plan (days 1-{len(plan.days)})")


# --- locks: the items' flags are the one record of what is locked -------------------------------------------

def locks_of(plan: Plan | None, days: int | None = None) -> tuple[Lock, ...]:
    """The plan's locked items as optimiser locks (only those of the first `days` days when given)."""
    if plan is None:
        return ()
    return tuple(Lock(d.index, m.slot, it.food_id, it.grams) for d in plan.days for m in d.meals
                 for it in m.items if it.locked and (days is None or d.index < days))


def lock_keys(plan: Plan) -> set[LockKey]:
    """(day, slot, food id) of each locked item."""
    return {(lk.day, lk.slot, lk.food_id) for lk in locks_of(plan)}


def with_locks(plan: Plan, locked: set[LockKey]) -> Plan:
    """A copy of the plan whose items say whether they are locked (so a saved plan keeps its locks)."""
    days = [replace(d, meals=[replace(m, items=[replace(it, locked=(d.index, m.slot, it.food_id) in locked)
                                                 for it in m.items]) for m in d.meals]) for d in plan.days]
    return replace(plan, days=days)


def set_locked(plan: Plan, day: int, slot: str, food_id: str | None, locked: bool) -> Edit:
    """Lock (keep through regenerations) or unlock one item, or every item of a meal when `food_id` is None."""
    _check_day(plan, day)
    meal = plan.days[day].meal(slot)
    if food_id is None:
        if not meal.items:
            raise PlannerError(f"{meal_place(day, slot)} is empty: there is nothing to lock")
        keys = {(day, slot, it.food_id) for it in meal.items}
        what = "Every food"
    else:
        item = _item(plan, day, slot, food_id)
        keys, what = {(day, slot, item.food_id)}, item.name
    current = lock_keys(plan)
    new = current | keys if locked else current - keys
    return Edit(with_locks(plan, new), plan_profile(plan),
                f"{what} {'locked' if locked else 'unlocked'} in {meal_place(day, slot)}.")


def unlock_all(plan: Plan) -> Edit:
    return Edit(with_locks(plan, set()), plan_profile(plan), "Every food is unlocked.")


# --- edits by hand -------------------------------------------------------------------------------------------

def set_portion(plan: Plan, table: FoodTable, day: int, slot: str, food_id: str, grams: float) -> Edit:
    """One item's amount changed (snapped to whole steps of its portion), or the food added to the meal."""
    meals = _portion_meal(plan, table, day, slot, food_id, grams)
    new, totals = _refresh(_with_meals(plan, day, meals), table, before=plan, by_hand=day)
    item = next(it for it in new.days[day].meal(slot).items if it.food_id == table.get(food_id).id)
    return Edit(new, plan_profile(plan), f"{item.name} set to {item.portion} in {meal_place(day, slot)}.",
                news(plan, new, table, totals))


def remove(plan: Plan, table: FoodTable, day: int, slot: str, food_id: str) -> Edit:
    name = _item(plan, day, slot, food_id).name
    new, totals = _refresh(without_item(plan, day, slot, food_id), table, before=plan, by_hand=day)
    return Edit(new, plan_profile(plan), f"{name} removed from {meal_place(day, slot)}.",
                news(plan, new, table, totals))


# --- edits by the optimiser ----------------------------------------------------------------------------------

def _replanned(plan: Plan, profile: Profile, table: FoodTable, day: int, slot: str | None,
               time_limit: float) -> tuple[Plan, bool]:
    """regenerate() for one meal or day, and whether it changed anything (a failed solve keeps the old day)."""
    new = regenerate_plan(plan, profile, table, day, slot, locks=locks_of(plan), time_limit=time_limit)
    before = plan.days[day] if slot is None else plan.days[day].meal(slot)
    after = new.days[day] if slot is None else new.days[day].meal(slot)
    return new, after != before


def regenerate(plan: Plan, table: FoodTable, day: int, slot: str | None = None, *,
               profile: Profile | None = None, time_limit: float = ADJUST_SECONDS) -> Edit:
    """Day `day` (0-based), or its meal `slot`, planned again; locked foods and everything else stay."""
    _check_day(plan, day)
    profile = plan_profile(plan) if profile is None else profile
    what = f"Day {day + 1}" if slot is None else f"{SLOT_LABELS.get(slot, slot)} of Day {day + 1}"
    new, changed = _replanned(plan, profile, table, day, slot, time_limit)
    if not changed:
        why = new.status.message or new.status.status
        return Edit(plan, profile, f"Nothing changed: the planner found no other {'day' if slot is None else 'meal'} "
                                   f"that keeps the rules in time ({why}). Try again, or unlock a food.", changed=False)
    new, totals = _refresh(new, table, before=plan)
    return Edit(new, profile, f"{what} replanned; locked foods and the rest of the week kept.",
                news(plan, new, table, totals))


def never_use(plan: Plan, table: FoodTable, food_id: str, *, profile: Profile | None = None,
              time_limit: float = ADJUST_SECONDS) -> Edit:
    """The food added to the profile's exclusions, taken out of every meal, and those meals planned again.
    The returned plan follows the new profile; saving the profile is the caller's job."""
    food = table.get(food_id)
    profile = plan_profile(plan) if profile is None else profile
    new_profile = profile_from_dict({**profile.to_dict(), "exclude": list(dict.fromkeys([*profile.exclude, food.id]))})
    where = [(d.index, m.slot) for d in plan.days for m in d.meals if any(it.food_id == food.id for it in m.items)]
    new = plan
    for day, slot in where:     # out everywhere first: a replan keeps the day's other meals as they are
        new = without_item(new, day, slot, food.id)   # their notes and shortfalls: once, from the final plan
    unchanged = []
    for day, slot in where:
        new, changed = _replanned(new, new_profile, table, day, slot, time_limit)
        if not changed:
            unchanged.append(meal_place(day, slot))
    new, totals = _refresh(replace(new, profile=new_profile.to_dict()), table, before=plan)
    empty = [meal_place(d, s) for d, s in where if not new.days[d].meal(s).items]
    if not where:
        message = f"{food.name} will not be planned again (it was not in this plan)."
    elif empty:
        message = (f"{food.name} will not be planned again. It was taken out, but the planner found nothing to put "
                   f"in {'; '.join(empty)}: regenerate it or its day.")
    elif unchanged:
        message = (f"{food.name} will not be planned again. It was taken out, but the planner found no replacement "
                   f"in time for {'; '.join(unchanged)}: regenerate it or its day.")
    else:
        meals = "the meal that had it was" if len(where) == 1 else f"the {len(where)} meals that had it were"
        message = f"{food.name} will not be planned again; {meals} replanned."
    return Edit(new, new_profile, message, news(plan, new, table, totals), changed=bool(where) and not unchanged)


# --- the plan's notes and shortfalls, from the final plan ----------------------------------------------------

def plan_targets(plan: Plan) -> Targets | None:
    """The targets of the profile a plan follows (None for a plan without one), worked out once per profile:
    the same person's edits ask for them again and again, and they depend on the profile alone."""
    return _targets_of(json.dumps(plan.profile, sort_keys=True)) if plan.profile else None


@functools.lru_cache(maxsize=16)
def _targets_of(profile_json: str) -> Targets:
    return targets_for(profile_from_dict(json.loads(profile_json)))


def changed_days(before: Plan | None, after: Plan) -> list[int]:
    """The days whose items differ between two versions of a plan (every day when there is no `before`)."""
    if before is None:
        return [d.index for d in after.days]
    old = {d.index: d.items() for d in before.days}
    return [d.index for d in after.days if old.get(d.index) != d.items()]


def refreshed(plan: Plan, table: FoodTable, before: Plan | None = None) -> Plan:
    """The plan with its edit notes and shortfalls computed from its own days: a note for each day that
    breaks a hard rule, and a shortfall for each goal a day misses (what the optimiser said about binding
    rules and help is kept while that day still misses that goal). With `before` (the plan as it was
    before the edit, itself refreshed), only the days the edit changed are worked out again."""
    return _refresh(plan, table, before)[0]


DayValues = dict[int, dict[str, float]]   # 0-based day -> its nutrient totals


def _refresh(plan: Plan, table: FoodTable, before: Plan | None = None,
             by_hand: int | None = None) -> tuple[Plan, DayValues]:
    """refreshed(), and the totals of the days it worked out again: an edit's news reads them instead of
    summing those days once more (the targets are worked out once, the totals once per changed day). Day
    `by_hand` was edited by hand: it is worked out again even when its amounts came out the same, and its
    shortfalls say 'changed by hand' instead of what the optimiser said about it."""
    targets = plan_targets(plan)
    days = sorted({*changed_days(before, plan), *([] if by_hand is None else [by_hand])})
    totals = {index: day_totals(table, plan.days[index]).values for index in days}
    edit_prefixes = tuple(EDIT_NOTE.format(n=d + 1) for d in days)
    notes = [n for n in plan.notes if not n.startswith(edit_prefixes)]
    old = {(s.day, s.nutrient): s for s in plan.shortfalls if s.day != by_hand}
    shortfalls: list[Shortfall] = [s for s in plan.shortfalls if s.day not in days]
    for index in days:
        d = plan.days[index]
        if targets is not None and d.items():
            broken = day_violations(table, d, targets)
            if broken:
                notes.append(f"{EDIT_NOTE.format(n=index + 1)} {'; '.join(broken)}.")
        for now in shortfalls_from_totals(plan, table, index, totals[index]):
            was = old.get((index, now.nutrient))
            shortfalls.append(now if was is None else replace(was, target=now.target, achieved=now.achieved))
    shortfalls.sort(key=shortfall_order)
    return replace(plan, notes=notes, shortfalls=shortfalls), totals


# --- bad news, in words --------------------------------------------------------------------------------------

def _goals(plan: Plan) -> dict[str, float]:
    nutrients = (plan.targets or {}).get("nutrients", {})
    return {k: float(v["min"]) for k, v in nutrients.items() if v.get("goal") and v.get("min")}


def news(before: Plan, after: Plan, table: FoodTable, totals: DayValues | None = None) -> list[str]:
    """What an edit made worse, in words: 'Day 6 now has 97 % of your calcium target', 'Day 2 now has
    1,104 kcal, below your 1,800-2,000 kcal range'. A day already short says so only when it got shorter.
    `totals` may hold the after-plan's day totals already summed (by refreshed)."""
    totals = totals or {}
    goals = _goals(after)
    band = (after.targets or {}).get("energy_range_kcal")
    out = []
    for index in changed_days(before, after):     # a day the edit did not touch brings no news
        d = after.days[index]
        now = totals[index] if index in totals else day_totals(table, d).values
        was = day_totals(table, before.days[d.index]).values if d.index < len(before.days) else {}
        for name, target in goals.items():
            got, had = now.get(name, 0.0), was.get(name, 0.0)
            short = got < target * (1 - SHORTFALL_TOLERANCE)
            if short and (had >= target * (1 - SHORTFALL_TOLERANCE) or got < had * (1 - 0.005)):
                word = NUTRIENT_LABELS.get(name, name.split("_")[0]).lower()
                out.append(f"Day {d.index + 1} now has {100 * got / target:.0f} % of your {word} target.")
        if band and d.items():
            lo, hi = float(band[0]), float(band[1])
            kcal, had = now.get("energy_kcal", 0.0), was.get("energy_kcal", 0.0)
            outside = kcal < lo or kcal > hi
            worse = not lo <= had <= hi and abs(kcal - (lo + hi) / 2) > abs(had - (lo + hi) / 2) + 1
            if outside and (lo <= had <= hi or worse):
                side = "below" if kcal < lo else "above"
                out.append(f"Day {d.index + 1} now has {kcal:,.0f} kcal, {side} your {lo:,.0f}-{hi:,.0f} kcal range.")
    return out


# --- the plan-level changes the edits above are made of ----------------------------------------------

def _find_meal(plan: Plan, day: int, slot: str) -> tuple[Day, Meal]:
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day < len(plan.days):
        shown = day + 1 if isinstance(day, int) else day
        raise PlannerError(f"day {shown} is not in the plan (days 1-{len(plan.days)})")
    d = plan.days[day]
    return d, d.meal(slot)


def with_portion(plan: Plan, table: FoodTable, day: int, slot: str, food_id: str, grams: float) -> Plan:
    """A new plan with one item's amount changed, snapped to whole steps of the food's portion (or the
    food added to the meal); the day's shortfalls and rule checks are recomputed."""
    return _edited(plan, table, day, _portion_meal(plan, table, day, slot, food_id, grams))


def _portion_meal(plan: Plan, table: FoodTable, day: int, slot: str, food_id: str, grams: float) -> list[Meal]:
    """Day `day`'s meals with one item's amount changed (snapped to whole steps) or the food added."""
    d, meal = _find_meal(plan, day, slot)
    food = table.get(food_id)
    check_item_grams(grams, food.id)
    grams = round(max(1, round(grams / food.step_grams)) * food.step_grams, 1)
    items = list(meal.items)
    for i, it in enumerate(items):
        if it.food_id == food.id:
            items[i] = replace(it, grams=grams, portion=food.portion_text(grams))
            break
    else:
        items.append(PlanItem(food.id, food.name, food.ndb, grams, food.portion_text(grams)))
    return [Meal(m.slot, items, m.dish) if m.slot == slot else m for m in d.meals]


def without_item(plan: Plan, day: int, slot: str, food_id: str, table: FoodTable | None = None) -> Plan:
    """A new plan without one item. With `table`, the day's shortfalls and rule checks are recomputed;
    without it, the day's old shortfalls are dropped rather than left wrong."""
    d, meal = _find_meal(plan, day, slot)
    items = [it for it in meal.items if it.food_id != food_id]
    if len(items) == len(meal.items):
        have = ", ".join(it.food_id for it in meal.items) or "nothing"
        raise PlannerError(f"{food_id} is not in {d.label} {meal.label} (it has {have})")
    dish = meal.dish if meal.dish and _dish_does_without(meal.dish, food_id) else ""
    meals = [Meal(m.slot, items, dish) if m.slot == slot else m for m in d.meals]
    if table is not None:
        return _edited(plan, table, day, meals)
    return replace(_with_meals(plan, day, meals), shortfalls=[s for s in plan.shortfalls if s.day != day])





def _dish_does_without(name: str, food_id: str) -> bool:
    """Whether the dish a meal is named after is still that dish without `food_id`: it is not one of the dish's
    required ingredients (nor the food standing in for one, the week's soy milk for "milk"). "Pasta with sardines
    and peas" without its sardines is no longer named so; without its lemon wedge it is."""
    for dish in dishes():
        kinds = [kind for kind in ANY_OF_KIND if kind in dish.ingredients]
        if name not in {dish.name} | {dish.served_name({kind: stand_in}) for kind in kinds for stand_in in dish.words}:
            continue
        required = set(dish.ingredients) - dish.optional
        return food_id not in required and not (food_id in dish.words and required & set(kinds))
    return True   # a name no dish has (a plan from an older table): nothing to check it against


def _edited(plan: Plan, table: FoodTable, day: int, meals: list[Meal]) -> Plan:
    """The plan with day `day`'s meals replaced by hand: shortfalls from totals, broken rules as notes."""
    return _refresh(_with_meals(plan, day, meals), table, before=plan, by_hand=day)[0]


def _with_meals(plan: Plan, day: int, meals: list[Meal]) -> Plan:
    return replace(plan, days=[Day(d.index, meals) if d.index == day else d for d in plan.days])


def _plan_goals(plan_targets: dict) -> dict[str, float]:
    nutrients = plan_targets.get("nutrients", {}) if plan_targets else {}
    return {k: float(v["min"]) for k, v in nutrients.items() if v.get("goal") and v.get("min")}


def shortfalls_from_totals(plan: Plan, table: FoodTable, day: int,
                           values: dict[str, float] | None = None) -> list[Shortfall]:
    """A day's shortfalls from its recomputed totals (after a hand edit: no what-if analysis); `values` are
    the day's totals when the caller has them already."""
    values = day_totals(table, plan.days[day]).values if values is None else values
    return [Shortfall(name, target, goal_amount(values, name), day, [], "changed by hand")
            for name, target in _plan_goals(plan.targets).items()
            if goal_amount(values, name) < target * (1 - SHORTFALL_TOLERANCE)]
