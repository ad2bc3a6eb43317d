"""Where the user's data lives ($MINERAL_PLANNER_HOME, else the XDG data directory), and reading the files
they name on the command line."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import InputFileError, shortened

if TYPE_CHECKING:
    from foods import FoodTable

MAX_INPUT_BYTES = 5_000_000   # a profile, intake, pantry or price file a person writes is far smaller


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
    from foods import load_table  # pandas: imported by the commands that read the table, when they do

    if catalog in (None, "", "curated"):
        return load_table()
    path = catalog_dir() if catalog == "full" else Path(catalog)
    if not (path / "foods.csv").is_file():
        raise InputFileError(f"no food catalogue at {shortened(path)}: run `mineral-planner foods import-sr28 SR28_DIR` first")
    return load_table(str(path))


def read_user_text(path: str | Path, what: str, folder_error: str | None = None, *,
                   max_bytes: int = MAX_INPUT_BYTES, allow_empty: bool = True) -> str:
    """A file the person named (UTF-8, a BOM allowed, at most `max_bytes`), or one InputFileError saying why
    it cannot be read.

    `what` names it in messages ('pantry file'); `folder_error` replaces the message for a folder."""
    path = Path(path)
    name = shortened(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputFileError(f"{what} {name} not found") from None
    except IsADirectoryError:
        raise InputFileError(folder_error or f"{what} {name} is a folder, not a file") from None
    except PermissionError:
        raise InputFileError(f"{what} {name} cannot be read (permission denied)") from None
    except OSError as exc:              # a name too long, a path the system cannot look at
        raise InputFileError(f"{what} {name} cannot be read: {exc.strerror or exc}") from None
    return decode_user_bytes(data, f"{what} {name}", max_bytes=max_bytes, allow_empty=allow_empty)


def decode_user_bytes(data: bytes, what: str, *, max_bytes: int = MAX_INPUT_BYTES, allow_empty: bool = True) -> str:
    """Bytes a person gave (a file, standard input) as text: UTF-8 (a BOM allowed), within the size limit."""
    if len(data) > max_bytes:
        raise InputFileError(f"{what} is larger than {max_bytes / 1e6:g} MB; a file for this is a few kB")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{what} is UTF-16 text; save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{what} is not UTF-8 text (byte {exc.start + 1} is not UTF-8); save it as UTF-8") \
            from None
    if "\x00" in text:
        raise InputFileError(f"{what} is not a text file (it holds binary data)")
    if not allow_empty and not text.strip():
        raise InputFileError(f"{what} is empty")
    return text


def import_catalogue(source: Path, destination: Path) -> int:
    """Import an SR28 folder as the full catalogue at `destination`, whole or not at all: it is built in a
    temporary folder beside it and swapped in only when it holds foods, so a failed or empty import leaves
    the catalogue imported before intact. Returns the food count."""
    import tempfile

    from foods.catalog import import_sr28

    source, destination = Path(source), Path(destination)
    if not source.is_dir():
        raise InputFileError(f"{shortened(source)} is not a folder; give the folder that holds ABBREV.txt")
    if destination.exists() and not destination.is_dir():
        raise InputFileError(f"--to {shortened(destination)} is a file; give a folder for the catalogue")
    made = [p for p in [destination.parent, *destination.parent.parents] if not p.exists()]
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    except OSError as exc:
        raise InputFileError(f"cannot write the catalogue to {shortened(destination)}: {exc.strerror or exc}") \
            from None
    try:
        try:
            count = import_sr28(source, building)
        except FileNotFoundError as exc:
            raise InputFileError(f"{shortened(source)} has no SR28 file {Path(exc.filename or '').name or ''}: "
                                 "give the folder that holds ABBREV.txt, FOOD_DES.txt and WEIGHT.txt") from None
        except (ValueError, KeyError, IndexError, TypeError, UnicodeError) as exc:
            raise InputFileError(f"the files in {shortened(source)} are not SR28 as USDA publishes it "
                                 f"({type(exc).__name__}: {exc})") from None
        if count == 0:
            raise InputFileError(f"the SR28 files in {shortened(source)} hold no foods; nothing was imported "
                                 "and the catalogue imported before is kept")
        _swap_in(building, destination)
        made = []
        return count
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(building)
        for folder in made:                  # a failed import leaves no folder it made behind either
            with contextlib.suppress(OSError):
                folder.rmdir()


def _swap_in(built: Path, destination: Path) -> None:
    """Put a finished folder in place of `destination` with renames (the old one is removed only after)."""
    old = destination.with_name(f".{destination.name}.old")
    with contextlib.suppress(OSError):
        shutil.rmtree(old)
    if destination.exists():
        os.replace(destination, old)
    os.replace(built, destination)
    with contextlib.suppress(OSError):
        shutil.rmtree(old)
