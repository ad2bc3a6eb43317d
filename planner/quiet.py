"""Keep native libraries off standard output, at the file-descriptor level.

A solver may print to file descriptor 1 from C code (highspy 1.16 prints its banner when the first `Highs`
is made), which Python's `sys.stdout` never sees. Stdout carries a command's own output and nothing else, so
while a solver runs, fd 1 points at the null device; Python's own `print` keeps writing where it did.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

_lock = threading.RLock()
_depth = 0
_saved_fd: int | None = None


def _writes_to_fd1(stream) -> bool:
    try:
        return stream.fileno() == 1
    except (AttributeError, OSError, ValueError):
        return False


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Within the block, writes to fd 1 by native code go to the null device; `sys.stdout` still reaches
    the real standard output. Nests, and is safe across threads (the dashboard solves in several)."""
    global _depth, _saved_fd
    with _lock:
        if _depth == 0:
            _saved_fd = _silence_fd1()
        _depth += 1
    replaced = None
    if _saved_fd is not None and _writes_to_fd1(sys.stdout):
        replaced = sys.stdout
        replaced.flush()
        sys.stdout = io.TextIOWrapper(io.FileIO(os.dup(_saved_fd), "w"), encoding=replaced.encoding,
                                      errors=replaced.errors, line_buffering=True)
    try:
        yield
    finally:
        if replaced is not None:
            sys.stdout.flush()
            sys.stdout.close()
            sys.stdout = replaced
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved_fd is not None:
                os.dup2(_saved_fd, 1)
                os.close(_saved_fd)
                _saved_fd = None


def _silence_fd1() -> int | None:
    """Point fd 1 at the null device; returns a copy of what it was (None when there is no fd 1)."""
    with suppress(AttributeError, OSError, ValueError):
        sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:
        return None
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
    finally:
        os.close(null)
    return saved


def new_highs():
    """A silent `highspy.Highs`: its banner (printed to fd 1 by some releases) goes nowhere."""
    import highspy

    with quiet_stdout():
        h = highspy.Highs()
        h.silent()
    return h
