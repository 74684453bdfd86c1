"""Is a derived text (a summary, a rewrite) supported by its source? Features plus a small logistic model.

Features are computed per derived sentence against the source sentences and then pooled (the weakest sentence
decides, as one unsupported claim makes the text inconsistent):

* embedding support: the best cosine of the sentence to any source sentence (MiniLM vectors, computed once);
* novelty of the checkable parts: content words, capitalised names, figures and negations of the sentence that its
  best source sentences (and the whole source) lack; and how close each novel word is to *some* source word
  (by spelling: an inflection is near, a new word is far).

The model (``model/consistency.json``: feature means/scales, weights, bias, threshold) is trained offline by
``bench/train_consistency.py`` on synthetic pairs made from ECB+ news sentences; see docs/crosscheck.md.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from storytrace.crosscheck.text import content_words, is_negation, stem, words
from storytrace.crosscheck.wordsupport import WORD_FEATURES, pool, sentence_features
from storytrace.embed import embed
from storytrace.ingest.sentences import split_sentences

MODEL_PATH = Path(__file__).parent / "model" / "consistency.json"
FEATURES = [
    "min_support",  # weakest derived sentence: its best cosine to a source sentence
    "mean_support",
    "novel_content_share",  # derived content stems found nowhere in the source
    "novel_content_count",
    "novel_local_share",  # ...not in the 3 best-matching source sentences
    "novel_names",  # capitalised words (not sentence-initial) absent from the source
    "novel_numbers",
    "negation_mismatch",  # a sentence negated where its best source sentence is not, or the reverse
    "worst_novel_word_sim",  # the least source-like novel word: max cosine to any source word
    "mean_novel_word_sim",
    "novel_bigram_share",
    "length_ratio",
    *WORD_FEATURES,  # the word diff against the aligned source span (wordsupport.py)
]
BASE_FEATURES = 12
_NUM = re.compile(r"\d[\d,.]*")
_CAP = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z]+")


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)] or [text]


_WORD_CACHE: dict[str, np.ndarray] = {}


def word_vectors(ws: Sequence[str]) -> np.ndarray:
    """MiniLM vectors of single words, cached across calls (sources share most of their vocabulary)."""
    missing = [w for w in dict.fromkeys(ws) if w not in _WORD_CACHE]
    if missing:
        for w, v in zip(missing, embed(missing, batch_size=256), strict=True):
            _WORD_CACHE[w] = v
    if not ws:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_WORD_CACHE[w] for w in ws])


def load_word_cache(path: Path) -> None:
    """Fill the word-vector cache from an ``.npz`` written by :func:`save_word_cache` (benchmarks reuse it)."""
    if path.exists():
        with np.load(path) as z:
            words_ = [str(w) for w in z["words"]]
            _WORD_CACHE.update(zip(words_, z["vecs"], strict=True))


def save_word_cache(path: Path) -> None:
    if _WORD_CACHE:
        ws = sorted(_WORD_CACHE)
        np.savez(path, words=np.array(ws), vecs=np.stack([_WORD_CACHE[w] for w in ws]))


@dataclass
class Source:
    """A source text prepared once (sentences, vectors, stems) and checked against many derived texts."""

    text: str
    sents: list[str]
    vecs: np.ndarray
    stems: set[str]
    sent_stems: list[set[str]]
    names: set[str]
    numbers: set[str]
    bigrams: set[tuple[str, str]]
    words: list[str]
    word_vecs: np.ndarray | None = None

    @classmethod
    def build(cls, text: str, sents: list[str] | None = None, vecs: np.ndarray | None = None) -> Source:
        sents = sents or sentences(text)
        vecs = embed(sents) if vecs is None else vecs
        ws = words(text)
        return cls(
            text=text,
            sents=sents,
            vecs=vecs,
            stems={stem(w) for w in ws},
            sent_stems=[{stem(w) for w in words(s)} for s in sents],
            names={m.group().lower() for m in re.finditer(r"\b[A-Z][a-zA-Z]+", text)},
            numbers={n.strip(".,") for n in _NUM.findall(text)},
            bigrams=set(itertools.pairwise(ws)),
            words=sorted({w for w in content_words(text) if w.isalpha()}),
        )

    def source_word_vecs(self) -> np.ndarray:
        if self.word_vecs is None:
            self.word_vecs = word_vectors(self.words)
        return self.word_vecs


def features(src: Source, derived: str, derived_vecs: np.ndarray | None = None) -> np.ndarray:
    dsents = sentences(derived)
    dvecs = embed(dsents) if derived_vecs is None else derived_vecs
    sims = dvecs @ src.vecs.T if len(src.vecs) else np.zeros((len(dsents), 1))
    best = sims.max(axis=1)
    novel_all: list[str] = []
    local_share = []
    neg_mismatch = 0.0
    for i, s in enumerate(dsents):
        cw = [w for w in content_words(s) if w.isalpha() or w.isdigit()]
        top = np.argsort(-sims[i])[:3]
        local = set().union(*(src.sent_stems[j] for j in top)) if len(src.sent_stems) else set()
        novel_all += [w for w in cw if stem(w) not in src.stems]
        local_share.append(sum(stem(w) not in local for w in cw) / max(len(cw), 1))
        neg_d = any(is_negation(w) for w in words(s))
        neg_s = any(is_negation(w) for w in words(src.sents[int(top[0])])) if len(top) else False
        neg_mismatch = max(neg_mismatch, float(neg_d != neg_s))
    dw = words(derived)
    cw_all = [w for w in content_words(derived) if w.isalpha() or w.isdigit()]
    names = {m.group().lower() for m in _CAP.finditer(derived)}
    novel_names = sum(n not in src.names and stem(n) not in src.stems for n in names)
    novel_numbers = sum(n.strip(".,") not in src.numbers for n in _NUM.findall(derived))
    novel_words = sorted({w for w in novel_all if w.isalpha()})
    if novel_words and src.words:
        # spelling-level closeness of each novel word to the nearest source word ("attacked" ~ "attack"); word
        # vectors would catch synonyms too, but embedding every source's vocabulary costs too much on 2 cores
        wsims = np.array(
            [(process.extractOne(w, src.words, scorer=fuzz.ratio) or ("", 0.0))[1] / 100 for w in novel_words]
        )
        worst, mean_w = float(wsims.min()), float(wsims.mean())
    else:
        worst, mean_w = 1.0, 1.0
    bigrams = list(itertools.pairwise(dw))
    swords = src.words
    svecs = src.source_word_vecs()
    word_rows = []
    for i, s in enumerate(dsents):
        best2 = [int(j) for j in np.argsort(-sims[i])[:2]] if len(src.sents) else []
        word_rows.append(
            sentence_features(
                s,
                [src.sents[j] for j in best2],
                src.stems,
                swords,
                src.numbers,
                src.names,
                word_vectors,
                svecs,
            )
        )
    base = np.array(
        [
            float(best.min()),
            float(best.mean()),
            len(novel_all) / max(len(cw_all), 1),
            float(len(novel_all)),
            float(max(local_share, default=0.0)),
            float(novel_names),
            float(novel_numbers),
            neg_mismatch,
            worst,
            mean_w,
            sum(b not in src.bigrams for b in bigrams) / max(len(bigrams), 1),
            len(dw) / max(len(words(src.text)), 1),
        ],
        dtype=np.float64,
    )
    return np.concatenate([base, pool(word_rows)])


@dataclass
class ConsistencyModel:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    columns: list[int]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ConsistencyModel:
        d = json.loads(path.read_text())
        return cls(
            np.array(d["mean"]),
            np.array(d["scale"]),
            np.array(d["weights"]),
            float(d["bias"]),
            float(d["threshold"]),
            list(d.get("columns", range(len(FEATURES)))),
        )

    def prob_consistent(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)[:, self.columns]
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def consistent(self, x: np.ndarray) -> np.ndarray:
        return self.prob_consistent(x) >= self.threshold


@functools.lru_cache(maxsize=1)
def default_model() -> ConsistencyModel | None:
    return ConsistencyModel.load() if MODEL_PATH.exists() else None
