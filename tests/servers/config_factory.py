"""Write Gracebox TOML config files for tests (tomllib reads TOML but cannot write it).

``write_config(path, imap=..., identity=..., ...)`` writes a file ``mailsync.config.load_config`` accepts,
mode 0600. Values may be str, bool, int, float, date/datetime, lists of those, dicts (written as inline
tables when inside a list or nested in a table value) and lists of dicts (written as arrays of tables
``[[profile.contacts]]``).
"""

from __future__ import annotations

import math
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any


def _key(k: str) -> str:
    if k and all(c.isalnum() or c in "-_" for c in k):
        return k
    return _str(k)


def _str(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(v: Any) -> str:
    """Render one value as TOML (inline form). Raises TypeError for None or unsupported types."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise TypeError("TOML floats must be finite here")
        return repr(v)
    if isinstance(v, str):
        return _str(v)
    if isinstance(v, Path):
        return _str(str(v))
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items() if x is not None) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _table(name: str, data: dict[str, Any]) -> list[str]:
    lines = [f"[{name}]"]
    arrays: list[tuple[str, list[dict[str, Any]]]] = []
    for k, v in data.items():
        if v is None:
            continue
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            arrays.append((k, v))
            continue
        lines.append(f"{_key(k)} = {toml_value(v)}")
    lines.append("")
    for k, items in arrays:
        for item in items:
            lines.append(f"[[{name}.{_key(k)}]]")
            lines.extend(f"{_key(ik)} = {toml_value(iv)}" for ik, iv in item.items() if iv is not None)
            lines.append("")
    return lines


def dumps(tables: dict[str, dict[str, Any] | None]) -> str:
    """Render ``{"imap": {...}, ...}`` (top-level tables only; None tables skipped) as TOML text."""
    lines: list[str] = []
    for name, data in tables.items():
        if data is None:
            continue
        lines.extend(_table(_key(name), data))
    return "\n".join(lines)


def write_config(path: str | os.PathLike[str], *, imap: dict[str, Any], smtp: dict[str, Any] | None = None,
                 identity: dict[str, Any], profile: dict[str, Any] | None = None,
                 database_url: str | None = None, extra: dict[str, dict[str, Any]] | None = None) -> Path:
    """Write a Gracebox config at ``path`` (mode 0600) and return it as a Path.

    ``imap``/``smtp``/``identity``/``profile`` are the tables' keys; ``database_url`` fills
    ``[storage] database_url``; ``extra`` adds more top-level tables (e.g. {"checker": {...}, "ui": {...}}).
    A ``path`` that is a directory gets ``config.toml`` inside it.
    """
    p = Path(path)
    if p.is_dir():
        p = p / "config.toml"
    tables: dict[str, dict[str, Any] | None] = {"imap": imap, "smtp": smtp, "identity": identity,
                                                 "profile": profile}
    if database_url is not None:
        tables["storage"] = {"database_url": database_url}
    for k, v in (extra or {}).items():
        if k in tables and tables[k] is not None and v is not None:
            tables[k] = {**(tables[k] or {}), **v}
        else:
            tables[k] = v
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(dumps(tables))
    os.chmod(p, 0o600)
    return p
