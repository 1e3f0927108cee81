"""Formatting shared by every report: JSON-ready data (:func:`jsonable`, strict JSON:
NaN as ``null``, infinities as ``"inf"``/``"-inf"``), short cell text (:func:`fmt`),
Markdown and terminal tables, CSV files and file-name slugs."""
from __future__ import annotations

import csv
import dataclasses
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np


def jsonable(obj: Any) -> Any:
    """Plain JSON-ready data (numpy, dataclasses, sympy numbers; NaN -> None, inf -> "inf")."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict) and not isinstance(obj, type):
        return jsonable(to_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable({f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})
    try:
        return jsonable(float(obj))        # sympy numbers and the like
    except (TypeError, ValueError):
        return str(obj)


def dumps(obj: Any) -> str:
    return json.dumps(jsonable(obj), indent=2, allow_nan=False)


def fmt(value: Any, digits: int = 4) -> str:
    """A short human form of a cell value."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "—"
        if math.isinf(v):
            return "∞" if v > 0 else "-∞"
        return f"{v:.{digits}g}"
    if isinstance(value, dict):
        return "; ".join(f"{k}={fmt(v, digits)}" for k, v in value.items())
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(value)
        shown = ", ".join(fmt(v, digits) for v in items[:6])
        return f"[{shown}{', …' if len(items) > 6 else ''}]"
    text = str(value)
    if text in ("inf", "-inf"):
        return "∞" if text == "inf" else "-∞"
    return text


def _md_cell(value: Any) -> str:
    return fmt(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(_md_cell(c) for c in r) + " |")
    return "\n".join(lines)


def text_table(header: list[str], rows: list[list[Any]]) -> str:
    """A fixed-width table for the terminal."""
    cells = [[fmt(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


#: the rate table as shown to a reader (``rates.csv`` keeps every column separate)


def slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("_.")
    return s or "case"


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow([_csv_cell(c) for c in r])


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, allow_nan=False)
    return value


def verdict_records(verdicts, keys) -> list[dict]:
    """Claim records (dicts with ``keys``, JSON-ready) of a list of verdicts (objects
    with ``to_dict()`` or plain dicts)."""
    return [{k: jsonable((v.to_dict() if hasattr(v, "to_dict") else dict(v)).get(k)) for k in keys}
            for v in verdicts]


def case_name(report) -> str:
    """The name of a report's case (or of the case itself, or the object as text)."""
    case = getattr(report, "case", report)
    return str(getattr(case, "name", case))
