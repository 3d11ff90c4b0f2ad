"""Learning from the user: their corrections move the judgments for similar mail.

Each correction (``c`` in the TUI, ``gracebox correct``) becomes a UserExample: the corrected message's unit
embedding, the flag, and whether the user says it applies. A new message's judgment for that flag moves by the
examples most like it (cosine similarity of message vectors at least ``SIMILAR``): each adds or removes up to
``STEP`` in log-odds, scaled by how similar it is. The card then says "like 3 messages you marked as selling".
Pure functions; the vectors come in the CheckContext. Measured by ``bench/learning_curve.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..types import UserExample

#: Cosine similarity of learning vectors from which a user's example counts as "like" a new message (chosen on
#: the train split with bench/learning_curve.py: lower moves more mistakes and breaks more right answers).
SIMILAR = 0.40
#: One example shifts the log-odds by 1 at the threshold similarity, rising to 1 + STEP for an identical message;
#: chosen with SIMILAR on the train split (a step of 4 broke as many right answers as it fixed).
STEP = 2.0
#: At most this many nearest examples per flag count.
K = 5


@dataclass(frozen=True, slots=True)
class Nudge:
    """How the user's examples moved one judgment: ``probability`` after the move, ``like_present`` /
    ``like_absent``: how many similar examples said the flag applies / does not."""

    probability: float
    like_present: int
    like_absent: int


def nudge(p: float, code: str, vector: npt.NDArray[np.float64], examples: tuple[UserExample, ...]) -> Nudge:
    """Move probability ``p`` of flag ``code`` for a message with unit ``vector`` by the user's examples."""
    mine = [e for e in examples if e.code == code]
    if not mine or not vector.any():
        return Nudge(p, 0, 0)
    V = np.asarray([e.vector for e in mine], dtype=np.float64)
    if V.shape[1] != vector.shape[0]:
        return Nudge(p, 0, 0)
    sims = V @ vector
    order = [int(i) for i in np.argsort(-sims)[:K] if sims[i] >= SIMILAR]
    if not order:
        return Nudge(p, 0, 0)
    z = math.log(max(p, 1e-6) / max(1 - p, 1e-6))
    present = absent = 0
    for i in order:
        weight = STEP * (float(sims[i]) - SIMILAR) / (1 - SIMILAR) + 1.0
        if mine[i].present:
            z += weight
            present += 1
        else:
            z -= weight
            absent += 1
    return Nudge(1 / (1 + math.exp(-z)), present, absent)
