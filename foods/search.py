"""Fuzzy food search: ids, names and aliases; plurals and typos forgiven; the eaten form first."""

from __future__ import annotations

import re
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
    words: dict[str, frozenset[str]]  # food id -> every word of its id, names and aliases


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


# What a name says a food is NOT: 'no salt added', 'without salt', 'unsalted', 'caffeine free', 'non-soy'.
# Those words are no match: "salt" must not find unsalted butter or tomato juice with no salt added.
_NEGATED = re.compile(r"\b(?:no|non|not|without)\b[\s-]+[^,;()]*|\bun(?:salted|sweetened)\b|\b[a-z]+[\s-]free\b",
                      re.IGNORECASE)


def _name_key(name: str) -> str:
    """A food's name as searched: normalized, without the words it negates."""
    return normalize(_NEGATED.sub(" ", name))


def _index(table: FoodTable) -> _Index:
    """Ids, names and aliases (exact matches allowed), then SR28's long names (fuzzy only, lower)."""
    if table._search_index is None:
        keys, owners, penalties, exact = [], [], [], {}
        extra = aliases()
        extra = extra[extra["food_id"].isin(table.foods.keys())]
        pairs = _curated_names(table)  # first: an exact curated name wins over a raw catalogue name
        pairs += [(f.id, f.id) for f in table] + [(f.id, _name_key(f.name)) for f in table]
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
            key = _name_key(f.sr28_name)
            if key and (key, f.id) not in seen:
                keys.append(key)
                owners.append(f.id)
                penalties.append(SR28_NAME_PENALTY)
        words: dict[str, set[str]] = {}
        for key, fid in zip(keys, owners, strict=True):
            words.setdefault(fid, set()).update(key.split())
        table._search_index = _Index(keys, owners, penalties, exact, {f: frozenset(w) for f, w in words.items()})
    return table._search_index


_STOPWORDS = {"of", "a", "an", "the", "with", "and", "raw", "fresh"}
# Words that say how a food is cut or cooked, not which food it is: "salmon fillet" is still salmon.
_FORM_WORDS = {"fillet", "steak", "slice", "piece", "chopped", "sliced", "cooked", "boiled", "baked", "fried",
               "grilled", "roasted", "roast", "plain", "whole", "homemade", "portion", "serving", "cup", "glass"}


OTHER_NAME_SCORE = 90.0
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
    query = _name_key(text) or normalize(text)  # "unsalted butter" is butter, as its name is searched
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
            # a typed word another name of the same food holds counts as matched ("buckwheat kasha")
            words = [max(_word_score(w, kwords), OTHER_NAME_SCORE if w in index.words[fid] else 0.0) for w in qwords]
            # a name that matches one typed word well ("salmon fillet") beats the mean of all words
            unmatched = [w for w, x in zip(qwords, words, strict=True) if x < 80]
            score = max(sum(words) / len(words), max(words) - 15.0 * len(unmatched))
            score -= 2.0 * max(0, len(kwords) - len(qwords)) / len(kwords)
            score = min(score, SURE - 1.0)  # sure means every typed word in one name, not spread over several
            if len(qwords) > 1 and any(w not in _FORM_WORDS for w in unmatched):
                # "soy milk" is not milk: a name missing a typed word is a suggestion, never the match
                score = min(score, MATCH_THRESHOLD - 1.0)
        score -= penalty
        if table.foods[fid].limit:
            score -= 3.0
        if score > best.get(fid, 0.0):
            best[fid] = score
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], len(table.foods[kv[0]].name)))
    return [(table.foods[fid], score) for fid, score in ranked[:limit]]


SURE = 100.0  # every typed word is in the name, an alias or the SR28 name
FUZZY_SPREAD = 12.0  # with no sure hit, only spellings about as close as the closest are offered


def search(table: FoodTable, text: str, limit: int = 10) -> list[Food]:
    """Foods matching `text`, best first. When some name holds every typed word, near-misses that only look
    alike ('salmon' for 'almond') are left out; otherwise the closest spellings are offered."""
    ranked = scored(table, text, limit)
    if not ranked:
        return []
    if ranked[0][1] >= SURE - SR28_NAME_PENALTY:
        floor = MATCH_THRESHOLD
    else:  # near misses only: not those that merely share a fragment ('wheat' in 'buckweat', 'nut' in 'donut')
        floor = max(MATCH_THRESHOLD * 0.8, ranked[0][1] - FUZZY_SPREAD)
    return [food for food, score in ranked if score >= floor]


def best_match(table: FoodTable, text: str) -> Food:
    """The food meant by `text`, or UnknownFood naming the three closest."""
    ranked = scored(table, text, limit=5)
    if ranked and ranked[0][1] >= MATCH_THRESHOLD:
        return ranked[0][0]
    raise UnknownFood(text.strip(), [f.id for f, _ in ranked[:3]])
