"""Errors a person can read: what was wrong, what would be right, the closest matches."""

from foods.text import quote


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
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown food '{quote(text)}'.{hint}")
        self.text, self.suggestions = text, suggestions


class UnknownUnit(FoodError):
    """A unit the food has no weight for."""

    def __init__(self, food_name: str, unit: str, units: list[str]):
        super().__init__(f"'{quote(unit)}' is not a unit for {food_name}; use one of: {', '.join(units)}")
        self.unit, self.units = unit, units


class BadAmount(FoodError):
    """Zero, negative, non-numeric or absurd amounts."""
