"""Export the user's flag corrections as a labelled corpus (the layout of bench/checker_eval.py's input).

``DIR/profile.toml`` (the profile, top-level keys), ``DIR/sent/known-NNN.eml`` (one synthetic message per
known address, so "do I know them" is the same), ``DIR/requests/req-NNN.eml`` (the raw bytes as received) and
``DIR/labels.json`` (per request: file, message_id, flags after the user's corrections, suggested).
"""

from __future__ import annotations

import json
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from .. import checker
from ..config import Settings
from ..store.engine import Store
from ..store.models import Correction, KnownAddress, Message


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items() if x is not None) + " }"
    return json.dumps(str(v), ensure_ascii=False)


def profile_toml(settings: Settings) -> str:
    """Render the profile (plus identity name/email) as TOML with top-level keys."""
    data = settings.profile.model_dump(exclude={"file"}, exclude_none=True)
    data.setdefault("name", settings.my_name())
    data.setdefault("email", settings.my_email())
    lines: list[str] = []
    tables: list[str] = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                tables.append(f"\n[[{key}]]")
                tables.extend(f"{k} = {_toml_value(x)}" for k, x in item.items() if x is not None)
        elif value != []:
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines + tables) + "\n"


def export_corpus(settings: Settings, store: Store, out: Path) -> int:
    """Write every request that has a correction to ``out`` as a corpus; return how many were written.

    Raises OSError when ``out`` can't be written.
    """
    (out / "requests").mkdir(parents=True, exist_ok=True)
    (out / "sent").mkdir(parents=True, exist_ok=True)
    (out / "profile.toml").write_text(profile_toml(settings), encoding="utf-8")
    labels: list[dict[str, object]] = []
    with store.session() as s:
        corrected = set(s.exec(select(Correction.identity)).all())
        for i, ka in enumerate(s.exec(select(KnownAddress).order_by(col(KnownAddress.address))), 1):
            em = EmailMessage()
            em["From"] = formataddr((settings.my_name() or "", settings.my_email() or "me@localhost"))
            em["To"] = formataddr((ka.name or "", ka.address))
            em["Subject"] = "(known address)"
            em.set_content("Exported by gracebox feedback: you wrote to this address.\n")
            (out / "sent" / f"known-{i:03d}.eml").write_bytes(bytes(em))
        rows = s.exec(select(Message).where(col(Message.identity).in_(corrected)).order_by(col(Message.id)))
        for n, m in enumerate(rows, 1):
            name = f"req-{n:03d}.eml"
            (out / "requests" / name).write_bytes(m.raw)
            codes = m.flag_codes.split() if m.flag_codes else []
            labels.append({"file": name, "message_id": m.message_id, "flags": codes,
                           "suggested": checker.suggest(codes), "why": "corrected by the user in Gracebox"})
    (out / "labels.json").write_text(json.dumps(labels, indent=1, ensure_ascii=False), encoding="utf-8")
    return len(labels)
