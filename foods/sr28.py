"""Readers for USDA SR28's caret-separated files (latin-1, `~` around text, empty = not analysed)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd

ABBREV_COLUMNS = [
    "NDB_No", "Shrt_Desc", "Water_(g)", "Energ_Kcal", "Protein_(g)", "Lipid_Tot_(g)", "Ash_(g)",
    "Carbohydrt_(g)", "Fiber_TD_(g)", "Sugar_Tot_(g)", "Calcium_(mg)", "Iron_(mg)", "Magnesium_(mg)",
    "Phosphorus_(mg)", "Potassium_(mg)", "Sodium_(mg)", "Zinc_(mg)", "Copper_mg)", "Manganese_(mg)",
    "Selenium_(µg)", "Vit_C_(mg)", "Thiamin_(mg)", "Riboflavin_(mg)", "Niacin_(mg)", "Panto_Acid_mg)",
    "Vit_B6_(mg)", "Folate_Tot_(µg)", "Folic_Acid_(µg)", "Food_Folate_(µg)", "Folate_DFE_(µg)",
    "Choline_Tot_ (mg)", "Vit_B12_(µg)", "Vit_A_IU", "Vit_A_RAE", "Retinol_(µg)", "Alpha_Carot_(µg)",
    "Beta_Carot_(µg)", "Beta_Crypt_(µg)", "Lycopene_(µg)", "Lut+Zea_ (µg)", "Vit_E_(mg)", "Vit_D_µg",
    "Vit_D_IU", "Vit_K_(µg)", "FA_Sat_(g)", "FA_Mono_(g)", "FA_Poly_(g)", "Cholestrl_(mg)", "GmWt_1",
    "GmWt_Desc1", "GmWt_2", "GmWt_Desc2", "Refuse_Pct",
]
FOOD_DES_COLUMNS = [
    "NDB_No", "FdGrp_Cd", "Long_Desc", "Shrt_Desc", "ComName", "ManufacName", "Survey", "Ref_desc",
    "Refuse", "SciName", "N_Factor", "Pro_Factor", "Fat_Factor", "CHO_Factor",
]
WEIGHT_COLUMNS = ["NDB_No", "Seq", "Amount", "Msre_Desc", "Gm_Wgt", "Num_Data_Pts", "Std_Dev"]
FD_GROUP_COLUMNS = ["FdGrp_Cd", "FdGrp_Desc"]
REQUIRED_FILES = ("ABBREV.txt", "FOOD_DES.txt", "WEIGHT.txt", "FD_GROUP.txt")


SR28_ENV = "MINERAL_PLANNER_SR28"
REPO_ROOT = Path(__file__).resolve().parent.parent


def sr28_candidates() -> list[Path]:
    """Where SR28 is looked for: $MINERAL_PLANNER_SR28 alone when it is set; otherwise `shared/usda-sr28`
    beside the checkout (a CI clone has `../shared`) and beside each folder above it (a git worktree
    deeper down finds it higher up)."""
    if os.environ.get(SR28_ENV):
        return [Path(os.environ[SR28_ENV]).expanduser()]
    return [folder / "shared" / "usda-sr28" for folder in REPO_ROOT.parents]


def default_sr28_dir() -> Path:
    """The first candidate that holds ABBREV.txt; if none does, the first candidate, so a message can
    name where SR28 was expected."""
    candidates = sr28_candidates()
    return next((folder for folder in candidates if (folder / "ABBREV.txt").is_file()), candidates[0])


def parse_records(text: str, columns: list[str], name: str) -> pd.DataFrame:
    """Parse one SR28 file's text into strings; numbers are converted by the caller per column."""
    reader = csv.reader(io.StringIO(text), delimiter="^", quotechar="~")
    rows = [r for r in reader if r]
    for i, r in enumerate(rows, start=1):
        if len(r) != len(columns):
            raise ValueError(f"{name}, line {i}: expected {len(columns)} fields, found {len(r)}")
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _read(directory: Path, name: str, columns: list[str]) -> pd.DataFrame:
    path = directory / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: an SR28 folder needs {', '.join(REQUIRED_FILES)}")
    return parse_records(path.read_text(encoding="latin-1"), columns, name)


def _numeric(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        out[c] = pd.to_numeric(out[c].replace("", None), errors="raise").astype("float64")
    return out


def read_abbrev(directory: Path) -> pd.DataFrame:
    """Nutrients per 100 g by NDB number; an empty field stays NaN ('not analysed', not zero)."""
    frame = _read(directory, "ABBREV.txt", ABBREV_COLUMNS)
    text_cols = {"NDB_No", "Shrt_Desc", "GmWt_Desc1", "GmWt_Desc2"}
    return _numeric(frame, [c for c in ABBREV_COLUMNS if c not in text_cols]).set_index("NDB_No")


def read_food_des(directory: Path) -> pd.DataFrame:
    frame = _read(directory, "FOOD_DES.txt", FOOD_DES_COLUMNS)
    return _numeric(frame, ["Refuse"]).set_index("NDB_No")


def read_weight(directory: Path) -> pd.DataFrame:
    frame = _read(directory, "WEIGHT.txt", WEIGHT_COLUMNS)
    frame = _numeric(frame, ["Amount", "Gm_Wgt"])
    frame["Seq"] = frame["Seq"].astype(int)
    return frame


def read_groups(directory: Path) -> dict[str, str]:
    frame = _read(directory, "FD_GROUP.txt", FD_GROUP_COLUMNS)
    return dict(zip(frame["FdGrp_Cd"], frame["FdGrp_Desc"], strict=True))
