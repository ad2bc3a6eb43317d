"""Tables for display: plans, targets and reports reshaped into pandas frames the pages and charts draw.

Only reshaping: every number comes from planner and foods functions (targets_for, contributions, the
check report); nothing here plans or judges.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from foods import FoodTable
from foods.nutrition import contributions
from foods.table import NUTRIENT_LABELS, NUTRIENT_UNITS
from planner.plan import SLOT_LABELS, Plan, Shortfall
from planner.rules import meal_slots
from planner.targets import Targets

MINERALS = ("calcium_mg", "magnesium_mg", "potassium_mg")
SHOWN = ("calcium_mg", "magnesium_mg", "potassium_mg", "sodium_mg", "energy_kcal")


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
    """One row per nutrient: the daily range in words, whether the planner pursues it, the kind of value and its
    source ('RDA: IOM 1997'), and a note."""
    rows = []
    for key, t in targets.items.items():
        source = t.source if t.kind in (t.source, "", None) else f"{t.kind}: {t.source}"
        rows.append({"Nutrient": nutrient_name(key), "Per day": range_text(t.min, t.max, t.unit),
                     "Planned for": "yes" if t.goal and t.min else "no", "Source": source, "Note": t.note})
    return pd.DataFrame(rows)


def macros_frame(targets: Targets) -> pd.DataFrame:
    return pd.DataFrame([{"Nutrient": nutrient_name(k), "Minimum (g)": round(lo), "Maximum (g)": round(hi)}
                         for k, (lo, hi) in targets.macros.items()])


def plan_target(plan: Plan, nutrient: str) -> tuple[float | None, float | None]:
    """(minimum, maximum) a plan was made for, from the targets it carries."""
    t = (plan.targets or {}).get("nutrients", {}).get(nutrient, {})
    return _num(t.get("min")), _num(t.get("max"))


# --- plans ----------------------------------------------------------------------------------------------

def plan_items_frame(plan: Plan, table: FoodTable) -> pd.DataFrame:
    """One row per planned item with its day, meal, portion, lock and nutrient amounts (NaN where SR28 lacks one)."""
    rows = [(d.index, m.slot, it) for d in plan.days for m in d.meals for it in m.items]
    base = pd.DataFrame({
        "day": [r[0] for r in rows], "day_label": [f"Day {r[0] + 1}" for r in rows],
        "slot": [r[1] for r in rows], "meal": [SLOT_LABELS.get(r[1], r[1]) for r in rows],
        "food_id": [r[2].food_id for r in rows], "food": [r[2].name for r in rows],
        "portion": [r[2].portion for r in rows], "grams": [float(r[2].grams) for r in rows],
        "locked": [r[2].locked for r in rows],
    })
    if not rows:
        return base.assign(**{k: pd.Series(dtype=float) for k in SHOWN})
    amounts = contributions(table, list(base["food_id"]), list(base["grams"]))
    return pd.concat([base, amounts[list(SHOWN)]], axis=1)


def day_texts(plan: Plan, items: pd.DataFrame, pct: pd.DataFrame) -> list[tuple[str, str]]:
    """Per day, its meals as one markdown list (🔒 for a locked food, each meal's kcal) and a caption of its
    minerals against the targets: made once per plan (one grouping, no filtering per meal)."""
    kcal = items.groupby(["day", "slot"])["energy_kcal"].sum().to_dict() if not items.empty else {}
    lines_of: dict[tuple[int, str], list[str]] = {}
    for day, slot, locked, food, portion in zip(items["day"], items["slot"], items["locked"], items["food"],
                                                items["portion"], strict=True):
        lines_of.setdefault((day, slot), []).append(f"- {'🔒 ' if locked else ''}**{food}**: {portion}")
    minerals: dict[int, list[str]] = {}
    for day, nutrient, amount, percent in zip(pct["day"], pct["nutrient"], pct["amount"], pct["percent"],
                                              strict=True):
        shown = f" ({percent:.0f} %)" if percent is not None and not pd.isna(percent) and percent else ""
        minerals.setdefault(day, []).append(f"{nutrient} {amount:,.0f} mg{shown}")
    out = []
    for d in plan.days:
        meals = [f"**{m.label}** · {kcal.get((d.index, m.slot), 0):,.0f} kcal\n"
                 + "\n".join(lines_of.get((d.index, m.slot), ["- nothing"])) for m in d.meals]
        day_kcal = sum(kcal.get((d.index, m.slot), 0) for m in d.meals)
        out.append(("\n\n".join(meals), " · ".join([*minerals.get(d.index, []), f"{day_kcal:,.0f} kcal"])))
    return out


def week_grid(plan: Plan) -> pd.DataFrame:
    """Meals down, days across; each cell lists the meal's foods in household portions (🔒 when locked)."""
    slots = meal_slots()
    grid = {}
    for d in plan.days:
        cells = {}
        for m in d.meals:
            cells[SLOT_LABELS.get(m.slot, m.slot)] = "\n".join(
                f"{'🔒 ' if it.locked else ''}{it.name}: {it.portion}"
                for it in m.items) or "—"
        grid[d.label] = cells
    order = [SLOT_LABELS.get(s, s) for s in slots]
    return pd.DataFrame(grid).reindex(order).fillna("—")


def meal_totals(items: pd.DataFrame, nutrients=MINERALS) -> pd.DataFrame:
    """Long frame: day, meal, nutrient, amount (sum over the meal's foods; missing values count as unknown)."""
    if items.empty:
        return pd.DataFrame(columns=["day", "day_label", "slot", "meal", "meal_order", "nutrient", "amount"])
    order = {s: i for i, s in enumerate(meal_slots())}
    grouped = items.groupby(["day", "day_label", "slot", "meal"], as_index=False)[list(nutrients)].sum(min_count=1)
    long = grouped.melt(id_vars=["day", "day_label", "slot", "meal"], var_name="nutrient", value_name="amount")
    long["meal_order"] = long["slot"].map(order)
    return long.sort_values(["day", "meal_order"]).reset_index(drop=True)


def day_percent(plan: Plan, items: pd.DataFrame, nutrients=MINERALS) -> pd.DataFrame:
    """Long frame: day, nutrient, amount, target minimum and the percentage of it reached."""
    days = [(d.index, d.label) for d in plan.days]
    sums = items.groupby("day")[list(nutrients)].sum(min_count=1) if not items.empty else pd.DataFrame()
    rows = []
    for index, label in days:
        for n in nutrients:
            amount = float(sums.at[index, n]) if index in sums.index and not pd.isna(sums.at[index, n]) else 0.0
            lo, hi = plan_target(plan, n)
            pct = round(100.0 * amount / lo) if lo else None
            rows.append({"day": index, "day_label": label, "nutrient": nutrient_name(n), "key": n,
                         "amount": round(amount), "target": lo, "maximum": hi, "percent": pct})
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

