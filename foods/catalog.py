"""Import the whole SR28 catalogue (all 8,790 foods of ABBREV.txt) from a user's own download into a food table folder.

Curated fields (tags, the `limit` flag, aisle, meals) are guessed from the SR28 food group and name by the
rules in `data/catalog_guesses.csv` and marked as guessed (`tags_guessed = 1`);
foods with no household measure in WEIGHT.txt get a generic 100 g serving (portion source `generic`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from foods.build import Sr28, write_csv_atomically
from foods.nutrients import NUTRIENTS
from foods.table import DATA_DIR, FOOD_COLUMNS, PORTION_COLUMNS, VALID_TAGS, split_list

GUESSES_FILE = DATA_DIR / "catalog_guesses.csv"
_ALL_MEALS = "breakfast;snack;lunch;dinner"
GENERIC_SERVING_GRAMS = 100.0
UNKNOWN_GROUP = "Unknown (not in FOOD_DES.txt)"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].rstrip("_")


def guess_fields(group_codes: pd.Series, names: pd.Series) -> pd.DataFrame:
    """Tags, limit flag, aisle and meals guessed for each food from `catalog_guesses.csv`: first its SR28
    group, then every name rule that matches (eggs in the dairy group, shellfish, liver, gluten grains,
    alcohol, coffee, sweets, salty snacks). The result is a guess and is marked as one."""
    rules = pd.read_csv(GUESSES_FILE, dtype=str, keep_default_na=False)
    count = len(names)
    diet, content = [[] for _ in range(count)], [set() for _ in range(count)]
    limit, aisle, meals = [0] * count, ["other"] * count, [_ALL_MEALS] * count
    for rule in rules.itertuples():
        mask = pd.Series(True, index=names.index)
        if rule.group:
            mask &= group_codes == rule.group
        if rule.name_pattern:
            mask &= names.str.contains(rule.name_pattern, case=False, regex=True)
        unknown = {t for t in split_list(rule.diet) + split_list(rule.add) + split_list(rule.drop) if t != "-"} - VALID_TAGS
        if unknown:
            raise ValueError(f"{GUESSES_FILE.name}: unknown tag(s) {', '.join(sorted(unknown))}")
        for i in mask.to_numpy().nonzero()[0]:
            if rule.diet:
                diet[i] = [] if rule.diet == "-" else split_list(rule.diet)
            content[i] = (content[i] | set(split_list(rule.add))) - set(split_list(rule.drop))
            if rule.limit:
                limit[i] = int(rule.limit)
            aisle[i] = rule.aisle or aisle[i]
            meals[i] = rule.meals or meals[i]
    tags = [";".join([*d, *sorted(c)]) for d, c in zip(diet, content, strict=True)]
    return pd.DataFrame({"tags": tags, "limit": limit, "aisle": aisle, "meals": meals}, index=names.index)


def catalog_tables(data: Sr28) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every SR28 food as a table row (no per-food loops over WEIGHT)."""
    # every ABBREV food (8,790); the one FOOD_DES lacks (33879) keeps its short name and an unknown group
    des = data.abbrev.merge(data.food_des, left_index=True, right_index=True, how="left", suffixes=("_abbrev", ""))
    des["Long_Desc"] = des["Long_Desc"].fillna(des["Shrt_Desc_abbrev"])
    des["FdGrp_Cd"] = des["FdGrp_Cd"].fillna("")
    ndb = des.index.to_series()
    guesses = guess_fields(des["FdGrp_Cd"], des["Long_Desc"])
    ids = des["Long_Desc"].map(_slug) + "_" + ndb
    weight = data.weight[data.weight["NDB_No"].isin(ndb) & (data.weight["Gm_Wgt"] > 0) & (data.weight["Amount"] > 0)]
    first = weight.sort_values(["NDB_No", "Seq"]).drop_duplicates("NDB_No").set_index("NDB_No")
    has_measure = ndb.isin(first.index)
    grams = (first["Gm_Wgt"] / first["Amount"]).reindex(ndb.values).to_numpy()
    label = first["Msre_Desc"].reindex(ndb.values).to_numpy()
    foods = pd.DataFrame({
        "id": ids.values, "name": des["Long_Desc"].values, "ndb": ndb.values, "sr28_name": des["Long_Desc"].values,
        "group": des["FdGrp_Cd"].map(data.groups).fillna(UNKNOWN_GROUP).values, "portion_ndb": ndb.values,
        "portion_seq": first["Seq"].reindex(ndb.values).fillna(0).astype(int).to_numpy(),
        "portion_label": pd.Series(label).fillna("serving").to_numpy(),
        "portion_grams": pd.Series(grams).fillna(GENERIC_SERVING_GRAMS).to_numpy(),
        "step": 1.0, "default_steps": 1, "min_steps": 1, "max_steps": 2, "meals": guesses["meals"].values,
        "tags": guesses["tags"].values, "tags_guessed": 1, "articles": "", "limit": guesses["limit"].values,
        "bought_ndb": ndb.values,
        "bought_name": des["Long_Desc"].values, "yield_factor": 1.0,
        "refuse_pct": des["Refuse"].fillna(0.0).values, "buy_unit": "g", "buy_piece_grams": None,
        "pack_grams": None, "pack_label": "", "other_pack_grams": "", "other_pack_labels": "", "aisle": guesses["aisle"].values,
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
