"""Which foods a profile's plan may use, as arrays for the day model; exclusions resolved with clear errors.

A food is planned only when: the articles do not say to limit it, it suits the diet, it carries no
excluded tag (allergens, pregnancy's liver rule), the person did not exclude or dislike it, and SR28
has its energy and macronutrients. A food missing a value for a strict maximum (retinol in pregnancy,
a limit the person or their clinician set) is left out too: the maximum could not be checked.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, replace

import numpy as np

from foods import FoodTable
from foods.table import NUTRIENT_FIELDS
from planner.errors import PlannerError
from planner.model_day import FoodArrays
from planner.profile import Profile, excluded_tags, missing_means_none, required_diet_tag
from planner.rules import meal_slots, rules
from planner.targets import Targets

MODEL_BASICS = ("energy_kcal", "protein_g", "fat_g", "carbohydrate_g")


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


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def table_arrays(table: FoodTable) -> TableArrays:
    cached = _CACHE.get(table)
    if cached is not None:
        return cached
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
        per_100g={f: frame[f].to_numpy(dtype=float) for f in NUTRIENT_FIELDS},
        fits=fits, tags=(";" + frame["tags"].fillna("").astype(str) + ";").to_numpy(dtype=str),
        limit=frame["limit"].fillna(0).astype(int).to_numpy() == 1,
        recommended=frame["articles"].fillna("").astype(str).str.strip().ne("").to_numpy())
    _CACHE[table] = arrays
    return arrays


def has_any_tag(arrays: TableArrays, tags) -> np.ndarray:
    out = np.zeros(len(arrays.ids), dtype=bool)
    for tag in tags:
        out |= np.char.find(arrays.tags, f";{tag};") >= 0
    return out


def words_to_foods(table: FoodTable, words: list[str], field: str) -> tuple[set[str], set[str]]:
    """Exclusion words -> (food ids, tags): an allergen word, a food id, or a word in foods' names.

    A word that matches nothing is an error naming the closest foods: a typo must never let an
    excluded food through silently.
    """
    allergens = rules()["exclusions"]
    arrays = table_arrays(table)
    ids: set[str] = set()
    tags: set[str] = set()
    for word in words:
        key = word.strip().lower()
        if key in allergens:
            tags |= set(allergens[key])
        elif key in table:
            ids.add(key)
        else:
            pattern = re.compile(rf"\b{re.escape(key)}\b")
            hits = {i for i, n in zip(arrays.ids, arrays.names, strict=True)
                    if pattern.search(n.lower()) or pattern.search(i)} if key else set()
            if not hits:
                close = ", ".join(f.id for f in table.search(key, limit=3)) or "none"
                raise PlannerError(f"profile field '{field}': no food or allergen '{word}'; closest foods: {close}; "
                                   f"allergens: {', '.join(sorted(allergens))}")
            ids |= hits
    return ids, tags


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


def strict_caps(profile: Profile, targets: Targets) -> tuple[str, ...]:
    """Maximums that protect from harm for this profile: a food lacking the value cannot be planned."""
    out = []
    for name, t in targets.items.items():
        if t.max is None:
            continue
        if (name == "retinol_ug" and profile.pregnant) or t.source in ("your setting", "clinician"):
            out.append(name)
    return tuple(out)


def select_foods(profile: Profile, table: FoodTable, targets: Targets, keep: set[str] = frozenset(),
                 allow: set[str] = frozenset()) -> Selection:
    """The foods this profile may be planned, as model arrays; `keep` are locked foods (limit allowed).

    `allow` lifts the profile's own exclusions (diet, exclude, dislike) for those ids, never a safety
    rule (pregnancy) or a limit food: it answers "would allowing these foods close the gap?".
    """
    arrays = table_arrays(table)
    excluded_ids, dislike_tags = words_to_foods(table, profile.exclude, "exclude")
    disliked_ids, more_tags = words_to_foods(table, profile.dislike, "dislike")
    liked_ids, _ = words_to_foods(table, profile.like, "like") if profile.like else (set(), set())
    tags = set(excluded_tags(profile)) | dislike_tags | more_tags
    never = excluded_ids | disliked_ids
    is_never = np.isin(arrays.ids, list(never)) | has_any_tag(arrays, tags)
    diet = required_diet_tag(profile)
    if diet:
        is_never |= ~has_any_tag(arrays, [diet])
    if allow:
        safety = has_any_tag(arrays, rules()["pregnancy"]["excluded_tags"] if profile.pregnant else [])
        is_never &= ~(np.isin(arrays.ids, list(allow)) & ~safety)
    locked = np.isin(arrays.ids, list(keep))
    bad_lock = locked & is_never
    if bad_lock.any():
        fid = arrays.ids[bad_lock][0]
        raise PlannerError(f"cannot keep {fid}: your profile excludes it (diet {profile.diet}, exclude, dislike "
                           "or pregnancy); remove the lock or the exclusion")
    ok = ~is_never & (~arrays.limit | locked) & arrays.fits.any(axis=1) & (arrays.step_grams > 0)
    for f in MODEL_BASICS:
        ok &= ~np.isnan(arrays.per_100g[f])
    caps = strict_caps(profile, targets)
    said = rules().get("exclusion_notes", {})
    notes = [said[w] for w in dict.fromkeys(x.strip().lower() for x in profile.exclude) if w in said]
    for cap in caps:  # a plant food's missing retinol is none, not unknown (missing_means_none)
        missing = ok & np.isnan(arrays.per_100g[cap]) & ~has_any_tag(arrays, missing_means_none(profile, cap))
        if missing.any():
            names = ", ".join(arrays.ids[missing][:5]) + (" ..." if missing.sum() > 5 else "")
            notes.append(f"Not planned because SR28 has no {cap.split('_')[0]} value to check your limit: {names}.")
            bad = missing & locked
            if bad.any():
                raise PlannerError(f"cannot keep {arrays.ids[bad][0]}: SR28 has no {cap.split('_')[0]} value, "
                                   "so your limit could not be checked")
            ok &= ~missing
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        raise PlannerError("no food in the table fits this profile's diet and exclusions")
    step = arrays.step_grams[rows]
    per_step = {f: arrays.per_100g[f][rows] * step / 100.0 for f in NUTRIENT_FIELDS}
    foods = FoodArrays(tuple(arrays.ids[rows]), step, arrays.min_steps[rows], arrays.max_steps[rows], per_step,
                       arrays.fits[rows])
    left_out = {fid: "excluded" for fid in excluded_ids} | {fid: "disliked" for fid in disliked_ids}
    return Selection(foods, rows, np.isin(foods.ids, list(liked_ids)), arrays.recommended[rows], left_out,
                     tuple(notes), frozenset(never), caps)


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
