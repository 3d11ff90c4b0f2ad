"""Short forms of file names and paths for the status line and toasts."""

from __future__ import annotations

import re


def short_name(name: str, width: int = 24) -> str:
    """``name`` cut to at most ``width`` characters, keeping its start and its extension ("a1b2c3d4e5…@host.eml")."""
    if len(name) <= width:
        return name
    stem, dot, ext = name.rpartition(".")
    tail = dot + ext if dot and len(ext) <= 5 else ""
    keep = max(width - len(tail) - 1, 1)
    return name[:keep] + "…" + tail


def wrap_path(path: str, width: int = 44) -> str:
    """``path`` on lines of at most ``width`` characters, broken after a "/" (inside a longer file name
    after a "." or "@", a piece longer than ``width`` at ``width`` as a last resort): a toast then never
    splits a name at an arbitrary letter."""
    folder, slash, name = path.rpartition("/")
    if folder and name and len(path) > width:  # the file name starts on its own line
        return wrap_path(folder + slash, width) + "\n" + wrap_path(name, width)
    lines: list[str] = []
    cur = ""
    for part in re.findall(r"[^/.@]*[/.@]|[^/.@]+$", path):
        while len(part) > width:
            if cur:
                lines.append(cur)
                cur = ""
            lines.append(part[:width])
            part = part[width:]
        if len(cur) + len(part) > width and cur:
            lines.append(cur)
            cur = ""
        cur += part
    if cur:
        lines.append(cur)
    return "\n".join(lines)
