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


@dataclass(frozen=True)
class NutrientMatrix:
    """The table's nutrients per 100 g as one float matrix (foods x TOTAL_FIELDS, NaN kept) and each food
    id's row: made once per table (FoodTable.cached), so totals are one indexed product, not a frame lookup."""

    rows: dict[str, int]
    per100: np.ndarray

    def take(self, food_ids: Sequence[str]) -> np.ndarray:
        """Rows of these foods, in order; an unknown id raises KeyError as a frame lookup would."""
        return self.per100[[self.rows[fid] for fid in food_ids]]


def nutrient_matrix(table: FoodTable) -> NutrientMatrix:
    """The table's NutrientMatrix (cached on the table)."""
    def build() -> NutrientMatrix:
        frame = table.nutrients
        return NutrientMatrix({fid: i for i, fid in enumerate(frame.index)}, frame.to_numpy(dtype=float))
    return table.cached("nutrition.matrix", build)


def _amounts(table: FoodTable, food_ids: Sequence[str], grams: Sequence[float]) -> np.ndarray:
    """(items, TOTAL_FIELDS): nutrient amounts in those grams (NaN where SR28 has no value)."""
    return nutrient_matrix(table).take(food_ids) * (np.asarray(grams, dtype=float)[:, None] / 100.0)


def contributions(table: FoodTable, food_ids: Sequence[str], grams: Sequence[float]) -> pd.DataFrame:
    """One row per item: nutrient amounts in those grams (NaN where SR28 has no value)."""
    return pd.DataFrame(_amounts(table, food_ids, grams), columns=TOTAL_FIELDS, index=range(len(food_ids)))


def totals(table: FoodTable, food_ids: Sequence[str], grams: Sequence[float]) -> Totals:
    """Nutrient totals of items; nutrients with a missing value in an eaten food are flagged."""
    if len(food_ids) == 0:
        return Totals({f: 0.0 for f in TOTAL_FIELDS}, ())
    amounts = _amounts(table, food_ids, grams)
    missing = np.isnan(amounts)
    # summed per nutrient along a contiguous row, as a frame's column sum adds them (the same floats)
    sums = np.ascontiguousarray(np.where(missing, 0.0, amounts).T).sum(axis=1)
    g = np.asarray(grams, dtype=float)
    incomplete = missing & (g[:, None] > 0)
    return Totals(dict(zip(TOTAL_FIELDS, sums.tolist(), strict=True)),
                  tuple(f for f, m in zip(TOTAL_FIELDS, incomplete.any(axis=0), strict=True) if m))
