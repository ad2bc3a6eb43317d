"""One family of errors for everything a person got wrong: the message says what, and what would be right.

Each subclass says which kind of input was wrong and, where one field is at fault, carries it (`field`), so a
form can put the message next to that field instead of guessing. `quoted` and `one_line` keep a message short
whatever was typed: at most ~60 characters of the input are ever echoed."""

from __future__ import annotations

import re

QUOTE_LIMIT = 60          # characters of a person's input a message may echo
PATH_LIMIT = 120          # characters of a path (a long folder name is not hostile; a 20 MB "path" is)
MESSAGE_LIMIT = 500       # characters of one error line


class PlannerError(ValueError):
    """Bad input to the planner layer (profile field, plan file, intake line, path)."""

    def __init__(self, message: str = "", *, field: str | None = None):
        super().__init__(message)
        self.field = field


class ProfileError(PlannerError):
    """A profile (file, saved or typed) is unreadable or has a bad field; `field` names the field when one is."""


class PlanFileError(PlannerError):
    """A plan file is not a plan this version wrote (malformed, another version, not JSON)."""


class StoreError(PlannerError):
    """The store refused: a name taken, a record missing, the file unreadable or busy."""


class InputFileError(PlannerError):
    """A file or value named on the command line cannot be used (missing, too big, not UTF-8, a bad path)."""


def shortened(text: object, limit: int = PATH_LIMIT) -> str:
    """`text` on one line, cut to `limit` characters with '…' when longer (a path, a name): safe to echo."""
    text = str(text).replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= limit else f"{text[:limit]}…"


def quoted(text: object, limit: int = QUOTE_LIMIT) -> str:
    """`text` in quotes, cut to `limit` characters with '…' (and its length) when longer: safe to echo."""
    text = shortened(text, len(str(text)))
    if len(text) <= limit:
        return f"'{text}'"
    return f"'{shortened(text, limit)}' ({len(text):,} characters)"


_LONG_RUN = re.compile(rf"\S{{{PATH_LIMIT + 1},}}")


def one_line(message: object) -> str:
    """An error message as one short line: newlines folded, any run longer than the quote limit cut, and the
    whole at most MESSAGE_LIMIT characters (a message from deep code may still quote whole input)."""
    text = " ".join(str(message).split())
    text = _LONG_RUN.sub(lambda m: m.group(0)[:QUOTE_LIMIT] + "…", text)   # no word is that long: input is
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT - 1] + "…"
