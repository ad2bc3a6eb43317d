"""The nutrient registry, the one place that says which nutrients there are: each one's field, SR28 column, unit
and label (`data/nutrients.csv`), the names people type for them, the minerals this planner is about and the
order a day's figures are shown in. Everything else (the table, the check, the plan text, the workbook, the
dashboard) takes its nutrient names from here."""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

NUTRIENTS_FILE = Path(__file__).resolve().parent / "data" / "nutrients.csv"
with open(NUTRIENTS_FILE, encoding="utf-8", newline="") as _fh:
    _NUTRIENT_ROWS = list(csv.DictReader(_fh))
NUTRIENT_FIELDS: list[str] = [row["field"] for row in _NUTRIENT_ROWS]
NUTRIENT_UNITS: dict[str, str] = {row["field"]: row["unit"] for row in _NUTRIENT_ROWS}
NUTRIENT_LABELS: dict[str, str] = {row["field"]: row["label"] for row in _NUTRIENT_ROWS}

GOAL_MINERALS = ("calcium_mg", "magnesium_mg", "potassium_mg")   # the minerals a plan and a day check aim at
MINERALS = (*GOAL_MINERALS, "sodium_mg")                         # and sodium, held under its ceiling
SHOWN_NUTRIENTS = (*MINERALS, "energy_kcal")   # a day's figures in every table: CLI, diary, workbook, dashboard


def __getattr__(name: str):
    """`NUTRIENTS`, the registry as a DataFrame (field, sr28_column, unit, label, source), made when first
    asked for: the build and the fidelity test want it, a look-up does not want pandas."""
    if name == "NUTRIENTS":
        import pandas as pd

        globals()["NUTRIENTS"] = frame = pd.read_csv(NUTRIENTS_FILE, dtype=str)
        return frame
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_NUTRIENT_ALIASES = {
    "calcium": "calcium_mg", "ca": "calcium_mg", "magnesium": "magnesium_mg", "mg": "magnesium_mg",
    "potassium": "potassium_mg", "k": "potassium_mg", "sodium": "sodium_mg", "na": "sodium_mg",
    "energy": "energy_kcal", "kcal": "energy_kcal", "calories": "energy_kcal", "protein": "protein_g",
    "fat": "fat_g", "carbohydrate": "carbohydrate_g", "carbs": "carbohydrate_g", "fiber": "fiber_g",
    "fibre": "fiber_g", "vitamin_d": "vitamin_d_ug", "vitamin d": "vitamin_d_ug", "vitamin_b6": "vitamin_b6_mg",
    "b6": "vitamin_b6_mg", "retinol": "retinol_ug", "phosphorus": "phosphorus_mg", "p": "phosphorus_mg",
    "selenium": "selenium_ug", "se": "selenium_ug", "iron": "iron_mg", "fe": "iron_mg", "folate": "folate_dfe_ug",
    "folate dfe": "folate_dfe_ug", "vitamin_b12": "vitamin_b12_ug", "vitamin b12": "vitamin_b12_ug",
    "b12": "vitamin_b12_ug",
}


def resolve_nutrient(name: str) -> str:
    """'magnesium', 'Mg' or 'magnesium_mg' -> 'magnesium_mg'; anything else is a clear error."""
    key = name.strip().lower()
    if key in NUTRIENT_FIELDS:
        return key
    if key in _NUTRIENT_ALIASES:
        return _NUTRIENT_ALIASES[key]
    names = sorted({k for k in _NUTRIENT_ALIASES if len(k) > 2})
    near = difflib.get_close_matches(key, names, n=2, cutoff=0.75)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    raise ValueError(f"unknown nutrient '{name}'; {hint}use one of: {', '.join(names)}")
