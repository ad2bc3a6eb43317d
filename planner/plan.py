"""A plan: days -> meals -> items, with totals recomputed from the food table, JSON in and out, text.

Totals are never stored as truth: they are always recomputed from the table for the grams planned,
so a plan's totals equal the sum of its items by construction.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from foods import FoodTable
from foods.errors import FoodError
from foods.nutrients import MINERALS, SHOWN_NUTRIENTS
from foods.nutrition import Totals, totals
from foods.units import MAX_GRAMS
from planner.errors import PlannerError
from planner.render import nutrient_word, shortfall_sentence, unit_word
from planner.rules import meal_patterns, meal_slots, rules, rules_kidney
from planner.targets import reported_not_planned

PLAN_VERSION = 1
REPORTED = (*SHOWN_NUTRIENTS, "protein_g", "fat_g", "carbohydrate_g", "fiber_g", "vitamin_d_ug", "vitamin_b6_mg", "retinol_ug", "phosphorus_mg", "selenium_ug",
            "iron_mg", "folate_dfe_ug", "vitamin_b12_ug", "calcium_counted_mg")
SLOT_LABELS = {"breakfast": "Breakfast", "morning_snack": "Morning snack", "lunch": "Lunch",
               "afternoon_snack": "Afternoon snack", "dinner": "Dinner"}


MAX_ITEM_GRAMS = MAX_GRAMS   # one food in one meal, as in a typed day (foods/units.py): more is a typing slip


def check_item_grams(grams: object, what: str) -> None:
    """One food's grams in a meal (an edit, a lock): a number above 0 and at most MAX_ITEM_GRAMS, or one error."""
    if isinstance(grams, bool) or not isinstance(grams, int | float) or not (math.isfinite(grams) and
                                                                            0 < grams <= MAX_ITEM_GRAMS):
        raise PlannerError(f"{what}: grams must be more than 0 and at most {MAX_ITEM_GRAMS:,.0f}, not {grams}")


@dataclass
class PlanItem:
    """One food in one meal: `grams` as eaten and `portion` as a person reads it."""

    food_id: str
    name: str
    ndb: str
    grams: float
    portion: str
    locked: bool = False

    def to_dict(self) -> dict:
        return {"food_id": self.food_id, "name": self.name, "ndb": self.ndb, "grams": round(self.grams, 1),
                "portion": self.portion, "locked": self.locked}


@dataclass
class Meal:
    slot: str                      # breakfast, morning_snack, lunch, afternoon_snack, dinner
    items: list[PlanItem] = field(default_factory=list)
    dish: str = ""                 # the named dish this meal is (planner/data/dishes.toml), or ""

    @property
    def label(self) -> str:
        return SLOT_LABELS.get(self.slot, self.slot)

    @property
    def kind(self) -> str:
        """The food-table meal kind this slot draws from (breakfast, snack, lunch, dinner)."""
        return rules()["meals"]["kind"][self.slot]


@dataclass
class Day:
    index: int                     # 0-based
    meals: list[Meal]

    @property
    def label(self) -> str:
        return f"Day {self.index + 1}"

    def items(self) -> list[PlanItem]:
        return [it for m in self.meals for it in m.items]

    def meal(self, slot: str) -> Meal:
        for m in self.meals:
            if m.slot == slot:
                return m
        raise PlannerError(f"no meal '{slot}'; meals are {', '.join(meal_slots())}")


@dataclass
class Shortfall:
    """A goal the plan could not reach: how much is missing, which rules bind, what would help."""

    nutrient: str
    target: float
    achieved: float
    day: int | None = None         # 0-based day, or None for every day
    binding: list[str] = field(default_factory=list)
    help: str = ""

    @property
    def missing(self) -> float:
        return max(0.0, self.target - self.achieved)

    def to_dict(self) -> dict:
        return {"nutrient": self.nutrient, "day": None if self.day is None else self.day + 1,
                "target": round(self.target, 1), "achieved": round(self.achieved, 1),
                "missing": round(self.missing, 1), "binding": list(self.binding), "help": self.help}


class SolveState(StrEnum):
    """How a solve ended; the words are the JSON contract's `status.status`."""

    OPTIMAL = "optimal"            # proven best within the gap
    FEASIBLE = "feasible"          # a good plan, stopped at a deterministic work limit
    TIME_LIMIT = "time_limit"      # a good plan, cut by the wall-clock safety cap
    INFEASIBLE = "infeasible"      # the hard rules contradict each other
    FAILED = "failed"              # no plan at all

    @property
    def solved(self) -> bool:
        """A plan came back (proven best or not)."""
        return self in (SolveState.OPTIMAL, SolveState.FEASIBLE, SolveState.TIME_LIMIT)


NO_PLAN_AT_WORK_LIMIT = "stopped at its work limit before any plan was found"   # the same on any load


@dataclass
class SolveStatus:
    """What the solver said, read from the solver itself (not PuLP's label)."""

    status: SolveState
    solver: str = ""
    seconds: float = 0.0
    gap: float | None = None
    message: str = ""

    def __post_init__(self):
        try:
            self.status = SolveState(self.status)
        except ValueError:
            raise ValueError(f"status {self.status!r} is not one of {', '.join(s.value for s in SolveState)}") from None

    @property
    def no_plan_at_work_limit(self) -> bool:
        """The solve stopped at its deterministic work limit with no plan: solving it again stops there again."""
        return self.status == SolveState.FAILED and self.message == NO_PLAN_AT_WORK_LIMIT

    def to_dict(self) -> dict:
        return {"status": self.status.value, "solver": self.solver, "seconds": round(self.seconds, 3),
                "gap": None if self.gap is None else round(self.gap, 5), "message": self.message}


@dataclass
class Plan:
    days: list[Day]
    profile: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)     # Targets.to_dict()
    shortfalls: list[Shortfall] = field(default_factory=list)
    status: SolveStatus = field(default_factory=lambda: SolveStatus(SolveState.OPTIMAL))
    notes: list[str] = field(default_factory=list)

    def items(self) -> list[PlanItem]:
        return [it for d in self.days for it in d.items()]

    def why_unsolved(self) -> str:
        """Why no plan came back, in words: the week's note on the solver failing or the hard rules
        contradicting each other (planner.optimise.week writes them), else the solver's own message."""
        said = [n for n in self.notes if "solver failed" in n or "hard rules" in n]
        return said[0] if said else self.status.message


def items_totals(table: FoodTable, items: list[PlanItem]) -> Totals:
    return totals(table, [i.food_id for i in items], [i.grams for i in items])


def day_totals(table: FoodTable, day: Day) -> Totals:
    return items_totals(table, day.items())


def _rounded(t: Totals) -> dict:
    return {k: round(v, 2) for k, v in t.values.items() if k in REPORTED}


def plan_to_dict(plan: Plan, table: FoodTable) -> dict:
    """The JSON contract: every item with food_id, ndb, grams, portion; per-day and per-meal totals."""
    days = []
    for d in plan.days:
        t = day_totals(table, d)
        meals = []
        for m in d.meals:
            mt = items_totals(table, m.items)
            meals.append({"meal": m.slot, "label": m.label, "dish": m.dish or None,
                          "items": [i.to_dict() for i in m.items], "totals": _rounded(mt)})
        days.append({"day": d.index + 1, "label": d.label, "meals": meals, "totals": _rounded(t),
                     "incomplete": [k for k in t.incomplete if k in REPORTED],
                     "reported_not_planned": reported_not_planned(t.values, (plan.targets or {}).get("nutrients", {})),
                     "shortfalls": [s.to_dict() for s in plan.shortfalls if s.day == d.index]})
    return {"version": PLAN_VERSION, "profile": plan.profile, "targets": plan.targets,
            "status": plan.status.to_dict(), "days": days,
            "shortfalls": [s.to_dict() for s in plan.shortfalls], "notes": list(plan.notes)}


def plan_from_dict(data: dict, table: FoodTable) -> Plan:
    """Read a plan back (JSON file, store); food ids are checked against the table, totals recomputed."""
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        raise PlannerError("not a plan: expected a JSON object with a 'days' list (from `mineral-planner plan`)")
    days = []
    where = "its days"
    try:
        for di, d in enumerate(data["days"]):
            where = f"day {di + 1}"
            meals = []
            for m in d["meals"]:
                items = []
                for it in m["items"]:
                    food = table.get(str(it["food_id"]))
                    grams = round(float(it["grams"]), 1)   # as the file keeps it: totals agree with the file
                    if not (math.isfinite(grams) and 0 < grams <= MAX_ITEM_GRAMS):
                        raise PlannerError(f"plan file: {where}, {m['meal']}: {food.id} has {grams:g} g; an item "
                                           f"must weigh more than 0 and at most {MAX_ITEM_GRAMS:,.0f} g")
                    items.append(PlanItem(food.id, food.name, food.ndb, grams,
                                          it.get("portion") or food.portion_text(grams), bool(it.get("locked", False))))
                meals.append(Meal(str(m["meal"]), items, str(m.get("dish") or "")))
            days.append(Day(int(d.get("day", di + 1)) - 1, meals))
        where = "its shortfalls"
        shortfalls = [Shortfall(s["nutrient"], float(s["target"]), float(s["achieved"]),
                                None if s.get("day") is None else int(s["day"]) - 1, list(s.get("binding", [])),
                                s.get("help", "")) for s in data.get("shortfalls", [])]
        where = "its status"
        st = data.get("status") or {}
        if not isinstance(st, dict):
            raise TypeError('it must be an object such as {"status": "optimal", "solver": "HiGHS"}')
        status = SolveStatus(st.get("status", SolveState.OPTIMAL), st.get("solver", ""), float(st.get("seconds", 0) or 0),
                             st.get("gap"), st.get("message", ""))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, PlannerError | FoodError):
            raise
        what = f"the field {exc.args[0]!r} is missing" if isinstance(exc, KeyError) else str(exc)
        raise PlannerError(f"plan file is malformed in {where}: {what} (make it again with `mineral-planner plan "
                           "--out FILE`)") from None
    return Plan(days, data.get("profile", {}), data.get("targets", {}), shortfalls, status, data.get("notes", []))


def load_plan(path: str | Path, table: FoodTable) -> Plan:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlannerError(f"plan file {path} not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PlannerError(f"plan file {path} is not valid JSON ({exc})") from None
    return plan_from_dict(data, table)


def rules_fluids(profile: dict | None = None) -> str:
    """The one line a day on fluids (water, tea and coffee are not meal items), from meal_patterns.toml; on
    dialysis the renal team's allowance instead (planner/data/kidney.toml): 1.5-2 L would be wrong there."""
    if profile and profile.get("dialysis"):
        return rules_kidney()["dialysis"]["fluids_line"]
    return meal_patterns().get("fluids", {}).get("text", "")


def plan_text(plan: Plan, table: FoodTable) -> str:
    """A readable week: each day's meals with portions, then the day's minerals against targets."""
    nutrients = plan.targets.get("nutrients", {}) if plan.targets else {}
    energy_target = plan.targets.get("energy_kcal") if plan.targets else None
    fluids = rules_fluids(plan.profile)
    lines = []
    marked = False
    for d in plan.days:
        lines.append(f"== {d.label} ==")
        for m in d.meals:
            lines.append(f"  {m.label}: {m.dish}" if m.dish else f"  {m.label}:")
            for it in m.items:
                lines.append(f"    - {it.name}: {it.portion}{'  [locked]' if it.locked else ''}")
        if fluids:
            lines.append(f"  Fluids: {fluids}")
        t = day_totals(table, d)
        parts = []
        shown = (*MINERALS, "protein_g", "energy_kcal")
        planned = tuple(k for k, v in nutrients.items() if k not in shown and (v or {}).get("goal") and v.get("min"))
        for key in shown + planned:   # the usual six, then any other nutrient planned for (a vegan's B12)
            tgt = nutrients.get(key, {})
            goal = energy_target if key == "energy_kcal" else tgt.get("min")
            mark = "*" if key in t.incomplete else ""
            marked = marked or bool(mark)
            unit = " g" if key == "protein_g" else f" {unit_word(key)}" if key in planned else ""
            if goal and key != "energy_kcal" and tgt.get("max"):   # a range: a clinical one, or goal to UL
                against = f"/{goal:,.0f}-{tgt['max']:,.0f}"
            elif goal:
                against = f"/{goal:,.1f}" if key in planned and goal < 10 else f"/{goal:,.0f}"
            elif tgt.get("max"):   # a ceiling (sodium, a clinician's limit) is never written like a target
                against = f" (max {tgt['max']:,.0f})"
            else:
                against = ""
            value = f"{t[key]:,.1f}" if key in planned and (goal or 0) < 10 else f"{t[key]:,.0f}"
            parts.append(f"{nutrient_word(key)} {value}{unit}{mark}{against}")
        lines.append("  totals: " + ", ".join(parts))
        low = reported_not_planned(t.values, nutrients)
        if low:
            lines.append("  reported, not planned for: " + "; ".join(low))
    if plan.shortfalls:
        lines.append("Shortfalls:")
        lines += [f"  - {shortfall_sentence(s)}" for s in plan.shortfalls]
    band = plan.targets.get("energy_range_kcal") if plan.targets else None
    if energy_target:
        lines.append(f"Energy target: {energy_target:,.0f} kcal a day"
                     + (f" (each day {band[0]:,.0f}-{band[1]:,.0f})" if band else ""))
    lines.append(f"Solver: {plan.status.status} ({plan.status.solver}, {plan.status.seconds:.1f} s)")
    lines += [f"Note: {n}" for n in plan.notes]
    if marked:
        lines.append("* a value SR28 lacks for some food: the total is a lower bound.")
    return "\n".join(lines)
