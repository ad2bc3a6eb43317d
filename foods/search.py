"""Fuzzy food search: ids, names and aliases; plurals and typos forgiven; the eaten form first."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz

from foods.errors import UnknownFood
from foods.table import DATA_DIR, Food, FoodTable, load_table
from foods.text import normalize, singular

__all__ = ["MATCH_THRESHOLD", "best_match", "normalize", "scored", "search", "singular"]

MATCH_THRESHOLD = 72.0
SR28_NAME_PENALTY = 12.0  # SR28's long name ("Fish, cod, Atlantic, ...") finds "fish", below our own names


@dataclass(frozen=True)
class _Index:
    keys: list[str]          # normalized searchable strings
    owners: list[str]        # food id of each key
    penalties: list[float]   # taken off the score of a hit on that key
    exact: dict[str, str]    # normalized id / alias / name -> food id


@lru_cache(maxsize=1)
def aliases() -> pd.DataFrame:
    """Other names people use for a food (`data/aliases.csv`: food_id, alias)."""
    path = DATA_DIR / "aliases.csv"
    if not path.is_file():
        return pd.DataFrame(columns=["food_id", "alias"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _curated_names(table: FoodTable) -> list[tuple[str, str]]:
    """For an imported catalogue: the curated table's ids, names and aliases, given to the catalogue food
    with the same NDB, so "buckwheat" finds cooked buckwheat and "almonds" the nuts, not almond oil."""
    if not any(f.tags_guessed for f in table):
        return []
    curated = load_table()
    by_ndb = {f.ndb: f.id for f in table}
    names = aliases().groupby("food_id")["alias"].agg(list).to_dict()
    return [(by_ndb[f.ndb], text) for f in curated if f.ndb in by_ndb
            for text in (f.id, f.name, *names.get(f.id, []))]


def _index(table: FoodTable) -> _Index:
    """Ids, names and aliases (exact matches allowed), then SR28's long names (fuzzy only, lower)."""
    if table._search_index is None:
        keys, owners, penalties, exact = [], [], [], {}
        extra = aliases()
        extra = extra[extra["food_id"].isin(table.foods.keys())]
        pairs = _curated_names(table)  # first: an exact curated name wins over a raw catalogue name
        pairs += [(f.id, f.id) for f in table] + [(f.id, f.name) for f in table]
        pairs += list(zip(extra["food_id"], extra["alias"], strict=True))
        seen = set()
        for fid, text in pairs:
            key = normalize(text)
            if key and (key, fid) not in seen:
                seen.add((key, fid))
                keys.append(key)
                owners.append(fid)
                penalties.append(0.0)
                exact.setdefault(key, fid)
        for f in table:
            key = normalize(f.sr28_name)
            if key and (key, f.id) not in seen:
                keys.append(key)
                owners.append(f.id)
                penalties.append(SR28_NAME_PENALTY)
        table._search_index = _Index(keys, owners, penalties, exact)
    return table._search_index


_STOPWORDS = {"of", "a", "an", "the", "with", "and", "raw", "fresh"}


FIRST_LETTER_PENALTY = 12.0  # typos keep the first letter: 'almond' is not 'salmon', 'lamb' not 'plum'


def _word_score(word: str, key_words: list[str]) -> float:
    """How well one typed word matches a name: a typo scores high, a prefix ('oat' -> 'oatmeal') well."""
    best = 0.0
    for kw in key_words:
        score = fuzz.ratio(word, kw)
        if kw[:1] != word[:1]:
            score -= FIRST_LETTER_PENALTY
        if len(word) >= 3 and kw.startswith(word):
            score = max(score, 85.0)
        best = max(best, score)
    return best


def scored(table: FoodTable, text: str, limit: int = 10) -> list[tuple[Food, float]]:
    """(food, score 0-100+) best first; an exact id, name or alias scores above any fuzzy hit."""
    query = normalize(text)
    if not query:
        return []
    index = _index(table)
    best: dict[str, float] = {}
    if query in index.exact:
        best[index.exact[query]] = 200.0
    qwords = [w for w in query.split() if w not in _STOPWORDS] or query.split()
    qset = set(qwords)
    for key, fid, penalty in zip(index.keys, index.owners, index.penalties, strict=True):
        kwords = key.split()
        if qset <= set(kwords):
            # every word typed is in the name: prefer names that add the fewest other words,
            # and the name whose first word is the query ("buckwheat" -> "Buckwheat groats, cooked").
            score = 100.0 + 20.0 / (1 + len(kwords) - len(qset)) + (5.0 if kwords[0] in qset else 0.0)
        else:
            words = [_word_score(w, kwords) for w in qwords]
            # a name that matches one typed word well ("salmon fillet") beats the mean of all words
            unmatched = sum(1 for x in words if x < 80)
            score = max(sum(words) / len(words), max(words) - 15.0 * unmatched)
            score -= 2.0 * max(0, len(kwords) - len(qwords)) / len(kwords)
        score -= penalty
        if table.foods[fid].limit:
            score -= 3.0
        if score > best.get(fid, 0.0):
            best[fid] = score
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], len(table.foods[kv[0]].name)))
    return [(table.foods[fid], score) for fid, score in ranked[:limit]]


SURE = 100.0  # every typed word is in the name, an alias or the SR28 name


def search(table: FoodTable, text: str, limit: int = 10) -> list[Food]:
    """Foods matching `text`, best first. When some name holds every typed word, near-misses that only look
    alike ('salmon' for 'almond') are left out; otherwise the closest spellings are offered."""
    ranked = scored(table, text, limit)
    floor = MATCH_THRESHOLD if ranked and ranked[0][1] >= SURE - SR28_NAME_PENALTY else MATCH_THRESHOLD * 0.8
    return [food for food, score in ranked if score >= floor]


def best_match(table: FoodTable, text: str) -> Food:
    """The food meant by `text`, or UnknownFood naming the three closest."""
    ranked = scored(table, text, limit=5)
    if ranked and ranked[0][1] >= MATCH_THRESHOLD:
        return ranked[0][0]
    raise UnknownFood(text.strip(), [f.id for f, _ in ranked[:3]])
