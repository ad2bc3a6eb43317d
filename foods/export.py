"""Plain-dict views of foods for JSON: field names carry their units (`calcium_mg`, `grams`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from foods.calcium import COUNTED_FIELD
from foods.table import Food

if TYPE_CHECKING:
    import pandas as pd


def nutrient_value(value: float) -> float | None:
    """A nutrient as JSON: None where SR28 has no value (missing, never zero)."""
    return None if value is None or math.isnan(value) else round(float(value), 3)


def food_to_dict(food: Food, detail: bool = False) -> dict:
    """One food: `portion` and `portion_grams` are its usual serving; nutrients are per 100 g."""
    out = {
        "food_id": food.id, "name": food.name, "ndb": food.ndb, "group": food.group,
        "portion": food.portion_text(food.default_grams), "portion_grams": round(food.default_grams, 2),
        "per_100g": {k: nutrient_value(v) for k, v in food.nutrients.items()},
        "missing": food.missing(), "tags": sorted(food.tags), "limit": food.limit,
    }
    if detail:
        out.update({
            "sr28_name": food.sr28_name, "meals": sorted(food.meals), "articles": list(food.articles),
            "tags_guessed": food.tags_guessed,
            "per_portion": {k: nutrient_value(v * food.default_grams / 100) for k, v in food.nutrients.items()},
            "household_unit": {"measure": f"1 {food.portion_label}", "grams": round(food.portion_grams, 2),
                               "ndb": food.portion_ndb or food.ndb},
            "portions": [{"measure": f"{p.amount:g} {p.measure}", "grams": p.grams, "source": p.source}
                         for p in food.portions],
            "step_grams": round(food.step_grams, 2), "default_steps": food.default_steps,
            "min_steps": food.min_steps, "max_steps": food.max_steps,
            "min_grams": round(food.grams_range[0], 2), "max_grams": round(food.grams_range[1], 2),
            "bought": {"ndb": food.bought_ndb, "name": food.bought_name, "yield_factor": food.yield_factor,
                       "refuse_pct": food.refuse_pct, "unit": food.buy_unit, "aisle": food.aisle},
        })
    return out


def top_to_dicts(top: pd.DataFrame, nutrient: str) -> list[dict]:
    """`FoodTable.top`'s ranking for JSON: rank, food, the amount the value is for, the value (None where
    missing) and, for calcium, how much of it is well absorbed."""
    rows = []
    for i, r in enumerate(top.itertuples()):
        row = {"rank": i + 1, "food_id": r.food_id, "name": r.name, "ndb": r.ndb, "per": r.per,
               "grams": round(r.grams, 1), nutrient: nutrient_value(getattr(r, nutrient)),
               "portion": f"{r.portion} ({r.portion_grams:.0f} g)", "portion_grams": round(r.portion_grams, 1)}
        if COUNTED_FIELD in top.columns:
            row[COUNTED_FIELD] = nutrient_value(getattr(r, COUNTED_FIELD))
        rows.append(row)
    return rows
