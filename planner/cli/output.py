"""Print a result as JSON (the stable contract) or as text for people (planner.render draws it)."""

from __future__ import annotations

import json
import sys
from typing import Any


def dumps(value: Any) -> str:
    from planner.store import json_safe  # sqlite3 and the store load for JSON output, not for every command

    return json.dumps(json_safe(value), indent=2, ensure_ascii=False)


def emit(fmt: str, data: Any, text: str) -> None:
    sys.stdout.write((dumps(data) if fmt == "json" else text).rstrip("\n") + "\n")
