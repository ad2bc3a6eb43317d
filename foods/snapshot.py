"""A checked food table kept beside its CSVs as JSON (its foods and search index as plain data, no pandas), so
the next process looks foods up in milliseconds instead of importing pandas and checking the CSVs again.

A snapshot is a cache, never the truth: it is used only while every file it was made from (the folder's
CSVs, the shared data files, the code that reads them) has the size and modification time it was made with.
Anything else, or an unreadable file, is a miss: the caller reads the CSVs as before. A folder that cannot be
written to simply keeps no snapshot.

It is JSON, not a pickle: the folder may be a person's `--catalog DIR` that others can write to, and reading
a pickle runs whatever code it names. Reading JSON runs none; what it holds is checked field by field when
the table is made from it (foods/table.py, foods/search.py), and anything malformed is a miss too.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

SNAPSHOT_NAME = ".table-snapshot.json"
FORMER_NAMES = (".table-snapshot.pickle",)   # written by earlier versions; never read, removed on the next write
FORMAT = 2   # raise when what a snapshot holds changes shape
_CODE = Path(__file__).resolve().parent
# the modules whose code decides what a loaded table holds (its Food objects, its search index)
CODE_FILES = tuple(_CODE / f"{name}.py" for name in ("table", "nutrients", "search", "text", "calcium", "snapshot"))


def stamp(inputs: tuple[Path, ...]) -> str | None:
    """What the snapshot is valid for, as one line: the format and each input's and the code's path, size and
    modification time; None when an input is missing (then there is nothing to keep)."""
    try:
        files = [[str(p), (st := p.stat()).st_size, st.st_mtime_ns] for p in (*inputs, *CODE_FILES)]
    except OSError:
        return None
    return json.dumps([FORMAT, files], ensure_ascii=True)


def read(folder: Path, inputs: tuple[Path, ...]) -> dict | None:
    """The state kept for `folder` when it is still true to `inputs`, else None."""
    current = stamp(inputs)
    if current is None:
        return None
    try:
        with open(folder / SNAPSHOT_NAME, encoding="utf-8") as fh:
            if fh.readline().rstrip("\n") != current:   # the stamp comes first: a stale snapshot is not parsed
                return None
            state = json.loads(fh.read())
    except (OSError, ValueError, RecursionError):   # missing, cut short, not UTF-8 or not JSON: a miss
        return None
    return state if isinstance(state, dict) else None


def write(folder: Path, made_from: str | None, state: dict) -> None:
    """Keep `state` (plain JSON data) for `folder`, stamped with what it was made from (taken before the CSVs
    were read), whole or not at all; a folder that cannot be written to keeps none."""
    if made_from is None:
        return
    import tempfile  # only when a snapshot is written, not on every start

    with contextlib.suppress(OSError, ValueError, TypeError):
        text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        fd, name = tempfile.mkstemp(prefix=f"{SNAPSHOT_NAME}.", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(f"{made_from}\n{text}")
            os.chmod(name, 0o644)   # readable like the CSVs beside it (mkstemp makes it private to its writer)
            os.replace(name, folder / SNAPSHOT_NAME)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
        for former in FORMER_NAMES:
            with contextlib.suppress(OSError):
                (folder / former).unlink()
