"""Fitting the heads: plain numpy, deterministic, no I/O (``corpus/train.py`` reads the corpus and writes the file).

``fit_logistic(X, y) -> weights`` is an L2-regularised logistic regression solved by Newton's method (IRLS) with
balanced class weights; ``fit_ridge_map`` a ridge regression from one embedding space to another; ``best_threshold``
picks the probability cut that maximises F1 on out-of-fold predictions. Weights are rounded to 1e-6 so that the
shipped file is the same on every machine (its SHA-256 is recorded; ``tests`` retrain and compare).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def sigmoid(z: F64) -> F64:
    """Logistic function, overflow-safe."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def add_bias(X: F64) -> F64:
    """``X`` with a trailing column of ones."""
    return np.hstack([X, np.ones((X.shape[0], 1))])


def fit_logistic(X: F64, y: npt.NDArray[np.bool_], l2: float = 1.0, iters: int = 25, balance: float = 1.0) -> F64:
    """Weights (n_features + 1, the last one the bias) of a logistic regression of ``y`` on ``X``.

    ``balance`` 1 weights the classes to equal total weight, 0 leaves them as they are (values between move
    part way); ``l2`` penalises every weight but the bias. Raises ValueError
    when ``y`` holds a single class (nothing to learn)."""
    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        raise ValueError("fit_logistic needs both classes")
    Xb = add_bias(np.asarray(X, dtype=np.float64))
    n, d = Xb.shape
    pos = y.sum()
    sw = np.where(y, n / (2.0 * pos), n / (2.0 * (n - pos))) ** balance
    t = y.astype(np.float64)
    w = np.zeros(d)
    reg = np.full(d, l2)
    reg[-1] = 1e-6
    for _ in range(iters):
        p = sigmoid(Xb @ w)
        g = Xb.T @ (sw * (p - t)) + reg * w
        r = sw * p * (1.0 - p)
        H = (Xb * r[:, None]).T @ Xb + np.diag(reg)
        step = np.linalg.solve(H, g)
        w -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return np.round(w, 6)


def predict(X: F64, w: F64) -> F64:
    """Probabilities of a fitted logistic regression ``w`` on rows of ``X``."""
    return sigmoid(np.asarray(X, dtype=np.float64) @ w[:-1] + w[-1])


def fit_ridge_map(A: F64, B: F64, l2: float = 1.0) -> F64:
    """Matrix M (d_a x d_b) minimising ||A M - B||^2 + l2 ||M||^2 (rows of A map to rows of B)."""
    d = A.shape[1]
    M = np.linalg.solve(A.T @ A + l2 * np.eye(d), A.T @ B)
    return np.round(M, 6)


def best_threshold(p: F64, y: npt.NDArray[np.bool_]) -> float:
    """The probability cut in [0.05, 0.95] with the best Matthews correlation of ``p >= cut`` against ``y`` (ties:
    the cut nearest 0.5). MCC rather than F1: for a judgment most messages carry (a favour), the F1-best cut
    drifts towards "always yes"."""
    best = (-2.0, 0.0, 0.5)
    for cut in np.round(np.arange(0.05, 0.951, 0.01), 2):
        pred = p >= cut
        tp = float(np.sum(pred & y))
        fp = float(np.sum(pred & ~y))
        fn = float(np.sum(~pred & y))
        tn = float(np.sum(~pred & ~y))
        den = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)) ** 0.5
        mcc = (tp * tn - fp * fn) / den if den else 0.0
        key = (round(mcc, 9), -abs(cut - 0.5), float(cut))
        if key > best:
            best = key
    return best[2]
