"""Tables for display: plans, targets and reports reshaped into pandas frames the pages and charts draw.

Only reshaping: every number comes from planner and foods functions (targets_for, contributions, the
check report); nothing here plans or judges.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from foods import FoodTable
from foods.nutrients import GOAL_MINERALS, NUTRIENT_LABELS, NUTRIENT_UNITS, SHOWN_NUTRIENTS
from foods.nutrition import contributions
from planner.plan import SLOT_LABELS, Plan, Shortfall, rules_fluids
from planner.rules import meal_slots
from planner.targets import Targets

MINERALS, SHOWN = GOAL_MINERALS, SHOWN_NUTRIENTS   # the registry's (foods/nutrients.py)


def nutrient_name(key: str) -> str:
    """'magnesium_mg' -> 'Magnesium'."""
    return NUTRIENT_LABELS.get(key, key.split("_")[0].capitalize())


def unit_of(key: str) -> str:
    return NUTRIENT_UNITS.get(key, key.rsplit("_", 1)[-1])


def _num(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def range_text(lo: float | None, hi: float | None, unit: str) -> str:
    """'1,000 to 2,500 mg', 'at least 320 mg', 'at most 2,300 mg', or '—' when there is no bound."""
    lo, hi = _num(lo), _num(hi)
    if lo is not None and hi is not None:
        return f"{lo:,.0f} to {hi:,.0f} {unit}"
    if lo is not None:
        return f"at least {lo:,.{1 if lo < 10 else 0}f} {unit}"
    if hi is not None:
        return f"at most {hi:,.0f} {unit}"
    return "—"


def amount_text(value: float | None, unit: str, lower_bound: bool = False) -> str:
    """'385 mg', '1.3 mg', 'at least 385 mg' (some food lacks a value), 'unknown' (SR28 has none)."""
    value = _num(value)
    if value is None:
        return "unknown"
    text = f"{value:,.{1 if abs(value) < 10 else 0}f} {unit}"
    return f"at least {text}" if lower_bound else text


# --- targets --------------------------------------------------------------------------------------------

def targets_frame(targets: Targets) -> pd.DataFrame:
    """One row per nutrient: the daily range in words, what the planner does with it, the kind of value and its
    source ('RDA: IOM 1997'), and a note."""
    rows = []
    for key, t in targets.items.items():
        source = t.source if t.kind in (t.source, "", None) else f"{t.kind}: {t.source}"
        rows.append({"Nutrient": nutrient_name(key), "Per day": range_text(t.min, t.max, t.unit),
                     "In the plan": in_the_plan(key, t, targets), "Source": source, "Note": t.note})
    return pd.DataFrame(rows)


def in_the_plan(key: str, t, targets: Targets) -> str:
    """What the planner does with a target, as its day model has it: a goal minimum it pursues, protein's floor
    and every maximum it keeps, potassium not pushed; else shown only. ("Planned for: no" beside protein and sodium
    read as if the plans ignored them.)"""
    parts = []
    if key == "potassium_mg" and not targets.push_potassium:
        parts.append("not pushed")
    elif t.goal and t.min:
        parts.append("goal")
    elif key == "protein_g" and t.min:
        parts.append("floor kept")
    if t.max is not None:
        parts.append("maximum kept")
    return ", ".join(parts) or "shown only"


def macros_frame(targets: Targets) -> pd.DataFrame:
    return pd.DataFrame([{"Nutrient": nutrient_name(k), "Minimum (g)": round(lo), "Maximum (g)": round(hi)}
                         for k, (lo, hi) in targets.macros.items()])


def plan_target(plan: Plan, nutrient: str) -> tuple[float | None, float | None]:
    """(minimum, maximum) a plan was made for, from the targets it carries."""
    t = (plan.targets or {}).get("nutrients", {}).get(nutrient, {})
    return _num(t.get("min")), _num(t.get("max"))


# --- plans ----------------------------------------------------------------------------------------------

PLAN_COLUMNS = (*SHOWN, "protein_g")   # the nutrients a plan's frames carry: the minerals, sodium, energy, protein


def plan_items_frame(plan: Plan, table: FoodTable) -> pd.DataFrame:
    """One row per planned item with its day, meal, portion and nutrient amounts (NaN where SR28 lacks one).
    Only what the items' amounts decide: a lock or a dish name changes nothing here (see day_texts)."""
    rows = [(d.index, m.slot, it) for d in plan.days for m in d.meals for it in m.items]
    base = pd.DataFrame({
        "day": pd.Series([r[0] for r in rows], dtype="int64"), "day_label": [f"Day {r[0] + 1}" for r in rows],
        "slot": [r[1] for r in rows], "meal": [SLOT_LABELS.get(r[1], r[1]) for r in rows],
        "food_id": [r[2].food_id for r in rows], "food": [r[2].name for r in rows],
        "portion": [r[2].portion for r in rows], "grams": pd.Series([float(r[2].grams) for r in rows], dtype=float),
    })
    if not rows:
        return base.assign(**{k: pd.Series(dtype=float) for k in PLAN_COLUMNS})
    amounts = contributions(table, list(base["food_id"]), list(base["grams"]))
    return pd.concat([base, amounts[list(PLAN_COLUMNS)]], axis=1)


def _group_sums(codes: np.ndarray, values: pd.Series, size: int) -> np.ndarray:
    """Sums of `values` per group code (0..size-1); NaN for a group whose every value is missing (SR28 has
    none), so a sum of unknowns never reads as zero."""
    v = values.to_numpy(dtype=float)
    known = ~np.isnan(v)
    sums = np.bincount(codes[known], weights=v[known], minlength=size)
    return np.where(np.bincount(codes[known], minlength=size) > 0, sums, np.nan)


@functools.cache
def fluids_line(dialysis: bool) -> str:
    """rules_fluids read once per kind of plan (it reads a TOML file, some milliseconds of every edit's redraw)."""
    return rules_fluids({"dialysis": True} if dialysis else None)


class DayText(NamedTuple):
    """A day's menu as markdown blocks (one per meal, then the fluids line) and the caption of its totals. One
    block per meal, drawn as one element each: an edit of one meal changes one element, and the browser keeps
    the others as they were instead of laying the whole day out again."""

    blocks: tuple[str, ...]
    minerals: str

    @property
    def menu(self) -> str:
        return "\n\n".join(self.blocks)


def day_texts(plan: Plan, items: pd.DataFrame, pct: pd.DataFrame) -> list[DayText]:
    """Per day, its meals (the meal's dish, then its foods in household portions, 🔒 for a locked food, each
    meal's kcal) and the day's fluids line, and a caption of its minerals against the targets, its protein and
    its energy against the energy target. The words come from the plan itself (dish, lock, portion), the
    amounts from the frames."""
    kcal: dict[tuple[int, str], float] = {}     # summed in plain Python: some 150 rows, where a pandas groupby
    protein: dict[int, float] = {}              # took milliseconds of every edit's redraw
    for day, slot, energy, grams in zip(items["day"].tolist(), items["slot"].tolist(), items["energy_kcal"].tolist(),
                                        items["protein_g"].tolist(), strict=True):
        if energy == energy:                    # NaN (SR28 has no value) adds nothing, as in a pandas sum
            kcal[day, slot] = kcal.get((day, slot), 0.0) + energy
        if grams == grams:
            protein[day] = protein.get(day, 0.0) + grams
    minerals: dict[int, list[str]] = {}
    for day, nutrient, amount, percent in zip(pct["day"], pct["nutrient"], pct["amount"], pct["percent"],
                                              strict=True):
        shown = f" ({percent:.0f} %)" if percent is not None and not pd.isna(percent) and percent else ""
        minerals.setdefault(day, []).append(f"{nutrient} {amount:,.0f} mg{shown}")
    energy_target = (plan.targets or {}).get("energy_kcal")
    protein_range = range_text(*plan_target(plan, "protein_g"), "g")   # the day's protein beside what it is for
    protein_for = "" if protein_range == "—" else f" ({protein_range})"
    fluids = fluids_line(bool((plan.profile or {}).get("dialysis")))
    out = []
    for d in plan.days:
        meals = [f"**{m.label}**{f': {m.dish}' if m.dish else ''} · {kcal.get((d.index, m.slot), 0):,.0f} kcal\n"
                 + "\n".join([f"- {'🔒 ' if it.locked else ''}**{it.name}**: {it.portion}" for it in m.items]
                             or ["- nothing"]) for m in d.meals]
        if fluids and d.items():
            meals.append(f"**Fluids**: {fluids}")
        day_kcal = sum(kcal.get((d.index, m.slot), 0) for m in d.meals)
        energy = f"{day_kcal:,.0f}" + (f" of {energy_target:,.0f}" if energy_target else "") + " kcal"
        totals = [*minerals.get(d.index, []), f"Protein {protein.get(d.index, 0):,.0f} g{protein_for}", energy]
        out.append(DayText(tuple(meals), " · ".join(totals)))
    return out


def week_grid(plan: Plan) -> pd.DataFrame:
    """Meals down, days across; each cell names the meal's dish, then its foods in household portions
    (🔒 when locked)."""
    slots = meal_slots()
    grid = {}
    for d in plan.days:
        cells = {}
        for m in d.meals:
            cells[SLOT_LABELS.get(m.slot, m.slot)] = "\n".join(
                ([f"{m.dish}:"] if m.dish and m.items else [])
                + [f"{'🔒 ' if it.locked else ''}{it.name}: {it.portion}" for it in m.items]) or "—"
        grid[d.label] = cells
    order = [SLOT_LABELS.get(s, s) for s in slots]
    return pd.DataFrame(grid).reindex(order).fillna("—")


def meal_totals(items: pd.DataFrame, nutrients=MINERALS) -> pd.DataFrame:
    """Long frame: day, meal, nutrient, amount (sum over the meal's foods; NaN when every value is missing),
    ordered by day and meal. Summed with one bincount per nutrient: it is made again after every edit."""
    columns = ["day", "day_label", "slot", "meal", "nutrient", "amount", "meal_order"]
    if items.empty:
        return pd.DataFrame(columns=columns)
    order = {s: i for i, s in enumerate(meal_slots())}
    slot_order = items["slot"].map(order).fillna(len(order)).to_numpy(dtype=int)
    codes = items["day"].to_numpy(dtype=int) * (len(order) + 1) + slot_order
    groups, first, codes = np.unique(codes, return_index=True, return_inverse=True)   # sorted: by day, then meal
    heads = items.iloc[first]
    n = len(groups)
    return pd.DataFrame({
        "day": np.tile(heads["day"].to_numpy(), len(nutrients)),
        "day_label": np.tile(heads["day_label"].to_numpy(), len(nutrients)),
        "slot": np.tile(heads["slot"].to_numpy(), len(nutrients)),
        "meal": np.tile(heads["meal"].to_numpy(), len(nutrients)),
        "nutrient": np.repeat(list(nutrients), n),
        "amount": np.concatenate([_group_sums(codes, items[k], n) for k in nutrients]),
        "meal_order": np.tile(slot_order[first], len(nutrients)),
    }, columns=columns).sort_values(["day", "meal_order"], kind="stable").reset_index(drop=True)


def day_percent(plan: Plan, items: pd.DataFrame, nutrients=MINERALS) -> pd.DataFrame:
    """Long frame: day, nutrient, amount, target minimum and the percentage of it reached."""
    index = {d.index: i for i, d in enumerate(plan.days)}
    codes = items["day"].map(index).to_numpy(dtype=int)
    sums = {n: np.nan_to_num(_group_sums(codes, items[n], len(index))) for n in nutrients}
    bounds = {n: plan_target(plan, n) for n in nutrients}
    rows = []
    for d in plan.days:
        for n in nutrients:
            amount = float(sums[n][index[d.index]])
            lo, hi = bounds[n]
            rows.append({"day": d.index, "day_label": d.label, "nutrient": nutrient_name(n), "key": n,
                         "amount": round(amount), "target": lo, "maximum": hi,
                         "percent": round(100.0 * amount / lo) if lo else None})
    return pd.DataFrame(rows)


def shortfall_sentence(s: Shortfall) -> str:
    """A shortfall in plain words: which day, how far from the target, what stood in the way, what helps."""
    name = nutrient_name(s.nutrient).lower()
    unit = unit_of(s.nutrient)
    where = f"Day {s.day + 1}" if s.day is not None else "Every day"
    text = (f"{where}: {name} reaches {s.achieved:,.0f} {unit} of the {s.target:,.0f} {unit} target, "
            f"{s.missing:,.0f} {unit} short.")
    if s.binding:
        text += f" What stood in the way: {', '.join(s.binding)}."
    if s.help:
        text += f" {s.help[0].upper()}{s.help[1:]}" + ("" if s.help.endswith(".") else ".")
    return text


# --- the food table -------------------------------------------------------------------------------------

def foods_frame(table: FoodTable, ids: list[str]) -> pd.DataFrame:
    """Foods for display: name, group, usual serving, and calcium, magnesium, potassium, energy per 100 g."""
    frame = table.frame.loc[ids] if ids else table.frame.iloc[0:0]
    return pd.DataFrame({
        "Food": frame["name"].to_numpy(),
        "Calcium (mg/100 g)": frame["calcium_mg"].to_numpy(),
        "Magnesium (mg/100 g)": frame["magnesium_mg"].to_numpy(),
        "Potassium (mg/100 g)": frame["potassium_mg"].to_numpy(),
        "kcal/100 g": frame["energy_kcal"].to_numpy(),
        "Portion": [table.foods[fid].portion_text(table.foods[fid].default_grams) for fid in frame["id"]],
        "Group": frame["group"].to_numpy(),
        "Limit": np.where(frame["limit"].to_numpy() == 1, "articles say limit", ""),
        "Food id": frame["id"].to_numpy(),
    })

