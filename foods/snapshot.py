"""A checked food table kept beside its CSVs as a pickle (its Food objects and search index, no pandas), so
the next process looks foods up in milliseconds instead of importing pandas and checking the CSVs again.

A snapshot is a cache, never the truth: it is used only while every file it was made from (the folder's
CSVs, the shared data files, the code that reads them) has the size and modification time it was made with,
and the Python and numpy it was written by. Anything else, or an unreadable file, is a miss: the caller reads
the CSVs as before. A folder that cannot be written to simply keeps no snapshot.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from pathlib import Path

import numpy as np

SNAPSHOT_NAME = ".table-snapshot.pickle"
FORMAT = 1   # raise when what a snapshot holds changes shape
_CODE = Path(__file__).resolve().parent
# the modules whose code decides what a loaded table holds (its Food objects, its search index)
CODE_FILES = tuple(_CODE / f"{name}.py" for name in ("table", "search", "text", "calcium", "snapshot"))


def stamp(inputs: tuple[Path, ...]) -> tuple | None:
    """What the snapshot is valid for: each input's path, size and modification time, the code's, the format
    and the Python and numpy versions; None when an input is missing (then there is nothing to keep)."""
    try:
        files = tuple((str(p), (st := p.stat()).st_size, st.st_mtime_ns) for p in (*inputs, *CODE_FILES))
    except OSError:
        return None
    return (FORMAT, sys.version_info[:2], np.__version__, files)


def read(folder: Path, inputs: tuple[Path, ...]) -> dict | None:
    """The state kept for `folder` when it is still true to `inputs`, else None."""
    current = stamp(inputs)
    if current is None:
        return None
    try:
        with open(folder / SNAPSHOT_NAME, "rb") as fh:
            if pickle.load(fh) != current:   # the stamp comes first: a stale snapshot is not unpickled
                return None
            state = pickle.load(fh)
    except Exception:   # noqa: BLE001  a cache that cannot be read (missing, cut short, from other code) is a miss
        return None
    return state if isinstance(state, dict) else None


def write(folder: Path, made_from: tuple | None, state: dict) -> None:
    """Keep `state` for `folder`, stamped with what it was made from (taken before the CSVs were read),
    whole or not at all; a folder that cannot be written to keeps none."""
    if made_from is None:
        return
    import tempfile  # only when a snapshot is written, not on every start

    with contextlib.suppress(OSError, pickle.PicklingError):
        fd, name = tempfile.mkstemp(prefix=f"{SNAPSHOT_NAME}.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(made_from, fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(name, folder / SNAPSHOT_NAME)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
