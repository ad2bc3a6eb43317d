"""Words about food shared by search, units and intake: word forms (lower case, singular) and the one
vocabulary (STOPWORDS, FORM_WORDS, COOKING_WORDS, SERVING_WORDS, SIZE_WORDS) every reader of food names uses."""

from __future__ import annotations

import math
import re

_WORD = re.compile(r"[a-z0-9]+")

# Words that never name a food: "a cup of the milk" is milk.
STOPWORDS = frozenset({"of", "a", "an", "the", "with", "and", "raw", "fresh"})
# How a food was cooked or cut, never which food: "grilled chicken" is chicken, "salmon fillet" salmon
# (a search may match a name that lacks them).
COOKING_WORDS = frozenset({"chopped", "sliced", "cooked", "boiled", "baked", "fried", "grilled", "roasted", "plain",
                           "whole", "homemade"})
SERVING_WORDS = frozenset({"fillet", "steak", "slice", "piece", "roast", "portion", "serving", "cup", "glass"})
# Every word that says how a food is prepared: after a comma it belongs to the food before it ("1 cup
# buckwheat, cooked"). Beyond COOKING_WORDS some make another food ("dried apricots", "skim milk"), so a
# search must match them; reading a typed line drops them only as a guess ("mashed potatoes" -> potato).
FORM_WORDS = COOKING_WORDS | frozenset({
    "raw", "fresh", "dried", "pan-fried", "dry-roasted", "steamed", "broiled", "canned", "frozen", "stewed", "salted",
    "unsalted", "sweetened", "unsweetened", "low-fat", "lowfat", "nonfat", "skim", "ground", "mashed", "drained",
    "shelled", "peeled", "with", "without", "skin", "in", "fat", "lean", "only", "meat", "brewed", "prepared",
    "uncooked", "firm", "scrambled", "poached", "hard", "soft", "hard-boiled", "soft-boiled", "toasted", "sauteed",
    "stir-fried", "warm", "cold"})
# Words that change what a cup of a food weighs (air or water taken out or put in): a like food lends its
# cup only when it agrees on them (a cup of frozen yogurt is 136 g, of yogurt 245 g).
DENSITY_WORDS = frozenset({"frozen", "dried", "dehydrated", "dry", "powder", "powdered", "whipped", "mix"})
# Sizes of a counted food, longest first: "1 extra large egg", "2 medium bananas".
SIZE_WORDS = ("extra small", "extra large", "small", "medium", "large", "mini", "jumbo")
_SIZE_WORD_SET = frozenset(w for size in SIZE_WORDS for w in size.split())


QUOTE_CHARS = 60  # a message quotes at most this much of what was typed


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """What a person typed, as a message quotes it: one line, at most `limit` characters ('…' where cut)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


# Foods and measures whose singular ends in -ie: 'cookies' is cookie, not 'cooky' ('berries' is berry).
_IE_SINGULARS = frozenset({"cookie", "brownie", "pie", "smoothie", "veggie", "calorie", "hoagie", "pierogie",
                           "rotisserie", "goodie"})
# Words that end in -s in the singular too, beyond the -ss, -us and -is rule ('hummus', 'swiss')
_ALREADY_SINGULAR = frozenset({"molasses"})


def singular(word: str) -> str:
    """A crude English singular: 'bananas' -> 'banana', 'berries' -> 'berry', 'potatoes' -> 'potato', and the
    household words no suffix rule gives: 'leaves' -> 'leaf', 'halves' -> 'half', 'cookies' -> 'cookie',
    'glasses' -> 'glass'."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")) or word in _ALREADY_SINGULAR:
        return word
    if word in _IRREGULAR_SINGULARS:
        return _IRREGULAR_SINGULARS[word]
    if word.endswith("ies"):
        return word[:-1] if word[:-1] in _IE_SINGULARS else word[:-3] + "y"
    if word.endswith(("oes", "sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def normalize(text: str) -> str:
    """Lower case, words only, each word singular: the form every name and query is compared in."""
    return " ".join(singular(w) for w in _WORD.findall(text.lower().replace("_", " ")))


_MULTI_WORD_UNITS = ("fl oz", "extra small", "extra large", "drink box")
_UNIT_SPELLINGS = {"tablespoon": "tbsp", "teaspoon": "tsp", "nlea serving": "serving"}


def measure_unit(measure: str) -> str:
    """The unit word of an SR28 measure as people type it: 'medium (7\" long)' -> 'medium',
    'cup, sliced' -> 'cup', 'fl oz' -> 'fl oz', 'slices' -> 'slice', 'NLEA serving' -> 'serving'."""
    text = measure.lower().split(",")[0].split("(")[0].strip()
    for spelling, unit in _UNIT_SPELLINGS.items():
        if text.startswith(spelling):
            return unit
    for unit in _MULTI_WORD_UNITS:
        if text.startswith(unit):
            return unit
    words = _WORD.findall(text)
    return singular(words[0]) if words else ""


# How amounts of a household measure are written: fractions people use, plurals of the counted word.
_FRACTIONS = ((1 / 8, "⅛"), (1 / 4, "¼"), (1 / 3, "⅓"), (1 / 2, "½"), (2 / 3, "⅔"), (3 / 4, "¾"))
_FRACTION_SLACK = 0.015  # of one measure: a count within it of a fraction is written as that fraction
# Units that measure without being counted ('2 oz walnuts', '3 tbsp kelp'): their label never turns plural.
MASS_AND_SPOON_UNITS = frozenset({"oz", "fl", "tbsp", "tsp", "g", "kg", "mg", "ml", "l", "dl", "lb"})
# Units counted as themselves: in 'cup cooked lentils' the cup is what there are two of.
COUNTED_UNITS = frozenset({"cup", "slice", "can", "glass", "bar", "piece", "container", "stalk", "fillet", "leaf",
                           "block", "serving", "bunch", "spear", "link", "packet", "bottle", "scoop", "handful",
                           "wedge", "pint", "quart", "mug", "clove", "sprig", "stick", "package", "jar", "pat"})
TBSP_PER_CUP = 16
# Plurals that no suffix rule gives, then suffix rules (ending -> plural ending), first match wins.
_IRREGULAR_PLURALS = {"half": "halves", "leaf": "leaves", "loaf": "loaves", "kiwifruit": "kiwifruit",
                      "fish": "fish", "avocado": "avocados", "potato": "potatoes", "tomato": "tomatoes"}
_IRREGULAR_SINGULARS = {many: one for one, many in _IRREGULAR_PLURALS.items() if many != one}
_PLURAL_SUFFIXES = (("ss", "sses"), ("sh", "shes"), ("ch", "ches"), ("x", "xes"), ("ay", "ays"), ("ey", "eys"),
                    ("oy", "oys"), ("y", "ies"), ("s", "s"))
# A label's counted part ends at its first '(', ',' or ' of ': 'medium ear of corn', 'cup, chopped'.
_LABEL_REST = re.compile(r"\s*\(|,|\s+of\s")


def count_text(count: float) -> str:
    """'½', '1½', '¾', '⅓', '2', or '1.37' where no half, third, quarter (or an eighth) fits."""
    if not math.isfinite(count):
        return f"{count:g}"  # not an amount: shown as it is, for the caller's error message
    whole = int(count + _FRACTION_SLACK)
    part = count - whole
    if part < _FRACTION_SLACK:
        return str(whole)
    for value, glyph in _FRACTIONS:
        if abs(part - value) < _FRACTION_SLACK:
            return (str(whole) if whole else "") + glyph
    return f"{count:.2f}".rstrip("0").rstrip(".")


def plural(word: str) -> str:
    """'cup' -> 'cups', 'glass' -> 'glasses', 'candy' -> 'candies', 'half' -> 'halves'."""
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[lower]
    ending, replacement = next(((e, r) for e, r in _PLURAL_SUFFIXES if lower.endswith(e)), ("", "s"))
    return word[:len(word) - len(ending)] + replacement


def _pluralise_label(label: str) -> str:
    """The label with its counted word plural: 'cup' in 'cup cooked lentils', 'prune' in 'pitted prune'."""
    cut = _LABEL_REST.search(label)
    head, rest = (label[:cut.start()], label[cut.start():]) if cut else (label, "")
    words = head.split(" ")
    if not words[0] or words[0].lower() in MASS_AND_SPOON_UNITS:
        return label
    # a leading unit ('cup', 'slice', 'can') is what is counted; otherwise the last word ('medium tangerine')
    i = 0 if words[0].lower() in COUNTED_UNITS else len(words) - 1
    if words[i].lower() not in _SIZE_WORD_SET and words[i].isalpha():  # '2 medium', not '2 mediums'
        words[i] = plural(words[i])
    return " ".join(words) + rest


def measure_words(count: float, label: str) -> str:
    """'2 medium tangerines', '1½ cups cooked lentils', '½ cup tofu', '2 tbsp kelp': `count` of the measure
    `label`, its counted word plural above one; whole quarter cups of four tablespoons or more read as cups."""
    words = label.split(" ")
    if words[0] == "tbsp" and count >= TBSP_PER_CUP / 4 and (count * 4 / TBSP_PER_CUP).is_integer():
        return measure_words(count / TBSP_PER_CUP, " ".join(["cup", *words[1:]]))
    text = count_text(count)
    many = count >= 1 + _FRACTION_SLACK
    return f"{text} {_pluralise_label(label) if many else label}".rstrip()


_BRACKET = re.compile(r"\s*\(([^()]*)\)")


def measure_text(count: float, label: str, note: str, note_is_per_measure: bool = False) -> str:
    """measure_words with one bracket, at the end: the label's own '(8 fl oz)' joins `note` there,
    '2 cups (8 fl oz each, 474 g)', never '2 cups (8 fl oz) (474 g)'; a note about one measure (its weight)
    says so: '2 slices (32 g each)'."""
    words = measure_words(count, label)
    inner = [m.strip() for m in _BRACKET.findall(words) if m.strip()]
    many = count >= 1 + _FRACTION_SLACK
    if note_is_per_measure:
        bracket = ", ".join([*inner, note]) + (" each" if many else "")
    else:
        if inner and many and any(c.isdigit() for c in inner[-1]):  # a size: of each measure, not of all
            inner[-1] += " each"
        bracket = ", ".join([*inner, note])
    return f"{_BRACKET.sub('', words).strip()} ({bracket})"
