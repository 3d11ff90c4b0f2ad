"""Judgments from the text: sentence scores from the trained heads, pooled into message judgments.

Per sentence (``SENTENCE_LABELS``): ``offer`` (about what the sender sells), ``reader`` (about the reader, shared
ground or mutual connections), ``ask`` (a favour asked of the reader), ``unethical`` (an ask that bends ethics),
``question`` (a substantive question). Per message (``MESSAGE_JUDGMENTS``): ``selling``, ``favour``,
``unethical``, ``question``; and ``off_expertise``: how far the question's topic is from every expertise phrase.
The labels' definitions are in corpus/WRITING.md; the flags they make are in ``flags.py``. Pure: embeddings and
heads are passed in. Everything works on a batch of messages at once (one matrix product per head set).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .model import DIM, Matrix
from .sentences import Sentence
from .train import sigmoid

SENTENCE_LABELS = ("offer", "reader", "ask", "unethical", "question")
MESSAGE_JUDGMENTS = ("selling", "favour", "unethical", "question")
FAVOUR_KINDS = ("call", "referral", "introduction", "cv", "advice", "review", "mentoring", "endorsement", "job",
                "material", "other")
#: The sentence labels each message judgment is pooled from (the article's definitions: selling weighs the offer
#: against what is about you; a favour is an ask that is not a sales meeting; ...). Other pooled features get
#: weight 0.
MESSAGE_INPUTS = {"selling": ("offer", "reader"), "favour": ("ask", "offer"), "unethical": ("unethical", "ask"),
                  "question": ("question", "ask")}
#: Structural features appended to each sentence embedding.
N_EXTRA = 5
#: Pooled features per sentence label (max, mean, share >= 0.5, capped sum), plus the sentence count.
N_POOLED = 4 * len(SENTENCE_LABELS) + 1
F64 = npt.NDArray[np.float64]


def sentence_features(docs: list[list[Sentence]], emb: Matrix, context: bool = True) -> F64:
    """Rows of [embedding (DIM), the mean embedding of its neighbours in the same message (DIM, when ``context``;
    zeros for a lone sentence), ends with '?', is the subject, relative position, first body sentence, last body
    sentence] for every sentence of every document, in order (``emb`` has one row per sentence). The neighbours
    let a head read "nobody will know" next to the ask it qualifies."""
    extra: list[tuple[float, float, float, float, float]] = []
    has_prev: list[bool] = []
    has_next: list[bool] = []
    for sents in docs:
        n = len(sents)
        body = [i for i, s in enumerate(sents) if s.para >= 0]
        first, last = (body[0], body[-1]) if body else (-1, -1)
        for i, s in enumerate(sents):
            extra.append((float(s.question), float(s.para < 0), i / max(1, n - 1), float(i == first),
                          float(i == last)))
            has_prev.append(i > 0)
            has_next.append(i < n - 1)
    parts: list[F64 | Matrix] = [emb]
    if context:
        E = np.asarray(emb, dtype=np.float64)
        prev = np.zeros_like(E)
        nxt = np.zeros_like(E)
        if len(E) > 1:
            prev[1:] = E[:-1]
            nxt[:-1] = E[1:]
        hp = np.asarray(has_prev, dtype=np.float64)[:, None]
        hn = np.asarray(has_next, dtype=np.float64)[:, None]
        parts.append((prev * hp + nxt * hn) / np.maximum(hp + hn, 1.0))
    parts.append(np.asarray(extra, dtype=np.float64).reshape(len(extra), N_EXTRA))
    return np.hstack(parts).astype(np.float64)


def uses_context(heads: dict[str, F64]) -> bool:
    """True when the sentence heads were trained with the neighbours' embedding too (by their width)."""
    return int(heads["s_offer"].shape[0]) - 1 == 2 * DIM + N_EXTRA


#: (id of a heads dict, head names) -> (that dict, weights, biases). The dict is kept so its id cannot be reused
#: by another heads dict while the entry lives (training swaps heads per fold: ``model.use_heads``).
_STACKED: dict[tuple[int, tuple[str, ...]], tuple[dict[str, F64], F64, F64]] = {}


def stack(heads: dict[str, F64], names: list[str]) -> tuple[F64, F64]:
    """Weights (d x k) and biases (k) of the named logistic heads, for one matrix product (kept per heads)."""
    key = (id(heads), tuple(names))
    got = _STACKED.get(key)
    if got is None or got[0] is not heads:
        W = np.stack([heads[n] for n in names], axis=1)
        got = _STACKED[key] = (heads, W[:-1], W[-1])
    return got[1], got[2]


def sentence_scores(X: F64, heads: dict[str, F64]) -> F64:
    """Probabilities (n_sentences x len(SENTENCE_LABELS)) from the ``s_<label>`` heads."""
    W, b = stack(heads, [f"s_{lab}" for lab in SENTENCE_LABELS])
    return sigmoid(X @ W + b)


def bounds(docs: list[list[Sentence]]) -> list[tuple[int, int]]:
    """(start, end) row range of each document's sentences."""
    out = []
    pos = 0
    for sents in docs:
        out.append((pos, pos + len(sents)))
        pos += len(sents)
    return out


def pooled_columns(labels: tuple[str, ...]) -> list[int]:
    """Columns of ``pooled`` output that belong to ``labels`` (plus the sentence count)."""
    cols = [4 * SENTENCE_LABELS.index(lab) + k for lab in labels for k in range(4)]
    return sorted(cols) + [N_POOLED - 1]


def pooled(P: F64, spans: list[tuple[int, int]]) -> F64:
    """Message features from sentence probabilities: per label max, mean, share >= 0.5 and min(sum, 3) / 3;
    then log(1 + number of sentences). Zeros for a message without sentences."""
    out = np.zeros((len(spans), N_POOLED))
    k = P.shape[1]
    for r, (a, b) in enumerate(spans):
        if b <= a:
            continue
        seg = P[a:b]
        out[r, 0:4 * k:4] = seg.max(axis=0)
        s = seg.sum(axis=0)
        out[r, 1:4 * k:4] = s / (b - a)
        out[r, 2:4 * k:4] = (seg >= 0.5).sum(axis=0) / (b - a)
        out[r, 3:4 * k:4] = np.minimum(s, 3.0) / 3.0
        out[r, -1] = np.log1p(b - a)
    return out


def message_features(F: F64, G: F64, heads: dict[str, F64]) -> F64:
    """Inputs of the message heads: the pooled sentence scores ``F`` next to the centred mean embedding ``G``
    (what the whole message is about). A head uses only the columns its training gave weight."""
    return np.hstack([F, G - heads["center"]])


def topic_vectors(emb: Matrix, P: F64, spans: list[tuple[int, int]], heads: dict[str, F64]) -> tuple[F64, list[int]]:
    """Per message, the topic of its likeliest question sentence in embedding space (the sentence mapped by the
    learned ``topic_map`` from centred embeddings; unit rows, zeros without sentences) and that sentence's row."""
    col = SENTENCE_LABELS.index("question")
    rows = [a + int(np.argmax(P[a:b, col])) if b > a else -1 for a, b in spans]
    T = np.zeros((len(spans), DIM))
    have = [i for i, r in enumerate(rows) if r >= 0]
    if have:
        mapped = (emb[[rows[i] for i in have]].astype(np.float64) - heads["center"]) @ heads["topic_map"]
        norms = np.linalg.norm(mapped, axis=1, keepdims=True)
        T[have] = mapped / np.maximum(norms, 1e-9)
    return T, rows


def _unit_centred(V: Matrix | F64, heads: dict[str, F64]) -> F64:
    C = np.asarray(V, dtype=np.float64) - heads["center"]
    return C / np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-9)


def expertise_similarity(T: F64, G: F64, expertise_emb: Matrix, heads: dict[str, F64]) -> tuple[F64, list[int]]:
    """Per message: [best similarity of its topic ``T`` to the expertise phrases, mean of the best two, best
    similarity of its whole text ``G`` (mean embedding) to them], centred unit vectors; and the index of the
    phrase closest to the topic (-1 without expertise)."""
    if expertise_emb.shape[0] == 0:
        return np.zeros((T.shape[0], 3)), [-1] * T.shape[0]
    E = _unit_centred(expertise_emb, heads)
    S = T @ E.T
    order = np.argsort(-S, axis=1)
    best = np.take_along_axis(S, order[:, :2], axis=1)
    whole = (_unit_centred(G, heads) @ E.T).max(axis=1)
    feats = np.stack([best[:, 0], best.mean(axis=1), whole], axis=1)
    return feats, [int(o[0]) for o in order]


@dataclass(frozen=True, slots=True)
class Judgments:
    """What the text says, for one message. ``scores``: sentence probabilities (n x 5, SENTENCE_LABELS order);
    ``message``: probability per MESSAGE_JUDGMENTS name plus ``off_expertise``; ``favour_kind``: the likeliest
    kind of the strongest ask when its head gives it at least even odds (else None); ``question_row``: the
    likeliest question sentence (-1: none); ``closest_expertise``: index of the expertise phrase nearest its
    topic (-1: none);
    ``topic_similarity``: that similarity; ``vector``: the message's ``learning_vector``, to compare with the
    user's own examples."""

    scores: F64
    message: dict[str, float]
    favour_kind: str | None
    question_row: int
    closest_expertise: int
    topic_similarity: float
    vector: F64


def judge_batch(docs: list[list[Sentence]], emb: Matrix, expertise_emb: Matrix,
                heads: dict[str, F64]) -> list[Judgments]:
    """Judgments for each document from its sentences, their embeddings (rows in order) and the expertise
    phrases' embeddings."""
    X = sentence_features(docs, emb, uses_context(heads))
    P = sentence_scores(X, heads)
    spans = bounds(docs)
    F = pooled(P, spans)
    G = np.stack([emb[a:b].astype(np.float64).mean(axis=0) if b > a else np.zeros(DIM) for a, b in spans])
    Wm, bm = stack(heads, [f"m_{n}" for n in MESSAGE_JUDGMENTS])
    M = sigmoid(message_features(F, G, heads) @ Wm + bm)
    T, qrows = topic_vectors(emb, P, spans, heads)
    S, closest = expertise_similarity(T, G, expertise_emb, heads)
    off = sigmoid(np.hstack([S, M[:, [MESSAGE_JUDGMENTS.index("question")]]]) @ heads["m_off_expertise"][:-1]
                  + heads["m_off_expertise"][-1])
    ask = SENTENCE_LABELS.index("ask")
    out = []
    for r, (a, b) in enumerate(spans):
        kind = None
        if b > a:
            row = a + int(np.argmax(P[a:b, ask]))
            z = X[row] @ heads["kind_w"][:, :-1].T + heads["kind_w"][:, -1]
            best = int(np.argmax(z))
            kind = FAVOUR_KINDS[best] if z[best] >= 0.0 else None  # named only when its head says "likelier yes"
        message = {n: float(M[r, i]) for i, n in enumerate(MESSAGE_JUDGMENTS)}
        message["off_expertise"] = float(off[r]) if closest[r] >= 0 and b > a else 0.0
        out.append(Judgments(P[a:b], message, kind, qrows[r] - a if qrows[r] >= 0 else -1, closest[r],
                             float(S[r, 0]), learning_vector(G[r], F[r], heads) if b > a else np.zeros(LEARN_DIM)))
    return out


#: Width of the vector a user's example is compared by (``learning_vector``).
LEARN_DIM = DIM + N_POOLED


def learning_vector(mean_emb: F64, pooled_row: F64, heads: dict[str, F64]) -> F64:
    """What a message is compared by when learning from the user (``learn.py``): its centred mean embedding
    (what it is about) next to its standardised pooled sentence scores (what it does: pitches, asks, ...), each
    half at unit length, the whole at unit length."""
    a = mean_emb - heads["center"]
    a = a / max(float(np.linalg.norm(a)), 1e-9)
    b = (pooled_row - heads["pooled_mean"]) / heads["pooled_std"]
    b = b / max(float(np.linalg.norm(b)), 1e-9)
    v = np.concatenate([a, b])
    return v / max(float(np.linalg.norm(v)), 1e-9)
