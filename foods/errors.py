"""Errors a person can read: what was wrong, what would be right, the closest matches."""

import csv
import functools
from pathlib import Path

from foods.text import normalize, quote

NOT_IN_SR28_FILE = Path(__file__).resolve().parent / "data" / "not_in_sr28.csv"


@functools.cache
def _not_in_sr28() -> dict[str, tuple[str, tuple[str, ...]]]:
    with open(NOT_IN_SR28_FILE, encoding="utf-8", newline="") as fh:
        return {normalize(r["typed"]): (r["closest_words"], tuple(r["closest"].split(";"))) for r in csv.DictReader(fh)}


def not_in_sr28(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(one sentence, the closest food ids) when `text` names a food SR28 lacks ('oat milk'), from
    data/not_in_sr28.csv; None otherwise. Said plainly, not as a generic unknown food with dairy milks offered."""
    found = _not_in_sr28().get(normalize(text))
    if found is None:
        return None
    words, ids = found
    return (f"'{quote(text.strip())}' is not in USDA SR28, the table every value here comes from; "
            f"the closest it has: {words}"), ids


class FoodError(ValueError):
    """Base of every error the food layer raises for bad input or bad data."""


class TableError(FoodError):
    """A food table file that cannot be trusted: names the file, row and column."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")
        self.file, self.row, self.column = file, row, column


class UnknownFood(FoodError):
    """A food name or id that matches nothing well enough."""

    def __init__(self, text: str, suggestions: list[str]):
        absent = not_in_sr28(text)
        if absent is not None:  # a food SR28 lacks ('oat milk'): said so, with its closest stand-ins
            message, suggestions = absent[0] + ".", list(absent[1])
        else:
            hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
            message = f"unknown food '{quote(text)}'.{hint}"
        super().__init__(message)
        self.text, self.suggestions = text, suggestions


class UnknownUnit(FoodError):
    """A unit the food has no weight for."""

    def __init__(self, food_name: str, unit: str, units: list[str]):
        super().__init__(f"'{quote(unit)}' is not a unit for {food_name}; use one of: {', '.join(units)}")
        self.unit, self.units = unit, units


class BadAmount(FoodError):
    """Zero, negative, non-numeric or absurd amounts."""
