"""The food table: curated USDA SR28 foods with portions, tags and articles; loading, search and units."""

from foods.errors import BadAmount, FoodError, TableError, UnknownFood, UnknownUnit
from foods.table import Food, FoodTable, Portion, load_table

__all__ = [
    "NUTRIENTS",
    "BadAmount",
    "Food",
    "FoodError",
    "FoodTable",
    "Portion",
    "TableError",
    "UnknownFood",
    "UnknownUnit",
    "load_table",
]


def __getattr__(name: str):
    """`foods.NUTRIENTS` (a DataFrame) is made when first asked for, so importing `foods` needs no pandas."""
    if name == "NUTRIENTS":
        from foods import nutrients

        return nutrients.NUTRIENTS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
