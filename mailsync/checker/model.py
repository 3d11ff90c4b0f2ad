"""The text encoder and the trained heads: the checker's only I/O (reading files shipped in packages).

Sentences are embedded with WordLlama 0.4's ``l2_supercat`` 256-dimension token embeddings (MIT; the weights
and tokenizer ship inside the ``wordllama`` wheel, so nothing is downloaded at run time). We read those two
files directly (safetensors + tokenizers) instead of using WordLlama's loader: an embedding is the mean of the
sentence's token vectors, L2-normalised. The heads (logistic regressions trained by ``corpus/train.py``) ship as
``weights/heads.npz`` beside this file. See ARCHITECTURE.md "Checker".
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

#: Embedding width of the shipped model.
DIM = 256
#: Where the trained heads live (written by ``corpus/train.py``).
HEADS_FILE = Path(__file__).resolve().parent / "weights" / "heads.npz"
_MODEL_NAME = "l2_supercat_256"

Matrix = npt.NDArray[np.float32]


class ModelError(RuntimeError):
    """The embedding model or the heads file could not be loaded (package missing or damaged)."""


@dataclass(frozen=True, slots=True)
class Encoder:
    """Token table ``table`` (vocab x DIM, float32) and a ``tokenizers.Tokenizer`` (typed loosely: the
    library ships no stubs)."""

    table: Matrix
    tokenizer: object

    def embed(self, texts: list[str]) -> Matrix:
        """Unit-length embeddings of ``texts``, shape (len(texts), DIM), float32. An empty text or one with no
        known token gets the zero vector."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encs = self.tokenizer.encode_batch_fast(texts, add_special_tokens=False)  # type: ignore[attr-defined]
        table = self.table
        for r, e in enumerate(encs):
            if e.ids:
                out[r] = table[e.ids].sum(axis=0)  # a loop beats np.add.reduceat here (bench/checker_bench.py)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out

def _wordllama_root() -> Path:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or spec.origin is None:
        raise ModelError("the wordllama package is not installed: reinstall Gracebox (pip install gracebox)")
    return Path(spec.origin).parent


_LOCK = threading.Lock()
_ENCODER: Encoder | None = None
_HEADS: dict[str, npt.NDArray[np.float64]] | None = None


def encoder() -> Encoder:
    """The shared Encoder, loaded on first use (about 0.1 s). Raises ModelError when its files are missing."""
    global _ENCODER
    with _LOCK:
        if _ENCODER is None:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            root = _wordllama_root()
            try:
                table = load_file(str(root / "weights" / f"{_MODEL_NAME}.safetensors"))["embedding.weight"]
                tok = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
            except Exception as exc:  # OSError, KeyError, or tokenizers' plain Exception
                raise ModelError(f"cannot load the wordllama model files under {root}: {exc}") from exc
            tok.no_padding()
            tok.no_truncation()
            if tok.get_vocab_size() > table.shape[0]:
                raise ModelError(f"the wordllama tokenizer under {root} does not match its weights")
            _ENCODER = Encoder(np.ascontiguousarray(table, dtype=np.float32), tok)
        return _ENCODER


def heads() -> dict[str, npt.NDArray[np.float64]]:
    """The trained head arrays by name (see ``train.HEAD_NAMES``); raises ModelError when the file is missing."""
    global _HEADS
    with _LOCK:
        if _HEADS is None:
            try:
                with np.load(HEADS_FILE, allow_pickle=False) as z:
                    _HEADS = {k: np.asarray(z[k], dtype=np.float64) for k in z.files}
            except (OSError, ValueError) as exc:
                raise ModelError(f"cannot read the checker's trained heads {HEADS_FILE}: {exc}") from exc
        return _HEADS


def use_heads(arrays: dict[str, npt.NDArray[np.float64]]) -> None:
    """Use ``arrays`` as the heads in this process instead of the shipped file (training and benchmarks)."""
    global _HEADS
    with _LOCK:
        _HEADS = dict(arrays)
