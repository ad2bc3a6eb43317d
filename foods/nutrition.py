"""Nutrient math on grams of foods, vectorised over the table; a missing SR28 value is never zero."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from foods.table import DERIVED_FIELDS, NUTRIENT_FIELDS, FoodTable

TOTAL_FIELDS = NUTRIENT_FIELDS + DERIVED_FIELDS


@dataclass(frozen=True)
class Totals:
    """Sums of known values, and the nutrients where some food's value is missing (a lower bound)."""

    values: dict[str, float]
    incomplete: tuple[str, ...]

    def __getitem__(self, nutrient: str) -> float:
        return self.values[nutrient]


def contributions(table: FoodTable, food_ids: Sequence[str], grams: Sequence[float]) -> pd.DataFrame:
    """One row per item: nutrient amounts in those grams (NaN where SR28 has no value)."""
    per100 = table.nutrients.loc[list(food_ids)]
    amounts = per100.to_numpy(dtype=float) * (np.asarray(grams, dtype=float)[:, None] / 100.0)
    return pd.DataFrame(amounts, columns=list(per100.columns), index=range(len(food_ids)))


def totals(table: FoodTable, food_ids: Sequence[str], grams: Sequence[float]) -> Totals:
    """Nutrient totals of items; nutrients with a missing value in an eaten food are flagged."""
    if len(food_ids) == 0:
        return Totals({f: 0.0 for f in TOTAL_FIELDS}, ())
    frame = contributions(table, food_ids, grams)
    sums = frame.sum(axis=0, skipna=True)
    g = np.asarray(grams, dtype=float)
    missing = frame.isna().to_numpy() & (g[:, None] > 0)
    incomplete = tuple(f for f, m in zip(frame.columns, missing.any(axis=0), strict=True) if m)
    return Totals({f: float(sums[f]) for f in frame.columns}, incomplete)
