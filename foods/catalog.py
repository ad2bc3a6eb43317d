"""Import the whole SR28 catalogue (all 8,790 foods of ABBREV.txt) from a user's own download into a food table folder.

Curated fields are guessed from the SR28 food group and marked as guessed (`tags_guessed = 1`);
foods with no household measure in WEIGHT.txt get a generic 100 g serving (portion source `generic`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from foods.build import Sr28, write_csv_atomically
from foods.table import FOOD_COLUMNS, NUTRIENTS, PORTION_COLUMNS

# SR28 food group code -> (diet tags, content tags, aisle, meals); a guess, marked as such.
_VEGAN = "vegan;vegetarian;pescatarian"
GROUP_GUESSES = {
    "0100": ("vegetarian;pescatarian", "dairy", "dairy_eggs", "breakfast;snack;lunch;dinner"),
    "0200": (_VEGAN, "", "other", "lunch;dinner"),
    "0400": (_VEGAN, "", "other", "breakfast;lunch;dinner"),
    "0500": ("", "", "meat_fish", "lunch;dinner"),
    "0700": ("", "salty", "meat_fish", "breakfast;lunch;dinner"),
    "0800": (_VEGAN, "gluten", "grains_legumes", "breakfast;snack"),
    "0900": (_VEGAN, "", "produce", "breakfast;snack;lunch;dinner"),
    "1000": ("", "", "meat_fish", "lunch;dinner"),
    "1100": (_VEGAN, "", "produce", "lunch;dinner"),
    "1200": (_VEGAN, "tree_nuts", "nuts_seeds", "breakfast;snack"),
    "1300": ("", "", "meat_fish", "lunch;dinner"),
    "1400": (_VEGAN, "", "other", "breakfast;snack;lunch;dinner"),
    "1500": ("pescatarian", "fish", "meat_fish", "lunch;dinner"),
    "1600": (_VEGAN, "", "grains_legumes", "lunch;dinner"),
    "1700": ("", "", "meat_fish", "lunch;dinner"),
    "1800": ("vegetarian;pescatarian", "gluten", "grains_legumes", "breakfast;snack;lunch;dinner"),
    "1900": ("vegetarian;pescatarian", "added_sugar", "other", "snack"),
    "2000": (_VEGAN, "", "grains_legumes", "breakfast;lunch;dinner"),
}
_DEFAULT_GUESS = ("", "", "other", "breakfast;snack;lunch;dinner")
GENERIC_SERVING_GRAMS = 100.0
UNKNOWN_GROUP = "Unknown (not in FOOD_DES.txt)"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].rstrip("_")


def catalog_tables(data: Sr28) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every SR28 food as a table row, vectorised (no per-food loops over WEIGHT)."""
    # every ABBREV food (8,790); the one FOOD_DES lacks (33879) keeps its short name and an unknown group
    des = data.abbrev.merge(data.food_des, left_index=True, right_index=True, how="left", suffixes=("_abbrev", ""))
    des["Long_Desc"] = des["Long_Desc"].fillna(des["Shrt_Desc_abbrev"])
    des["FdGrp_Cd"] = des["FdGrp_Cd"].fillna("")
    ndb = des.index.to_series()
    guesses = des["FdGrp_Cd"].map(lambda g: GROUP_GUESSES.get(g, _DEFAULT_GUESS))
    ids = des["Long_Desc"].map(_slug) + "_" + ndb
    weight = data.weight[data.weight["NDB_No"].isin(ndb) & (data.weight["Gm_Wgt"] > 0) & (data.weight["Amount"] > 0)]
    first = weight.sort_values(["NDB_No", "Seq"]).drop_duplicates("NDB_No").set_index("NDB_No")
    has_measure = ndb.isin(first.index)
    grams = (first["Gm_Wgt"] / first["Amount"]).reindex(ndb.values).to_numpy()
    label = first["Msre_Desc"].reindex(ndb.values).to_numpy()
    diet = guesses.map(lambda g: g[0])
    content = guesses.map(lambda g: g[1])
    tags = (diet + ";" + content).str.strip(";")
    foods = pd.DataFrame({
        "id": ids.values, "name": des["Long_Desc"].values, "ndb": ndb.values, "sr28_name": des["Long_Desc"].values,
        "group": des["FdGrp_Cd"].map(data.groups).fillna(UNKNOWN_GROUP).values, "portion_ndb": ndb.values,
        "portion_seq": first["Seq"].reindex(ndb.values).fillna(0).astype(int).to_numpy(),
        "portion_label": pd.Series(label).fillna("serving").to_numpy(),
        "portion_grams": pd.Series(grams).fillna(GENERIC_SERVING_GRAMS).to_numpy(),
        "step": 1.0, "default_steps": 1, "min_steps": 1, "max_steps": 2, "meals": guesses.map(lambda g: g[3]).values,
        "tags": tags.values, "tags_guessed": 1, "articles": "", "limit": 0, "bought_ndb": ndb.values,
        "bought_name": des["Long_Desc"].values, "yield_factor": 1.0,
        "refuse_pct": des["Refuse"].fillna(0.0).values, "buy_unit": "g", "buy_piece_grams": None,
        "pack_grams": None, "pack_label": "", "aisle": guesses.map(lambda g: g[2]).values,
    })
    for f, column in zip(NUTRIENTS["field"], NUTRIENTS["sr28_column"], strict=True):
        foods[f] = des[column].values
    id_of = dict(zip(ndb.values, ids.values, strict=True))
    portions = weight.assign(food_id=weight["NDB_No"].map(id_of), source="sr28").rename(columns={
        "NDB_No": "ndb", "Seq": "seq", "Amount": "amount", "Msre_Desc": "measure", "Gm_Wgt": "grams"})
    generic = pd.DataFrame({"food_id": ids[~has_measure].values, "ndb": ndb[~has_measure].values, "seq": 0,
                            "amount": 1.0, "measure": "serving", "grams": GENERIC_SERVING_GRAMS, "source": "generic"})
    portions = pd.concat([portions[PORTION_COLUMNS], generic], ignore_index=True)
    return foods[FOOD_COLUMNS], portions


def import_sr28(source: Path, destination: Path) -> int:
    """Read an SR28 folder and write the full catalogue to `destination`; returns the food count."""
    foods, portions = catalog_tables(Sr28.read(source))
    destination.mkdir(parents=True, exist_ok=True)
    write_csv_atomically(foods, destination / "foods.csv")
    write_csv_atomically(portions, destination / "portions.csv")
    return len(foods)
