"""The user's corrections as the checker's examples (README "How the checker decides": it learns from you)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from .. import checker
from ..mail.parse import parse
from ..types import UserExample
from .models import Correction, Message


def user_examples(session: Session) -> tuple[UserExample, ...]:
    """Each corrected request's learning vector (``checker.message_vector`` of its stored raw bytes) with the flag
    and whether the user said it applies ("add") or not ("dismiss"), oldest correction first. Corrections of a
    request that is no longer stored are skipped (they stay, keyed by identity, for when it comes back)."""
    rows = session.exec(select(Correction).order_by(col(Correction.id))).all()
    if not rows:
        return ()
    by_identity: dict[str, list[Correction]] = {}
    for c in rows:
        by_identity.setdefault(c.identity, []).append(c)
    out: list[UserExample] = []
    for identity, corr in by_identity.items():
        m = session.exec(select(Message).where(Message.identity == identity)).first()
        if m is None or not m.raw:
            continue
        vec = checker.message_vector(parse(bytes(m.raw)))
        out += [UserExample(vec, c.code, c.action == "add", identity) for c in corr]
    return tuple(out)
