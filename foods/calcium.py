"""Absorbable calcium: each food's calcium absorption class, and the calcium counted toward a calcium goal.

One rule, used by the plan, the day check, `foods top calcium` and the dashboard: a food in the `oxalate`
class (spinach, chard, beet greens, rhubarb: about 5-9 % absorbed, Weaver 1999) shows its SR28 calcium,
but none of it counts toward the calcium goal (`calcium_counted_mg` = 0); every other food counts in full.
Classes come from `data/calcium_classes.csv`, by food name pattern first, then by SR28 food group name.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:   # the callers hand in pandas Series; importing this module (for COUNTED_FIELD) needs no pandas
    import pandas as pd

CLASSES_FILE = Path(__file__).resolve().parent / "data" / "calcium_classes.csv"
NOT_COUNTED = frozenset({"oxalate"})   # classes whose calcium never counts toward a calcium goal
UNCLASSED = "other"   # no absorption study for its kind: counted in full
COUNTED_FIELD = "calcium_counted_mg"


@functools.cache
def _rules() -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(CLASSES_FILE, dtype=str, keep_default_na=False).rename(columns={"class": "klass"})


def calcium_class(names: pd.Series, groups: pd.Series | None = None) -> pd.Series:
    """Each food's calcium absorption class: the first name rule that matches, else its SR28 group's (by
    group name), else 'other'."""
    import pandas as pd

    out = pd.Series(UNCLASSED, index=names.index, dtype=object)
    lowered = names.fillna("").astype(str).str.lower()
    todo = np.ones(len(names), dtype=bool)
    rules = _rules()
    for rule in rules[rules["match"] == "name"].itertuples():
        hit = todo & lowered.str.contains(rule.key, regex=True).to_numpy()
        out[hit] = rule.klass
        todo &= ~hit
    if groups is not None:
        codes = groups.fillna("").astype(str).to_numpy()
        for rule in rules[rules["match"] == "group"].itertuples():
            hit = todo & (codes == rule.key)
            out[hit] = rule.klass
            todo &= ~hit
    return out


def counted_calcium(calcium_mg: pd.Series, classes: pd.Series) -> pd.Series:
    """Calcium (mg per 100 g) that counts toward a calcium goal: 0 for oxalate-class foods, else SR28's value
    (missing stays missing)."""
    not_counted = classes.isin(NOT_COUNTED).to_numpy()
    return calcium_mg.mask(not_counted & calcium_mg.notna().to_numpy(), 0.0).rename(COUNTED_FIELD)


def well_absorbed(names: pd.Series) -> pd.Series:
    """True where a food's calcium counts toward the goal (not an oxalate-rich green)."""
    return ~calcium_class(names).isin(NOT_COUNTED)
