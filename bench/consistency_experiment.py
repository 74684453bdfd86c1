"""Experiment, not shipped: the consistency judge (``storytrace.crosscheck.consistency``) on SummEdits, FRANK and
XSumFaith. The pipeline's ``unsupported_addition`` never calls it, so these figures say nothing about the dossier;
``bench/crosscheck.py`` headlines the shipped cross-check and stores these under ``experiments`` when run with
``--experiments`` (``.venv/bin/python bench/crosscheck.py --experiments``, ~10 min on 2 cores).

Nothing is trained on the evaluation sets: the classifier is trained on ECB+ synthetic pairs
(bench/train_consistency.py). Each benchmark's decision thresholds, and which method is its headline, are chosen on
its own dev split only: SummEdits on its `evaluation` split (133 items of 4 documents), FRANK on its validation split
(671 summaries); XSumFaith has no dev split and uses FRANK valid's choice. Source texts are truncated to their first
MAX_SOURCE_SENTENCES sentences.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.crosscheck.consistency import (
    FEATURES,
    ConsistencyModel,
    Source,
    features,
    load_word_cache,
    save_word_cache,
    sentences,
)
from storytrace.embed import embed

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("STORYTRACE_BENCH_CACHE", ROOT / "bench" / "work"))
MAX_SOURCE_SENTENCES = 25

Loader = Callable[..., tuple[list[tuple[str, str]], np.ndarray]]


class VectorCache:
    """Sentence vectors keyed by text hash, kept outside the repository between runs."""

    def __init__(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        self.path = CACHE / "vectors.npz"
        self.data: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path) as z:
                self.data = {k: z[k] for k in z.files}
        self.dirty = False

    def get(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in self.data]
        if missing:
            uniq = dict(missing)
            for k, v in zip(uniq, embed(list(uniq.values())), strict=True):
                self.data[k] = v
            self.dirty = True
        return np.stack([self.data[k] for k in keys]) if keys else np.zeros((0, 384), dtype=np.float32)

    def save(self) -> None:
        if self.dirty:
            np.savez(self.path, **self.data)


def bacc(y: np.ndarray, pred: np.ndarray) -> float:
    """Balanced accuracy, label 1 = consistent."""
    pos, neg = y == 1, y == 0
    return round(0.5 * (float((pred[pos] == 1).mean()) + float((pred[neg] == 0).mean())), 4)


def featurise(items: list[tuple[str, str]], cache: VectorCache) -> np.ndarray:
    sources: dict[str, Source] = {}
    rows = []
    for n, (doc, summary) in enumerate(items):
        if doc not in sources:
            sents = sentences(doc)[:MAX_SOURCE_SENTENCES]
            sources[doc] = Source.build(" ".join(sents), sents, cache.get(sents))
        ss = sentences(summary)
        rows.append(features(sources[doc], summary, cache.get(ss)))
        if n % 200 == 199:
            cache.save()
    cache.save()
    return np.stack(rows)


def scores(x: np.ndarray, model: ConsistencyModel | None) -> dict[str, np.ndarray]:
    """A consistency score per method (higher = consistent); thresholds are set on each benchmark's dev split."""
    col = {f: i for i, f in enumerate(FEATURES)}
    rules = (x[:, col["novel_names"]] == 0) & (x[:, col["novel_numbers"]] == 0) & (x[:, col["negation_mismatch"]] == 0)
    # the word diff against the aligned source span: names, figures, a negation on one side, an antonym of a span word
    flags = x[:, col["wf_novel_names"]] + x[:, col["wf_novel_numbers"]] + x[:, col["wf_negation_diff"]]
    flags = flags + x[:, col["wf_antonym"]]
    out = {
        "rules only": rules.astype(float),
        "embeddings only": x[:, col["min_support"]],
        "word-diff rules": -flags,
    }
    if model is not None:
        prob = model.prob_consistent(x)
        out["classifier"] = prob
        out["combined (classifier and word-diff rules)"] = prob * (flags == 0)
    return out


def best_threshold(y: np.ndarray, score: np.ndarray) -> float:
    cands = np.unique(np.round(score, 4))
    if len(cands) > 200:
        cands = np.quantile(score, np.linspace(0.01, 0.99, 199))
    return float(max(cands, key=lambda t: (bacc(y, (score >= t).astype(int)), -t)))


def run(
    load_summedits: Callable[[], tuple[list[tuple[str, str]], np.ndarray, np.ndarray]],
    load_frank: Loader,
    load_xsumfaith: Loader,
    quick: bool = False,
) -> dict[str, Any]:
    cache = VectorCache()
    load_word_cache(CACHE / "words.npz")
    model_path = ROOT / "src" / "storytrace" / "crosscheck" / "model" / "consistency.json"
    model = ConsistencyModel.load(model_path) if model_path.exists() else None
    out: dict[str, Any] = {
        "what": "the consistency judge (storytrace.crosscheck.consistency, an ECB+-trained classifier and word-diff "
        "rules); the pipeline does not call it. Thresholds and each benchmark's method chosen on its dev split "
        "(SummEdits `evaluation`, FRANK valid); sources cut to their first 25 sentences",
        "ablation": {},
        "max_source_sentences": MAX_SOURCE_SENTENCES,
    }
    ablation: dict[str, dict[str, float]] = out["ablation"]

    v_items, v_y = load_frank("valid", limit=150 if quick else None)
    v_scores = scores(featurise(v_items, cache), model)
    thresholds = {name: best_threshold(v_y, sc) for name, sc in v_scores.items()}
    for name, sc in v_scores.items():
        ablation.setdefault(name, {})["frank_valid"] = bacc(v_y, (sc >= thresholds[name]).astype(int))
    frank_key = max(v_scores, key=lambda n: (ablation[n]["frank_valid"], n))
    out["thresholds_from_frank_valid"] = {k: round(v, 4) for k, v in thresholds.items()}

    items, y, is_test = load_summedits()
    if quick:
        items, y, is_test = items[:120], y[:120], np.arange(120) >= 37
    se_scores = scores(featurise(items, cache), model)
    dev = ~is_test
    se_thr = {name: best_threshold(y[dev], sc[dev]) for name, sc in se_scores.items()}
    for name, sc in se_scores.items():
        pred = (sc >= se_thr[name]).astype(int)
        row = ablation.setdefault(name, {})
        row["summedits_dev"] = bacc(y[dev], pred[dev])
        row["summedits_test"] = bacc(y[is_test], pred[is_test])
        row["summedits_all"] = bacc(y, pred)
    se_key = max(se_scores, key=lambda n: (ablation[n]["summedits_dev"], n))
    out["thresholds_from_summedits_evaluation"] = {k: round(v, 4) for k, v in se_thr.items()}
    figures = {
        "summedits_all_bacc": ablation[se_key]["summedits_all"],
        "summedits_test_bacc": ablation[se_key]["summedits_test"],
    }
    for key, loader in (("frank", load_frank), ("xsumfaith", load_xsumfaith)):
        its, ys = loader(limit=150 if quick else None)
        xs = featurise(its, cache)
        for name, sc in scores(xs, model).items():
            ablation.setdefault(name, {})[key] = bacc(ys, (sc >= thresholds[name]).astype(int))
        figures[f"{key}_bacc"] = ablation[frank_key][key]
        out[f"{key}_items"] = len(its)
    save_word_cache(CACHE / "words.npz")
    out["figures"] = figures
    out["model"] = {"summedits": se_key, "frank and xsumfaith": frank_key}
    return out
