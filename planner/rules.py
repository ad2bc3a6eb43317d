"""The planner's rule and reference tables, read once from `planner/data`."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the meal words (`plan edit --help`) need no pandas; the tables import it when read
    import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def rules() -> dict:
    with open(DATA_DIR / "rules.toml", "rb") as fh:
        return tomllib.load(fh)


@functools.cache
def rules_kidney() -> dict:
    """planner/data/kidney.toml: KDOQI 2020 / KDIGO 2024 targets for chronic kidney disease, with sources."""
    with open(DATA_DIR / "kidney.toml", "rb") as fh:
        return tomllib.load(fh)


@functools.cache
def meal_patterns() -> dict:
    """Meal patterns per slot kind, per-day and per-meal amounts, group roles, the fluids line
    (planner/data/meal_patterns.toml)."""
    with open(DATA_DIR / "meal_patterns.toml", "rb") as fh:
        return tomllib.load(fh)


@functools.cache
def dri_table() -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(DATA_DIR / "dri_us.csv", dtype={"target": float, "ul": float})


@functools.cache
def efsa_table() -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(DATA_DIR / "efsa_adults.csv", dtype={"target": float, "ul": float})


@functools.cache
def amdr_table(age: int = 19) -> pd.DataFrame:
    """IOM 2005 AMDR rows (planner/data/amdr.csv) for an age: adults 19+ (the default) or adolescents 14-18."""
    import pandas as pd

    table = pd.read_csv(DATA_DIR / "amdr.csv")
    return table[(table["min_age"] <= age) & (table["max_age"] >= age)].reset_index(drop=True)


def meal_slots() -> list[str]:
    return list(rules()["meals"]["order"])
