"""Where the user's data lives ($MINERAL_PLANNER_HOME, else the XDG data directory), and reading the files
they name on the command line."""

from __future__ import annotations

import os
from pathlib import Path

from foods import FoodTable, load_table
from planner.errors import PlannerError


def data_dir() -> Path:
    home = os.environ.get("MINERAL_PLANNER_HOME")
    if home:
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg) / "mineral-planner"


def catalog_dir() -> Path:
    """The full SR28 catalogue imported with `mineral-planner foods import-sr28 DIR`."""
    return data_dir() / "catalog"


def food_table(catalog: str | None = None) -> FoodTable:
    """'curated' (default): the shipped table; 'full': the imported SR28 catalogue; else a folder."""
    if catalog in (None, "", "curated"):
        return load_table()
    path = catalog_dir() if catalog == "full" else Path(catalog)
    if not (path / "foods.csv").is_file():
        raise PlannerError(f"no food catalogue at {path}: run `mineral-planner foods import-sr28 SR28_DIR` first")
    return load_table(str(path))


def read_user_text(path: str | Path, what: str, folder_error: str | None = None) -> str:
    """A file the person named (UTF-8, a BOM allowed), or one PlannerError saying why it cannot be read.

    `what` names it in messages ('pantry file'); `folder_error` replaces the message for a folder."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PlannerError(f"{what} {path} not found") from None
    except IsADirectoryError:
        raise PlannerError(folder_error or f"{what} {path} is a folder, not a file") from None
    except UnicodeDecodeError:
        raise PlannerError(f"{what} {path} is not UTF-8 text") from None
    except PermissionError:
        raise PlannerError(f"{what} {path} cannot be read (permission denied)") from None
