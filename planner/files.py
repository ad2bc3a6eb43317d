"""Files written whole or not at all: a check that a path can take a new file before any long work,
and an atomic write (a temporary file beside it, then a rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from planner.errors import PlannerError


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
        raise PlannerError(f"cannot write {path}: {exc.strerror or exc}") from None
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
    path = check_writable(path)
    folder = path.parent
    mode = (path.stat().st_mode & 0o777) if path.exists() else 0o644
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
    except PermissionError:
        raise PlannerError(f"cannot write {path}: permission denied (is it open in another program, or is the "
                           "folder read-only? close it or choose another place)") from None
    except OSError as exc:
        raise PlannerError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return path
