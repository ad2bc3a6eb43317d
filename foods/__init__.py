"""The food table: curated USDA SR28 foods with portions, tags and articles; loading, search and units.

The names below load their module when first asked for, so that `import foods.nutrients` (the nutrient
registry, plain CSV) or `foods.errors` does not pull in the table and numpy: the CLI's help and the
plan text's words start without them."""

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

_HOMES = {"NUTRIENTS": "nutrients", "BadAmount": "errors", "FoodError": "errors", "TableError": "errors",
          "UnknownFood": "errors", "UnknownUnit": "errors", "Food": "table", "FoodTable": "table",
          "Portion": "table", "load_table": "table"}


def __getattr__(name: str):
    """`foods.X` for each of __all__, imported from its module when first asked for."""
    if name in _HOMES:
        import importlib

        value = getattr(importlib.import_module(f"foods.{_HOMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
