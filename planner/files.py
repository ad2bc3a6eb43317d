"""Files written whole or not at all: a check that a path can take a new file before any long work,
and an atomic write (a temporary file beside it, then a rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from planner.errors import PlannerError, shortened


def _lock_files(path: Path) -> list[Path]:
    """Lock files office programs keep beside a document they have open (LibreOffice, Excel)."""
    return [f for f in (path.parent / f".~lock.{path.name}#", path.parent / f"~${path.name}") if f.exists()]


def check_writable(path: str | Path, suffix: str | None = None) -> Path:
    """Fail early, with what to do, when `path` cannot take a new file (before any long work is done).

    The folder must exist; the file may exist but must not be read-only or open in LibreOffice or Excel
    (their lock file is beside it). Read-only is read from the mode bits too, so it holds for root as well.
    """
    path = Path(path)
    if suffix and path.suffix.lower() != suffix:
        kind = "an Excel workbook's" if suffix == ".xlsx" else f"a {suffix[1:].upper()} file's"
        raise PlannerError(f"{kind} name ends in {suffix}: '{path.name}' does not (try {path.stem}{suffix})")
    try:
        _check_target(path)
    except OSError as exc:         # a name too long, a path the system cannot look at
        raise PlannerError(f"cannot write {shortened(path)}: {exc.strerror or exc}") from None
    return path


def _check_target(path: Path) -> None:
    folder = path.parent
    if not folder.exists():
        raise PlannerError(f"cannot write {path}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise PlannerError(f"cannot write {path}: {folder} is not a folder")
    if path.is_dir():
        raise PlannerError(f"cannot write {path}: it is a folder; give a file name inside it")
    locks = _lock_files(path)
    if locks:
        raise PlannerError(f"cannot write {path}: it is open in another program (lock file {locks[0].name}); "
                           "close it there or choose another name")
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise PlannerError(f"cannot write {path}: the file is read-only; make it writable or choose another name")


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write bytes to a temporary file beside `path`, then rename it over `path`: all or nothing."""
    return write_together({Path(path): data})[0]


def write_together(contents: Mapping[Path, bytes]) -> list[Path]:
    """Write several files as one: each to a temporary file beside it (written and flushed to disk) first,
    then all renamed into place one after the other, so a plan's JSON and its workbook are never a new one
    beside an old one unless the process dies in the microseconds between two renames. On any error
    before the renames nothing is changed."""
    paths = [check_writable(p) for p in contents]
    temps: list[str] = []
    try:
        for path, data in zip(paths, contents.values(), strict=True):
            temps.append(_write_temp(path, data))
        for path, tmp in zip(paths, temps, strict=True):
            os.replace(tmp, path)
        temps = []
    except PermissionError:
        raise PlannerError(f"cannot write {shortened(path)}: permission denied (is it open in another program, or is "
                           "the folder read-only? close it or choose another place)") from None
    except OSError as exc:
        raise PlannerError(f"cannot write {shortened(path)}: {exc.strerror or exc}") from None
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return paths


def _write_temp(path: Path, data: bytes) -> str:
    """A temporary file beside `path` holding `data` (flushed to disk), with the mode `path` has or would get."""
    mode = (path.stat().st_mode & 0o777) if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp
