"""The food table: curated USDA SR28 foods with portions, tags and articles; loading, search and units."""

from foods.errors import BadAmount, FoodError, TableError, UnknownFood, UnknownUnit
from foods.table import NUTRIENTS, Food, FoodTable, Portion, load_table

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
