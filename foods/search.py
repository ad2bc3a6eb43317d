"""Fuzzy food search: ids, names and aliases; plurals and typos forgiven; the eaten form first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from foods.errors import UnknownFood
from foods.text import COOKING_WORDS, SERVING_WORDS, STOPWORDS, normalize, singular

if TYPE_CHECKING:  # the table calls the search, never the other way round
    from foods.table import Food, FoodTable

__all__ = ["MATCH_THRESHOLD", "SEARCH_INDEX", "best_match", "index_from_state", "index_to_state", "normalize", "scored",
           "search", "search_index", "singular"]

MATCH_THRESHOLD = 72.0
SR28_NAME_PENALTY = 12.0  # SR28's long name ("Fish, cod, Atlantic, ...") finds "fish", below our own names
# In an imported catalogue, plain words mean the everyday entry: "tortilla" is not the Hopi blue corn one, "juice"
# not a baby food. Foods of these SR28 groups rank this much lower (they are still found by their own words).
UNUSUAL_GROUPS = frozenset({"Baby Foods", "American Indian/Alaska Native Foods", "Fast Foods", "Restaurant Foods"})
UNUSUAL_GROUP_PENALTY = 10.0


@dataclass(frozen=True)
class _Index:
    """Every searchable key as arrays, built once per table, so a query scores all keys at once (the
    dashboard searches on each keystroke, over 8,790 foods with an imported catalogue)."""

    exact: dict[str, str]          # normalized id / alias / name -> food id
    food_ids: list[str]            # the foods that own keys, in the order they first own one
    name_lengths: np.ndarray       # len(name) of each of food_ids: shorter names first among equal scores
    owners: np.ndarray             # index into food_ids of each key
    penalties: np.ndarray          # taken off the score of a hit on that key
    limited: np.ndarray            # the key's food is one the articles say to limit
    vocabulary: list[str]          # every word of every key, once
    word_ids: dict[str, int]       # word -> its place in vocabulary
    key_words: np.ndarray          # the keys' words as indexes into vocabulary, key after key
    key_starts: np.ndarray         # where each key's words start in key_words
    key_lengths: np.ndarray        # how many words each key has
    word_foods: dict[str, np.ndarray]  # word -> the foods (indexes into food_ids) any of whose names holds it


# What a name says a food is NOT: 'no salt added', 'without salt', 'unsalted', 'caffeine free', 'non-soy'.
# Those words are no match: "salt" must not find unsalted butter or tomato juice with no salt added.
_NEGATED = re.compile(r"\b(?:no|non|not|without)\b[\s-]+[^,;()]*|\bun(?:salted|sweetened)\b|\b[a-z]+[\s-]free\b",
                      re.IGNORECASE)


def _name_key(name: str) -> str:
    """A food's name as searched: normalized, without the words it negates."""
    return normalize(_NEGATED.sub(" ", name))


def _unusual(food: Food) -> float:
    """The penalty of a catalogue food from a group few people mean by plain words; none for curated foods."""
    return UNUSUAL_GROUP_PENALTY if food.tags_guessed and food.group in UNUSUAL_GROUPS else 0.0


SEARCH_INDEX = "search_index"   # the index's key in the table's cache (and in its snapshot)


def search_index(table: FoodTable) -> _Index:
    """The table's search index, built once per table (kept in the table's snapshot)."""
    return table.cached(SEARCH_INDEX, lambda: _build_index(table))


def _build_index(table: FoodTable) -> _Index:
    """Ids, names and aliases (exact matches allowed), then SR28's long names (fuzzy only, lower)."""
    keys, owners, penalties, exact = [], [], [], {}
    extra = table.aliases()
    pairs = list(table.curated_names())  # first: an exact curated name wins over a raw catalogue name
    pairs += [(f.id, f.id) for f in table] + [(f.id, _name_key(f.name)) for f in table]
    pairs += list(zip(extra["food_id"], extra["alias"], strict=True))
    aliases = set(extra["alias"])
    seen = set()
    for fid, text in pairs:
        if text in aliases and _name_key(text) != normalize(text):  # 'marinara sauce no added salt'
            exact.setdefault(normalize(text), fid)  # typed as written, it is that food; 'salt' alone is not
            text = _name_key(text)
        key = normalize(text)
        if key and (key, fid) not in seen:
            seen.add((key, fid))
            keys.append(key)
            owners.append(fid)
            penalties.append(_unusual(table.foods[fid]))
            exact.setdefault(key, fid)
    for f in table:
        key = _name_key(f.sr28_name)
        if key and (key, f.id) not in seen:
            keys.append(key)
            owners.append(f.id)
            penalties.append(SR28_NAME_PENALTY + _unusual(f))
    split = [key.split() for key in keys]
    food_ids = list(dict.fromkeys(owners))
    food_number = {fid: i for i, fid in enumerate(food_ids)}
    word_number: dict[str, int] = {}
    word_foods: dict[str, set[int]] = {}
    for kwords, fid in zip(split, owners, strict=True):
        for w in kwords:
            word_number.setdefault(w, len(word_number))
            word_foods.setdefault(w, set()).add(food_number[fid])
    lengths = np.array([len(kwords) for kwords in split], dtype=int)
    return _Index(
        exact, food_ids, np.array([len(table.foods[fid].name) for fid in food_ids]),
        np.array([food_number[fid] for fid in owners], dtype=int), np.array(penalties, dtype=float),
        np.array([table.foods[fid].limit for fid in owners], dtype=bool), list(word_number), word_number,
        np.array([word_number[w] for kwords in split for w in kwords], dtype=int),
        np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int), lengths,
        {w: np.array(sorted(f), dtype=int) for w, f in word_foods.items()},
    )


_ARRAY_TYPES = {"name_lengths": int, "owners": int, "penalties": float, "limited": bool, "key_words": int,
                "key_starts": int, "key_lengths": int}


def index_to_state(index: _Index) -> dict:
    """The index as plain JSON data, for the table's snapshot (`index_from_state` reads it back)."""
    return {"exact": index.exact, "food_ids": index.food_ids, "vocabulary": index.vocabulary,
            **{name: getattr(index, name).tolist() for name in _ARRAY_TYPES},
            "word_foods": {w: foods.tolist() for w, foods in index.word_foods.items()}}


def index_from_state(state: dict, n_foods: int) -> _Index:
    """The index `index_to_state` wrote; ValueError, TypeError or KeyError when its parts do not fit together
    (every owner a known food, every word a known word, the keys' words within key_words)."""
    arrays = {name: np.asarray(state[name], dtype=kind) for name, kind in _ARRAY_TYPES.items()}
    food_ids, vocabulary, exact = list(state["food_ids"]), list(state["vocabulary"]), dict(state["exact"])
    word_foods = {str(w): np.asarray(f, dtype=int) for w, f in dict(state["word_foods"]).items()}
    n_keys, words = len(arrays["owners"]), arrays["key_words"]
    fits = (
        all(isinstance(x, str) for x in (*food_ids, *vocabulary, *exact, *exact.values()))
        and len(food_ids) <= n_foods and len(arrays["name_lengths"]) == len(food_ids)
        and all(arrays[k].ndim == 1 and len(arrays[k]) == n_keys
                for k in ("owners", "penalties", "limited", "key_starts", "key_lengths"))
        and set(exact.values()) <= set(food_ids) and set(word_foods) <= set(vocabulary)
        and _within(arrays["owners"], len(food_ids)) and _within(words, len(vocabulary))
        and all(_within(f, len(food_ids)) for f in word_foods.values())
        and n_keys > 0 and bool((arrays["key_lengths"] > 0).all()) and len(set(vocabulary)) == len(vocabulary)
        and np.array_equal(arrays["key_starts"], np.concatenate([[0], np.cumsum(arrays["key_lengths"])[:-1]]))
        and int(arrays["key_lengths"].sum()) == len(words)
    )
    if not fits:
        raise ValueError("the snapshot's search index does not fit together")
    return _Index(exact, food_ids, arrays["name_lengths"], arrays["owners"], arrays["penalties"], arrays["limited"],
                  vocabulary, {w: i for i, w in enumerate(vocabulary)}, words, arrays["key_starts"],
                  arrays["key_lengths"], word_foods)


def _within(numbers: np.ndarray, size: int) -> bool:
    """Every number an index into something of `size` things (a one-dimensional array)."""
    return numbers.ndim == 1 and (len(numbers) == 0 or (int(numbers.min()) >= 0 and int(numbers.max()) < size))


# Typed words a name may lack and still be the match: "salmon fillet" is salmon, "grilled chicken" chicken.
_NOT_NAMING = frozenset(normalize(" ".join(COOKING_WORDS | SERVING_WORDS)).split())


OTHER_NAME_SCORE = 90.0
FIRST_LETTER_PENALTY = 12.0  # typos keep the first letter: 'almond' is not 'salmon', 'lamb' not 'plum'


def _word_scores(word: str, vocabulary: list[str]) -> np.ndarray:
    """How well one typed word matches each word of the names: a typo scores high, a prefix ('oat' ->
    'oatmeal') well; a different first letter costs FIRST_LETTER_PENALTY."""
    scores = process.cdist([word], vocabulary, scorer=fuzz.ratio, dtype=np.float64)[0]
    scores -= np.array([kw[:1] != word[:1] for kw in vocabulary]) * FIRST_LETTER_PENALTY
    if len(word) >= 3:
        scores = np.where([kw.startswith(word) for kw in vocabulary], np.maximum(scores, 85.0), scores)
    return scores


def scored(table: FoodTable, text: str, limit: int = 10) -> list[tuple[Food, float]]:
    """(food, score 0-100+) best first; an exact id, name or alias scores above any fuzzy hit."""
    query = _name_key(text) or normalize(text)  # "unsalted butter" is butter, as its name is searched
    if not query:
        return []
    index = search_index(table)
    if not index.food_ids:
        return []
    qwords = [w for w in query.split() if w not in STOPWORDS] or query.split()
    qset = set(qwords)
    word_ids = index.word_ids
    starts, lengths = index.key_starts, index.key_lengths

    def holds(word: str) -> np.ndarray:  # each key has this word
        if word not in word_ids:
            return np.zeros(len(starts), dtype=bool)
        return np.logical_or.reduceat(index.key_words == word_ids[word], starts)

    # every word typed is in the name: prefer names that add the fewest other words,
    # and the name whose first word is the query ("buckwheat" -> "Buckwheat groats, cooked").
    sure = np.logical_and.reduce([holds(w) for w in qset])
    first_typed = np.isin(index.key_words[starts], [word_ids[w] for w in qset if w in word_ids])
    sure_score = 100.0 + 20.0 / np.maximum(1, 1 + lengths - len(qset)) + np.where(first_typed, 5.0, 0.0)
    # otherwise each typed word's best match among the name's words; a typed word another name of the
    # same food holds counts as matched ("buckwheat kasha")
    words = []
    for w in qwords:
        best_in_key = np.maximum.reduceat(_word_scores(w, index.vocabulary)[index.key_words], starts)
        other_name = np.zeros(len(index.food_ids), dtype=bool)
        other_name[index.word_foods.get(w, [])] = True
        words.append(np.maximum(np.maximum(best_in_key, 0.0), np.where(other_name[index.owners], OTHER_NAME_SCORE, 0.0)))
    total, top, unmatched = words[0], words[0], (words[0] < 80).astype(int)
    for x in words[1:]:
        total, top, unmatched = total + x, np.maximum(top, x), unmatched + (x < 80)
    # a name that matches one typed word well ("salmon fillet") beats the mean of all words
    fuzzy = np.maximum(total / len(qwords), top - 15.0 * unmatched)
    fuzzy = fuzzy - 2.0 * np.maximum(0, lengths - len(qwords)) / lengths
    fuzzy = np.minimum(fuzzy, SURE - 1.0)  # sure means every typed word in one name, not spread over several
    if len(qwords) > 1:
        # "soy milk" is not milk: a name missing a typed word is a suggestion, never the match
        missing = np.logical_or.reduce([x < 80 for w, x in zip(qwords, words, strict=True) if w not in _NOT_NAMING]
                                       or [np.zeros(len(starts), dtype=bool)])
        fuzzy = np.where(missing, np.minimum(fuzzy, MATCH_THRESHOLD - 1.0), fuzzy)
    score = np.where(sure, sure_score, fuzzy) - index.penalties - np.where(index.limited, 3.0, 0.0)

    # each food's best key; among equal scores the shorter name, then the food found first
    hits = np.flatnonzero(score > 0.0)
    best = np.zeros(len(index.food_ids))
    np.maximum.at(best, index.owners[hits], score[hits])
    found, first_hit = np.unique(index.owners[hits], return_index=True)
    order = np.full(len(index.food_ids), len(score) + 1)
    order[found] = hits[first_hit]
    typed = normalize(text)  # "fat-free milk" is skim milk by name, before "fat-free" is set aside
    if typed in index.exact or query in index.exact:
        exact = index.food_ids.index(index.exact.get(typed) or index.exact[query])
        best[exact], order[exact] = 200.0, -1
    candidates = np.flatnonzero(order <= len(score))
    ranked = candidates[np.lexsort((order[candidates], index.name_lengths[candidates], -best[candidates]))]
    return [(table.foods[index.food_ids[i]], float(best[i])) for i in ranked[:limit]]


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
