"""The user's corrections and decisions as the checker's examples (README "How the checker decides": it learns
from you). A correction says whether one flag applies; accepting a request (a sent accept reply or the ``y``
mark) says that none of the flags suggesting a decline applies to it (RF1-RF3, RF7: the user takes this kind of
mail). A correction wins over what an accept implies for the same flag."""

from __future__ import annotations

from sqlmodel import Session, col, select

from .. import checker
from ..mail.parse import parse
from ..types import UserExample
from .models import Correction, Decision, Message

#: Flags an accepted request is taken to lack (RF4 is a fact about the sender, never learned from text).
ACCEPT_ABSENT = ("RF1", "RF2", "RF3", "RF7")


def user_examples(session: Session) -> tuple[UserExample, ...]:
    """Each corrected or accepted request's learning vector (``checker.message_vector`` of its stored raw bytes)
    with the flag and whether it applies, corrections first (oldest first), then accepts. Requests no longer
    stored are skipped (their corrections stay, keyed by identity, for when they come back)."""
    said: dict[str, dict[str, bool]] = {}
    for c in session.exec(select(Correction).order_by(col(Correction.id))).all():
        said.setdefault(c.identity, {})[c.code] = c.action == "add"
    q = select(Decision.request_identity).where(Decision.kind == "accept").order_by(col(Decision.id))
    for identity in session.exec(q).all():
        codes = said.setdefault(identity, {})
        for code in ACCEPT_ABSENT:
            codes.setdefault(code, False)
    out: list[UserExample] = []
    for identity, codes in said.items():
        m = session.exec(select(Message).where(Message.identity == identity)).first()
        if m is None or not m.raw:
            continue
        vec = checker.message_vector(parse(bytes(m.raw)))
        out += [UserExample(vec, code, present, identity) for code, present in codes.items()]
    return tuple(out)
