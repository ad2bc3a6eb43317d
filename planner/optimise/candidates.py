"""Which foods a profile's plan may use, as arrays for the day model; exclusions resolved with clear errors.

The eligibility rule (planner/eligibility.py) decides which foods the profile may eat; of those, a food
is planned when it fits a meal slot, has a step of grams, and SR28 has its energy and macronutrients.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from foods import FoodTable
from foods.table import NUTRIENT_FIELDS
from planner.eligibility import assess
from planner.errors import PlannerError
from planner.optimise.day import GOAL_COUNTED, Dish, FoodArrays
from planner.profile import Profile
from planner.rules import DATA_DIR, meal_patterns, meal_slots, rules
from planner.targets import Targets

MODEL_BASICS = ("energy_kcal", "protein_g", "fat_g", "carbohydrate_g")


def goal_amount(values, name: str) -> float:
    """A goal nutrient's amount in totals, as it counts toward the goal (calcium: calcium_counted_mg)."""
    counted = GOAL_COUNTED.get(name)
    if counted and values.get(counted) is not None:
        return float(values[counted])
    return float(values.get(name, 0.0) or 0.0)


@dataclass(frozen=True)
class TableArrays:
    """The whole table as arrays, computed once per table (vectorised over the frame)."""

    ids: np.ndarray
    names: np.ndarray
    step_grams: np.ndarray
    min_steps: np.ndarray
    max_steps: np.ndarray
    per_100g: dict[str, np.ndarray]
    fits: np.ndarray          # (foods, slots)
    tags: np.ndarray          # str, ';'-joined
    limit: np.ndarray         # bool
    recommended: np.ndarray   # bool: an article recommends it
    roles: np.ndarray         # str: the food's role in a meal (planner/data/food_roles.csv)
    same_food: np.ndarray     # str: the food it is a form of (raw and cooked count as one), else its own id
    portion_grams: np.ndarray


@functools.cache
def dishes() -> tuple[Dish, ...]:
    """The named dishes the planner prefers (planner/data/dishes.toml)."""
    with open(DATA_DIR / "dishes.toml", "rb") as fh:
        data = tomllib.load(fh)
    out = []
    for d in data["dish"]:
        optional = {k: tuple(v) for k, v in d.get("optional", {}).items()}
        out.append(Dish(d["name"], {k: tuple(v) for k, v in d["ingredients"].items()} | optional,
                        frozenset(optional), frozenset(d["slots"]), float(data["written_for_kcal"]),
                        dict(data.get("stand_in_words", {}))))
    return tuple(out)


@functools.cache
def _roles_file() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "food_roles.csv", dtype=str, keep_default_na=False).set_index("food_id")


def food_roles(frame: pd.DataFrame) -> np.ndarray:
    """Each food's role in a meal: from food_roles.csv, else from its USDA food group."""
    by_group = frame["group"].map(meal_patterns()["group_roles"]).fillna("vegetable")
    return frame["id"].map(_roles_file()["role"]).fillna(by_group).to_numpy(dtype=str)


def same_food(frame: pd.DataFrame) -> np.ndarray:
    """The food each row is a form of (boiled cabbage is cabbage), for the week's count of distinct foods."""
    base = frame["id"].map(_roles_file()["same_food"]).fillna("")
    return np.where(base.eq(""), frame["id"], base).astype(str)


def table_arrays(table: FoodTable) -> TableArrays:
    """The table as the optimiser's arrays, made once per table (FoodTable's one cache)."""
    return table.cached("optimise.table_arrays", lambda: _arrays(table))


def _arrays(table: FoodTable) -> TableArrays:
    frame = table.frame
    kinds = rules()["meals"]["kind"]
    meals = ";" + frame["meals"].fillna("").astype(str) + ";"
    fits = np.column_stack([meals.str.contains(f";{kinds[s]};", regex=False).to_numpy() for s in meal_slots()])
    min_steps = np.maximum(1, frame["min_steps"].fillna(1).to_numpy().astype(int))
    max_steps = np.maximum(min_steps, frame["max_steps"].fillna(1).to_numpy().astype(int))
    arrays = TableArrays(
        ids=frame["id"].astype(str).to_numpy(), names=frame["name"].astype(str).to_numpy(),
        step_grams=(frame["portion_grams"] * frame["step"]).to_numpy(dtype=float),
        min_steps=min_steps, max_steps=max_steps,
        per_100g={f: frame[f].to_numpy(dtype=float) for f in (*NUTRIENT_FIELDS, *GOAL_COUNTED.values())
                  if f in frame},
        fits=fits, tags=(";" + frame["tags"].fillna("").astype(str) + ";").to_numpy(dtype=str),
        limit=frame["limit"].fillna(0).astype(int).to_numpy() == 1,
        recommended=frame["articles"].astype("string").fillna("").str.strip().ne("").to_numpy(dtype=bool),
        roles=food_roles(frame), same_food=same_food(frame),
        portion_grams=frame["portion_grams"].to_numpy(dtype=float))
    return arrays


@dataclass(frozen=True)
class Selection:
    """The plan's foods (arrays for the model), where each came from, and notes for people."""

    foods: FoodArrays
    table_rows: np.ndarray        # row in the table of each planned food
    liked: np.ndarray             # bool per planned food
    recommended: np.ndarray       # bool per planned food
    left_out: dict[str, str]      # food id -> why, for foods a person might expect (profile words)
    notes: tuple[str, ...]
    excluded_ids: frozenset[str]  # excluded or disliked by the profile (never planned, never locked)
    strict_caps: tuple[str, ...]


def select_foods(profile: Profile, table: FoodTable, targets: Targets, keep: set[str] = frozenset(),
                 allow: set[str] = frozenset()) -> Selection:
    """The foods this profile may be planned, as model arrays; `keep` are locked foods (limit allowed).

    `allow` lifts the profile's own exclusions (diet, exclude, dislike) for those ids, never a safety
    rule (pregnancy) or a limit food: it answers "would allowing these foods close the gap?".
    """
    arrays = table_arrays(table)
    plannable = arrays.fits.any(axis=1) & (arrays.step_grams > 0)
    for f in MODEL_BASICS:
        plannable &= ~np.isnan(arrays.per_100g[f])
    plannable &= ~np.isin(arrays.roles, meal_patterns()["not_planned_roles"]) | np.isin(arrays.ids, list(keep))
    rule = assess(profile, table, targets, keep=keep, allow=allow, within=plannable)
    ok = rule.eligible & plannable
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        raise PlannerError("no food in the table fits this profile's diet and exclusions")
    step = arrays.step_grams[rows]
    per_step = {f: arrays.per_100g[f][rows] * step / 100.0 for f in arrays.per_100g}
    foods = FoodArrays(tuple(arrays.ids[rows]), step, arrays.min_steps[rows], arrays.max_steps[rows], per_step,
                       arrays.fits[rows], arrays.roles[rows], arrays.portion_grams[rows], arrays.same_food[rows])
    left_out = {fid: "excluded" for fid in rule.excluded_ids} | {fid: "disliked" for fid in rule.disliked_ids}
    return Selection(foods, rows, np.isin(foods.ids, list(rule.liked_ids)), arrays.recommended[rows], left_out,
                     rule.notes, rule.never_ids, rule.caps)


def excluded_alternatives(profile: Profile, table: FoodTable, targets: Targets, nutrients, n: int = 3
                          ) -> dict[str, list[str]]:
    """Per nutrient, the foods richest in it per 100 kcal that only the person's dislikes or excluded foods
    keep out. Never a food their diet or an allergen excludes: those are not suggestions to make."""
    arrays = table_arrays(table)
    mine = set(select_foods(profile, table, targets).foods.ids)
    allergens = rules()["exclusions"]
    opened = replace(profile, exclude=[w for w in profile.exclude if w.strip().lower() in allergens], dislike=[],
                     like=[])
    wider = select_foods(opened, table, targets)
    extra = np.array([fid not in mine for fid in wider.foods.ids])
    if not extra.any():
        return {nutrient: [] for nutrient in nutrients}
    rows = wider.table_rows[extra]
    kcal = arrays.per_100g["energy_kcal"][rows]
    out = {}
    for nutrient in nutrients:
        density = np.where(kcal > 0, np.nan_to_num(arrays.per_100g[nutrient][rows]) / np.maximum(kcal, 1e-9), 0.0)
        best = np.argsort(-density, kind="stable")[:n]
        out[nutrient] = [str(arrays.ids[rows[i]]) for i in best if density[i] > 0]
    return out
