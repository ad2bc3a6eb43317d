"""Print a result as JSON (the stable contract) or as a text table for people."""

from __future__ import annotations

import json
import math
import sys
from typing import Any


def clean_json(value: Any) -> Any:
    """NaN becomes null (missing, never zero); numpy numbers become plain numbers."""
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(value: Any) -> str:
    return json.dumps(clean_json(value), indent=2, ensure_ascii=False)


def emit(fmt: str, data: Any, text: str) -> None:
    sys.stdout.write((dumps(data) if fmt == "json" else text).rstrip("\n") + "\n")


def table(rows: list[list[Any]], headers: list[str]) -> str:
    """A plain aligned text table; missing numbers show as 'missing'."""
    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "missing"
        if isinstance(v, float):
            return f"{v:,.1f}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    grid = [headers] + [[cell(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in grid) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in grid]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
